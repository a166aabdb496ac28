/**
 * The stratified random draw. The frame is grouped into strata and sorted by case reference
 * first, so the order of rows in the file cannot change the result; each stratum then gets
 * its own generator seeded from (seed, stratum key), so changing one stratum's count leaves
 * the others' picks alone. Same frame, criteria and seed: the same sample, always.
 */
import { allocateProportionally, capCounts } from './allocate.js';
import { seededPrng } from './prng.js';
import { caseRefKey } from '../case-list/validate.js';
import { compareCaseRefs, groupStrata, type FrameCase, type StratumDimension } from './strata.js';

export type SampleCriteria =
  | {
      readonly mode: 'per_stratum';
      readonly dimensions: readonly StratumDimension[];
      /** Cases wanted per stratum key; missing keys mean none. */
      readonly counts: Readonly<Record<string, number>>;
    }
  | {
      readonly mode: 'proportional';
      readonly dimensions: readonly StratumDimension[];
      readonly total: number;
    };

export interface DrawnCase<T extends FrameCase = FrameCase> {
  readonly entry: T;
  readonly stratum: string;
}

export interface StratumResult {
  readonly key: string;
  readonly size: number;
  readonly wanted: number;
  readonly drawn: number;
}

export interface DrawResult<T extends FrameCase = FrameCase> {
  /** Sorted by stratum key, then case reference. */
  readonly cases: readonly DrawnCase<T>[];
  readonly strata: readonly StratumResult[];
}

export function drawSample<T extends FrameCase>(frame: readonly T[], criteria: SampleCriteria, seed: string): DrawResult<T> {
  const keys = new Set<string>();
  for (const entry of frame) {
    const key = caseRefKey(entry.caseRef);
    if (keys.has(key)) throw new Error(`The frame holds the case reference ${entry.caseRef} twice`);
    keys.add(key);
  }
  const strata = groupStrata(frame, criteria.dimensions);
  const sizes = strata.map((s) => ({ key: s.key, size: s.members.length }));
  const quotas =
    criteria.mode === 'proportional' ? allocateProportionally(sizes, criteria.total) : capCounts(sizes, criteria.counts);
  const cases: DrawnCase<T>[] = [];
  const results: StratumResult[] = [];
  for (const stratum of strata) {
    const quota = quotas.get(stratum.key) ?? 0;
    const wanted = criteria.mode === 'per_stratum' ? Math.max(0, Math.floor(criteria.counts[stratum.key] ?? 0)) : quota;
    const picked = pick(stratum.members, quota, `${seed}\u0000${stratum.key}`);
    for (const entry of picked) cases.push({ entry, stratum: stratum.key });
    results.push({ key: stratum.key, size: stratum.members.length, wanted, drawn: picked.length });
  }
  return { cases, strata: results };
}

/** Partial Fisher-Yates over the sorted members: the first k of a seeded shuffle, returned in case-reference order. */
function pick<T extends FrameCase>(members: readonly T[], k: number, seed: string): T[] {
  if (k <= 0) return [];
  const pool = [...members];
  const prng = seededPrng(seed);
  const count = Math.min(k, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + prng.intBelow(pool.length - i);
    const swap = pool[i] as T;
    pool[i] = pool[j] as T;
    pool[j] = swap;
  }
  return pool.slice(0, count).sort((a, b) => compareCaseRefs(a.caseRef, b.caseRef));
}
