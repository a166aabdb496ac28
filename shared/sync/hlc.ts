/**
 * Hybrid logical clock. A timestamp is text that sorts in causal-then-wall-clock order:
 *   <15-digit wall ms>.<6-digit counter>.<node>
 *
 * BOUNDED CLOCK (DESIGN): every value this module produces fits the format, whatever it is fed.
 * - The counter never overflows: past MAX_COUNTER it carries into the wall time (wall + 1 ms,
 *   counter 0), which still sorts after the value it follows.
 * - The local clock follows a remote timestamp only up to `nowMs + MAX_CLOCK_SKEW_MS`. A
 *   remote op further ahead (a laptop set to the year 9999) is still accepted — its HLC is
 *   signed and part of its identity, and refusing it would lose its author's work and make the
 *   result depend on the receiver's clock — but it does not drag this laptop's later edits into
 *   the far future with it. Replacing it never needs a greater HLC: an edit that lists an op in
 *   `deps` supersedes it whatever the clocks say (see op.ts); the HLC only orders concurrent heads.
 * - A stored last value that is unreadable or far ahead of now (a clock poisoned before this
 *   rule existed) is not followed either, so such a store heals on its next edit.
 * Clock drift is never a reason to reject an op; callers warn instead.
 */

export interface Hlc {
  readonly wallMs: number;
  readonly counter: number;
  readonly node: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;
const HLC_PATTERN = /^(\d{15})\.(\d{6})\.([A-Za-z0-9_-]{1,64})$/;

/** The largest counter the format holds; one more carries into the wall time. */
export const MAX_COUNTER = 999_999;
/** The largest wall time the format holds (about the year 33658). */
export const MAX_WALL_MS = 999_999_999_999_999;
/** How far ahead of this laptop's own clock a remote timestamp may pull the local clock. */
export const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;

export function formatHlc(hlc: Hlc): string {
  if (!Number.isSafeInteger(hlc.wallMs) || hlc.wallMs < 0 || hlc.wallMs > MAX_WALL_MS) {
    throw new RangeError(`Clock wall time out of range: ${hlc.wallMs}`);
  }
  if (!Number.isSafeInteger(hlc.counter) || hlc.counter < 0 || hlc.counter > MAX_COUNTER) {
    throw new RangeError(`Clock counter out of range: ${hlc.counter}`);
  }
  return `${String(hlc.wallMs).padStart(WALL_DIGITS, '0')}.${String(hlc.counter).padStart(COUNTER_DIGITS, '0')}.${hlc.node}`;
}

export function parseHlc(text: string): Hlc {
  const match = HLC_PATTERN.exec(text);
  if (!match) throw new Error(`Not a hybrid logical clock value: ${text.slice(0, 80)}`);
  return { wallMs: Number(match[1]), counter: Number(match[2]), node: match[3] as string };
}

export function isHlc(text: string): boolean {
  return HLC_PATTERN.test(text);
}

/** The timestamp right after (wall, counter): the counter carries into the wall time at its maximum. */
function after(wallMs: number, counter: number, node: string): Hlc {
  if (counter < MAX_COUNTER) return { wallMs, counter: counter + 1, node };
  return { wallMs: Math.min(wallMs + 1, MAX_WALL_MS), counter: 0, node };
}

/** The furthest wall time the local clock may take, given the physical clock reading. */
export function clockBound(nowMs: number): number {
  return Math.min(Math.max(nowMs, 0) + MAX_CLOCK_SKEW_MS, MAX_WALL_MS - 1);
}

/**
 * A last value the local clock may continue from. One beyond the bound (this laptop's clock was
 * once set far ahead, or a stored value is bad) is not followed, but the clock does not fall
 * back to the physical time either: it continues from the bound, so what this laptop writes next
 * still sorts after everything it wrote within the bound.
 */
function followable(last: Hlc | null, nowMs: number): Hlc | null {
  if (last === null) return null;
  const bound = clockBound(nowMs);
  return last.wallMs <= bound ? last : { wallMs: bound, counter: 0, node: last.node };
}

/** The next local timestamp after `last`, given the physical clock reading `nowMs`. */
export function tick(last: Hlc | null, nowMs: number, node: string): Hlc {
  const base = followable(last, nowMs);
  const now = Math.min(Math.max(Math.trunc(nowMs), 0), MAX_WALL_MS - 1);
  if (base === null || now > base.wallMs) return { wallMs: now, counter: 0, node };
  return after(base.wallMs, base.counter, node);
}

/**
 * Advance the local clock past a remote timestamp so later local edits sort after it — unless
 * the remote one is beyond the skew bound, which the local clock does not follow.
 */
export function receive(local: Hlc | null, remote: Hlc, nowMs: number, node: string): Hlc {
  const bound = clockBound(nowMs);
  const own = followable(local, nowMs);
  const other = remote.wallMs <= bound ? remote : null;
  const now = Math.min(Math.max(Math.trunc(nowMs), 0), MAX_WALL_MS - 1);
  const localWall = own?.wallMs ?? -1;
  const remoteWall = other?.wallMs ?? -1;
  const wall = Math.max(localWall, remoteWall, now);
  if (wall === localWall && wall === remoteWall) return after(wall, Math.max(own?.counter ?? 0, other?.counter ?? 0), node);
  if (wall === localWall) return after(wall, own?.counter ?? 0, node);
  if (wall === remoteWall) return after(wall, other?.counter ?? 0, node);
  return { wallMs: wall, counter: 0, node };
}
