import { HEADER_SYNONYMS } from './header-synonyms.js';

/**
 * The fields a case list can be mapped to, and the guess of which column holds which field
 * from the header names areas actually use ("Case ref", "LCS ID", "DOB", ...). Pure.
 */

export const CASE_LIST_FIELDS = {
  caseRef: 'Case reference',
  age: 'Age or age band',
  dateOfBirth: 'Date of birth',
  stage: "Stage of the child's journey",
  legalStatus: 'Legal status',
  agencies: 'Agencies involved',
  flags: 'Flags',
} as const;
export type CaseListField = keyof typeof CASE_LIST_FIELDS;
export const CASE_LIST_FIELD_KEYS = Object.keys(CASE_LIST_FIELDS) as CaseListField[];

/** Which column (by its header text) holds each field; null when the list has no such column. */
export type ColumnMapping = Readonly<Record<CaseListField, string | null>>;

export const EMPTY_MAPPING: ColumnMapping = {
  caseRef: null,
  age: null,
  dateOfBirth: null,
  stage: null,
  legalStatus: null,
  agencies: null,
  flags: null,
};

/** Lower case, punctuation and runs of spaces folded, so "Case Ref." matches "case ref". */
export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const compact = (text: string) => text.replace(/ /g, '');

/** Whether a normalised header is exactly one of a field's synonyms ("CaseRef" and "Case Ref" alike). */
function exactMatch(header: string, synonym: string): boolean {
  return header === synonym || compact(header) === compact(synonym);
}

/** Short synonyms ("id", "ref", "age") only as whole words, so "Agencies" is not "age". */
function containsMatch(header: string, synonym: string): boolean {
  return ` ${header} `.includes(` ${synonym} `);
}

/** Guesses a mapping: exact synonym matches first, then headers that contain a synonym. */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const normalised = headers.map(normaliseHeader);
  const used = new Set<number>();
  const mapping: Record<CaseListField, string | null> = { ...EMPTY_MAPPING };
  const order: CaseListField[] = ['dateOfBirth', 'legalStatus', 'caseRef', 'age', 'stage', 'agencies', 'flags'];
  for (const pass of ['exact', 'contains'] as const) {
    for (const field of order) {
      if (mapping[field] !== null) continue;
      for (const synonym of HEADER_SYNONYMS[field]) {
        const index = normalised.findIndex((h, i) => {
          if (used.has(i) || h === '') return false;
          return pass === 'exact' ? exactMatch(h, synonym) : containsMatch(h, synonym);
        });
        if (index >= 0) {
          used.add(index);
          mapping[field] = headers[index] ?? null;
          break;
        }
      }
    }
  }
  return mapping;
}

/**
 * How much a row looks like a header: one point per field some cell names exactly, half a
 * point per field a cell only contains. A title row ("Children known to social care –
 * extract 01/11/2026") and data rows score near nothing; the real header scores highest.
 */
export function headerScore(cells: readonly string[]): number {
  const normalised = cells.map(normaliseHeader).filter((h) => h !== '');
  let score = 0;
  for (const field of CASE_LIST_FIELD_KEYS) {
    const synonyms = HEADER_SYNONYMS[field];
    if (normalised.some((h) => synonyms.some((s) => exactMatch(h, s)))) score += 1;
    else if (normalised.some((h) => h.length <= 40 && synonyms.some((s) => containsMatch(h, s)))) score += 0.5;
  }
  return score;
}

/**
 * Which of the first rows is the header: the one that scores highest (the first of equals),
 * or the first row when none looks like a header at all. Rows are the file's non-blank rows.
 */
export function detectHeaderRow(rows: readonly (readonly string[])[], scan = 30): number {
  let best = 0;
  let bestScore = 0;
  for (let i = 0; i < rows.length && i < scan; i++) {
    const score = headerScore(rows[i] ?? []);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** Whether two header lists are the same columns in the same order, as written. */
export function sameHeaders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((header, i) => header === b[i]);
}

/** Keeps only mapped headers that exist in this file, so a remembered mapping never points nowhere. */
export function fitMapping(mapping: Partial<ColumnMapping> | null | undefined, headers: readonly string[]): ColumnMapping {
  const result: Record<CaseListField, string | null> = { ...EMPTY_MAPPING };
  if (!mapping) return result;
  for (const field of CASE_LIST_FIELD_KEYS) {
    const header = mapping[field];
    result[field] = typeof header === 'string' && headers.includes(header) ? header : null;
  }
  return result;
}

export function isMappingEmpty(mapping: ColumnMapping): boolean {
  return CASE_LIST_FIELD_KEYS.every((field) => mapping[field] === null);
}
