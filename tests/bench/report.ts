/**
 * The benchmark's results: their shape, the printed table (with the headline ratio and each
 * target reported, never asserted), the JSON written to bench-results/, and the growth table
 * across every scale that has a latest result on this machine.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerationStats } from './generator.js';
import type { ProfileSummary } from './profile.js';

export interface SearchFigures {
  readonly notes: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanHits: number;
  readonly cpuP50Ms: number;
  readonly cpuP95Ms: number;
  readonly corpus: 'merged lead store' | 'search-only corpus';
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean | null;
  readonly note: string;
}

export interface ScaleResult {
  readonly scale: number;
  readonly seed: number;
  readonly runs: number;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly generation: GenerationStats & { readonly reused: boolean };
  /** How each figure was obtained (service command, or the lower layer standing in for it). */
  readonly paths: Readonly<Record<string, string>>;
  readonly noteSave: {
    saves: number;
    p50Ms: number;
    p99Ms: number;
    createP99Ms: number;
    updateP99Ms: number;
    cpuP50Ms: number;
    cpuP99Ms: number;
  };
  readonly search: readonly SearchFigures[];
  readonly export: {
    bundles: number;
    medianMs: number;
    maxMs: number;
    cpuMs?: number;
    medianBytes: number;
    totalBytes: number;
  } | null;
  readonly verify: { medianMs: number; cpuMs?: number; totalMs: number } | null;
  readonly merge: {
    ms: number;
    cpuMs: number;
    runsMs: number[];
    ops: number;
    usPerOp: number;
    conflicts: number;
    maxRssMb: number;
  };
  readonly reimport: { ms: number; cpuMs: number; medianPerBundleMs: number };
  readonly floor: { ms: number; cpuMs: number; runsMs: number[]; rows: number };
  readonly conflictList: { ms: number; conflicts: number };
  /** Wall-clock ratios (the headline) and the same on CPU time, which a busy machine disturbs less. */
  readonly ratios: {
    mergeOverFloor: number;
    reimportOverFloor: number;
    mergeCpuOverFloorCpu: number;
    reimportCpuOverFloorCpu: number;
  };
  targets: Target[];
  profile: (ProfileSummary & { file: string }) | null;
  totalSeconds: number;
}

const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number): string => `${f(bytes / 1048576, 2)} MB`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

