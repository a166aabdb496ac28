import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { launchApp, type BrowserApp } from '../support/browser.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('inspections in the browser', () => {
  it('creates an inspection from the keyboard and it reaches the SQLite file with its ops', async () => {
    app = await launchApp();
    const { page } = app;
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('inspections-empty');

    await page.getByRole('button', { name: 'New inspection' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Local authority').fill('Northshire County Council');
    await dialog.getByLabel('Fieldwork starts').fill('2026-11-02');
    await dialog.getByLabel('Fieldwork ends').fill('2026-11-13');
    await dialog.getByLabel('Care Quality Commission').check();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('inspection-new');
    await dialog.getByRole('button', { name: 'Create inspection' }).click();

    await page.getByRole('heading', { name: 'Set-up and team' }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('inspection-setup');

    const db = new Database(app.runtime.storePath, { readonly: true });
    try {
      const row = db.prepare('SELECT id, local_authority, inspectorates, status FROM inspection').get() as Record<string, string>;
      expect(row.local_authority).toBe('Northshire County Council');
      expect(JSON.parse(row.inspectorates ?? '[]')).toEqual(['ofsted', 'cqc']);
      expect(row.status).toBe('setup');
      const ops = db.prepare("SELECT field, author FROM op WHERE tbl = 'inspection' AND row_id = ?").all(row.id) as {
        field: string;
        author: string;
      }[];
      expect(ops.map((o) => o.field)).toEqual(
        expect.arrayContaining(['local_authority', 'fieldwork_start', 'inspectorates', 'status']),
      );
      expect(new Set(ops.map((o) => o.author))).toEqual(new Set([app.runtime.ctx.device.author]));
    } finally {
      db.close();
    }

    await page.getByRole('button', { name: 'All inspections' }).click();
    await page.getByRole('button', { name: 'Northshire County Council' }).waitFor();
  });

  it('shows field messages for bad input and keeps what was typed', async () => {
    app = await launchApp();
    const { page } = app;
    await page.getByRole('button', { name: 'New inspection' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Local authority').fill('Westmoor');
    await dialog.getByLabel('Fieldwork starts').fill('2026-11-10');
    await dialog.getByLabel('Fieldwork ends').fill('2026-11-01');
    await dialog.getByRole('button', { name: 'Create inspection' }).click();
    await dialog.getByText('Fieldwork must end on or after the day it starts').waitFor();
    expect(await dialog.getByLabel('Local authority').inputValue()).toBe('Westmoor');
  });
});

describe('first run and retention in the browser', () => {
  it('asks for the inspector’s name, then purges an inspection only after its name is typed', async () => {
    app = await launchApp();
    const { page } = app;
    await page.getByLabel('Your name').fill('Asha Patel');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Welcome to Fieldwork' }).waitFor({ state: 'detached' });

    const inspection = await app.runtime.call('inspections.create', {
      fields: {
        type: 'focused_visit',
        localAuthority: 'Purgeton',
        fieldworkStart: '2026-10-01',
        fieldworkEnd: '2026-10-02',
        inspectorates: ['ofsted'],
      },
      leadName: 'Asha Patel',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Purgeton' }).click();
    await page.getByRole('button', { name: 'Purge inspection…' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Purge permanently' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type “Purgeton” to confirm').fill('Purgeton');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('inspection-purge');
    await confirm.click();
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await page.getByText('No inspections on this laptop yet.').waitFor();

    const db = new Database(app.runtime.storePath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM op WHERE inspection_id = ?').get(inspection.id)).toEqual({ n: 0 });
      expect(db.prepare('SELECT inspection_id, purged_by FROM purge_log').all()).toEqual([
        { inspection_id: inspection.id, purged_by: 'Asha Patel' },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('joining a team without a mouse', () => {
  it('an inspector joins from the lead’s set-up bundle chosen with the keyboard file picker', async () => {
    const lead = await launchApp();
    app = await launchApp();
    const inspector = app;
    try {
      const inspection = await lead.runtime.call('inspections.create', {
        fields: {
          type: 'focused_visit',
          localAuthority: 'Joinborough',
          fieldworkStart: '2026-11-02',
          fieldworkEnd: '2026-11-03',
          inspectorates: ['ofsted'],
        },
        leadName: 'Asha Patel',
      });
      await lead.runtime.call('team.add', {
        inspectionId: inspection.id,
        fields: {
          name: 'Ben Okafor',
          inspectorate: 'ofsted',
          role: 'inspector',
          specialism: 'social_care',
          signingKey: inspector.runtime.ctx.device.author,
          boxKey: inspector.runtime.ctx.device.ageRecipient,
        },
      });
      const setup = await lead.runtime.call('bundles.export', { inspectionId: inspection.id, mode: 'full', recipients: 'team' });
      const page = inspector.page;
      await page.getByRole('heading', { name: 'Inspections' }).waitFor();
      const picker = page.getByLabel('Join an inspection…');
      await picker.focus();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('file');
      await picker.setInputFiles({
        name: setup.fileName,
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(setup.bytes),
      });
      const dialog = page.getByRole('dialog', { name: 'Import bundles' });
      await dialog.getByLabel('The lead’s fingerprint matches').check();
      await dialog.getByRole('button', { name: 'Join and import' }).click();
      await dialog.getByText(/^Imported: \d+ new changes/).waitFor();
      await dialog.getByRole('button', { name: 'Open the inspection' }).click();
      await page.getByRole('heading', { name: 'Set-up and team' }).waitFor();
      expect(await inspector.axeViolations()).toEqual([]);
      const db = new Database(inspector.runtime.storePath, { readonly: true });
      try {
        expect(db.prepare('SELECT local_authority FROM inspection WHERE id = ?').get(inspection.id)).toEqual({
          local_authority: 'Joinborough',
        });
      } finally {
        db.close();
      }
    } finally {
      await lead.close();
    }
  });
});
