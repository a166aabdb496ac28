/**
 * Strata: which dimensions of a case split the frame (stage, age band, legal status, flag),
 * the stratum key of a case, and readable labels. A case with several flags falls in the
 * stratum of the first flag the area listed, so every case is in exactly one stratum.
 */
import { STAGES } from '../domain/vocabulary.js';
import { legalStatusLabel } from '../case-list/normalise.js';

export const STRATUM_DIMENSIONS = {
  stage: "Stage of the child's journey",
  age_band: 'Age band',
  legal_status: 'Legal status',
  flag: 'Flag',
} as const;
export type StratumDimension = keyof typeof STRATUM_DIMENSIONS;
export const DIMENSION_ORDER = Object.keys(STRATUM_DIMENSIONS) as StratumDimension[];

/** The parts of a case-list entry sampling looks at. */
export interface FrameCase {
  readonly caseRef: string;
  readonly ageBand: string | null;
  readonly stage: string | null;
  readonly legalStatus: string | null;
  readonly flags: readonly string[];
}

/** Separates dimension values in a stratum key; never appears in a value we key on. */
export const KEY_SEPARATOR = ' | ';
/** The whole frame when no dimension is chosen. */
export const WHOLE_FRAME_KEY = 'all';

export function canonicalDimensions(dimensions: readonly StratumDimension[]): StratumDimension[] {
  return DIMENSION_ORDER.filter((d) => dimensions.includes(d));
}

function dimensionValue(entry: FrameCase, dimension: StratumDimension): string {
  switch (dimension) {
    case 'stage':
      return entry.stage ?? '';
    case 'age_band':
      return entry.ageBand ?? '';
    case 'legal_status':
      return entry.legalStatus ?? '';
    case 'flag':
      return entry.flags[0] ?? '';
    default: {
      const never: never = dimension;
      throw new Error(`Unknown dimension ${String(never)}`);
    }
  }
}

/** A function giving each case its stratum key, with the dimensions put in order once. */
export function stratumKeyer(dimensions: readonly StratumDimension[]): (entry: FrameCase) => string {
  const chosen = canonicalDimensions(dimensions);
  if (chosen.length === 0) return () => WHOLE_FRAME_KEY;
  return (entry) => {
    let key = '';
    for (let i = 0; i < chosen.length; i++) {
      const value = dimensionValue(entry, chosen[i] as StratumDimension);
      key += (i === 0 ? '' : KEY_SEPARATOR) + (value.includes(KEY_SEPARATOR) ? value.replaceAll(KEY_SEPARATOR, ' / ') : value);
    }
    return key;
  };
}

export function stratumKey(entry: FrameCase, dimensions: readonly StratumDimension[]): string {
  return stratumKeyer(dimensions)(entry);
}

function valueLabel(dimension: StratumDimension, value: string): string {
  if (value === '') return dimension === 'flag' ? 'No flag' : 'Not recorded';
  switch (dimension) {
    case 'stage':
      return (STAGES as Record<string, string>)[value] ?? value;
    case 'age_band':
      return `Age ${value}`;
    case 'legal_status':
      return legalStatusLabel(value);
    case 'flag':
      return value;
    default: {
      const never: never = dimension;
      throw new Error(`Unknown dimension ${String(never)}`);
    }
  }
}

/** "Child protection · Age 0-4" for the key "child_protection | 0-4" under [stage, age_band]. */
export function stratumLabel(key: string, dimensions: readonly StratumDimension[]): string {
  const chosen = canonicalDimensions(dimensions);
  if (chosen.length === 0 || key === WHOLE_FRAME_KEY) return 'Whole list';
  const values = key.split(KEY_SEPARATOR);
  return chosen.map((d, i) => valueLabel(d, values[i] ?? '')).join(' · ');
}

export interface Stratum<T extends FrameCase = FrameCase> {
  readonly key: string;
  readonly members: readonly T[];
}

/** Case references sort by code point of their upper-case form, then as written: one order everywhere. */
export function compareCaseRefs(a: string, b: string): number {
  const ka = a.trim().toUpperCase();
  const kb = b.trim().toUpperCase();
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups the frame into strata, sorted by key; members sorted canonically by case reference. */
export function groupStrata<T extends FrameCase>(frame: readonly T[], dimensions: readonly StratumDimension[]): Stratum<T>[] {
  const groups = new Map<string, T[]>();
  const keyOf = stratumKeyer(dimensions);
  for (const entry of frame) {
    const key = keyOf(entry);
    const members = groups.get(key);
    if (members) members.push(entry);
    else groups.set(key, [entry]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, members]) => ({ key, members: sortByCaseRef(members) }));
}

/** compareCaseRefs order, with each upper-case form computed once (frames run to 50,000 rows). */
export function sortByCaseRef<T extends FrameCase>(members: readonly T[]): T[] {
  return members
    .map((entry) => ({ entry, upper: entry.caseRef.trim().toUpperCase() }))
    .sort((x, y) =>
      x.upper !== y.upper
        ? x.upper < y.upper
          ? -1
          : 1
        : x.entry.caseRef < y.entry.caseRef
          ? -1
          : x.entry.caseRef > y.entry.caseRef
            ? 1
            : 0,
    )
    .map((x) => x.entry);
}
