/**
 * The benchmark's child processes (merges, peer merges, generation): the parent writes a job
 * file, the child prints one result line. A measure in its own process has its own peak memory
 * (maxRSS) and its own CPU profile; generation children let inspectors work in parallel.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export const RESULT_PREFIX = 'BENCH-RESULT ';

export interface ChildOptions {
  /** Folder for a V8 CPU profile of the child (`node --cpu-prof`); none when absent. */
  readonly profileDir?: string;
}

/** Runs `script` with a job file in a fresh Node process and returns what it printed as its result. */
export function runChild<T>(script: string, job: unknown, jobFile: string, options: ChildOptions = {}): Promise<T> {
  writeFileSync(jobFile, JSON.stringify(job));
  const flags = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', ...flags, script, jobFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(jobFile, { force: true });
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`The benchmark process ${script} failed (exit ${code}): ${err.trim().slice(0, 2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/** The child's side: read the job named on the command line, do it, print the result line. */
export function childMain<J, R>(work: (job: J) => Promise<R>): void {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as J;
  work(job)
    .then((result) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    });
}

/** CPU time (user + system) this process has used, in milliseconds. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Runs `work` over items with at most `concurrency` at once; results in item order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
