/**
 * Issue 13 in the browser: a lead importing a hostile member's bundle on the Bundles screen
 * sees, beside "Imported", each change that was not applied and each key that waits for them,
 * in sentences naming the member and the change; the honest note in the same bundle is in.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../shared/domain/ids.js';
import { edit, exportTo, joinAll, makeTeam, noteEdits, type Team } from '../fixtures/bundles.js';
import { hostileWrite } from '../fixtures/hostile-client.js';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../support/runtime.js';

let app: BrowserApp | undefined;
let team: Team | undefined;
let outsider: TestRuntime | undefined;
const folders: string[] = [];
afterEach(async () => {
  await app?.close();
  for (const inspector of team?.inspectors ?? []) inspector.dispose();
  outsider?.dispose();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  team = undefined;
});

describe.skipIf(!chromiumAvailable)('authority notices in the browser', () => {
  it('names what a member’s bundle tried and did not get, and what waits for the lead', async () => {
    const folder = tempDir('fieldwork-e2e-authority-');
    folders.push(folder);
    team = await makeTeam(1);
    outsider = await testRuntime();
    await joinAll(team, folder);
    const { lead, inspectionId } = team;
    const h = team.inspectors[0] as TestRuntime;
    const leadRow = (await lead.call('team.list', { inspectionId })).find((m) => m.role === 'lead')!;
    const planted = newId();
    hostileWrite(h.ctx, inspectionId, [
      { table: 'team_member', row: planted, field: 'name', value: 'Outsider' },
      { table: 'team_member', row: planted, field: 'role', value: 'inspector' },
      { table: 'team_member', row: planted, field: 'signing_key', value: outsider.ctx.device.author },
      { table: 'team_member', row: planted, field: 'box_key', value: outsider.ctx.device.ageRecipient },
    ]);
    hostileWrite(h.ctx, inspectionId, [{ table: 'team_member', row: leadRow.id, field: 'role', value: 'inspector' }]);
    edit(h.ctx, inspectionId, noteEdits(newId(), 'Honest note in the hostile bundle'));
    const file = join(folder, 'inspector-1.fwbundle');
    await exportTo(h.ctx, inspectionId, file, { mode: 'full' });

    const leadDir = lead.dir;
    lead.close();
    folders.push(leadDir);
    app = await launchApp({ dir: leadDir });
    const { page } = app;
    await page.reload();
    await page.getByRole('button', { name: sampleInspection.localAuthority }).click();
    await page.getByRole('button', { name: 'Bundles and sync', exact: true }).click();
    await page.getByLabel('Bundle files').setInputFiles([file]);
    const list = page.getByRole('list', { name: 'Files being imported' });
    await list.getByText(/^Imported: /).waitFor();
    const refused = list.getByRole('list', { name: 'Changes not applied' });
    await refused
      .getByText(/^Inspector 1 is not the lead, so their change to make “Asha Patel” inspector was not applied/)
      .waitFor();
    const held = list.getByRole('list', { name: 'Changes waiting for you' });
    await held.getByText(/^Inspector 1 wants to add “Outsider” to the team\. It takes effect/).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('bundle-import-authority-notices');
    const texts = (await app.runtime.call('evidence.list', { inspectionId })).notes.map((n) => n.text);
    expect(texts).toContain('Honest note in the hostile bundle');
    expect((await app.runtime.call('team.list', { inspectionId })).find((m) => m.id === leadRow.id)?.role).toBe('lead');
  }, 180_000);
});
