/**
 * The merge, alone in its own process so its peak memory (maxRSS) is the merge's and nothing
 * else's: copy the lead's store as it was before any bundle arrived, import every inspector's
 * bundle, then import them all again (the re-import), and print the figures as one JSON line.
 * Run by measures/merge.ts; `node --cpu-prof` on this process gives the merge's profile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILE } from '../../main/services/runtime.js';
import { openStore } from '../../main/store/connection.js';
import { countConflicts, insertChangeset, iterateChangesets } from '../../main/store/op-log-repo.js';
import { applyOps } from '../../main/sync/apply-ops.js';
import type { ChangesetBody } from '../../main/sync/changeset.js';
import type { Runtime } from '../../main/services/runtime.js';
import { importBundle } from './bundle-calls.js';
import { RESULT_PREFIX, type MergeJob, type MergeRun } from './merge-protocol.js';
import { copyDataDir, openDataDir } from './team.js';

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Lower-layer stand-in for an import while the bundles service is not built: no decrypt, no verify. */
function applyFromStore(runtime: Runtime, sourceDir: string, inspectionId: string): number {
  const source = openStore(join(sourceDir, STORE_FILE), { readonly: true });
  const { db } = runtime.ctx;
  let newOps = 0;
  try {
    db.transaction(() => {
      const receivedAt = new Date().toISOString();
      for (const changeset of iterateChangesets(source, inspectionId)) {
        if (!insertChangeset(db, { ...changeset, local: false }, receivedAt)) continue;
        const body = JSON.parse(changeset.body.toString('utf8')) as ChangesetBody;
        newOps += applyOps(db, body.ops, changeset.id).inserted;
      }
    })();
  } finally {
    source.close();
  }
  return newOps;
}

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
  const items = job.path === 'bundles' ? job.bundleFiles : job.sourceDirs;
  for (const item of items) {
    const one = nowMs();
    if (job.path === 'bundles') newOps += (await importBundle(runtime.ctx, item, job.inspectionId)).newOps;
    else newOps += applyFromStore(runtime, item, job.inspectionId);
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
