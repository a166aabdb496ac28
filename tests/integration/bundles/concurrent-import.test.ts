/**
 * Two merges on one store at once (issue 12, item 4): whether a changeset is already known is
 * decided inside the write transaction that applies it, so a second import of the same work is
 * "already imported", never "damaged" and never a raw "database is locked"; through the services
 * a sync pull and a dropped file run one after another; real CLI merges started together on one
 * data folder wait in line behind another fieldwork command (data-lock.ts) and all merge.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../main/services/data-lock.js';
import { CLI_HOLDER, openRuntime, type Runtime } from '../../../main/services/runtime.js';
import {
  canonicalDump,
  edit,
  exportTo,
  importFile,
  joinAll,
  makeTeam,
  newNoteId,
  noteEdits,
  type Team,
} from '../../fixtures/bundles.js';
import { quietLog, stepAsideFromLock, tempDir } from '../../support/runtime.js';

const CLI = 'dist/cli/fieldwork.cjs';
let team: Team | undefined;
const extra: Runtime[] = [];
afterEach(() => {
  for (const runtime of extra.splice(0)) runtime.close();
  team?.dispose();
  team = undefined;
});

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

const noteCount = (runtime: Runtime) =>
  (runtime.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number }).n;

describe('two imports on one store at once', () => {
  it('two connections importing the same bundle: one merges it, the other says already imported (never damaged)', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-concurrent-');
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    for (let i = 0; i < 40; i += 1) edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), `Note ${i} `.repeat(200)));
    const bundle = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, bundle);

    // A second connection on the lead's own store (the same process may open its folder again).
    const second = await openRuntime({ dataDir: team.lead.dir, log: quietLog, encryptStore: false });
    extra.push(second);
    const outcomes = await Promise.allSettled([importFile(team.lead.ctx, bundle), importFile(second.ctx, bundle)]);
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    const statuses = outcomes.map((o) => (o as PromiseFulfilledResult<{ status: string }>).value.status).sort();
    expect(statuses).toEqual(['already_imported', 'imported']);
    expect(noteCount(team.lead)).toBe(40);
    expect(canonicalDump(second.ctx.db)).toEqual(canonicalDump(team.lead.ctx.db));
  }, 60_000);

  it('through the services, a sync pull and a dropped file of the same bundle run one after the other', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-concurrent-');
    await joinAll(team, folder);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const share = tempDir('fieldwork-concurrent-share-');
    for (const member of [lead, inspector])
      await member.call('sync.saveTarget', { inspectionId, kind: 'folder', location: share, auth: 'none' });
    for (let i = 0; i < 20; i += 1) edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), `Pulled note ${i}.`));
    expect((await inspector.call('sync.now', { inspectionId, direction: 'push' })).pushed).toBe(1);
    const dropped = join(folder, 'dropped.fwbundle');
    await exportTo(inspector.ctx, inspectionId, dropped);

    const [pull, drop] = await Promise.all([
      lead.call('sync.now', { inspectionId, direction: 'pull' }),
      lead.call('bundles.import', { fileName: 'dropped.fwbundle', bytes: readFileSync(dropped) }),
    ]);
    expect(pull.failedPulls).toBe(0);
    expect(['imported', 'already_imported']).toContain(drop.status);
    expect(noteCount(lead)).toBe(20);
  }, 60_000);

  it('three real CLI merges on one data folder at once take turns: each merges, none refused', async () => {
    team = await makeTeam(3, { encrypted: true });
    const folder = tempDir('fieldwork-concurrent-');
    await joinAll(team, folder);
    const bundles: string[] = [];
    for (const [n, inspector] of team.inspectors.entries()) {
      for (let i = 0; i < 30; i += 1)
        edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), `Inspector ${n} note ${i} `.repeat(50)));
      const path = join(folder, `i${n}.fwbundle`);
      await exportTo(inspector.ctx, team.inspectionId, path);
      bundles.push(path);
    }
    // The lead's data folder, closed here, so that only the two CLI processes use it.
    const leadDir = join(tempDir('fieldwork-concurrent-lead-'), 'data');
    mkdirSync(leadDir);
    team.lead.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of ['fieldwork.db', 'device-keys.json']) copyFileSync(join(team.lead.dir, file), join(leadDir, file));

    // What each command has printed so far, so the test can wait for all three to be in line.
    const printed: string[] = [];
    const merge = (bundle: string, n: number) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'merge', '--data', leadDir, bundle], {
          env: { ...process.env, FIELDWORK_DATA: '' },
        });
        let stdout = '';
        let stderr = '';
        printed[n] = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          printed[n] = stderr;
        });
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    // Another fieldwork command (a live process) holds the folder as the three start: all wait in line.
    const holder = spawn('sleep', ['300']);
    writeFileSync(
      join(leadDir, LOCK_FILE),
      JSON.stringify({ pid: holder.pid, host: hostname(), who: CLI_HOLDER, since: new Date().toISOString() }),
    );
    const runs = await stepAsideFromLock([], async () => {
      try {
        let finished = 0;
        const all = Promise.all(
          bundles.map((bundle, n) =>
            merge(bundle, n).then((run) => {
              finished += 1;
              return run;
            }),
          ),
        );
        // Released only once all three say they are waiting (however slowly a loaded machine starts them).
        const waiting = `Waiting for another fieldwork command on this data folder (process ${holder.pid}) to finish`;
        const deadline = Date.now() + 90_000;
        while (finished === 0 && Date.now() < deadline && !bundles.every((_, n) => (printed[n] ?? '').includes(waiting))) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(finished).toBe(0);
        holder.kill('SIGKILL');
        return await all;
      } finally {
        holder.kill('SIGKILL');
      }
    });
    for (const run of runs) {
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/database is locked|damaged|SQLITE/i);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`Waiting for another fieldwork command on this data folder (process ${holder.pid}) to finish`);
    }
    const check = await openRuntime({ dataDir: leadDir, log: quietLog, encryptStore: true });
    extra.push(check);
    expect(noteCount(check)).toBe(90);
  }, 240_000);
});
