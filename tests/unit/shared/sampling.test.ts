import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, balanceAllocation, capCounts } from '../../../shared/sampling/allocate.js';
import { decodeCriteria, encodeCriteria } from '../../../shared/sampling/criteria.js';
import { drawSample, type SampleCriteria } from '../../../shared/sampling/draw.js';
import { seededPrng } from '../../../shared/sampling/prng.js';
import { groupStrata, stratumKey, stratumLabel, type FrameCase, type StratumDimension } from '../../../shared/sampling/strata.js';

const STAGE_VALUES = ['child_in_need', 'child_protection', 'looked_after', null] as const;
const BANDS = ['0-4', '5-9', '10-15', null] as const;

/** Frames with unique case references (ignoring case), as an imported list always has. */
const frameArb = fc
  .uniqueArray(fc.stringMatching(/^[A-Z]{1,2}[0-9]{1,4}$/), { minLength: 0, maxLength: 60, selector: (r) => r.toUpperCase() })
  .chain((refs) =>
    fc.tuple(
      ...refs.map((caseRef) =>
        fc.record({
          caseRef: fc.constant(caseRef),
          stage: fc.constantFrom(...STAGE_VALUES),
          ageBand: fc.constantFrom(...BANDS),
          legalStatus: fc.constantFrom('s17', 'cp_plan', null),
          flags: fc.array(fc.constantFrom('DA', 'CSE', 'Neglect'), { maxLength: 2 }),
        }),
      ),
    ),
  )
  .map((cases) => cases as FrameCase[]);

const dimensionsArb = fc.subarray<StratumDimension>(['stage', 'age_band', 'legal_status', 'flag']);

const criteriaArb: fc.Arbitrary<SampleCriteria> = fc.oneof(
  fc.record({ mode: fc.constant('proportional' as const), dimensions: dimensionsArb, total: fc.integer({ min: 0, max: 80 }) }),
  fc.record({
    mode: fc.constant('per_stratum' as const),
    dimensions: dimensionsArb,
    counts: fc.dictionary(
      fc.constantFrom(
        'child_in_need',
        'child_protection',
        'looked_after',
        '',
        'all',
        'child_in_need | 0-4',
        'looked_after | 5-9',
      ),
      fc.integer({ min: 0, max: 20 }),
    ),
  }),
);

const refsOf = (result: ReturnType<typeof drawSample>) => result.cases.map((c) => c.entry.caseRef);

