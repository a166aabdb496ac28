import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { triangulate, type TriangulationNote } from '../../../shared/triangulation.js';

const note = (over: Partial<TriangulationNote>): TriangulationNote => ({
  caseId: 'case-a',
  source: 'case_record',
  agency: 'social_care',
  author: 'key-1',
  ...over,
});

describe('triangulation', () => {
  it('a finding with no evidence is thinly evidenced, with reasons', () => {
    const t = triangulate([]);
    expect(t).toMatchObject({ noteCount: 0, caseCount: 0, thin: true });
    expect(t.reasons).toEqual(['No source type is recorded.', 'No case supports it.']);
  });

  it('one source type across several cases is thin', () => {
    const t = triangulate([note({ caseId: 'a' }), note({ caseId: 'b' })]);
    expect(t.caseCount).toBe(2);
    expect(t.thin).toBe(true);
    expect(t.reasons).toEqual(['Only one source type supports it.']);
  });

  it('several source types from a single case is thin', () => {
    const t = triangulate([note({ source: 'case_record' }), note({ source: 'practitioner' })]);
    expect(t.sources).toEqual(['case_record', 'practitioner']);
    expect(t.thin).toBe(true);
    expect(t.reasons).toEqual(['Only one case supports it.']);
  });

  it('two source types and two cases is not thin, and counts distinct agencies and inspectors', () => {
    const t = triangulate([
      note({ caseId: 'a', source: 'case_record', agency: 'police', author: 'k1' }),
      note({ caseId: 'b', source: 'manager', agency: 'health', author: 'k2' }),
      note({ caseId: null, source: 'manager', agency: 'health', author: 'k2' }),
    ]);
    expect(t).toMatchObject({ noteCount: 3, caseCount: 2, thin: false, reasons: [] });
    expect(t.agencies).toEqual(['health', 'police']);
    expect(t.inspectors).toEqual(['k1', 'k2']);
  });

  it('notes without a case or source do not count as a case or a source type', () => {
    const t = triangulate([note({ caseId: null, source: null }), note({ caseId: null, source: 'document' })]);
    expect(t.caseCount).toBe(0);
    expect(t.sources).toEqual(['document']);
  });

  it('does not depend on the order of the notes (property)', () => {
    const arb = fc.array(
      fc.record({
        caseId: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
        source: fc.option(fc.constantFrom('case_record', 'manager', 'document'), { nil: null }),
        agency: fc.option(fc.constantFrom('police', 'health'), { nil: null }),
        author: fc.constantFrom('k1', 'k2'),
      }),
    );
    fc.assert(
      fc.property(arb, (notes) => {
        expect(triangulate([...notes].reverse())).toEqual(triangulate(notes));
        const t = triangulate(notes);
        expect(t.thin).toBe(t.sources.length < 2 || t.caseCount < 2);
      }),
    );
  });
});
