/**
 * Hybrid logical clock. A timestamp is text that sorts in causal-then-wall-clock order:
 *   <15-digit wall ms>.<6-digit counter>.<node>
 * Clock drift is never a reason to reject an op: `receive` only advances, and callers may warn.
 */

export interface Hlc {
  readonly wallMs: number;
  readonly counter: number;
  readonly node: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;
const HLC_PATTERN = /^(\d{15})\.(\d{6})\.([A-Za-z0-9_-]{1,64})$/;

export function formatHlc(hlc: Hlc): string {
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

/** The next local timestamp after `last`, given the physical clock reading `nowMs`. */
export function tick(last: Hlc | null, nowMs: number, node: string): Hlc {
  if (last === null || nowMs > last.wallMs) return { wallMs: nowMs, counter: 0, node };
  return { wallMs: last.wallMs, counter: last.counter + 1, node };
}

/** Advance the local clock past a remote timestamp so later local edits sort after it. */
export function receive(local: Hlc | null, remote: Hlc, nowMs: number, node: string): Hlc {
  const localWall = local?.wallMs ?? 0;
  const wall = Math.max(localWall, remote.wallMs, nowMs);
  let counter = 0;
  if (wall === localWall && wall === remote.wallMs) counter = Math.max(local?.counter ?? 0, remote.counter) + 1;
  else if (wall === localWall) counter = (local?.counter ?? 0) + 1;
  else if (wall === remote.wallMs) counter = remote.counter + 1;
  return { wallMs: wall, counter, node };
}
