import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { authorDir } from '../../../main/sync/sync-target.js';
import { canonicalDump, edit, importFile, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';
import { allBundleFiles, bundlesOnTarget, cloneRuntime, syncTeam } from './support/sync-team.js';

let team: Team | undefined;
let others: TestRuntime[] = [];
let folders: string[] = [];
afterEach(() => {
  for (const r of others) r.close();
  team?.dispose();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
  team = undefined;
  others = [];
  folders = [];
});

function share(): string {
  const folder = tempDir('fieldwork-share-');
  folders.push(folder);
  return folder;
}

const useFolder = (runtime: TestRuntime, inspectionId: string, location: string) =>
  runtime.call('sync.saveTarget', { inspectionId, kind: 'folder', location, auth: 'none' });

describe('sync with a shared folder', () => {
  it('pushes, pulls and publishes through a folder; the lead equals a direct merge; a damaged file is set aside', async () => {
    const folder = share();
    team = await syncTeam(2);
    const { lead, inspectors, inspectionId } = team;
    for (const member of [lead, ...inspectors]) await useFolder(member, inspectionId, folder);
    const before = await cloneRuntime(lead);
    others.push(before);

    for (const [i, inspector] of inspectors.entries()) {
      edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), `Note ${i} written on site.`));
      expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
        outcome: 'synced',
        pushed: 1,
      });
      // A second change later makes a second bundle from the same laptop.
      edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), `Second note ${i}.`));
      expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
        outcome: 'synced',
        pushed: 1,
      });
      const files = bundlesOnTarget(folder, inspectionId, inspector.ctx.device.author);
      expect(files).toHaveLength(2);
      for (const file of files) expect(file.name).toBe(`${file.sha256}.fwbundle`);
    }
    // Something on the share whose bytes do not match its name (a damaged copy).
    const stranger = join(folder, inspectionId, 'ffffffffffffffffffffffffffffffff');
    mkdirSync(stranger);
    const fakeSha = createHash('sha256').update('something else').digest('hex');
    writeFileSync(join(stranger, `${fakeSha}.fwbundle`), 'not what the name promises');
    const inspectorFiles = inspectors.flatMap((i) =>
      bundlesOnTarget(folder, inspectionId, i.ctx.device.author).map((f) =>
        join(folder, inspectionId, authorDir(i.ctx.device.author), f.name),
      ),
    );

    const progress: string[] = [];
    const pulled = await invoke(
      lead.ctx,
      'sync.now',
      { inspectionId },
      { onProgress: (done, total, stage) => progress.push(`${done}/${total} ${stage}`) },
    );
    expect(pulled).toMatchObject({ outcome: 'synced', pulled: 4, failedPulls: 1, pushed: 1 });
    expect(progress).toEqual(
      expect.arrayContaining(['0/10 Downloading bundle 1 of 5', '10/10 Pulled', '0/1 Sending bundle 1 of 1']),
    );
    expect(progress.some((p) => p.includes('Merging bundle 4 of 4'))).toBe(true);
    const status = await lead.call('sync.status', { inspectionId });
    expect(status).toMatchObject({ pulledBundles: 4, failedPulls: 1, role: 'lead', lastError: null });
    const failed = lead.ctx.db.prepare("SELECT sha256, error FROM sync_pulled WHERE status = 'failed'").all() as {
      sha256: string;
      error: string;
    }[];
    expect(failed).toEqual([{ sha256: fakeSha, error: expect.stringContaining('incomplete or damaged') }]);

    for (const file of inspectorFiles) await importFile(before.ctx, file);
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(before.ctx.db));

    for (const inspector of inspectors) {
      expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
        outcome: 'synced',
        pulled: 1,
      });
      expect(canonicalDump(inspector.ctx.db)).toEqual(canonicalDump(lead.ctx.db));
    }
    expect(allBundleFiles(folder, inspectionId)).toHaveLength(6);
    // The damaged file is tried a few times automatically, then left for the lead to retry by hand.
    for (let round = 0; round < 4; round += 1) await lead.call('sync.now', { inspectionId, direction: 'both' });
    expect(lead.ctx.db.prepare('SELECT attempts FROM sync_pulled WHERE sha256 = ?').get(fakeSha)).toEqual({ attempts: 3 });
    expect((await lead.call('sync.status', { inspectionId })).pullFailures.map((f) => f.sha256)).toEqual([fakeSha]);
    expect(readdirSync(join(folder, inspectionId, authorDir(lead.ctx.device.author))).filter((n) => n.endsWith('.part'))).toEqual(
      [],
    );
  });

  it('a folder that is not there is "not found", and test connection says so in plain words', async () => {
    team = await syncTeam(1);
    const { inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const folder = share();
    const ok = await inspector.call('sync.testConnection', { inspectionId, kind: 'folder', location: folder, auth: 'none' });
    expect(ok).toEqual({ ok: true, kind: null, message: `Connected. Fieldwork can read and write in the folder ${folder}.` });
    expect(readdirSync(folder)).toEqual([]);

    const missing = join(folder, 'unmounted-drive');
    await useFolder(inspector, inspectionId, missing);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Waiting for the share.'));
    const result = await inspector.call('sync.now', { inspectionId, direction: 'both' });
    expect(result.error).toMatchObject({ kind: 'not_found', message: expect.stringContaining('was not found') });
    expect((await inspector.call('sync.status', { inspectionId })).lastError?.kind).toBe('not_found');
    // The missing share is never created on the local disk.
    expect(readdirSync(folder)).toEqual([]);
    await expect(
      inspector.call('sync.saveTarget', { inspectionId, kind: 'folder', location: 'relative/path', auth: 'none' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('a bundle stuck in the outbox survives a restart and goes when the folder is usable', async () => {
    team = await syncTeam(1);
    const { inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const folder = share();
    await useFolder(inspector, inspectionId, folder);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Recorded before the restart.'));
    // A file where the inspection's folder should be: the push fails after the export.
    writeFileSync(join(folder, inspectionId), 'in the way');
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).outcome).toBe('failed');
    expect((await inspector.call('sync.status', { inspectionId })).bundlesWaiting).toBe(1);
    inspector.close();

    const reopened = await testRuntime({ dir: inspector.dir });
    others.push(reopened);
    expect(await reopened.call('sync.status', { inspectionId })).toMatchObject({ bundlesWaiting: 1 });
    // A half-written export from a crash is swept; a complete bundle the store does not list is kept.
    const outbox = join(inspector.dir, 'outbox', inspectionId);
    writeFileSync(join(outbox, '.export-1-2-x.part'), 'half');
    const stray = `${'0'.repeat(64)}.fwbundle`;
    writeFileSync(join(outbox, stray), 'kept');
    rmSync(join(folder, inspectionId));
    expect(await reopened.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
      outcome: 'synced',
      pushed: 1,
      exported: false,
    });
    expect(readdirSync(outbox)).toEqual([stray]);
    expect(bundlesOnTarget(folder, inspectionId, reopened.ctx.device.author)).toHaveLength(1);
    expect(await reopened.call('sync.status', { inspectionId })).toMatchObject({ bundlesWaiting: 0, changesWaiting: 0 });
  });

  it('a pulled bundle that deletes many records waits for the lead to confirm, then merges', async () => {
    const folder = share();
    team = await syncTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    for (const member of [lead, inspector]) await useFolder(member, inspectionId, folder);
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

    const pulled = await lead.call('sync.now', { inspectionId, direction: 'both' });
    expect(pulled).toMatchObject({ outcome: 'synced', pulled: 0, failedPulls: 1 });
    const status = await lead.call('sync.status', { inspectionId });
    expect(status.pullFailures).toHaveLength(1);
    expect(status.pullFailures[0]!.message).toContain('would delete 12 records');
    // Held for the lead's decision, not refused, and it says who sent it.
    expect(status.pullFailures[0]).toMatchObject({ held: true, sender: 'Inspector 1' });
    const sha256 = status.pullFailures[0]!.sha256;
    const liveNotes = () =>
      (lead.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number }).n;
    expect(liveNotes()).toBe(12);

    expect(await lead.call('sync.retryPull', { inspectionId, sha256, confirmDeletions: false })).toMatchObject({
      status: 'rejected',
      needsConfirmation: true,
    });
    const merged = await lead.call('sync.retryPull', { inspectionId, sha256, confirmDeletions: true });
    expect(merged).toMatchObject({ status: 'imported', needsConfirmation: false });
    // The deletions were stored, held, at the first pull (everything else in the bundle merged
    // then); confirming releases them rather than merging new ops.
    expect(liveNotes()).toBe(0);
    expect((await lead.call('sync.status', { inspectionId })).pullFailures).toEqual([]);
  });

  it("an inspector who turns pulling off sends but does not bring in the lead's bundle", async () => {
    const folder = share();
    team = await syncTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    await useFolder(lead, inspectionId, folder);
    await inspector.call('sync.saveTarget', { inspectionId, kind: 'folder', location: folder, auth: 'none', pull: false });
    edit(lead.ctx, inspectionId, noteEdits(newNoteId(), 'Published by the lead.'));
    expect((await lead.call('sync.now', { inspectionId, direction: 'both' })).pushed).toBe(1);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'From the inspector.'));
    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
      outcome: 'synced',
      pushed: 1,
      pulled: 0,
    });
    expect(
      inspector.ctx.db.prepare("SELECT count(*) AS n FROM evidence_note WHERE text = 'Published by the lead.'").get(),
    ).toEqual({ n: 0 });
    await inspector.call('sync.saveTarget', { inspectionId, kind: 'folder', location: folder, auth: 'none', pull: true });
    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pulled: 1 });
    expect(
      inspector.ctx.db.prepare("SELECT count(*) AS n FROM evidence_note WHERE text = 'Published by the lead.'").get(),
    ).toEqual({ n: 1 });
  });

  it.runIf(canMountTmpfs())(
    'a full share (ENOSPC, a real 1 MB filesystem) says so, keeps the bundle, and sends it when there is room',
    async () => {
      const folder = share();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', folder]);
      try {
        team = await syncTeam(1);
        const { inspectionId } = team;
        const inspector = team.inspectors[0]!;
        await useFolder(inspector, inspectionId, folder);
        edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), randomBytes(900_000).toString('base64')));
        const full = await inspector.call('sync.now', { inspectionId, direction: 'both' });
        expect(full.error).toMatchObject({ kind: 'full', message: expect.stringContaining('is full') });
        expect(await inspector.call('sync.status', { inspectionId })).toMatchObject({ bundlesWaiting: 1 });
        expect(bundlesOnTarget(folder, inspectionId, inspector.ctx.device.author)).toEqual([]);

        execFileSync('mount', ['-o', 'remount,size=8m', folder]);
        expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
          outcome: 'synced',
          pushed: 1,
        });
        const files = bundlesOnTarget(folder, inspectionId, inspector.ctx.device.author);
        expect(files.map((f) => f.name)).toEqual([`${files[0]!.sha256}.fwbundle`]);
      } finally {
        execFileSync('umount', [folder]);
      }
    },
  );
});

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = tempDir('fieldwork-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
