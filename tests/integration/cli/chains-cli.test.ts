/**
 * Issue 12, item 2, through the CLI as real processes: a laptop backs up, exports X, is
 * restored from the backup (`fieldwork restore --force`), edits and exports Y. The lead used to
 * keep whichever came first, call the other "damaged", and refuse that laptop for good. Now it
 * keeps both histories in either order, says so in words, and takes every later bundle.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteFile } from '../../../main/store/sqlite-file.js';
import { canonicalDump, edit, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { storeKeyIn, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

const CLI = 'dist/cli/fieldwork.cjs';

function fieldwork(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FIELDWORK_DATA: '' },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function ok(run: ReturnType<typeof fieldwork>) {
  expect(run.stderr).not.toMatch(/is damaged|ask for it again|skips some|internal error/i);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

let team: Team;
let folder: string;
let reopened: TestRuntime | null = null;
let files = 0;

function exportFrom(storePath: string, ...extra: string[]): string {
  files += 1;
  const to = join(folder, `b${files}.fwbundle`);
  ok(fieldwork('export', '--data', storePath, '--inspection', team.inspectionId, '--to', to, ...extra));
  return to;
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  team = await makeTeam(1, { encrypted: true });
  folder = tempDir('fieldwork-cli-restored-');
  await joinAll(team, folder);
}, 120_000);
afterAll(() => {
  reopened?.close();
  team.dispose();
});

describe('a laptop restored from its own backup', () => {
  it('forks its chain; the lead keeps both histories in either order and takes every later bundle', async () => {
    const inspector = team.inspectors[0]!;
    const lead = team.lead;
    const before = newNoteId();
    edit(inspector.ctx, team.inspectionId, noteEdits(before, 'Before the backup.'));
    ok(fieldwork('merge', '--data', lead.storePath, exportFrom(inspector.storePath)));
    const backup = join(inspector.dir, 'laptop-backup.db');
    ok(fieldwork('backup', '--data', inspector.storePath, '--to', backup));

    // X: written after the backup and sent to the lead.
    const lostOnLaptop = newNoteId();
    edit(inspector.ctx, team.inspectionId, noteEdits(lostOnLaptop, 'Written after the backup (X).'));
    const x = exportFrom(inspector.storePath);
    const leadCopy = join(lead.dir, 'lead-copy.db');
    ok(fieldwork('backup', '--data', lead.storePath, '--to', leadCopy));
    ok(fieldwork('merge', '--data', lead.storePath, x));

    // The laptop is restored from its backup (the app is closed first, as the help says).
    inspector.close();
    ok(fieldwork('restore', '--data', inspector.storePath, '--from', backup, '--force'));
    reopened = await testRuntime({ dir: inspector.dir, encrypted: true });
    expect(reopened.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE id = ?').get(lostOnLaptop)).toEqual({ n: 0 });
    const afterRestore = newNoteId();
    edit(reopened.ctx, team.inspectionId, noteEdits(afterRestore, 'Written after the restore (Y).'));
    const y = exportFrom(reopened.storePath);

    const merged = ok(fieldwork('merge', '--data', lead.storePath, y));
    expect(merged.stdout).toContain(
      'note: Inspector 1’s laptop was restored from a backup or rebuilt after damage, and its work carried on from there. Both histories are kept.',
    );
    // The other order, on a copy of the lead's store: Y first, then X.
    ok(fieldwork('merge', '--data', leadCopy, y));
    ok(fieldwork('merge', '--data', leadCopy, x));
    const copy = openSqliteFile(leadCopy, { key: storeKeyIn(lead.dir) }, { readonly: true });
    try {
      expect(canonicalDump(copy)).toEqual(canonicalDump(lead.ctx.db));
    } finally {
      copy.close();
    }
    for (const id of [before, lostOnLaptop, afterRestore]) {
      expect(lead.ctx.db.prepare('SELECT deleted FROM evidence_note WHERE id = ?').get(id), id).toEqual({ deleted: 0 });
    }

    // Later bundles from that laptop, delta and full, are never refused.
    edit(reopened.ctx, team.inspectionId, noteEdits(newNoteId(), 'Later still.'));
    ok(fieldwork('merge', '--data', lead.storePath, exportFrom(reopened.storePath)));
    ok(fieldwork('merge', '--data', lead.storePath, exportFrom(reopened.storePath, '--full')));
    // The lead's publication brings X back to the laptop, which edits on.
    ok(fieldwork('merge', '--data', reopened.storePath, exportFrom(lead.storePath)));
    expect(reopened.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(lostOnLaptop)).toEqual({
      text: 'Written after the backup (X).',
    });
    edit(reopened.ctx, team.inspectionId, noteEdits(newNoteId(), 'After X came back.'));
    ok(fieldwork('merge', '--data', lead.storePath, exportFrom(reopened.storePath)));
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(reopened.ctx.db));
  });
});
