/**
 * Issue 13, "the lead confirms what widens the audience", with real encrypted bundles between
 * real stores: a member's bundle that would add an outsider (with keys), or bring a removed
 * member back, is held for the lead: the rest of it (an escalation included) is imported at
 * once, the held change is listed by team.heldKeys, the lead's export stays closed to the held
 * key, and once the lead confirms, the change is the lead's own and reaches every laptop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { exportTo, importFile, joinAll, makeTeam, type Team } from '../../fixtures/bundles.js';
import { decryptPlain } from '../../fixtures/bundle-craft.js';
import { hostileWrite } from '../../fixtures/hostile-client.js';
import { tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

let team: Team;
let outsider: TestRuntime;
let folder: string;
let n = 0;
const h = () => team.inspectors[0] as TestRuntime;
const b = () => team.inspectors[1] as TestRuntime;
const path = () => join(folder, `hold${(n += 1)}.fwbundle`);

async function send(from: TestRuntime, to: TestRuntime) {
  const file = path();
  await exportTo(from.ctx, team.inspectionId, file, { mode: 'full' });
  return importFile(to.ctx, file);
}

async function leadExport(): Promise<Buffer> {
  const file = path();
  await exportTo(team.lead.ctx, team.inspectionId, file, { mode: 'full' });
  return readFileSync(file);
}

beforeAll(async () => {
  team = await makeTeam(2, { encrypted: true });
  outsider = await testRuntime({ encrypted: true });
  folder = tempDir('fieldwork-authority-hold-');
  await joinAll(team, folder);
}, 120_000);
afterAll(() => {
  team.dispose();
  outsider.dispose();
});

describe('what widens the audience waits for the lead', () => {
  it('a member adding an outsider is held, the escalation beside it is imported, and the key counts only after the lead confirms', async () => {
    const { lead, inspectionId } = team;
    const planted = newId();
    hostileWrite(h().ctx, inspectionId, [
      { table: 'team_member', row: planted, field: 'name', value: 'Outsider' },
      { table: 'team_member', row: planted, field: 'role', value: 'inspector' },
      { table: 'team_member', row: planted, field: 'signing_key', value: outsider.ctx.device.author },
      { table: 'team_member', row: planted, field: 'box_key', value: outsider.ctx.device.ageRecipient },
    ]);
    const esc = await h().call('escalations.raise', { inspectionId, concern: 'Child left alone overnight' });
    const rosterBefore = await lead.call('team.list', { inspectionId });
    // In the same bundle the member makes itself lead: refused, and it must not make the lead's
    // laptop think it is no longer the lead (which would let the outsider through unheld).
    const own = rosterBefore.find((m) => m.signingKey === h().ctx.device.author)!;
    hostileWrite(h().ctx, inspectionId, [{ table: 'team_member', row: own.id, field: 'role', value: 'lead' }]);

    const result = await send(h(), lead);
    expect(result.status).toBe('imported');
    expect(result.needsKeyConfirmation).toBe(true);
    expect(result.held).toEqual([
      expect.objectContaining({
        member: expect.objectContaining({ name: 'Inspector 1' }),
        change: 'add “Outsider” to the team',
        message: expect.stringMatching(
          /^Inspector 1 wants to add “Outsider” to the team\. It takes effect.*only once you confirm it/,
        ),
      }),
    ]);
    expect(result.refused.map((r) => r.change)).toEqual(['make “Inspector 1” the lead']);
    // The escalation in the same bundle is in at once.
    expect((await lead.call('escalations.list', { inspectionId })).map((e) => e.id)).toContain(esc.id);
    // The roster is as it was; the held keys are listed for the lead.
    expect((await lead.call('team.list', { inspectionId })).map((m) => m.id).sort()).toEqual(
      rosterBefore.map((m) => m.id).sort(),
    );
    const held = await lead.call('team.heldKeys', { inspectionId });
    expect(held.map((k) => [k.kind, k.key, k.memberName, k.by.name]).sort()).toEqual(
      [
        ['box_key', outsider.ctx.device.ageRecipient, 'Outsider', 'Inspector 1'],
        ['signing_key', outsider.ctx.device.author, 'Outsider', 'Inspector 1'],
      ].sort(),
    );
    // The lead's export before confirming cannot be read with the held key.
    const closed = await leadExport();
    await expect(decryptPlain(closed, { identity: outsider.ctx.device.ageIdentity })).rejects.toThrow();
    await expect(decryptPlain(closed, { identity: b().ctx.device.ageIdentity })).resolves.toBeInstanceOf(Buffer);
    // Another inspector refuses the same change outright (only the lead can make it).
    const atB = await send(h(), b());
    expect(atB.held).toEqual([]);
    expect(atB.refused.map((r) => r.rule)).toContain('roster-lead-only');
    expect((await b().call('team.list', { inspectionId })).some((m) => m.name === 'Outsider')).toBe(false);
    // An inspector cannot confirm keys.
    await expect(b().call('team.confirmKeys', { inspectionId })).rejects.toMatchObject({ code: 'forbidden' });

    // The lead confirms: the outsider is on the team, signed by the lead, and can read the next export.
    const confirmed = await lead.call('team.confirmKeys', { inspectionId, opIds: [held[0]!.opId] });
    expect(confirmed.confirmed).toBe(4);
    expect(await lead.call('team.heldKeys', { inspectionId })).toEqual([]);
    const added = (await lead.call('team.list', { inspectionId })).find((m) => m.name === 'Outsider');
    expect(added).toMatchObject({
      signingKey: outsider.ctx.device.author,
      boxKey: outsider.ctx.device.ageRecipient,
      role: 'inspector',
    });
    expect(added?.lastChange?.byKey).toBe(lead.ctx.device.author);
    const open = await leadExport();
    await expect(decryptPlain(open, { identity: outsider.ctx.device.ageIdentity })).resolves.toBeInstanceOf(Buffer);
    // Re-importing the member's bundle does not hold it again.
    const again = await send(h(), lead);
    expect(again.held).toEqual([]);
    // Every laptop follows the lead's confirmation.
    await send(lead, b());
    expect((await b().call('team.list', { inspectionId })).find((m) => m.name === 'Outsider')?.signingKey).toBe(
      outsider.ctx.device.author,
    );
  });

  it('a member bringing back a removed member is held until the lead confirms', async () => {
    const { lead, inspectionId } = team;
    const row = (await lead.call('team.list', { inspectionId })).find((m) => m.name === 'Outsider')!;
    await lead.call('team.remove', { id: row.id });
    await send(lead, h());
    hostileWrite(h().ctx, inspectionId, [{ table: 'team_member', row: row.id, field: '_deleted', value: false }]);
    const result = await send(h(), lead);
    expect(result.needsKeyConfirmation).toBe(true);
    expect(result.held.map((x) => x.change)).toEqual(['bring “Outsider” back to the team']);
    expect((await lead.call('team.heldKeys', { inspectionId })).map((k) => [k.kind, k.memberName])).toEqual([
      ['restore', 'Outsider'],
    ]);
    expect((await lead.call('team.list', { inspectionId })).some((m) => m.id === row.id)).toBe(false);
    const closed = await leadExport();
    await expect(decryptPlain(closed, { identity: outsider.ctx.device.ageIdentity })).rejects.toThrow();
    await lead.call('team.confirmKeys', { inspectionId });
    expect((await lead.call('team.list', { inspectionId })).some((m) => m.id === row.id)).toBe(true);
    await expect(decryptPlain(await leadExport(), { identity: outsider.ctx.device.ageIdentity })).resolves.toBeInstanceOf(Buffer);
  });
});
