/**
 * Sync status in words (issue 17 defect 5): a team bundle held back because it deletes many
 * records is shown as held — in the header, not as a green "Synced" — with who sent it and what
 * it would do, and the button to decide is right there (no "Try again" first).
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { edit, newNoteId, noteEdits, type Team } from '../fixtures/bundles.js';
import { syncTeam } from '../integration/sync/support/sync-team.js';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection, tempDir, type TestRuntime } from '../support/runtime.js';

let app: BrowserApp | undefined;
let team: Team | undefined;
const folders: string[] = [];
afterEach(async () => {
  await app?.close();
  for (const inspector of team?.inspectors ?? []) inspector.dispose();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  team = undefined;
});

const useFolder = (runtime: TestRuntime, inspectionId: string, location: string) =>
  runtime.call('sync.saveTarget', { inspectionId, kind: 'folder', location, auth: 'none' });

describe.skipIf(!chromiumAvailable)('a held bundle in the browser', () => {
  it('is shown as held, by whom and with what, and the lead decides from the sync dialog', async () => {
    const share = tempDir('fieldwork-e2e-held-');
    folders.push(share);
    team = await syncTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0] as TestRuntime;
    for (const member of [lead, inspector]) await useFolder(member, inspectionId, share);
    const notes = Array.from({ length: 12 }, () => newNoteId());
    for (const id of notes) edit(lead.ctx, inspectionId, noteEdits(id, `Lead note ${id}.`));
    expect((await lead.call('sync.now', { inspectionId, direction: 'both' })).pushed).toBe(1);
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).pulled).toBe(1);
    edit(
      inspector.ctx,
      inspectionId,
      notes.map((id) => ({ table: 'evidence_note' as const, row: id, field: '_deleted', value: true })),
    );
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).pushed).toBe(1);

    // The lead's own data folder, opened in browser mode.
    const leadDir = lead.dir;
    lead.close();
    folders.push(leadDir);
    app = await launchApp({ dir: leadDir });
    const { page } = app;
    expect(await app.runtime.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ failedPulls: 1 });
    await page.reload();
    await page.getByRole('button', { name: sampleInspection.localAuthority }).click();

    const indicator = page.getByRole('button', { name: /1 bundle held for your decision/ });
    await indicator.waitFor();
    expect(await page.getByRole('button', { name: /^Synced/ }).count()).toBe(0);
    await app.screenshot('sync-header-held');
    await indicator.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Team bundles held for your decision' }).waitFor();
    const held = dialog.getByRole('listitem', { name: 'Held: From Inspector 1' });
    await held.getByText(/From Inspector 1: This bundle would delete 12 records/).waitFor();
    await dialog.getByText('1 bundle held for your decision').waitFor();
    expect(await held.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('sync-dialog-held');

    const decide = held.getByRole('button', { name: 'Merge it, including its deletions' });
    await decide.focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'Team bundles held for your decision' }).waitFor({ state: 'detached' });
    const live = app.runtime.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number };
    expect(live.n).toBe(0);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: /held for your decision/ }).count()).toBe(0);
  }, 180_000);
});
