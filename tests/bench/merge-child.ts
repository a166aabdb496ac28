/**
 * The merge, alone in its own process so its peak memory (maxRSS) is the merge's and nothing
 * else's: copy the lead's store as it was before any bundle arrived, import every inspector's
 * bundle, then import them all again (the re-import), and print the figures as one JSON line.
 * Run by measures/merge.ts; `node --cpu-prof` on this process gives the merge's profile.
 */
import { countOpenConflicts } from '../../main/store/conflicts-repo.js';
import type { Runtime } from '../../main/services/runtime.js';
import { importBundle } from './bundle-calls.js';
import { childMain } from './child-process.js';
import type { MergeJob, MergeRun } from './merge-protocol.js';
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

childMain(async (job: MergeJob): Promise<MergeRun> => {
  copyDataDir(job.leadTemplateDir, job.workDir);
  const runtime = await openDataDir(job.workDir);
  try {
    const merge = await importAll(runtime, job);
    const again = await importAll(runtime, job);
    return {
      path: job.path,
      mergeMs: merge.ms,
      mergeCpuMs: merge.cpuMs,
      perBundleMs: merge.each,
      reimportMs: again.ms,
      reimportCpuMs: again.cpuMs,
      reimportPerBundleMs: again.each,
      newOps: merge.newOps,
      conflicts: countOpenConflicts(runtime.ctx.db, job.inspectionId),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    runtime.close();
  }
});
