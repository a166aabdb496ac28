/**
 * The merge measure (a child process per run, see merge-child.ts) and its floor: the same final
 * rows bulk-inserted with raw better-sqlite3 into a fresh store of the same schema, without ops.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILE } from '../../../main/services/runtime.js';
import { bulkInsertRows, readFinalRows } from '../../../main/store/bench-floor-repo.js';
import { RESULT_PREFIX, type MergeJob, type MergeRun } from '../merge-protocol.js';
import { timeMs } from '../numbers.js';
import { openDataDir } from '../team.js';

export interface ChildOptions {
  /** Folder for a V8 CPU profile of the child (`node --cpu-prof`); none when absent. */
  readonly profileDir?: string;
}

/** Runs one merge in a fresh Node process and returns what it measured. */
export function runMergeChild(childScript: string, job: MergeJob, options: ChildOptions = {}): Promise<MergeRun> {
  rmSync(job.workDir, { recursive: true, force: true });
  const jobFile = `${job.workDir}.job.json`;
  writeFileSync(jobFile, JSON.stringify(job));
  const flags = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, childScript, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(jobFile, { force: true });
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`The merge process failed (exit ${code}): ${err.trim().slice(0, 2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as MergeRun);
    });
  });
}

export interface FloorRun {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rows: number;
}

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Reads the final rows of the merged lead store once, then times only their insert into a
 * fresh store opened exactly as the lead's is (same device keys, so the same at-rest
 * encryption and pragmas; migrations applied before the clock starts): one transaction, one
 * prepared statement per table, the search index filled by the same triggers.
 */
export async function measureFloor(mergedDir: string, inspectionId: string, workDir: string, runs: number): Promise<FloorRun[]> {
  const merged = await openDataDir(mergedDir);
  const tables = readFinalRows(merged.ctx.db, inspectionId);
  merged.close();
  const results: FloorRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    copyFileSync(join(mergedDir, KEY_FILE), join(workDir, KEY_FILE));
    const fresh = await openDataDir(workDir);
    let rows = 0;
    const cpuStarted = cpuMs();
    const ms = timeMs(() => {
      rows = bulkInsertRows(fresh.ctx.db, tables);
    });
    const cpu = cpuMs() - cpuStarted;
    fresh.close();
    results.push({ ms, cpuMs: cpu, rows });
  }
  rmSync(workDir, { recursive: true, force: true });
  return results;
}
