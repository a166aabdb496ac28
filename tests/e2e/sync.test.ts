import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorDir } from '../../main/sync/sync-target.js';
import { edit, newNoteId, noteEdits } from '../fixtures/bundles.js';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection, tempDir } from '../support/runtime.js';
import { DAV_USER, startWebdav, type DavFixture } from '../integration/sync/support/webdav-fixture.js';
import { readStoreFile } from '../support/given.js';

let app: BrowserApp | undefined;
let dav: DavFixture | undefined;
let share: string | undefined;
afterEach(async () => {
  await app?.close();
  await dav?.close();
  if (share) rmSync(share, { recursive: true, force: true });
  app = undefined;
  dav = undefined;
  share = undefined;
});

async function openInspection(current: BrowserApp): Promise<string> {
  const inspection = await current.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    leadName: 'Asha Patel',
  });
  await current.page.reload();
  await current.page.getByRole('button', { name: sampleInspection.localAuthority }).click();
  await current.page.getByRole('heading', { name: 'Set-up and team' }).waitFor();
  return inspection.id;
}

describe('sync in the browser', () => {
  it('sets up a shared folder from the keyboard, tests it, syncs, and the status shows it', async () => {
    app = await launchApp();
    const { page } = app;
    const inspectionId = await openInspection(app);
    edit(app.runtime.ctx, inspectionId, noteEdits(newNoteId(), 'Clear plan for the child.'));
    share = tempDir('fieldwork-e2e-share-');

    const indicator = page.getByRole('button', { name: 'Sync not set up' });
    await indicator.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Sync', exact: true }).waitFor();
    await dialog.getByLabel('Folder').fill(share);
    await dialog.getByRole('button', { name: 'Test connection' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByText(`Connected. Fieldwork can read and write in the folder ${share}.`).waitFor();
    await dialog.getByRole('button', { name: 'Save sync location' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByText('Sync location saved.').waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-settings-folder');

    await dialog.getByRole('button', { name: 'Sync now' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByText('Synced: sent 1 bundle.').waitFor();
    await dialog.getByText('None: everything on this laptop has been sent').waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-dialog-synced');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Synced \d\d:\d\d$/ }).waitFor();
    await app.screenshot('sync-header-synced');

    const files = readdirSync(join(share, inspectionId, authorDir(app.runtime.ctx.device.author)));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.fwbundle$/);
    const db = readStoreFile(app.runtime.storePath, app.runtime.ctx.device);
    try {
      expect(db.prepare('SELECT kind, location, auth FROM sync_target').all()).toEqual([
        { kind: 'folder', location: share, auth: 'none' },
      ]);
      expect(db.prepare('SELECT sha256, kind FROM sync_pushed').all()).toEqual([
        { sha256: files[0]!.slice(0, 64), kind: 'published' },
      ]);
      expect(db.prepare('SELECT count(*) AS n FROM sync_outbox').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('a wrong WebDAV password is explained in plain words and shown in the header', async () => {
    dav = await startWebdav();
    app = await launchApp();
    const { page } = app;
    const inspectionId = await openInspection(app);
    edit(app.runtime.ctx, inspectionId, noteEdits(newNoteId(), 'Waiting to go.'));

    await page.getByRole('button', { name: 'Sync not set up' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Sync to').selectOption('webdav');
    await dialog.getByLabel('Web address').fill(dav.url);
    await dialog.getByLabel('User name').fill(DAV_USER);
    await dialog.getByLabel('Password').fill('not the password');
    await dialog.getByRole('button', { name: 'Save sync location' }).click();
    await dialog.getByText('Sync location saved.').waitFor();
    await dialog.getByRole('button', { name: 'Sync now' }).click();
    await dialog
      .getByText(/did not accept the user name and password/)
      .first()
      .waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-dialog-wrong-password');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: /^Sync problem: wrong password · \d+ waiting$/ }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-header-problem');

    const db = readStoreFile(app.runtime.storePath, app.runtime.ctx.device);
    try {
      expect(db.prepare('SELECT last_error_kind AS kind FROM sync_state').get()).toEqual({ kind: 'auth' });
      const raw = JSON.stringify(db.prepare('SELECT * FROM sync_target').all());
      expect(raw).not.toContain('not the password');
    } finally {
      db.close();
    }
    expect(readdirSync(dav.root)).toEqual([]);
  });

  it('coming back online syncs by itself, with no button pressed', async () => {
    app = await launchApp();
    const { page } = app;
    const inspectionId = await openInspection(app);
    share = tempDir('fieldwork-e2e-share-');
    await app.runtime.call('sync.saveTarget', { inspectionId, kind: 'folder', location: share, auth: 'none' });
    edit(app.runtime.ctx, inspectionId, noteEdits(newNoteId(), 'Written on the train.'));
    // A reload keeps the place (the inspection is in the URL) and opens it again.
    await page.reload();
    // Opening the inspection already syncs once; add a change afterwards and go offline.
    await page.getByRole('button', { name: /^Synced \d\d:\d\d$/ }).waitFor();
    edit(app.runtime.ctx, inspectionId, noteEdits(newNoteId(), 'Written in the tunnel.'));
    const dir = join(share, inspectionId, authorDir(app.runtime.ctx.device.author));
    expect(readdirSync(dir)).toHaveLength(1);
    await page.context().setOffline(true);
    await page.context().setOffline(false);
    await expect.poll(() => readdirSync(dir).length, { timeout: 20_000 }).toBe(2);
    await page.getByRole('button', { name: /^Synced \d\d:\d\d$/ }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-header-after-online');
  });
});
