/**
 * A seeded pseudo-random generator: the seed text is hashed (cyrb128) into the four words of
 * sfc32. Same seed, same sequence, on every laptop and every JavaScript engine, which is what
 * makes a recorded draw reproducible. Not for secrets.
 */

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export interface Prng {
  /** The next unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  intBelow(n: number): number;
}

export function seededPrng(seed: string): Prng {
  let [a, b, c, d] = cyrb128(seed);
  const nextUint32 = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs of sfc32 from a fresh state are weakly mixed.
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    intBelow(n) {
      if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`intBelow needs 1..2^32, got ${n}`);
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const value = nextUint32();
        if (value < limit) return value % n;
      }
    },
  };
}

/** A fresh seed for a new draw: short enough to read aloud or write in a note. */
export function seedFromWords(words: readonly number[]): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return words
    .slice(0, 10)
    .map((word) => alphabet[word % alphabet.length])
    .join('')
    .replace(/(.{5})(?=.)/g, '$1-');
}
