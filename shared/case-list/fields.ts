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

/** Header spellings seen in local authority exports, most specific first. */
const HEADER_SYNONYMS: Readonly<Record<CaseListField, readonly string[]>> = {
  caseRef: [
    'case ref',
    'case reference',
    'case id',
    'case number',
    'case no',
    'child ref',
    'child reference',
    'child id',
    'lcs id',
    'lcs ref',
    'mosaic id',
    'person id',
    'client id',
    'unique id',
    'reference',
    'ref',
    'id',
  ],
  dateOfBirth: ['date of birth', 'dob', 'd o b', 'birth date', 'birthdate'],
  age: ['age band', 'age group', 'age range', 'age years', 'age'],
  stage: ['stage of journey', 'journey stage', 'stage of the childs journey', 'stage', 'service stage', 'cohort'],
  legalStatus: ['legal status', 'legal basis', 'legal'],
  agencies: ['agencies involved', 'involved agencies', 'agencies', 'agency', 'partners involved', 'partners'],
  flags: ['flags', 'flag', 'risk flags', 'themes', 'theme flags', 'indicators', 'vulnerabilities'],
};

/** Lower case, punctuation and runs of spaces folded, so "Case Ref." matches "case ref". */
export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
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
          if (pass === 'exact') return h === synonym;
          // Short synonyms ("id", "ref", "age") only as whole words, so "Agencies" is not "age".
          return ` ${h} `.includes(` ${synonym} `);
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
