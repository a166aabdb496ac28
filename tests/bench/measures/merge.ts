/**
 * The merge measure (a child process per run, see merge-child.ts) and its two floors: the same
 * final rows bulk-inserted with raw better-sqlite3 into a fresh store of the same schema, with
 * and without the received changesets and ops (see bench-repo.ts).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILE } from '../../../main/services/runtime.js';
import { bulkInsertLogAndRows, bulkInsertRows, createFloorLog, readFinalRows, readReceivedLog } from '../bench-repo.js';
import { processCpuMs, runChild, type ChildOptions } from '../child-process.js';
import type { MergeJob, MergeRun } from '../merge-protocol.js';
import { timeMs } from '../numbers.js';
import { openDataDir } from '../team.js';

/** Runs one merge in a fresh Node process and returns what it measured. */
export function runMergeChild(childScript: string, job: MergeJob, options: ChildOptions = {}): Promise<MergeRun> {
  rmSync(job.workDir, { recursive: true, force: true });
  return runChild<MergeRun>(childScript, job, `${job.workDir}.job.json`, options);
}

export interface FloorRun {
  readonly ms: number;
  readonly cpuMs: number;
  /** Rows written: final rows, plus changesets and ops for the ops-and-rows floor. */
  readonly rows: number;
}

export interface FloorRuns {
  readonly rowsOnly: FloorRun[];
  readonly opsAndRows: FloorRun[];
  readonly finalRows: number;
  readonly changesets: number;
  readonly ops: number;
}

async function freshStore(mergedDir: string, workDir: string) {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  copyFileSync(join(mergedDir, KEY_FILE), join(workDir, KEY_FILE));
  return openDataDir(workDir);
}

/**
 * Reads the merged lead store once (its final rows, and the changesets and ops it received),
 * then times only the floors' inserts, each into a fresh store opened exactly as the lead's is
 * (same device keys, so the same at-rest encryption; the same durability pragmas; migrations
 * and the floor's own tables made before the clock starts): one transaction, one prepared
 * statement per table, the search index filled by the same triggers.
 */
export async function measureFloors(mergedDir: string, inspectionId: string, workDir: string, runs: number): Promise<FloorRuns> {
  const merged = await openDataDir(mergedDir);
  const tables = readFinalRows(merged.ctx.db, inspectionId);
  const log = readReceivedLog(merged.ctx.db, inspectionId);
  merged.close();
  const time = (work: () => number): FloorRun => {
    let rows = 0;
    const cpuStarted = processCpuMs();
    const ms = timeMs(() => {
      rows = work();
    });
    return { ms, cpuMs: processCpuMs() - cpuStarted, rows };
  };
  const rowsOnly: FloorRun[] = [];
  const opsAndRows: FloorRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    let fresh = await freshStore(mergedDir, workDir);
    rowsOnly.push(time(() => bulkInsertRows(fresh.ctx.db, tables)));
    fresh.close();
    fresh = await freshStore(mergedDir, workDir);
    createFloorLog(fresh.ctx.db);
    opsAndRows.push(time(() => bulkInsertLogAndRows(fresh.ctx.db, log, tables)));
    fresh.close();
  }
  rmSync(workDir, { recursive: true, force: true });
  return {
    rowsOnly,
    opsAndRows,
    finalRows: tables.reduce((sum, t) => sum + t.rows.length, 0),
    changesets: log.changesets.length,
    ops: log.ops.length,
  };
}
