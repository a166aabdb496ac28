import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffSides, tokenise, wordDiff } from '../../../shared/text/word-diff.js';

describe('word diff', () => {
  it('marks a replaced word as removed then added, keeping the rest', () => {
    expect(wordDiff('The plan was reviewed monthly.', 'The plan was reviewed weekly.')).toEqual([
      { kind: 'same', text: 'The plan was reviewed ' },
      { kind: 'removed', text: 'monthly' },
      { kind: 'added', text: 'weekly' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('shows an insertion in the middle of a sentence as added words only', () => {
    expect(wordDiff('Strategy meetings were timely.', 'Strategy meetings were not always timely.')).toEqual([
      { kind: 'same', text: 'Strategy meetings were ' },
      { kind: 'added', text: 'not always ' },
      { kind: 'same', text: 'timely.' },
    ]);
  });

  it('treats identical texts as one unchanged segment and empty texts as nothing', () => {
    expect(wordDiff('Same words', 'Same words')).toEqual([{ kind: 'same', text: 'Same words' }]);
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('', 'New')).toEqual([{ kind: 'added', text: 'New' }]);
    expect(wordDiff('Old', '')).toEqual([{ kind: 'removed', text: 'Old' }]);
  });

  it('keeps accented words and apostrophes whole', () => {
    expect(tokenise('child’s café-based review')).toEqual(['child’s', ' ', 'café-based', ' ', 'review']);
  });

  it('finds a shortest script: changing one word of many touches only that word', () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    const changed = [...words];
    changed[150] = 'CHANGED';
    const segments = wordDiff(words.join(' '), changed.join(' '));
    expect(segments.filter((s) => s.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'w150' },
      { kind: 'added', text: 'CHANGED' },
    ]);
  });

  it('always rebuilds both texts exactly (property)', () => {
    const word = fc.constantFrom('the', 'child', 'plan', 'was', 'not', 'reviewed', ',', '.', ' ', '  ', '\n', 'é', 'x');
    const text = fc.array(word, { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const segments = wordDiff(before, after);
        expect(diffSides(segments)).toEqual({ before, after });
        for (let i = 1; i < segments.length; i += 1) expect(segments[i]?.kind).not.toBe(segments[i - 1]?.kind);
        expect(segments.every((s) => s.text.length > 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('rebuilds arbitrary unicode text exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), (a, b) => {
        expect(diffSides(wordDiff(a, b))).toEqual({ before: a, after: b });
      }),
      { numRuns: 500 },
    );
  });
});
