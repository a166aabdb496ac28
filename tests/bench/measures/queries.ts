/**
 * Read-side measures on the lead's merged store, through the service layer: full-text search
 * as the inspector types (`search.query`, mode `typing`: newest first, unranked), the same
 * queries ranked as on Enter (mode `ranked`), and the lead's conflict queue (`conflicts.list`).
 */
import { invoke } from '../../../main/services/dispatch.js';
import type { ConflictList } from '../../../shared/api/conflicts.js';
import type { SearchMode } from '../../../shared/api/search.js';
import type { ServiceContext } from '../../../main/services/context.js';
import { countSearchNotes } from '../bench-repo.js';
import { median, percentile } from '../numbers.js';
import { searchQueries } from '../prose.js';
import { seededRng } from '../seeded.js';

export interface SearchRun {
  readonly notes: number;
  readonly mode: SearchMode;
  readonly queries: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanHits: number;
  readonly cpuP50Ms: number;
  readonly cpuP95Ms: number;
  /** The five slowest queries of the run (what to profile when p95 misses). */
  readonly slowest: readonly { readonly text: string; readonly ms: number; readonly hits: number }[];
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function measureSearch(
  ctx: ServiceContext,
  inspectionId: string,
  queries: number,
  seed: number,
  mode: SearchMode = 'typing',
): Promise<SearchRun> {
  const texts = searchQueries(seededRng(seed), queries);
  const times: number[] = [];
  const cpu: number[] = [];
  let hits = 0;
  const each: { text: string; ms: number; hits: number }[] = [];
  // One warm-up query: the first touches cold pages and compiles statements.
  await invoke(ctx, 'search.query', { inspectionId, text: 'strategy', limit: 50, mode });
  for (const text of texts) {
    const started = nowMs();
    const cpuStarted = cpuMs();
    const result = await invoke(ctx, 'search.query', { inspectionId, text, limit: 50, mode });
    times.push(nowMs() - started);
    cpu.push(cpuMs() - cpuStarted);
    hits += result.hits.length;
    each.push({ text, ms: times[times.length - 1] as number, hits: result.hits.length });
  }
  return {
    notes: countSearchNotes(ctx.db, inspectionId),
    mode,
    queries: texts.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    meanHits: hits / texts.length,
    cpuP50Ms: percentile(cpu, 50),
    cpuP95Ms: percentile(cpu, 95),
    slowest: each.sort((a, b) => b.ms - a.ms).slice(0, 5),
  };
}

export interface ConflictListRun {
  /** The first page (what the conflict screen waits for when it opens), median wall ms. */
  readonly ms: number;
  readonly cpuMs: number;
  /** Every page in turn, each after the one before (the whole queue), median wall ms. */
  readonly allPagesMs: number;
  readonly allPagesCpuMs: number;
  /** Pages the whole queue took at the default page size. */
  readonly pages: number;
  /** The open conflicts (the count each page gives). */
  readonly conflicts: number;
}

/**
 * The lead's conflict queue, timed `times` times (medians kept): the first page at the
 * command's default size, and every page walked by its cursors. The walk checks it listed
 * each conflict once, so a figure from a broken pager is refused rather than reported.
 */
export async function measureConflictList(ctx: ServiceContext, inspectionId: string, times: number): Promise<ConflictListRun> {
  const first: number[] = [];
  const firstCpu: number[] = [];
  const all: number[] = [];
  const allCpu: number[] = [];
  let conflicts = 0;
  let pages = 0;
  for (let i = 0; i < times; i += 1) {
    let started = nowMs();
    let cpuStarted = cpuMs();
    const page = await invoke(ctx, 'conflicts.list', { inspectionId });
    first.push(nowMs() - started);
    firstCpu.push(cpuMs() - cpuStarted);
    conflicts = page.total;
    started = nowMs();
    cpuStarted = cpuMs();
    let cursor: string | null = null;
    let listed = 0;
    pages = 0;
    do {
      const next: ConflictList = await invoke(ctx, 'conflicts.list', { inspectionId, cursor });
      listed += next.groups.reduce((n, g) => n + g.conflicts.length, 0);
      pages += 1;
      cursor = next.next;
    } while (cursor !== null);
    all.push(nowMs() - started);
    allCpu.push(cpuMs() - cpuStarted);
    if (listed !== conflicts) throw new Error(`conflicts.list pages listed ${listed} conflicts of ${conflicts}`);
  }
  return { ms: median(first), cpuMs: median(firstCpu), allPagesMs: median(all), allPagesCpuMs: median(allCpu), pages, conflicts };
}
