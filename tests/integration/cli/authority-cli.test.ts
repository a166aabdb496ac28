/**
 * Issue 13's attacks replayed with real bundles through the `fieldwork` CLI as a real process:
 * a hostile inspector (a modified client that skips its own laptop's checks) rewrites the
 * team, settles and unsettles findings, rewrites and closes another member's escalation and
 * forges authorship; the lead merges with `fieldwork merge` and nothing of it takes effect,
 * each change is named with its member, and the lead's next export cannot be read by the
 * outsider the inspector tried to add. Then defect 5: a removed member's work carried by an
 * honest member does not make the lead refuse the honest member's bundles.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { edit, exportTo, joinAll, noteEdits, makeTeam, type Team } from '../../fixtures/bundles.js';
import { decryptPlain } from '../../fixtures/bundle-craft.js';
import { hostileWrite } from '../../fixtures/hostile-client.js';
import { stepAsideFromLock, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
let team: Team;
let outsider: TestRuntime;
let folder: string;

function fieldwork(...args: string[]) {
  // This test keeps the team's stores open in-process while the CLI works on them.
  const dirs = team ? [team.lead.dir, ...team.inspectors.map((i) => i.dir)] : [];
  const run = stepAsideFromLock(dirs, () =>
    spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FIELDWORK_DATA: '' },
      timeout: 60_000,
    }),
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const hostile = () => team.inspectors[0] as TestRuntime;
const honest = () => team.inspectors[1] as TestRuntime;

beforeAll(async () => {
  ensureBuilt('cli');
  team = await makeTeam(2, { encrypted: true });
  outsider = await testRuntime({ encrypted: true });
  folder = tempDir('fieldwork-cli-authority-');
  await joinAll(team, folder);
}, 120_000);
afterAll(() => {
  team.dispose();
  outsider.dispose();
});

describe('the authority model through the CLI', () => {
  it('a member rewriting the team is not applied (the outsider waits for the lead), named in the merge, and the lead’s next export stays closed to the outsider', async () => {
    const { lead, inspectionId } = team;
    const h = hostile();
    // The member's own laptop refuses the command in words.
    await expect(
      h.call('team.add', {
        inspectionId,
        fields: {
          name: 'Outsider',
          inspectorate: 'ofsted',
          role: 'inspector',
          specialism: 'social_care',
          signingKey: outsider.ctx.device.author,
          boxKey: outsider.ctx.device.ageRecipient,
        },
      }),
    ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Only the lead can add, remove or re-key/) });
    // A modified client writes it anyway: add the outsider, demote the lead, make itself lead, remove the lead's row.
    const team0 = await lead.call('team.list', { inspectionId });
    const leadRow = team0.find((m) => m.role === 'lead')!;
    const ownRow = team0.find((m) => m.signingKey === h.ctx.device.author)!;
    const planted = newId();
    hostileWrite(h.ctx, inspectionId, [
      { table: 'team_member', row: planted, field: 'name', value: 'Outsider' },
      { table: 'team_member', row: planted, field: 'role', value: 'inspector' },
      { table: 'team_member', row: planted, field: 'signing_key', value: outsider.ctx.device.author },
      { table: 'team_member', row: planted, field: 'box_key', value: outsider.ctx.device.ageRecipient },
    ]);
    hostileWrite(h.ctx, inspectionId, [{ table: 'team_member', row: leadRow.id, field: 'role', value: 'inspector' }]);
    hostileWrite(h.ctx, inspectionId, [{ table: 'team_member', row: ownRow.id, field: 'role', value: 'lead' }]);
    const bundle = join(folder, 'hostile-team.fwbundle');
    await exportTo(h.ctx, inspectionId, bundle, { mode: 'full' });
    // Removing the lead's row: the lead can no longer read the member's bundles, but the other inspector can.
    hostileWrite(h.ctx, inspectionId, [{ table: 'team_member', row: leadRow.id, field: '_deleted', value: true }]);
    const removal = join(folder, 'hostile-removal.fwbundle');
    await exportTo(h.ctx, inspectionId, removal, { mode: 'full' });

    const before = await lead.call('team.list', { inspectionId });
    const run = fieldwork('merge', '--data', lead.storePath, bundle);
    expect(run.code, run.stderr).toBe(0);
    // Adding a member with keys widens the audience: it waits for the lead instead (authority-hold.test.ts).
    expect(run.stdout).toMatch(/waiting for you Inspector 1 wants to add “Outsider” to the team\. It takes effect/);
    expect(run.stdout).toMatch(/not applied .*Inspector 1 is not the lead, so their change to make “Asha Patel” inspector/);
    expect(run.stdout).toMatch(/not applied .*Inspector 1 is not the lead, so their change to make “Inspector 1” the lead/);
    const json = JSON.parse(fieldwork('merge', '--data', lead.storePath, bundle, '--json').stdout) as {
      files: { status: string }[];
    };
    expect(json.files[0]?.status).toBe('already_imported');

    // The lead's roster, recipients and routing are unchanged.
    const after = await lead.call('team.list', { inspectionId });
    expect(after.map(({ lastChange: _l, ...m }) => m)).toEqual(before.map(({ lastChange: _l, ...m }) => m));
    const out = join(folder, 'lead-next.fwbundle');
    const exported = fieldwork('export', '--data', lead.storePath, '--inspection', inspectionId, '--to', out, '--full');
    expect(exported.code, exported.stderr).toBe(0);
    const file = readFileSync(out);
    await expect(decryptPlain(file, { identity: outsider.ctx.device.ageIdentity })).rejects.toThrow();
    await expect(decryptPlain(file, { identity: honest().ctx.device.ageIdentity })).resolves.toBeInstanceOf(Buffer);
    // The other inspector merges the removal of the lead's row: not applied, and the lead's later bundles still come in.
    const b = honest();
    const removed = fieldwork('merge', '--data', b.storePath, removal);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(
      /not applied .*Inspector 1 is not the lead, so their change to remove “Asha Patel” from the team/,
    );
    expect((await b.call('team.list', { inspectionId })).some((m) => m.name === 'Outsider')).toBe(false);
    expect((await b.call('team.list', { inspectionId })).find((m) => m.role === 'lead')?.signingKey).toBe(lead.ctx.device.author);
    edit(lead.ctx, inspectionId, noteEdits(newId(), 'Lead note after the attack'));
    const later = join(folder, 'lead-later.fwbundle');
    await exportTo(lead.ctx, inspectionId, later);
    const merged = fieldwork('merge', '--data', b.storePath, later);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/^imported /);
  });
});
