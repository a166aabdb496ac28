/**
 * The whole import, not only its staging read, holds one changeset's text at a time: a lead
 * merges a bundle of 64 MiB of note text (32 notes of 2 MiB each, one changeset each) in a child
 * process whose V8 heap is limited to 48 MiB: the text alone cannot fit in that heap. Holding the
 * bundle's parsed ops through the write transaction (the code before: every note's text until
 * the commit), or every text the merge refreshed (a first version of the search vocabulary),
 * runs out of heap and aborts. The child's RSS once staged is well under what staging in
 * SQLite's TEMP database (held in RAM, temp_store=MEMORY) holds: the stage is a file
 * (main/store/stage-file.ts). That comparison merges the bundle a second time and runs under
 * `npm run test:full` (and CI) only. (Until December 2026 the notes were 3 MiB each, 96 MiB in
 * all: a third of the file's time for the same bound.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { edit, exportTo, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { DEFAULT_LIMITS } from '../../../main/sync/bundle-format.js';
import { bundleWorker } from '../../support/crash-harness.js';
import { tempDir } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

const NOTES = 32;
const TEXT = 2 * 1024 * 1024;
const HEAP_MB = 48;
/**
 * How much less resident memory the import holds once the bundle is staged (every changeset
 * verified, the write transaction not begun) when it is staged in the stage file rather than in
 * memory: the in-memory stage holds all 64 MiB of bodies in SQLite's TEMP database there. The
 * process's peak is not judged: under load it is set elsewhere (the write transaction, V8
 * garbage), and CI measured the same 374 MiB peak both ways.
 */
const STAGE_SAVES_MIB = 32;
/**
 * Whether the bundle is also merged with the stage in memory, to compare (about a third of the
 * file's time): in `npm run test:full` and CI; `npm test` merges once, with the default stage.
 */
const COMPARE_STAGES = testCount('MERGE_MEMORY_COMPARISONS', 0, 1) > 0;
let workerFile: string;
let team: Team | undefined;
let leadClosed = false;
const extraDirs: string[] = [];

beforeAll(async () => {
  workerFile = await bundleWorker(join(__dirname, 'merge-memory-worker.ts'), join(process.cwd(), '.test-output', 'merge-memory'));
});
afterEach(() => {
  for (const dir of extraDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (team === undefined) return;
  for (const inspector of team.inspectors) inspector.dispose();
  if (leadClosed) rmSync(team.lead.dir, { recursive: true, force: true });
  else team.lead.dispose();
});

/** A note's text of `length` characters, different for each note (so no two ops are equal). */
function bigText(n: number, length: number): string {
  const line = `Note ${n}: the social worker visited the child at home and recorded the visit. `;
  return line.repeat(Math.ceil(length / line.length)).slice(0, length);
}

describe('merge memory', () => {
  it(`merges a bundle of ${(NOTES * TEXT) / 2 ** 20} MiB of note text under a ${HEAP_MB} MiB heap`, async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-merge-memory-');
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    for (let n = 0; n < NOTES; n += 1) edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), bigText(n, TEXT)));
    const file = join(folder, 'inspector-1.fwbundle');
    const exported = await exportTo(inspector.ctx, team.inspectionId, file);
    expect(exported.changesets).toBe(NOTES);
    expect(statSync(file).size).toBeGreaterThan(HEAP_MB * 2 ** 20);
    const leadDir = team.lead.dir;
    // The child merges into the lead's data folder, so the lead's runtime closes (keeping the folder).
    team.lead.close();
    leadClosed = true;

    const inMemoryDir = `${leadDir}-in-memory`;
    if (COMPARE_STAGES) {
      cpSync(leadDir, inMemoryDir, { recursive: true });
      extraDirs.push(inMemoryDir);
    }

    /** Merges the bundle in a child under the small heap; `stageOnDiskBytes` as the import's limit. */
    const merge = (dataDir: string, stageOnDiskBytes: number) => {
      const child = spawnSync(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_MB}`,
          workerFile,
          dataDir,
          file,
          team!.inspectionId,
          String(TEXT),
          String(stageOnDiskBytes),
        ],
        { encoding: 'utf8' },
      );
      expect(child.status, child.stderr.slice(-2000)).toBe(0);
      const { peakRssMiB, stagedRssMiB, ...result } = JSON.parse(child.stdout.trim()) as {
        status: string;
        newOps: number;
        wholeNotes: number;
        peakRssMiB: number;
        stagedRssMiB: number;
      };
      expect(result).toEqual({ status: 'imported', newOps: NOTES * 4, wholeNotes: NOTES });
      expect(peakRssMiB).toBeGreaterThanOrEqual(stagedRssMiB);
      return stagedRssMiB;
    };
    // The default limit stages this bundle (over 32 MiB) in the stage file; the other run keeps it in memory.
    const onDisk = merge(leadDir, DEFAULT_LIMITS.stageOnDiskBytes);
    if (COMPARE_STAGES) {
      const inMemory = merge(inMemoryDir, Number.MAX_SAFE_INTEGER);
      // With 96 MiB of text this measured 222 vs 137-146 MiB, alone and with two other test runs
      // beside it (load 5); the margin asked is half the 64 MiB of bodies the memory stage holds.
      expect(onDisk).toBeLessThan(inMemory - STAGE_SAVES_MIB);
    }
  }, 300_000);
});
