/**
 * Issue 13's attacks on what is settled, on escalations and on authorship, with real bundles
 * between real stores; and defect 5 (a removed member's work carried by an honest member).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { edit, exportTo, importFile, joinAll, makeTeam, noteEdits, type Team } from '../../fixtures/bundles.js';
import { hostileWrite } from '../../fixtures/hostile-client.js';
import { tempDir, type TestRuntime } from '../../support/runtime.js';

let team: Team;
let folder: string;
let n = 0;
const h = () => team.inspectors[0] as TestRuntime;
const b = () => team.inspectors[1] as TestRuntime;
const path = () => join(folder, `b${(n += 1)}.fwbundle`);

async function send(from: TestRuntime, to: TestRuntime) {
  const file = path();
  await exportTo(from.ctx, team.inspectionId, file, { mode: 'full' });
  return importFile(to.ctx, file);
}

beforeAll(async () => {
  team = await makeTeam(2);
  folder = tempDir('fieldwork-authority-');
  await joinAll(team, folder);
}, 60_000);
afterAll(() => team.dispose());

describe('the authority model at import', () => {
  it('a member’s own commands are judged by the same model: agreed evidence, a described concern', async () => {
    const { lead, inspectionId } = team;
    const note = newId();
    edit(lead.ctx, inspectionId, noteEdits(note, 'Plan reviewed late'));
    const f = await lead.call('findings.create', {
      inspectionId,
      fields: { kind: 'improvement', statement: 'Plans drift', agencies: ['social_care'], theme: 'Voice' },
    });
    await lead.call('findings.link', { findingId: f.id, noteId: note });
    await lead.call('findings.setStatus', { id: f.id, status: 'proposed' });
    await lead.call('findings.setStatus', { id: f.id, status: 'agreed', reason: 'Moderation meeting' });
    await send(lead, h());
    // Taking evidence from an agreed finding is the lead's, with a reason (finding_evidence ops).
    await expect(h().call('findings.unlink', { findingId: f.id, noteId: note, reason: 'Wrong child' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(lead.call('findings.unlink', { findingId: f.id, noteId: note })).rejects.toMatchObject({
      message: expect.stringMatching(/reason/),
    });
    // A flagged escalation's placeholder is described once by its raiser; after that it stays.
    const flagged = await h().call('escalations.raise', { inspectionId, concern: '' });
    const described = await h().call('escalations.update', { id: flagged.id, concern: 'Child left alone overnight' });
    expect(described.concern).toBe('Child left alone overnight');
    await expect(h().call('escalations.update', { id: flagged.id, concern: 'No concerns.' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await lead.call('findings.unlink', { findingId: f.id, noteId: note, reason: 'The note was about another child' });
    expect((await lead.call('findings.get', { id: f.id })).noteIds).toEqual([]);
  });

  it('a member cannot settle, unsettle or strip an agreed finding, rewrite or close another’s escalation, or forge authorship', async () => {
    const { lead, inspectionId } = team;
    const note = newId();
    edit(lead.ctx, inspectionId, noteEdits(note, 'Seen alone'));
    const f = await lead.call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 'Voice heard', agencies: ['social_care'], theme: 'Voice' },
    });
    await lead.call('findings.link', { findingId: f.id, noteId: note });
    await lead.call('findings.setStatus', { id: f.id, status: 'proposed' });
    await lead.call('findings.setStatus', { id: f.id, status: 'agreed', reason: 'Team meeting' });
    const esc = await b().call('escalations.raise', { inspectionId, concern: 'Child left alone overnight' });
    await send(b(), lead);
    await send(lead, h());
    await expect(h().call('findings.setStatus', { id: f.id, status: 'proposed', reason: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(h().call('escalations.close', { id: esc.id })).rejects.toMatchObject({ code: 'forbidden' });
    const linkRow = (await h().call('findings.get', { id: f.id })).noteIds;
    expect(linkRow).toEqual([note]);
    const forged = newId();
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding', row: f.id, field: 'status', value: 'proposed' },
      { table: 'finding', row: f.id, field: 'status_reason', value: 'reopened' },
    ]);
    hostileWrite(h().ctx, inspectionId, [{ table: 'escalation', row: esc.id, field: 'concern', value: 'No concerns.' }]);
    hostileWrite(h().ctx, inspectionId, [
      { table: 'escalation', row: esc.id, field: 'closed_at', value: '2026-11-04T10:00:00.000Z' },
      { table: 'escalation', row: esc.id, field: 'closed_by', value: h().ctx.device.author },
    ]);
    hostileWrite(h().ctx, inspectionId, [
      ...noteEdits(forged, 'Said by the lead'),
      { table: 'evidence_note', row: forged, field: 'author', value: lead.ctx.device.author },
    ]);
    const result = await send(h(), lead);
    expect(result.refused.map((r) => r.rule).sort()).toEqual(
      expect.arrayContaining(['settled-lead-only', 'concern-immutable', 'close-author-or-lead', 'authorship']),
    );
    expect(result.refused.every((r) => r.member.name === 'Inspector 1')).toBe(true);
    expect((await lead.call('findings.get', { id: f.id })).status).toBe('agreed');
    const after = (await lead.call('escalations.list', { inspectionId })).find((e) => e.id === esc.id);
    expect(after).toMatchObject({ concern: 'Child left alone overnight', closedAt: null });
    expect((await lead.call('evidence.get', { id: forged })).author.key).not.toBe(lead.ctx.device.author);
    // The other inspector reaches the same verdicts.
    await send(lead, b());
    expect((await b().call('findings.get', { id: f.id })).status).toBe('agreed');
    expect((await b().call('escalations.list', { inspectionId })).find((e) => e.id === esc.id)?.closedAt).toBeNull();
  });

  it('defect 5: after the lead removes a member, an honest member who merged their work is not refused', async () => {
    const { lead, inspectionId } = team;
    edit(h().ctx, inspectionId, noteEdits(newId(), 'Written before removal'));
    await send(h(), b());
    const row = (await lead.call('team.list', { inspectionId })).find((m) => m.signingKey === h().ctx.device.author)!;
    await lead.call('team.remove', { id: row.id });
    edit(b().ctx, inspectionId, noteEdits(newId(), 'Honest work'));
    const result = await send(b(), lead);
    expect(result.status).toBe('imported');
    const texts = (await lead.call('evidence.list', { inspectionId })).notes.map((x) => x.text);
    expect(texts).toEqual(expect.arrayContaining(['Written before removal', 'Honest work']));
    const again = await send(b(), lead);
    expect(again.newOps).toBe(0);
  });
});