export function printResult(result: ScaleResult, say: (line: string) => void): void {
  const p = result.paths;
  const rows: string[][] = [['measure', 'figure', 'how it was measured']];
  const n = result.noteSave;
  rows.push(['note save p50 / p99 (wall)', `${f(n.p50Ms, 2)} / ${f(n.p99Ms, 2)} ms`, `${p.noteSave}, ${n.saves} saves`]);
  rows.push(['note save p50 / p99 (CPU)', `${f(n.cpuP50Ms, 2)} / ${f(n.cpuP99Ms, 2)} ms`, 'CPU time of the same saves']);
  for (const s of result.search) {
    rows.push([
      `search p50 / p95 at ${s.notes} notes (wall)`,
      `${f(s.p50Ms, 2)} / ${f(s.p95Ms, 2)} ms`,
      `${p.search} (${s.corpus})`,
    ]);
    rows.push([
      `search p50 / p95 at ${s.notes} notes (CPU)`,
      `${f(s.cpuP50Ms, 2)} / ${f(s.cpuP95Ms, 2)} ms`,
      `mean ${f(s.meanHits)} hits`,
    ]);
  }
  if (result.export) {
    rows.push([
      'export per inspector (median, max; CPU)',
      `${f(result.export.medianMs)} / ${f(result.export.maxMs)} ms; ${f(result.export.cpuMs ?? Number.NaN)} ms`,
      p.export ?? '',
    ]);
    rows.push([
      'bundle size per inspector (median)',
      mb(result.export.medianBytes),
      `${result.export.bundles} bundles, ${mb(result.export.totalBytes)} in all`,
    ]);
  } else rows.push(['export', 'not measured', p.export ?? '']);
  if (result.verify) {
    const v = result.verify;
    rows.push(['verify per bundle (median wall / CPU)', `${f(v.medianMs)} / ${f(v.cpuMs ?? Number.NaN)} ms`, p.verify ?? '']);
  } else rows.push(['verify', 'not measured', p.verify ?? '']);
  rows.push([
    'merge of all bundles (wall / CPU)',
    `${f(result.merge.ms)} / ${f(result.merge.cpuMs)} ms`,
    `${p.merge} (${result.merge.ops} new ops, ${f(result.merge.usPerOp)} µs/op)`,
  ]);
  rows.push([
    'floor: raw bulk insert (wall / CPU)',
    `${f(result.floor.ms)} / ${f(result.floor.cpuMs)} ms`,
    `${result.floor.rows} final rows, one prepared INSERT per table, one transaction, no ops`,
  ]);
  rows.push([
    'MERGE ÷ FLOOR (headline)',
    `${f(result.ratios.mergeOverFloor, 2)}×`,
    `wall clock; on CPU time ${f(result.ratios.mergeCpuOverFloorCpu, 2)}×; target ≤ 1.5×`,
  ]);
  rows.push([
    're-import of all bundles (wall / CPU)',
    `${f(result.reimport.ms)} / ${f(result.reimport.cpuMs)} ms`,
    `${p.reimport} (median per bundle ${f(result.reimport.medianPerBundleMs)} ms)`,
  ]);
  rows.push([
    're-import ÷ floor',
    `${f(result.ratios.reimportOverFloor, 3)}×`,
    `wall clock; on CPU time ${f(result.ratios.reimportCpuOverFloorCpu, 3)}×; target ≤ 0.1×`,
  ]);
  rows.push([
    'conflict list query',
    `${f(result.conflictList.ms)} ms`,
    `${p.conflicts} (${result.conflictList.conflicts} conflicts)`,
  ]);
  rows.push(['merge peak RSS', `${f(result.merge.maxRssMb)} MB`, 'maxRSS of the merge child process']);
  say(table(rows));
  say('');
  say('Targets (reported, not asserted):');
  say(
    table([
      ['target', 'wanted', 'measured', 'met', 'note'],
      ...result.targets.map((t) => [t.name, t.target, t.actual, t.met === null ? '?' : t.met ? 'yes' : 'NO', t.note]),
    ]),
  );
}

export function targetsFor(result: ScaleResult, growth: readonly GrowthLine[]): Target[] {
  const largestSearch = [...result.search].sort((a, b) => b.notes - a.notes)[0];
  const ratio = (actual: number, limit: number) => (actual <= limit ? '' : `missed by ${f(actual / limit, 2)}×`);
  // Per-op CPU time is the steadier measure of growth on a shared machine; wall time if CPU is missing.
  const withCpu = growth.every((g) => Number.isFinite(g.mergeCpuUsPerOp));
  const perOp = (g: GrowthLine): number => (withCpu ? g.mergeCpuUsPerOp : g.mergeUsPerOp);
  const linear = growth.length >= 2 ? perOp(growth[growth.length - 1]!) / perOp(growth[0]!) : Number.NaN;
  return [
    {
      name: 'merge ≤ 1.5× floor',
      target: '≤ 1.5×',
      actual: `${f(result.ratios.mergeOverFloor, 2)}×`,
      met: result.ratios.mergeOverFloor <= 1.5,
      note: ratio(result.ratios.mergeOverFloor, 1.5),
    },
    {
      name: 're-import ≤ 0.1× floor',
      target: '≤ 0.1×',
      actual: `${f(result.ratios.reimportOverFloor, 3)}×`,
      met: result.ratios.reimportOverFloor <= 0.1,
      note: ratio(result.ratios.reimportOverFloor, 0.1),
    },
    {
      name: 'search p95 < 20 ms at 1 M notes',
      target: '< 20 ms',
      actual: largestSearch
        ? `${f(largestSearch.p95Ms, 2)} ms (CPU ${f(largestSearch.cpuP95Ms, 2)} ms) at ${largestSearch.notes} notes`
        : 'n/a',
      met: largestSearch && largestSearch.notes >= 1_000_000 ? largestSearch.p95Ms < 20 : null,
      note:
        largestSearch && largestSearch.notes >= 1_000_000
          ? ratio(largestSearch.p95Ms, 20)
          : 'not measured at 1 M here (--search-notes 1000000)',
    },
    {
      name: 'note save p99 < 2 ms',
      target: '< 2 ms',
      actual: `${f(result.noteSave.p99Ms, 2)} ms (CPU ${f(result.noteSave.cpuP99Ms, 2)} ms)`,
      met: result.noteSave.p99Ms < 2,
      note: ratio(result.noteSave.p99Ms, 2),
    },
    {
      name: 'merge peak RSS < 300 MB at 100×',
      target: '< 300 MB',
      actual: `${f(result.merge.maxRssMb)} MB at ${result.scale}×`,
      met: result.scale >= 100 ? result.merge.maxRssMb < 300 : null,
      note: result.scale >= 100 ? ratio(result.merge.maxRssMb, 300) : 'only meaningful at 100×; see growth table',
    },
    {
      name: 'time linear in size',
      target: 'µs/op flat across scales',
      actual:
        growth.length >= 2
          ? `merge CPU µs/op ×${f(linear, 2)} from ${growth[0]!.scale}× to ${growth[growth.length - 1]!.scale}×`
          : 'one scale only',
      met: growth.length >= 2 ? linear <= 1.25 : null,
      note:
        growth.length >= 2
          ? 'met if within 1.25× (noise allowance)'
          : 'run --scale 1,10 (or both separately) for the growth table',
    },
  ];
}

