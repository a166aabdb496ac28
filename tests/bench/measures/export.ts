/**
 * Export (each inspector's bundle, to a real file) and verify (decrypt and check every
 * signature and hash with the lead's key, touching no store). Works on copies
 * of the cached data folders, so the cached team stays as generated.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, verifyBundle } from '../bundle-calls.js';
import { median } from '../numbers.js';
import { copyDataDir, openDataDir } from '../team.js';

export interface ExportFigures {
  readonly name: string;
  readonly file: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly bytes: number;
  readonly ops: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function measureExports(
  inspectors: readonly { name: string; dataDir: string }[],
  inspectionId: string,
  workRoot: string,
  runs: number,
): Promise<ExportFigures[]> {
  const bundleDir = join(workRoot, 'bundles');
  mkdirSync(bundleDir, { recursive: true });
  const figures: ExportFigures[] = [];
  for (const inspector of inspectors) {
    const copy = join(workRoot, 'export', inspector.name);
    copyDataDir(inspector.dataDir, copy);
    const runtime = await openDataDir(copy);
    const file = join(bundleDir, `${inspector.name}.fwbundle`);
    try {
      const times: number[] = [];
      const cpu: number[] = [];
      let last = { size: 0, ops: 0 };
      for (let run = 0; run < runs; run += 1) {
        const started = nowMs();
        const cpuStarted = cpuMs();
        last = await exportBundle(runtime.ctx, inspectionId, file);
        times.push(nowMs() - started);
        cpu.push(cpuMs() - cpuStarted);
      }
      figures.push({ name: inspector.name, file, ms: median(times), cpuMs: median(cpu), bytes: last.size, ops: last.ops });
    } finally {
      runtime.close();
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return figures;
}

/** Median time to verify each bundle with the lead's key (a copy of the lead's folder, store untouched). */
export async function measureVerify(
  leadDir: string,
  files: readonly string[],
  workRoot: string,
  runs: number,
): Promise<{ ms: number; cpuMs: number }[]> {
  const copy = join(workRoot, 'verify-lead');
  copyDataDir(leadDir, copy);
  const runtime = await openDataDir(copy);
  try {
    const perFile: { ms: number; cpuMs: number }[] = [];
    for (const file of files) {
      const times: number[] = [];
      const cpu: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const started = nowMs();
        const cpuStarted = cpuMs();
        await verifyBundle(runtime.ctx, file);
        times.push(nowMs() - started);
        cpu.push(cpuMs() - cpuStarted);
      }
      perFile.push({ ms: median(times), cpuMs: median(cpu) });
    }
    return perFile;
  } finally {
    runtime.close();
    rmSync(copy, { recursive: true, force: true });
  }
}
