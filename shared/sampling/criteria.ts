/**
 * Sampling criteria as they are recorded on a sample run. Op values hold flat string maps,
 * so criteria travel as {mode, dimensions, total | counts} with the counts as canonical JSON.
 */
import { canonicalJson } from '../sync/op.js';
import type { SampleCriteria } from './draw.js';
import { canonicalDimensions, DIMENSION_ORDER, type StratumDimension } from './strata.js';

export function encodeCriteria(criteria: SampleCriteria): Record<string, string> {
  const dimensions = canonicalDimensions(criteria.dimensions).join(',');
  if (criteria.mode === 'proportional') {
    return { mode: 'proportional', dimensions, total: String(Math.max(0, Math.floor(criteria.total))) };
  }
  const counts: Record<string, number> = {};
  for (const [key, count] of Object.entries(criteria.counts)) {
    const whole = Math.max(0, Math.floor(count));
    if (whole > 0) counts[key] = whole;
  }
  return { mode: 'per_stratum', dimensions, counts: canonicalJson(counts) };
}

function parseDimensions(text: unknown): StratumDimension[] {
  if (typeof text !== 'string' || text === '') return [];
  const names = text.split(',');
  return DIMENSION_ORDER.filter((d) => names.includes(d));
}

/** Reads recorded criteria back; anything unreadable gives null rather than a guess. */
export function decodeCriteria(value: unknown): SampleCriteria | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const dimensions = parseDimensions(record.dimensions);
  if (record.mode === 'proportional') {
    const total = Number(record.total);
    return Number.isFinite(total) ? { mode: 'proportional', dimensions, total } : null;
  }
  if (record.mode === 'per_stratum' && typeof record.counts === 'string') {
    try {
      const parsed: unknown = JSON.parse(record.counts);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      const counts: Record<string, number> = {};
      for (const [key, count] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof count === 'number' && Number.isFinite(count)) counts[key] = count;
      }
      return { mode: 'per_stratum', dimensions, counts };
    } catch {
      return null;
    }
  }
  return null;
}

export function describeCriteria(criteria: SampleCriteria, dimensionLabel: (d: StratumDimension) => string): string {
  const by = criteria.dimensions.length
    ? `by ${canonicalDimensions(criteria.dimensions).map(dimensionLabel).join(' × ')}`
    : 'from the whole list';
  if (criteria.mode === 'proportional') return `${criteria.total} cases shared in proportion ${by}`;
  const total = Object.values(criteria.counts).reduce((sum, n) => sum + Math.max(0, Math.floor(n)), 0);
  return `${total} cases, a set number per stratum, ${by}`;
}
