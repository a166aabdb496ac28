/**
 * Turning what an area's spreadsheet says into Fieldwork's vocabulary: an age or a date of
 * birth into an age band (at a reference date, normally the first day of fieldwork), the
 * many spellings of a stage or a legal status into one key, and lists split on ; , or |.
 * Every function returns a value or a reason in plain words; none throws.
 */
import { AGE_BANDS, AGENCIES, STAGES, type AgeBand, type Agency, type Stage } from '../domain/vocabulary.js';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/** Lower case; dots, brackets and apostrophes dropped; other punctuation and spaces folded to one space. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.()'’`]/g, '')
    .replace(/[\s_\-–—/:,]+/g, ' ')
    .trim();
}

export function ageBandForAge(age: number): AgeBand | null {
  if (!Number.isInteger(age) || age < 0) return null;
  if (age <= 4) return '0-4';
  if (age <= 9) return '5-9';
  if (age <= 15) return '10-15';
  if (age <= 17) return '16-17';
  if (age <= 25) return '18-25';
  return null;
}

/** An age cell: "7", "7 years", "7y", "under 1", or a band such as "10-15" or "10 to 15". */
export function parseAge(raw: string): Parsed<AgeBand> {
  const text = raw.trim().toLowerCase();
  const band = /^(\d{1,2})\s*(?:-|–|—|to)\s*(\d{1,2})(?:\s*(?:years?|yrs?))?$/.exec(text);
  if (band) {
    const name = `${Number(band[1])}-${Number(band[2])}`;
    if ((AGE_BANDS as readonly string[]).includes(name)) return ok(name as AgeBand);
    const low = ageBandForAge(Number(band[1]));
    if (low !== null && low === ageBandForAge(Number(band[2]))) return ok(low);
    return fail(`The age band "${raw.trim()}" does not fit Fieldwork's bands (${AGE_BANDS.join(', ')})`);
  }
  if (/^(?:under|<)\s*1(?:\s*(?:years?|yrs?))?$/.test(text) || /^(?:unborn|pre ?birth)$/.test(text)) return ok('0-4');
  const single = /^(\d{1,3})(?:\.\d+)?\s*(?:y|yrs?|years?(?: old)?)?$/.exec(text);
  if (!single) return fail(`The age "${raw.trim()}" is not a number of years`);
  const age = Number(single[1]);
  const bandForAge = ageBandForAge(age);
  return bandForAge ? ok(bandForAge) : fail(`The age ${age} is outside 0 to 25`);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function validDate(year: number, month: number, day: number): CalendarDate | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days ? { year, month, day } : null;
}

/** Two-digit years: a child's birth year is never after the reference year. */
function fullYear(year: number, digits: number, reference: CalendarDate): number {
  if (digits > 2) return year;
  const century = Math.floor(reference.year / 100) * 100;
  return century + year > reference.year ? century - 100 + year : century + year;
}

/**
 * A date as UK spreadsheets write it: day first (dd/mm/yyyy, d-m-yy, dd.mm.yyyy), ISO
 * (yyyy-mm-dd, with or without a time), or with a month name (2 Mar 2015, 02-Mar-15).
 */
export function parseUkDate(raw: string, reference: CalendarDate): CalendarDate | null {
  const text = raw.trim().toLowerCase();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.]+z?)?$/.exec(text);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?: [\d:]+)?$/.exec(text);
  if (numeric) {
    const yearText = numeric[3] as string;
    return validDate(fullYear(Number(yearText), yearText.length, reference), Number(numeric[2]), Number(numeric[1]));
  }
  const named = /^(\d{1,2})[\s-]+([a-z]{3,9})[\s-]+(\d{2}|\d{4})$/.exec(text);
  if (named) {
    const month = MONTHS.indexOf((named[2] as string).slice(0, 3)) + 1;
    const yearText = named[3] as string;
    return month > 0 ? validDate(fullYear(Number(yearText), yearText.length, reference), month, Number(named[1])) : null;
  }
  return null;
}

export function parseIsoReference(iso: string): CalendarDate {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!date) throw new Error(`Not an ISO date: ${iso}`);
  return { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) };
}

/** Whole years between a birth date and the reference date. */
export function ageOn(birth: CalendarDate, reference: CalendarDate): number {
  const hadBirthday = reference.month > birth.month || (reference.month === birth.month && reference.day >= birth.day);
  return reference.year - birth.year - (hadBirthday ? 0 : 1);
}

export function parseDateOfBirth(raw: string, reference: CalendarDate): Parsed<AgeBand> {
  const birth = parseUkDate(raw, reference);
  if (!birth) return fail(`The date of birth "${raw.trim()}" is not a date (use day/month/year)`);
  const age = ageOn(birth, reference);
  if (age < 0) return fail(`The date of birth ${raw.trim()} is after the reference date`);
  const band = ageBandForAge(age);
  return band ? ok(band) : fail(`The date of birth ${raw.trim()} makes the child ${age}, outside 0 to 25`);
}

