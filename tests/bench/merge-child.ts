/**
 * The merge, alone in its own process so its peak memory (maxRSS) is the merge's and nothing
 * else's: copy the lead's store as it was before any bundle arrived, import every inspector's
 * bundle, then import them all again (the re-import), and print the figures as one JSON line.
 * Run by measures/merge.ts; `node --cpu-prof` on this process gives the merge's profile.
 */
import { readFileSync } from 'node:fs';
import { countConflicts } from '../../main/store/op-log-repo.js';
import type { Runtime } from '../../main/services/runtime.js';
import { importBundle } from './bundle-calls.js';
import { RESULT_PREFIX, type MergeJob, type MergeRun } from './merge-protocol.js';
import { copyDataDir, openDataDir } from './team.js';

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function importAll(
  runtime: Runtime,
  job: MergeJob,
): Promise<{ ms: number; cpuMs: number; each: number[]; newOps: number }> {
  const each: number[] = [];
  let newOps = 0;
  const started = nowMs();
  const cpuStarted = cpuMs();
  for (const file of job.bundleFiles) {
    const one = nowMs();
    newOps += (await importBundle(runtime.ctx, file, job.inspectionId)).newOps;
    each.push(nowMs() - one);
  }
  return { ms: nowMs() - started, cpuMs: cpuMs() - cpuStarted, each, newOps };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as MergeJob;
  copyDataDir(job.leadTemplateDir, job.workDir);
  const runtime = await openDataDir(job.workDir);
  try {
    const merge = await importAll(runtime, job);
    const again = await importAll(runtime, job);
    const run: MergeRun = {
      path: job.path,
      mergeMs: merge.ms,
      mergeCpuMs: merge.cpuMs,
      perBundleMs: merge.each,
      reimportMs: again.ms,
      reimportCpuMs: again.cpuMs,
      reimportPerBundleMs: again.each,
      newOps: merge.newOps,
      conflicts: countConflicts(runtime.ctx.db, job.inspectionId),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(run)}\n`);
  } finally {
    runtime.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