describe('the seeded generator', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = seededPrng('seed-1');
    const b = seededPrng('seed-1');
    const c = seededPrng('seed-2');
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('stays inside [0, n) for every n', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const value = seededPrng(seed).intBelow(n);
        return Number.isInteger(value) && value >= 0 && value < n;
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the stratified draw (laws)', () => {
  it('the same frame, criteria and seed always give the same sample', () => {
    fc.assert(
      fc.property(frameArb, criteriaArb, fc.string({ maxLength: 12 }), (frame, criteria, seed) => {
        expect(drawSample(frame, criteria, seed)).toEqual(drawSample(frame, criteria, seed));
      }),
      { numRuns: 1000 },
    );
  });

  it('the order of rows in the file does not matter', () => {
    fc.assert(
      fc.property(
        frameArb.chain((frame) => fc.tuple(fc.constant(frame), fc.shuffledSubarray(frame, { minLength: frame.length }))),
        criteriaArb,
        fc.string({ maxLength: 12 }),
        ([frame, shuffled], criteria, seed) => {
          expect(refsOf(drawSample(shuffled, criteria, seed))).toEqual(refsOf(drawSample(frame, criteria, seed)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('draws only cases from the frame, each at most once, in the stratum it belongs to', () => {
    fc.assert(
      fc.property(frameArb, criteriaArb, fc.string({ maxLength: 12 }), (frame, criteria, seed) => {
        const result = drawSample(frame, criteria, seed);
        const refs = refsOf(result);
        expect(new Set(refs).size).toBe(refs.length);
        for (const drawn of result.cases) {
          expect(frame).toContain(drawn.entry);
          expect(stratumKey(drawn.entry, criteria.dimensions)).toBe(drawn.stratum);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('honours each count, capped at the stratum size; a proportional total is met up to the frame size', () => {
    fc.assert(
      fc.property(frameArb, criteriaArb, fc.string({ maxLength: 12 }), (frame, criteria, seed) => {
        const result = drawSample(frame, criteria, seed);
        for (const stratum of result.strata) {
          const drawnHere = result.cases.filter((c) => c.stratum === stratum.key).length;
          expect(drawnHere).toBe(stratum.drawn);
          if (criteria.mode === 'per_stratum') {
            expect(stratum.drawn).toBe(Math.min(criteria.counts[stratum.key] ?? 0, stratum.size));
          } else {
            expect(stratum.drawn).toBeLessThanOrEqual(stratum.size);
          }
        }
        if (criteria.mode === 'proportional') expect(result.cases.length).toBe(Math.min(criteria.total, frame.length));
      }),
      { numRuns: 1000 },
    );
  });

  it('a different seed usually draws a different sample', () => {
    const frame: FrameCase[] = Array.from({ length: 200 }, (_, i) => ({
      caseRef: `R${i}`,
      stage: 'child_in_need',
      ageBand: '5-9',
      legalStatus: null,
      flags: [],
    }));
    const criteria: SampleCriteria = { mode: 'proportional', dimensions: [], total: 10 };
    expect(refsOf(drawSample(frame, criteria, 'one'))).not.toEqual(refsOf(drawSample(frame, criteria, 'two')));
  });
});

describe('allocation of counts', () => {
  it('shares a total by largest remainder with a fixed tie-break', () => {
    const strata = [
      { key: 'a', size: 5 },
      { key: 'b', size: 3 },
      { key: 'c', size: 2 },
    ];
    expect(Object.fromEntries(allocateProportionally(strata, 5))).toEqual({ a: 3, b: 1, c: 1 });
    // Equal remainders: the larger stratum first, then the smaller key.
    expect(
      Object.fromEntries(
        allocateProportionally(
          [
            { key: 'y', size: 1 },
            { key: 'x', size: 1 },
          ],
          1,
        ),
      ),
    ).toEqual({ x: 1, y: 0 });
    expect(Object.fromEntries(allocateProportionally(strata, 50))).toEqual({ a: 5, b: 3, c: 2 });
    expect(Object.fromEntries(capCounts(strata, { a: 9, b: 1, zz: 4 }))).toEqual({ a: 5, b: 1, c: 0 });
  });

  it('proportional shares always add up to the total (capped) and never exceed a stratum', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 4 }), size: fc.integer({ min: 0, max: 50 }) }), {
          selector: (s) => s.key,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 400 }),
        (strata, total) => {
          const shares = allocateProportionally(strata, total);
          const sum = [...shares.values()].reduce((a, b) => a + b, 0);
          expect(sum).toBe(
            Math.min(
              total,
              strata.reduce((a, s) => a + s.size, 0),
            ),
          );
          for (const s of strata) expect(shares.get(s.key)).toBeLessThanOrEqual(s.size);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('balances cases across inspectors so loads differ by at most one, counting what they hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 6 }), (caseCount, memberCount) => {
        const cases = Array.from({ length: caseCount }, (_, i) => ({
          id: `c${i}`,
          caseRef: `R${i}`,
          stage: i % 2 ? 'cp' : 'cin',
        }));
        const members = Array.from({ length: memberCount }, (_, i) => ({ id: `m${i}`, name: `Member ${i}`, load: 0 }));
        const plan = balanceAllocation(cases, members);
        expect(plan.size).toBe(caseCount);
        const loads = members.map((m) => [...plan.values()].filter((v) => v === m.id).length);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        expect(balanceAllocation([...cases].reverse(), [...members].reverse())).toEqual(plan);
      }),
      { numRuns: 1000 },
    );
    const plan = balanceAllocation(
      [
        { id: 'a', caseRef: 'A', stage: null },
        { id: 'b', caseRef: 'B', stage: null },
      ],
      [
        { id: 'busy', name: 'Busy', load: 3 },
        { id: 'free', name: 'Free', load: 0 },
      ],
    );
    expect([...plan.values()]).toEqual(['free', 'free']);
  });
});

describe('strata and criteria', () => {
  it('groups by the chosen dimensions, puts a case with several flags under its first, and labels in words', () => {
    const frame: FrameCase[] = [
      { caseRef: 'B2', stage: 'child_protection', ageBand: '0-4', legalStatus: 'cp_plan', flags: ['DA', 'CSE'] },
      { caseRef: 'a1', stage: 'child_protection', ageBand: '0-4', legalStatus: null, flags: [] },
    ];
    const strata = groupStrata(frame, ['flag', 'stage']);
    expect(strata.map((s) => [s.key, s.members.map((m) => m.caseRef)])).toEqual([
      ['child_protection | ', ['a1']],
      ['child_protection | DA', ['B2']],
    ]);
    expect(stratumLabel('child_protection | ', ['stage', 'flag'])).toBe('Child protection · No flag');
    expect(stratumLabel('looked_after | 10-15 | s20', ['stage', 'age_band', 'legal_status'])).toBe(
      'Looked after · Age 10-15 · Accommodated (section 20)',
    );
  });

  it('recorded criteria read back as they were', () => {
    fc.assert(
      fc.property(criteriaArb, (criteria) => {
        const decoded = decodeCriteria(JSON.parse(JSON.stringify(encodeCriteria(criteria))));
        expect(decoded).not.toBeNull();
        const frame: FrameCase[] = [{ caseRef: 'X', stage: 'child_in_need', ageBand: '0-4', legalStatus: null, flags: [] }];
        expect(drawSample(frame, decoded as SampleCriteria, 's')).toEqual(drawSample(frame, criteria, 's'));
      }),
      { numRuns: 1000 },
    );
  });
});
