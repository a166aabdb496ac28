/**
 * The lead's preview-then-import of one inspector's bundle, as the window drives it, through
 * the core host (started as the desktop app and browser mode start it) on a copy of the lead's
 * store of a generated team. Two flows, each on a fresh copy, alternately:
 *  - `twice`: preview with the bytes, then import with the bytes again (what the window did
 *    before previews were kept: decrypt and verify twice, minus the base64 copies it also made);
 *  - `token`: preview with the bytes, then import with the preview's token (verify once).
 * Prints milliseconds per flow and how many times 'Checking' (decrypt + signature checks) ran.
 * Standalone: `node scripts/bench-preview-import.mjs [--scale 0.1] [--runs 3]` (speed only).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startCoreHost } from '../../main/host/core-host.js';
import type { TeamManifest } from './generator.js';
import { exportBundle } from './bundle-calls.js';
import { copyDataDir, openDataDir } from './team.js';

const [teamRoot, workerScript, runsText] = process.argv.slice(2) as [string, string, string | undefined];
const runs = Number(runsText ?? '3');
const team = JSON.parse(readFileSync(join(teamRoot, 'team.json'), 'utf8')) as TeamManifest;
const work = mkdtempSync(join(tmpdir(), 'fieldwork-preview-import-'));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function flow(
  kind: 'twice' | 'token',
  file: string,
  run: number,
): Promise<{ ms: number; previewMs: number; checks: number }> {
  const dataDir = join(work, `lead-${kind}-${run}`);
  copyDataDir(team.leadDir, dataDir);
  const host = await startCoreHost({ workerScript, dataDir, holder: 'the benchmark', backups: false });
  let checks = 0;
  const onProgress = (done: number, _total: number, stage: string) => void (stage === 'Checking' && done === 0 && (checks += 1));
  try {
    const fileName = basename(file);
    const base = { fileName, inspectionId: team.inspectionId };
    const started = nowMs();
    const preview = await host.dispatch('bundles.preview', { ...base, bytes: readFileSync(file) }, { onProgress });
    if (!preview.ok) throw new Error(preview.error.message);
    const previewMs = nowMs() - started;
    const token = (preview.value as { previewToken: string | null }).previewToken;
    const second = kind === 'token' && token ? { previewToken: token } : { bytes: readFileSync(file) };
    const imported = await host.dispatch('bundles.import', { ...base, ...second, confirmDeletions: true }, { onProgress });
    if (!imported.ok) throw new Error(imported.error.message);
    return { ms: nowMs() - started, previewMs, checks };
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const inspector = team.inspectors[0]!;
  const copy = join(work, 'inspector');
  copyDataDir(inspector.dataDir, copy);
  const runtime = await openDataDir(copy);
  const file = join(work, 'inspector.fwbundle');
  const bundle = await exportBundle(runtime.ctx, team.inspectionId, file);
  await runtime.close();
  console.log(
    `${team.factor}× team, ${inspector.name}'s bundle: ${bundle.changesets} changesets, ${bundle.ops} ops, ${bundle.size} bytes`,
  );
  const figures: Record<'twice' | 'token', number[]> = { twice: [], token: [] };
  for (let r = 0; r < runs; r += 1) {
    for (const kind of ['twice', 'token'] as const) {
      const { ms, previewMs, checks } = await flow(kind, file, r);
      figures[kind].push(ms);
      console.log(
        `  run ${r + 1} ${kind}: ${ms.toFixed(0)} ms (preview ${previewMs.toFixed(0)} ms, import ${(ms - previewMs).toFixed(0)} ms), 'Checking' ran ${checks}×`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(
    `median preview+import: verify twice ${median(figures.twice).toFixed(0)} ms, with the token ${median(figures.token).toFixed(0)} ms`,
  );
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
