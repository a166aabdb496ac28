/**
 * A word-level diff of two texts, for showing competing versions of a note or finding side by
 * side. Pure: no DOM. Whitespace runs and punctuation are tokens too, so the "same" and
 * "removed" parts always rebuild the first text exactly and "same" and "added" the second.
 */

export type DiffKind = 'same' | 'added' | 'removed';

export interface DiffSegment {
  readonly kind: DiffKind;
  readonly text: string;
}

/** Above this many differences the texts are shown as wholly replaced: cheap and still honest. */
const MAX_EDIT_DISTANCE = 4000;

const TOKEN = /\s+|[\p{L}\p{N}\p{M}'’_-]+|[^\s\p{L}\p{N}\p{M}'’_-]/gu;

export function tokenise(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Segments turning `before` into `after`, adjacent segments of one kind merged. */
export function wordDiff(before: string, after: string): DiffSegment[] {
  const a = tokenise(before);
  const b = tokenise(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const out: DiffSegment[] = [];
  push(out, 'same', a.slice(0, start));
  for (const segment of middleDiff(a.slice(start, endA), b.slice(start, endB))) push(out, segment.kind, [segment.text]);
  push(out, 'same', a.slice(endA));
  return out;
}

function push(out: DiffSegment[], kind: DiffKind, tokens: readonly string[]): void {
  const text = tokens.join('');
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.kind === kind) out[out.length - 1] = { kind, text: last.text + text };
  else out.push({ kind, text });
}

/** Myers' O(ND) shortest edit script over tokens, with removals listed before insertions. */
function middleDiff(a: readonly string[], b: readonly string[]): DiffSegment[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d, offset);
    }
    v = next;
  }
  return replaceAll(a, b);
}

function backtrack(
  trace: readonly Int32Array[],
  a: readonly string[],
  b: readonly string[],
  depth: number,
  offset: number,
): DiffSegment[] {
  const reversed: DiffSegment[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d >= 0; d -= 1) {
    const prev = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (prev[offset + k - 1] as number) < (prev[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (prev[offset + prevK] as number);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY && x > 0 && y > 0 && a[x - 1] === b[y - 1]) {
      reversed.push({ kind: 'same', text: a[x - 1] as string });
      x -= 1;
      y -= 1;
    }
    if (d === 0) break;
    if (down) reversed.push({ kind: 'added', text: b[y - 1] as string });
    else reversed.push({ kind: 'removed', text: a[x - 1] as string });
    x = prevX;
    y = prevY;
  }
  return orderChanges(reversed.reverse());
}

/** Within each run of changes, removals first, so "was X, now Y" reads naturally. */
function orderChanges(segments: readonly DiffSegment[]): DiffSegment[] {
  const out: DiffSegment[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    push(out, 'removed', removed);
    push(out, 'added', added);
    removed = [];
    added = [];
  };
  for (const segment of segments) {
    if (segment.kind === 'same') {
      flush();
      push(out, 'same', [segment.text]);
    } else if (segment.kind === 'removed') removed.push(segment.text);
    else added.push(segment.text);
  }
  flush();
  return out;
}

function replaceAll(a: readonly string[], b: readonly string[]): DiffSegment[] {
  const out: DiffSegment[] = [];
  push(out, 'removed', a);
  push(out, 'added', b);
  return out;
}

/** The first text rebuilt from a diff (same + removed); the second is same + added. */
export function diffSides(segments: readonly DiffSegment[]): { before: string; after: string } {
  let before = '';
  let after = '';
  for (const segment of segments) {
    if (segment.kind !== 'added') before += segment.text;
    if (segment.kind !== 'removed') after += segment.text;
  }
  return { before, after };
}
