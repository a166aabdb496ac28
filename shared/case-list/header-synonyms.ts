/**
 * The header spellings local authority exports use for each field, as data. Matching folds
 * case, punctuation and spaces (see `normaliseHeader` in fields.ts), so "CaseRef", "Case Ref."
 * and "case_ref" are all "case ref"; "D.O.B." is "d o b", matched as "dob" with spaces removed.
 * Order matters only within a field: the first synonym that some header matches wins.
 */
import type { CaseListField } from './fields.js';

export const HEADER_SYNONYMS: Readonly<Record<CaseListField, readonly string[]>> = {
  caseRef: [
    'case ref',
    'case reference',
    'case ref no',
    'case reference number',
    'case id',
    'case number',
    'case no',
    'child ref',
    'child reference',
    'child id',
    'child number',
    'lcs id',
    'lcs ref',
    'lcs number',
    'mosaic id',
    'mosaic number',
    'eclipse id',
    'liquidlogic id',
    'ccm id',
    'person id',
    'person ref',
    'client id',
    'client ref',
    'unique id',
    'reference',
    'ref',
    'id',
  ],
  dateOfBirth: ['date of birth', 'dob', 'd o b', 'birth date', 'birthdate', 'date born', 'child dob', 'child date of birth'],
  age: ['age band', 'age group', 'age range', 'age years', 'age in years', 'current age', 'age'],
  stage: [
    'stage of journey',
    'journey stage',
    'stage of the childs journey',
    'stage of childs journey',
    'stage',
    'case stage',
    'current stage',
    'service stage',
    'cohort',
  ],
  legalStatus: ['legal status', 'legal basis', 'legal order', 'legal'],
  agencies: [
    'agencies involved',
    'involved agencies',
    'agencies',
    'agency',
    'partner agencies',
    'other agencies',
    'professionals involved',
    'partners involved',
    'partners',
  ],
  flags: ['flags', 'flag', 'risk flags', 'themes', 'theme flags', 'indicators', 'vulnerabilities', 'risk factors'],
};
