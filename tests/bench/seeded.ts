/**
 * The benchmark's only source of chance: a small seeded generator (mulberry32), so the same
 * seed gives the same team, the same notes and the same edits on every run and every machine.
 */
import { createPrivateKey } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** A few distinct items, in the order drawn. */
  some<T>(items: readonly T[], min: number, max: number): T[];
  bytes(count: number): Uint8Array;
  /** The generator's whole state, so a child process can carry on exactly where another stopped. */
  state(): number;
}

/** A seeded generator; `resumeAt` restores a state saved by `state()` instead of starting from the seed. */
export function seededRng(seed: number, resumeAt?: number): Rng {
  let state = (resumeAt ?? seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return {
    next,
    int,
    pick,
    chance: (p) => next() < p,
    some<T>(items: readonly T[], min: number, max: number): T[] {
      // Distinct indices by rejection: cheap even when `items` is a million notes long.
      const count = Math.min(items.length, int(min, max));
      const chosen = new Set<number>();
      while (chosen.size < count) chosen.add(Math.floor(next() * items.length));
      return [...chosen].map((i) => items[i] as T);
    },
    bytes(count) {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i += 1) out[i] = Math.floor(next() * 256);
      return out;
    },
    state: () => state,
  };
}

/** A UUIDv7 whose time and random parts come from the seeded generator and a simulated clock. */
export function seededId(rng: Rng, atMs: number): string {
  return uuidv7({ msecs: atMs, random: rng.bytes(16) });
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A real Ed25519 private key (PEM) derived from 32 seeded bytes: the same inspector, the same key. */
export function seededSigningKeyPem(rng: Rng): string {
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(rng.bytes(32))]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A simulated wall clock that moves forward by seeded steps, so HLCs are reproducible. */
export function simulatedClock(
  rng: Rng,
  startMs: number,
): { now: () => number; advance: (minMs: number, maxMs: number) => void } {
  let current = startMs;
  return {
    now: () => current,
    advance: (minMs, maxMs) => {
      current += rng.int(minMs, maxMs);
    },
  };
}
