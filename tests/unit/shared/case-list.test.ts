import { describe, expect, it } from 'vitest';
import { fitMapping, suggestMapping } from '../../../shared/case-list/fields.js';
import {
  ageBandForAge,
  normaliseAgencies,
  normaliseLegalStatus,
  parseAge,
  parseDateOfBirth,
  parseStage,
  parseUkDate,
  splitList,
} from '../../../shared/case-list/normalise.js';
import { buildFrame, mapRecord, mappingColumns } from '../../../shared/case-list/validate.js';

const ref = { year: 2026, month: 11, day: 2 };

describe('age bands', () => {
  it('puts each age on the boundary in the right band', () => {
    expect([0, 4, 5, 9, 10, 15, 16, 17, 18, 25].map(ageBandForAge)).toEqual([
      '0-4',
      '0-4',
      '5-9',
      '5-9',
      '10-15',
      '10-15',
      '16-17',
      '16-17',
      '18-25',
      '18-25',
    ]);
    expect(ageBandForAge(26)).toBeNull();
    expect(ageBandForAge(-1)).toBeNull();
  });

  it('reads ages and bands as areas write them', () => {
    const read = (text: string) => parseAge(text);
    expect(read('7')).toEqual({ ok: true, value: '5-9' });
    expect(read('16 years')).toEqual({ ok: true, value: '16-17' });
    expect(read('3y')).toEqual({ ok: true, value: '0-4' });
    expect(read('Under 1')).toEqual({ ok: true, value: '0-4' });
    expect(read('10-15')).toEqual({ ok: true, value: '10-15' });
    expect(read('10 to 15')).toEqual({ ok: true, value: '10-15' });
    expect(read('12–13')).toEqual({ ok: true, value: '10-15' });
    expect(read('unborn')).toEqual({ ok: true, value: '0-4' });
    expect(read('8-12')).toMatchObject({ ok: false, reason: expect.stringContaining('does not fit') });
    expect(read('forty')).toMatchObject({ ok: false, reason: expect.stringContaining('not a number') });
    expect(read('31')).toMatchObject({ ok: false, reason: expect.stringContaining('outside 0 to 25') });
  });

  it('works out the age at the reference date from a date of birth, birthday or not', () => {
    // Born 2 Nov 2016: exactly 10 on the reference date; born 3 Nov 2016: still 9.
    expect(parseDateOfBirth('02/11/2016', ref)).toEqual({ ok: true, value: '10-15' });
    expect(parseDateOfBirth('03/11/2016', ref)).toEqual({ ok: true, value: '5-9' });
    expect(parseDateOfBirth('2009-11-03', ref)).toEqual({ ok: true, value: '16-17' });
    expect(parseDateOfBirth('2009-11-02', ref)).toEqual({ ok: true, value: '16-17' });
    expect(parseDateOfBirth('2008-11-02', ref)).toEqual({ ok: true, value: '18-25' });
    expect(parseDateOfBirth('01/12/2026', ref)).toMatchObject({ ok: false, reason: expect.stringContaining('after') });
    expect(parseDateOfBirth('31/02/2015', ref)).toMatchObject({ ok: false, reason: expect.stringContaining('not a date') });
    expect(parseDateOfBirth('1990-01-01', ref)).toMatchObject({ ok: false, reason: expect.stringContaining('36') });
  });

  it('reads UK day-first dates, ISO dates, two-digit years and month names', () => {
    expect(parseUkDate('5/3/2015', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('05.03.2015', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('05-03-15', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('05/03/99', ref)).toEqual({ year: 1999, month: 3, day: 5 });
    expect(parseUkDate('2015-03-05 00:00:00', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('5 March 2015', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('05-Mar-15', ref)).toEqual({ year: 2015, month: 3, day: 5 });
    expect(parseUkDate('29/02/2016', ref)).toEqual({ year: 2016, month: 2, day: 29 });
    expect(parseUkDate('29/02/2015', ref)).toBeNull();
    expect(parseUkDate('13/13/2015', ref)).toBeNull();
  });
});

describe('stage, legal status and lists', () => {
  it('folds the spellings of each stage into one key and names the ones it does not know', () => {
    expect(['CIN', 'Child in Need', 'child_in_need', 's17'].map((t) => parseStage(t))).toEqual(
      Array(4).fill({ ok: true, value: 'child_in_need' }),
    );
    expect(parseStage('CP Plan')).toEqual({ ok: true, value: 'child_protection' });
    expect(parseStage('LAC')).toEqual({ ok: true, value: 'looked_after' });
    expect(parseStage('Children in care')).toEqual({ ok: true, value: 'looked_after' });
    expect(parseStage('MASH')).toEqual({ ok: true, value: 'front_door' });
    expect(parseStage('Care-leaver')).toEqual({ ok: true, value: 'care_leaver' });
    expect(parseStage('Adoption panel')).toMatchObject({ ok: false, reason: expect.stringContaining('Adoption panel') });
  });

  it('normalises known legal statuses and keeps others as written', () => {
    expect(normaliseLegalStatus('S.20')).toBe('s20');
    expect(normaliseLegalStatus('Section 31')).toBe('care_order');
    expect(normaliseLegalStatus('ICO')).toBe('interim_care_order');
    expect(normaliseLegalStatus('CP - neglect')).toBe('cp_plan');
    expect(normaliseLegalStatus('  Wardship  ')).toBe('Wardship');
  });

  it('splits lists on semicolons, commas and bars, and names known agencies', () => {
    expect(splitList(' DA; CSE|Missing , da ,,')).toEqual(['DA', 'CSE', 'Missing']);
    expect(normaliseAgencies('CSC; Police | CAMHS, YOT, Housing')).toEqual([
      'social_care',
      'police',
      'health',
      'youth_justice',
      'Housing',
    ]);
  });
});

describe('column mapping', () => {
  it('guesses the mapping from the header names areas use', () => {
    expect(suggestMapping(['LCS ID', 'D.O.B.', 'Age', 'Stage', 'Legal status', 'Agencies', 'Flags', 'Team'])).toEqual({
      caseRef: 'LCS ID',
      dateOfBirth: 'D.O.B.',
      age: 'Age',
      stage: 'Stage',
      legalStatus: 'Legal status',
      agencies: 'Agencies',
      flags: 'Flags',
    });
    const partial = suggestMapping(['Child reference (Mosaic)', 'Age band', 'Agency']);
    expect(partial).toMatchObject({ caseRef: 'Child reference (Mosaic)', age: 'Age band', agencies: 'Agency', stage: null });
  });

  it('drops remembered columns the new file does not have', () => {
    expect(fitMapping({ caseRef: 'Case ref', stage: 'Old stage' }, ['Case ref', 'Stage'])).toMatchObject({
      caseRef: 'Case ref',
      stage: null,
    });
  });
});

describe('row validation', () => {
  const headers = ['Ref', 'Age', 'DOB', 'Stage', 'Legal', 'Agencies', 'Flags'];
  const mapping = {
    caseRef: 'Ref',
    age: 'Age',
    dateOfBirth: 'DOB',
    stage: 'Stage',
    legalStatus: 'Legal',
    agencies: 'Agencies',
    flags: 'Flags',
  };
  const columns = mappingColumns(mapping, headers);

  it('maps a good row and prefers the date of birth to the age', () => {
    const row = mapRecord({ line: 4, fields: ['A1', '3', '01/01/2010', 'CP', 'S31', 'CSC;Police', 'DA'] }, columns, 7, ref);
    expect(row).toEqual({
      line: 4,
      caseRef: 'A1',
      ageBand: '16-17',
      stage: 'child_protection',
      legalStatus: 'care_order',
      agencies: ['social_care', 'police'],
      flags: ['DA'],
    });
  });

  it('gives every reason a row is bad in one sentence with its line', () => {
    const row = mapRecord({ line: 12, fields: ['', 'x', '', 'Nowhere', '', '', ''] }, columns, 7, ref);
    expect(row).toEqual({
      line: 12,
      reason: expect.stringMatching(/^The case reference is empty; the age "x".*; the stage "Nowhere"/),
    });
    const short = mapRecord({ line: 3, fields: ['A2', '4'] }, columns, 7, ref);
    expect(short).toMatchObject({ line: 3, reason: 'It has 2 columns but the header has 7' });
  });

  it('keeps the first of each case reference, ignoring case, and lists the repeats by line', () => {
    const rows = [
      { line: 2, fields: ['A1', '3', '', 'CIN', '', '', ''] },
      { line: 3, fields: ['B1', '5', '', 'CIN', '', '', ''] },
      { line: 5, fields: ['a1 ', '9', '', 'CP', '', '', ''] },
      { line: 6, fields: ['C1', 'old', '', 'CIN', '', '', ''] },
      { line: 8, fields: ['A1', '3', '', 'CIN', '', '', ''] },
    ];
    const frame = buildFrame(rows, headers, mapping, ref);
    expect(frame.entries.map((e) => [e.caseRef, e.line])).toEqual([
      ['A1', 2],
      ['B1', 3],
    ]);
    expect(frame.duplicates).toEqual([{ caseRef: 'A1', lines: [2, 5, 8] }]);
    expect(frame.problems).toEqual([{ line: 6, reason: expect.stringContaining('"old"') }]);
  });
});
