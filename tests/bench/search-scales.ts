/**
 * Search latency at fixed note counts (10 K, 100 K, 1 M) on search-only stores, for
 * `--search-notes` alongside a scale and for `--search-only` on its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureSearch, type SearchRun } from './measures/queries.js';
import { searchCorpus } from './measures/search-corpus.js';
import { medianOf, repeat } from './numbers.js';
import type { SearchFigures } from './report.js';
import { openDataDir } from './team.js';

export function searchFigures(runs: readonly SearchRun[], corpus: SearchFigures['corpus']): SearchFigures {
  return {
    notes: runs[0]!.notes,
    p50Ms: medianOf(runs, (x) => x.p50Ms),
    p95Ms: medianOf(runs, (x) => x.p95Ms),
    meanHits: medianOf(runs, (x) => x.meanHits),
    cpuP50Ms: medianOf(runs, (x) => x.cpuP50Ms),
    cpuP95Ms: medianOf(runs, (x) => x.cpuP95Ms),
    corpus,
    mode: runs[0]!.mode,
  };
}

export interface SearchSizeOptions {
  readonly runs: number;
  readonly seed: number;
  readonly queries: number;
}

export async function searchAtSizes(
  cacheRoot: string,
  sizes: readonly number[],
  options: SearchSizeOptions,
  say: (line: string) => void,
): Promise<SearchFigures[]> {
  const figures: SearchFigures[] = [];
  for (const notes of sizes) {
    const corpus = await searchCorpus(cacheRoot, notes, options.seed, say);
    if (corpus.buildSeconds !== null) say(`  built a search corpus of ${notes} notes in ${corpus.buildSeconds.toFixed(0)} s`);
    const store = await openDataDir(corpus.dataDir);
    try {
      const runs = await repeat(options.runs, (r) =>
        measureSearch(store.ctx, corpus.inspectionId, options.queries, options.seed + r),
      );
      figures.push(searchFigures(runs, 'search-only corpus'));
      const slow = runs[runs.length - 1]?.slowest ?? [];
      say(`  slowest while typing at ${notes} notes: ${slow.map((q) => `"${q.text}" ${q.ms.toFixed(1)} ms`).join(', ')}`);
      const ranked = await repeat(options.runs, (r) =>
        measureSearch(store.ctx, corpus.inspectionId, options.queries, options.seed + r, 'ranked'),
      );
      figures.push(searchFigures(ranked, 'search-only corpus'));
    } finally {
      store.close();
    }
  }
  return figures;
}

/** `--search-only`: search figures alone, printed and written to bench-results/search-<time>.json. */
export async function searchOnly(
  resultsDir: string,
  sizes: readonly number[],
  options: SearchSizeOptions,
  say: (line: string) => void,
): Promise<void> {
  say(`\n=== Fieldwork search benchmark at ${sizes.join(', ')} notes (${options.runs} runs of ${options.queries} queries) ===`);
  const figures = await searchAtSizes(join(resultsDir, '.cache'), sizes, options, say);
  for (const s of figures) {
    say(
      `search (${s.mode}) at ${s.notes} notes: p50 ${s.p50Ms.toFixed(2)} ms, p95 ${s.p95Ms.toFixed(2)} ms (CPU p50 ${s.cpuP50Ms.toFixed(2)}, p95 ${s.cpuP95Ms.toFixed(2)} ms), mean ${s.meanHits.toFixed(1)} hits${s.mode === 'typing' ? '; target p95 < 20 ms at 100 K, < 50 ms at 1 M' : ''}`,
    );
  }
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...options, figures }, null, 2));
  say(`Wrote ${file}`);
}