export interface GrowthLine {
  readonly scale: number;
  readonly ops: number;
  readonly mergeMs: number;
  readonly mergeUsPerOp: number;
  readonly mergeCpuUsPerOp: number;
  readonly floorMs: number;
  readonly floorUsPerRow: number;
  readonly ratio: number;
  readonly maxRssMb: number;
  readonly exportMedianMs: number | null;
}

/** The latest result of every scale on this machine, smallest first. */
export function growthLines(dir: string, current: ScaleResult): GrowthLine[] {
  const latest = new Map<number, ScaleResult>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => /^latest-x[\d.]+\.json$/.test(n))) {
      const result = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ScaleResult;
      latest.set(result.scale, result);
    }
  }
  latest.set(current.scale, current);
  return [...latest.values()]
    .sort((a, b) => a.scale - b.scale)
    .map((r) => ({
      scale: r.scale,
      ops: r.merge.ops,
      mergeMs: r.merge.ms,
      mergeUsPerOp: r.merge.usPerOp,
      mergeCpuUsPerOp: ((r.merge.cpuMs ?? Number.NaN) * 1000) / Math.max(1, r.merge.ops),
      floorMs: r.floor.ms,
      floorUsPerRow: (r.floor.ms * 1000) / Math.max(1, r.floor.rows),
      ratio: r.ratios.mergeOverFloor,
      maxRssMb: r.merge.maxRssMb,
      exportMedianMs: r.export?.medianMs ?? null,
    }));
}

export function printGrowth(lines: readonly GrowthLine[], say: (line: string) => void): void {
  say('Growth with size (latest result per scale on this machine):');
  const rows = [
    ['scale', 'merge ops', 'merge ms', 'µs/op', 'CPU µs/op', 'floor ms', 'µs/row', 'merge÷floor', 'peak RSS MB', 'export ms'],
  ];
  for (const g of lines) {
    rows.push([
      `${g.scale}×`,
      String(g.ops),
      f(g.mergeMs, 0),
      f(g.mergeUsPerOp),
      f(g.mergeCpuUsPerOp),
      f(g.floorMs, 0),
      f(g.floorUsPerRow),
      `${f(g.ratio, 2)}×`,
      f(g.maxRssMb),
      g.exportMedianMs === null ? 'n/a' : f(g.exportMedianMs, 0),
    ]);
  }
  say(table(rows));
}

export function writeResult(dir: string, result: ScaleResult): string {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const file = join(dir, `bench-x${result.scale}-${stamp}.json`);
  const text = JSON.stringify(result, null, 2);
  writeFileSync(file, text);
  writeFileSync(join(dir, `latest-x${result.scale}.json`), text);
  return file;
}
