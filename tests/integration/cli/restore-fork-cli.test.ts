/**
 * A laptop restored from its own backup and then used (issue 12, item 2), through the real
 * CLI: backup, export X, restore --force, edit, export Y. The lead merges X and Y in either
 * order to the same store, says in words that the laptop was restored (never "damaged"), and
 * keeps merging that laptop's later bundles (no permanent chain-gap).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../../main/services/runtime.js';
import { canonicalDump, edit, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { quietLog, stepAsideFromLock, tempDir } from '../../support/runtime.js';

const CLI = 'dist/cli/fieldwork.cjs';
let team: Team;
const opened: Runtime[] = [];

function fieldwork(...args: string[]) {
  const dirs = [team.lead.dir, ...team.inspectors.map((i) => i.dir)];
  const run = stepAsideFromLock(dirs, () =>
    spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FIELDWORK_DATA: '' },
      timeout: 60_000,
    }),
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);
const teams: Team[] = [];
afterAll(() => {
  for (const runtime of opened) runtime.close();
  for (const each of teams) each.dispose();
});

const open = async (dataDir: string) => {
  const runtime = await openRuntime({ dataDir, log: quietLog, encryptStore: true });
  opened.push(runtime);
  return runtime;
};

/** A copy of the lead's data folder, for merging in another order. */
function leadCopy(name: string): string {
  const dir = join(tempDir(`fieldwork-fork-${name}-`), 'data');
  mkdirSync(dir);
  team.lead.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const file of ['fieldwork.db', 'device-keys.json']) copyFileSync(join(team.lead.dir, file), join(dir, file));
  return dir;
}

/** Two copies of the lead's folder merge X then Y, and Y then X, through the CLI: none refused. */
function mergeBothOrders(name: string, x: string, y: string): { first: string; second: string; outputs: string } {
  const first = leadCopy(`${name}-xy`);
  const second = leadCopy(`${name}-yx`);
  const outputs: string[] = [];
  for (const [dir, order] of [
    [first, [x, y]],
    [second, [y, x]],
  ] as const) {
    for (const bundle of order) {
      const run = fieldwork('merge', '--data', dir, bundle);
      expect(run.code, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/damaged|chain-gap|skips some|two different versions/i);
      outputs.push(run.stdout);
    }
  }
  return { first, second, outputs: outputs.join('\n') };
}

const texts = (runtime: Runtime) =>
  (runtime.ctx.db.prepare('SELECT text FROM evidence_note WHERE deleted = 0 ORDER BY text').all() as { text: string }[]).map(
    (r) => r.text,
  );

describe('a laptop restored from its own backup', () => {
  it('forks its chain; the lead merges both lines in either order, says so in words, and merges what follows', async () => {
    team = await makeTeam(1, { encrypted: true });
    teams.push(team);
    const folder = tempDir('fieldwork-fork-');
    await joinAll(team, folder);
    const { inspectionId } = team;
    const inspectorDir = team.inspectors[0]!.dir;
    let inspector: Runtime = team.inspectors[0]!;

    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'A: before the backup.'));
    const backup = join(folder, 'inspector-backup.db');
    expect(fieldwork('backup', '--data', inspectorDir, '--to', backup).code).toBe(0);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'B: after the backup, sent in X.'));
    const x = join(folder, 'x.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', x).code).toBe(0);

    // The laptop goes back to its backup (B is only in X now) and is used again.
    inspector.close();
    const restored = fieldwork('restore', '--data', inspectorDir, '--from', backup, '--force');
    expect(restored.code, restored.stderr).toBe(0);
    inspector = await open(inspectorDir);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'C: after the restore, sent in Y.'));
    const y = join(folder, 'y.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', y).code).toBe(0);

    const { first, second, outputs } = mergeBothOrders('xy', x, y);
    expect(outputs).toMatch(/Inspector 1’s laptop was restored from a backup and then used/);
    const a = await open(first);
    const b = await open(second);
    expect(texts(a)).toEqual(['A: before the backup.', 'B: after the backup, sent in X.', 'C: after the restore, sent in Y.']);
    expect(canonicalDump(b.ctx.db)).toEqual(canonicalDump(a.ctx.db));
    a.close();
    b.close();
    opened.splice(opened.indexOf(a), 1);
    opened.splice(opened.indexOf(b), 1);

    // The laptop's next bundle follows on from its new line, and is merged.
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'D: later still.'));
    const z = join(folder, 'z.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', z).code).toBe(0);
    const later = fieldwork('merge', '--data', first, z);
    expect(later.code, later.stderr).toBe(0);
    const full = join(folder, 'full.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', full, '--full').code).toBe(0);
    const fullMerge = fieldwork('merge', '--data', first, full);
    expect(fullMerge.code, fullMerge.stderr).toBe(0);
    const c = await open(first);
    expect(texts(c)).toContain('D: later still.');
  }, 180_000);

  it('whose backup held none of its changesets starts a second line, not a second change number 1', async () => {
    team = await makeTeam(1, { encrypted: true });
    teams.push(team);
    const folder = tempDir('fieldwork-fork-first-');
    await joinAll(team, folder);
    const { inspectionId } = team;
    const inspectorDir = team.inspectors[0]!.dir;
    let inspector: Runtime = team.inspectors[0]!;
    const own = (runtime: Runtime) =>
      (
        runtime.ctx.db
          .prepare('SELECT seq, prev FROM changeset WHERE inspection_id = ? AND author = ? ORDER BY seq')
          .all(inspectionId, runtime.ctx.device.author) as { seq: number; prev: string | null }[]
      ).map((r) => ({ seq: r.seq, root: r.prev === null }));

    // The backup is taken before this laptop has made any change of its own in the inspection.
    expect(own(inspector)).toEqual([]);
    const backup = join(folder, 'inspector-backup.db');
    expect(fieldwork('backup', '--data', inspectorDir, '--to', backup).code).toBe(0);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'P: the first change, sent in X.'));
    const x = join(folder, 'x.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', x).code).toBe(0);

    inspector.close();
    expect(fieldwork('restore', '--data', inspectorDir, '--from', backup, '--force').code).toBe(0);
    inspector = await open(inspectorDir);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Q: after the restore, sent in Y.'));
    const [line] = own(inspector);
    expect(line?.root).toBe(true);
    expect(line?.seq).toBeGreaterThan(1);
    const y = join(folder, 'y.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', y).code).toBe(0);

    const { first, second, outputs } = mergeBothOrders('first', x, y);
    expect(outputs).toMatch(/Inspector 1’s laptop was restored from a backup and then used: its changes go on in two lines/);
    const a = await open(first);
    const b = await open(second);
    expect(texts(a)).toEqual(['P: the first change, sent in X.', 'Q: after the restore, sent in Y.']);
    expect(canonicalDump(b.ctx.db)).toEqual(canonicalDump(a.ctx.db));

    // The restored laptop's later work follows on from its new line and merges.
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'R: later still.'));
    const z = join(folder, 'z.fwbundle');
    expect(fieldwork('export', '--data', inspectorDir, '--inspection', inspectionId, '--to', z).code).toBe(0);
    a.close();
    opened.splice(opened.indexOf(a), 1);
    const later = fieldwork('merge', '--data', first, z);
    expect(later.code, later.stderr).toBe(0);
    const c = await open(first);
    expect(texts(c)).toContain('R: later still.');
  }, 180_000);
});
