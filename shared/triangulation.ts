/**
 * Triangulation of a finding: how widely its linked evidence notes are spread across cases,
 * source types, agencies and inspectors. Pure, so the lead's screen, the letter and tests agree.
 */

export interface TriangulationNote {
  readonly caseId: string | null;
  readonly source: string | null;
  readonly agency: string | null;
  readonly author: string;
}

export interface Triangulation {
  readonly noteCount: number;
  readonly caseCount: number;
  readonly sources: readonly string[];
  readonly agencies: readonly string[];
  readonly inspectors: readonly string[];
  /** Fewer than two source types, or evidence from one case or none. */
  readonly thin: boolean;
  /** Plain sentences saying why a finding is thinly evidenced (empty when it is not). */
  readonly reasons: readonly string[];
}

const MIN_SOURCE_TYPES = 2;
const MIN_CASES = 2;

function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== ''))].sort();
}

export function triangulate(notes: readonly TriangulationNote[]): Triangulation {
  const sources = distinct(notes.map((n) => n.source));
  const cases = distinct(notes.map((n) => n.caseId));
  const reasons: string[] = [];
  if (sources.length < MIN_SOURCE_TYPES) {
    reasons.push(sources.length === 0 ? 'No source type is recorded.' : 'Only one source type supports it.');
  }
  if (cases.length < MIN_CASES) {
    reasons.push(cases.length === 0 ? 'No case supports it.' : 'Only one case supports it.');
  }
  return {
    noteCount: notes.length,
    caseCount: cases.length,
    sources,
    agencies: distinct(notes.map((n) => n.agency)),
    inspectors: distinct(notes.map((n) => n.author)),
    thin: reasons.length > 0,
    reasons,
  };
}
