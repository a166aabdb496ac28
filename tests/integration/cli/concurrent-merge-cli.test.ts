/**
 * Issue 12, item 4 (the import part): two `fieldwork merge` processes at once on one data
 * folder, with bundles that carry the same changesets. Neither may call an intact bundle
 * damaged or fail with a raw "database is locked": what is known is decided inside the
 * writing transaction (BEGIN IMMEDIATE, waiting for busy_timeout), and a store still busy
 * after that is one sentence with exit 4.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, exportTo, importFile, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir } from '../../support/runtime.js';

const CLI = 'dist/cli/fieldwork.cjs';

function fieldworkAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FIELDWORK_DATA: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let team: Team;
let folder: string;
beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  team = await makeTeam(1, { encrypted: true });
  folder = tempDir('fieldwork-cli-concurrent-');
  await joinAll(team, folder);
}, 120_000);
afterAll(() => team.dispose());

describe('two merges at once on one store', () => {
  it('both finish: no "damaged", no raw "database is locked", the same store as one merge', async () => {
    const inspector = team.inspectors[0]!;
    for (let i = 0; i < 300; i += 1) {
      edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), `Concurrent note ${i}: ${'seen and recorded. '.repeat(8)}`));
    }
    const a = join(folder, 'a.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, a);
    const b = join(folder, 'b.fwbundle');
    copyFileSync(a, b);
    for (let round = 0; round < 3; round += 1) {
      const runs = await Promise.all([
        fieldworkAsync('merge', '--data', team.lead.storePath, a),
        fieldworkAsync('merge', '--data', team.lead.storePath, b),
      ]);
      for (const run of runs) {
        expect(run.stderr).not.toMatch(/database is locked|is damaged|SQLITE_BUSY/i);
        if (run.code === 4) expect(run.stderr).toContain('Another Fieldwork process is writing to this data folder');
        else expect(run.code, run.stderr).toBe(0);
      }
      // A third file with new work, so the next round has something to merge again.
      edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), `Round ${round}`));
      await exportTo(inspector.ctx, team.inspectionId, a);
      copyFileSync(a, b);
    }
    // The last round's files were written after the last merge: one more, alone, then the lead holds all of it.
    await importFile(team.lead.ctx, a);
    const count = (db: typeof team.lead.ctx.db) =>
      db.prepare('SELECT count(*) AS n FROM changeset WHERE author = ?').get(inspector.ctx.device.author);
    expect(count(team.lead.ctx.db)).toEqual(count(inspector.ctx.db));
  });
});