const STAGE_SYNONYMS: Readonly<Record<Stage, readonly string[]>> = {
  front_door: ['front door', 'contact', 'referral', 'contact and referral', 'contact referral', 'mash', 'initial contact'],
  early_help: ['early help', 'eh', 'eha', 'early help assessment', 'targeted early help', 'family help'],
  child_in_need: ['child in need', 'children in need', 'cin', 'cin plan', 'child in need plan', 's17', 'section 17'],
  child_protection: [
    'child protection',
    'cp',
    'cpp',
    'cp plan',
    'child protection plan',
    's47',
    'section 47',
    'subject to a child protection plan',
  ],
  looked_after: [
    'looked after',
    'looked after child',
    'child looked after',
    'children looked after',
    'lac',
    'cla',
    'child in care',
    'children in care',
    'cic',
    'in care',
  ],
  care_leaver: ['care leaver', 'care leavers', 'leaving care', 'care experienced young person'],
};

const STAGE_LOOKUP = new Map<string, Stage>();
for (const [stage, synonyms] of Object.entries(STAGE_SYNONYMS) as [Stage, readonly string[]][]) {
  for (const text of [...synonyms, fold(stage), fold(STAGES[stage])]) STAGE_LOOKUP.set(fold(text), stage);
}

export function parseStage(raw: string): Parsed<Stage> {
  const stage = STAGE_LOOKUP.get(fold(raw));
  return stage ? ok(stage) : fail(`The stage "${raw.trim()}" is not one Fieldwork knows (${Object.values(STAGES).join(', ')})`);
}

/** Legal statuses areas commonly record; anything else is kept as written. */
export const LEGAL_STATUSES = {
  early_help: 'Early help (no statutory order)',
  s17: 'Child in need (section 17)',
  cp_plan: 'Child protection plan',
  s20: 'Accommodated (section 20)',
  interim_care_order: 'Interim care order',
  care_order: 'Care order',
  placement_order: 'Placement order',
  sgo: 'Special guardianship order',
  remand: 'Remanded to local authority accommodation',
  care_leaver: 'Care leaver',
} as const;
export type LegalStatusKey = keyof typeof LEGAL_STATUSES;

const LEGAL_SYNONYMS: Readonly<Record<LegalStatusKey, readonly string[]>> = {
  early_help: ['early help', 'eh'],
  s17: ['s17', 'section 17', 'cin', 'child in need'],
  cp_plan: ['cp', 'cpp', 'cp plan', 'child protection', 'child protection plan'],
  s20: ['s20', 'section 20', 'accommodated', 'voluntary accommodation', 'v20'],
  interim_care_order: ['ico', 'interim care order', 's38', 'section 38', 'c1'],
  care_order: ['co', 'care order', 'full care order', 'fco', 's31', 'section 31', 'c2'],
  placement_order: ['po', 'placement order', 's21', 'e1'],
  sgo: ['sgo', 'special guardianship', 'special guardianship order'],
  remand: ['remand', 'remanded', 'l2', 'j2'],
  care_leaver: ['care leaver', 'leaving care'],
};

const LEGAL_LOOKUP = new Map<string, LegalStatusKey>();
for (const [key, synonyms] of Object.entries(LEGAL_SYNONYMS) as [LegalStatusKey, readonly string[]][]) {
  for (const text of [...synonyms, key, LEGAL_STATUSES[key]]) LEGAL_LOOKUP.set(fold(text), key);
}

/** A known legal status becomes its key; "CP - neglect" becomes cp_plan; others stay as written. */
export function normaliseLegalStatus(raw: string): string {
  const folded = fold(raw);
  const known = LEGAL_LOOKUP.get(folded);
  if (known) return known;
  const cp = /^(cp|cpp|child protection)( plan)? /.exec(folded);
  if (cp) return 'cp_plan';
  return raw.trim().replace(/\s+/g, ' ');
}

export function legalStatusLabel(value: string | null): string {
  if (value === null || value === '') return 'Not recorded';
  return (LEGAL_STATUSES as Record<string, string>)[value] ?? value;
}

const AGENCY_SYNONYMS: Readonly<Record<Agency, readonly string[]>> = {
  social_care: ['social care', 'csc', 'childrens social care', 'childrens services', 'social services', 'la', 'local authority'],
  police: ['police', 'pol'],
  health: ['health', 'camhs', 'gp', 'health visitor', 'hv', 'school nurse', 'school nursing', 'nhs', 'midwifery', 'icb'],
  education: ['education', 'school', 'schools', 'college', 'nursery'],
  youth_justice: ['youth justice', 'yjs', 'yot', 'youth offending', 'youth offending team', 'youth justice service'],
  probation: ['probation', 'nps', 'crc'],
  early_help: ['early help', 'eh'],
  partnership: ['partnership', 'safeguarding partnership', 'lscp', 'scp', 'masa'],
};

const AGENCY_LOOKUP = new Map<string, Agency>();
for (const [key, synonyms] of Object.entries(AGENCY_SYNONYMS) as [Agency, readonly string[]][]) {
  for (const text of [...synonyms, key, AGENCIES[key]]) AGENCY_LOOKUP.set(fold(text), key);
}

/** Splits a cell on ; , | or a line break within the cell (areas use all four), trims, drops blanks and repeats. */
export function splitList(raw: string): string[] {
  const seen = new Set<string>();
  const values: string[] = [];
  for (const part of raw.split(/[;,|\r\n]/)) {
    const value = part.trim().replace(/\s+/g, ' ');
    if (value === '' || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    values.push(value);
  }
  return values;
}

/** Known agencies become their keys (so notes and findings can refer to them); others stay as written. */
export function normaliseAgencies(raw: string): string[] {
  return [...new Set(splitList(raw).map((value) => AGENCY_LOOKUP.get(fold(value)) ?? value))];
}
