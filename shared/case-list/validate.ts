/**
 * One record of the file -> one case-list entry or a problem with its line number, and the
 * whole file -> the sampling frame (valid entries, first of each case reference kept),
 * the problem rows and the duplicate references. Pure: the CSV reading lives in main.
 */
import type { AgeBand, Stage } from '../domain/vocabulary.js';
import type { CaseListField, ColumnMapping } from './fields.js';
import {
  normaliseAgencies,
  normaliseLegalStatus,
  parseAge,
  parseDateOfBirth,
  parseStage,
  splitList,
  type CalendarDate,
} from './normalise.js';

export const MAX_CASE_REF_LENGTH = 60;

/** One record as read from the file: its fields and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CaseListEntry {
  readonly line: number;
  readonly caseRef: string;
  readonly ageBand: AgeBand | null;
  readonly stage: Stage | null;
  readonly legalStatus: string | null;
  readonly agencies: readonly string[];
  readonly flags: readonly string[];
}

export interface RowProblem {
  readonly line: number;
  readonly reason: string;
}

export interface DuplicateRef {
  readonly caseRef: string;
  /** Every line holding this reference; the first is the one kept. */
  readonly lines: readonly number[];
}

/** Case references compare without case or surrounding space, as sampled case ids do. */
export function caseRefKey(caseRef: string): string {
  return caseRef.trim().toUpperCase();
}

type Columns = Readonly<Record<CaseListField, number>>;

export function mappingColumns(mapping: ColumnMapping, headers: readonly string[]): Columns {
  const column = (field: CaseListField) => (mapping[field] === null ? -1 : headers.indexOf(mapping[field] as string));
  return {
    caseRef: column('caseRef'),
    age: column('age'),
    dateOfBirth: column('dateOfBirth'),
    stage: column('stage'),
    legalStatus: column('legalStatus'),
    agencies: column('agencies'),
    flags: column('flags'),
  };
}

export function mapRecord(
  record: CsvRecord,
  columns: Columns,
  headerCount: number,
  reference: CalendarDate,
): CaseListEntry | RowProblem {
  const reasons: string[] = [];
  if (record.fields.length !== headerCount) {
    reasons.push(`it has ${record.fields.length} columns but the header has ${headerCount}`);
  }
  const cell = (field: CaseListField) => (columns[field] < 0 ? '' : (record.fields[columns[field]] ?? '').trim());
  const caseRef = cell('caseRef').replace(/\s+/g, ' ');
  if (caseRef === '') reasons.push('the case reference is empty');
  else if (caseRef.length > MAX_CASE_REF_LENGTH)
    reasons.push(`the case reference is longer than ${MAX_CASE_REF_LENGTH} characters`);

  let ageBand: AgeBand | null = null;
  const birth = cell('dateOfBirth');
  const age = cell('age');
  // A date of birth is more exact than an age, so it wins when both are given.
  const parsedAge = birth !== '' ? parseDateOfBirth(birth, reference) : age !== '' ? parseAge(age) : null;
  if (parsedAge?.ok) ageBand = parsedAge.value;
  else if (parsedAge) reasons.push(lowerFirst(parsedAge.reason));

  let stage: Stage | null = null;
  const stageText = cell('stage');
  if (stageText !== '') {
    const parsedStage = parseStage(stageText);
    if (parsedStage.ok) stage = parsedStage.value;
    else reasons.push(lowerFirst(parsedStage.reason));
  }
  if (reasons.length > 0) return { line: record.line, reason: upperFirst(reasons.join('; ')) };
  const legal = cell('legalStatus');
  return {
    line: record.line,
    caseRef,
    ageBand,
    stage,
    legalStatus: legal === '' ? null : normaliseLegalStatus(legal),
    agencies: normaliseAgencies(cell('agencies')),
    flags: splitList(cell('flags')),
  };
}

export function isProblem(value: CaseListEntry | RowProblem): value is RowProblem {
  return 'reason' in value;
}

export interface CaseListFrame {
  readonly entries: readonly CaseListEntry[];
  readonly problems: readonly RowProblem[];
  readonly duplicates: readonly DuplicateRef[];
}

/** Maps every record; keeps the first entry per case reference and lists the repeats. */
export function buildFrame(
  records: readonly CsvRecord[],
  headers: readonly string[],
  mapping: ColumnMapping,
  reference: CalendarDate,
  extraProblems: readonly RowProblem[] = [],
): CaseListFrame {
  const columns = mappingColumns(mapping, headers);
  const entries: CaseListEntry[] = [];
  const problems: RowProblem[] = [...extraProblems];
  const firstSeen = new Map<string, CaseListEntry>();
  const repeats = new Map<string, { caseRef: string; lines: number[] }>();
  for (const record of records) {
    const mapped = mapRecord(record, columns, headers.length, reference);
    if (isProblem(mapped)) {
      problems.push(mapped);
      continue;
    }
    const key = caseRefKey(mapped.caseRef);
    const first = firstSeen.get(key);
    if (first === undefined) {
      firstSeen.set(key, mapped);
      entries.push(mapped);
      continue;
    }
    const repeat = repeats.get(key) ?? { caseRef: first.caseRef, lines: [first.line] };
    repeat.lines.push(mapped.line);
    repeats.set(key, repeat);
  }
  problems.sort((a, b) => a.line - b.line);
  return { entries, problems, duplicates: [...repeats.values()] };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
