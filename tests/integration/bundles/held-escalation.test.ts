/**
 * Escalations never wait (issue 12, item 5): a bundle that would delete more than ten records
 * waits for the lead's decision, but only its deletions wait. Its escalation is merged and on
 * the lead's list at once, through a dropped file (left unconfirmed, as after "Skip this file")
 * and through a sync pull; the answer names who deleted what and how many of which record;
 * confirming later merges the deletions.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { edit, exportTo, importFile, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir, type TestRuntime } from '../../support/runtime.js';

let team: Team | undefined;
const folders: string[] = [];
afterEach(() => {
  team?.dispose();
  team = undefined;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const live = (runtime: TestRuntime) =>
  (runtime.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number }).n;

/** The lead's 12 notes reach the inspector, who deletes them all and raises a child-at-risk escalation. */
async function deletionsWithEscalation(): Promise<{ team: Team; inspector: TestRuntime; folder: string; concern: string }> {
  const made = await makeTeam(1);
  team = made;
  const folder = tempDir('fieldwork-held-esc-');
  folders.push(folder);
  await joinAll(made, folder);
  const inspector = made.inspectors[0] as TestRuntime;
  const notes = Array.from({ length: 12 }, () => newNoteId());
  for (const id of notes) edit(made.lead.ctx, made.inspectionId, noteEdits(id, `Lead note ${id}.`));
  const publication = join(folder, 'lead.fwbundle');
  await exportTo(made.lead.ctx, made.inspectionId, publication);
  await importFile(inspector.ctx, publication);
  edit(
    inspector.ctx,
    made.inspectionId,
    notes.map((id) => ({ table: 'evidence_note' as const, row: id, field: '_deleted', value: true })),
  );
  const concern = 'Child A left alone overnight; no safety plan on file.';
  await inspector.call('escalations.raise', { inspectionId: made.inspectionId, concern });
  return { team: made, inspector, folder, concern };
}

async function refusalOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('a bundle held for its deletions', () => {
  it('merges its escalation at once, names what is held, and merges the deletions once confirmed', async () => {
    const { team: t, inspector, folder, concern } = await deletionsWithEscalation();
    const bundle = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, t.inspectionId, bundle);
    const bytes = readFileSync(bundle);

    const held = await refusalOf(t.lead.call('bundles.import', { fileName: 'inspector.fwbundle', bytes }));
    expect(held.details).toMatchObject({ reason: 'needs-confirmation', deletions: 12, escalations: 1 });
    expect(held.message).toContain('This bundle would delete 12 records (12 evidence notes deleted by Inspector 1)');
    expect(held.message).toContain('1 escalation, which is on the escalations banner');
    // The user leaves it ("Skip this file"): the escalation is on the lead's list, the notes are not deleted.
    const open = await t.lead.call('escalations.list', { inspectionId: t.inspectionId, openOnly: true });
    expect(open.map((e) => e.concern)).toEqual([concern]);
    expect(live(t.lead)).toBe(12);

    // Asked again, it is still held (the held deletions count again); nothing else changes.
    const again = await refusalOf(t.lead.call('bundles.import', { fileName: 'inspector.fwbundle', bytes }));
    expect(again.details).toMatchObject({ reason: 'needs-confirmation', deletions: 12 });
    expect(live(t.lead)).toBe(12);
    // The audience hold's list is not filled with deletions.
    expect(await t.lead.call('team.heldKeys', { inspectionId: t.inspectionId })).toEqual([]);

    const confirmed = await t.lead.call('bundles.import', {
      fileName: 'inspector.fwbundle',
      bytes,
      confirmDeletions: true,
    });
    expect(confirmed).toMatchObject({ status: 'imported', deletions: 12 });
    expect(live(t.lead)).toBe(0);
    expect((await t.lead.call('escalations.list', { inspectionId: t.inspectionId, openOnly: true })).length).toBe(1);
  }, 60_000);

  it('through a sync pull: the escalation is on the lead’s list while the bundle waits; "Merge it" deletes', async () => {
    const { team: t, inspector, concern } = await deletionsWithEscalation();
    const share = tempDir('fieldwork-held-esc-share-');
    folders.push(share);
    for (const member of [t.lead, inspector])
      await member.call('sync.saveTarget', { inspectionId: t.inspectionId, kind: 'folder', location: share, auth: 'none' });
    expect((await inspector.call('sync.now', { inspectionId: t.inspectionId, direction: 'push' })).pushed).toBe(1);
    const run = await t.lead.call('sync.now', { inspectionId: t.inspectionId, direction: 'pull' });
    expect(run.failedPulls).toBe(1);
    const open = await t.lead.call('escalations.list', { inspectionId: t.inspectionId, openOnly: true });
    expect(open.map((e) => e.concern)).toEqual([concern]);
    expect(live(t.lead)).toBe(12);
    const status = await t.lead.call('sync.status', { inspectionId: t.inspectionId });
    const waiting = JSON.stringify(status);
    expect(waiting).toContain('12 evidence notes deleted by Inspector 1');
    const sha = /"sha256":"([0-9a-f]{64})"/.exec(waiting)?.[1] as string;
    const merged = await t.lead.call('sync.retryPull', { inspectionId: t.inspectionId, sha256: sha, confirmDeletions: true });
    expect(merged.status).toBe('imported');
    expect(live(t.lead)).toBe(0);
  }, 60_000);
});
