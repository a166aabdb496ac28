/**
 * Local edits: each command's field writes become ops with fresh HLCs whose deps are the
 * field's current heads, grouped into one signed changeset, applied in the caller's
 * transaction. A write that would not change a field's single head is skipped, so autosave
 * does not fill the log with repeats.
 */
import { MAX_CLOCK_SKEW_MS, clockBound, formatHlc, isHlc, parseHlc, tick, receive, type Hlc } from '../../shared/sync/hlc.js';
import { canonicalJson, type Op, type OpValue } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, type SyncedTableName } from '../../shared/sync/tables.js';
import type { Db } from '../store/connection.js';
import { chainFloor, readMeta, writeMeta } from '../store/meta-repo.js';
import { insertChangeset, lastChangeset, readHeads, readRowHeadIds } from '../store/op-log-repo.js';
import { applyOps } from './apply-ops.js';
import { checkLocalOps } from './authority.js';
import { CHANGESET_FORMAT, encodeChangeset } from './changeset.js';
import { signBytes, type DeviceIdentity } from './device-identity.js';
import { computeOpId } from './op-id.js';

export interface FieldEdit {
  readonly table: SyncedTableName;
  readonly row: string;
  readonly field: string;
  readonly value: OpValue;
}

export interface WriteContext {
  readonly db: Db;
  readonly device: DeviceIdentity;
  readonly now: () => number;
}

const HLC_KEY = 'hlc';

export function hlcNode(author: string): string {
  return author.slice(0, 12);
}

/** This device's last timestamp. An unreadable one (written before the clock was bounded) is not followed. */
function lastHlc(db: Db): Hlc | null {
  const text = readMeta(db, HLC_KEY);
  return text === null || !isHlc(text) ? null : parseHlc(text);
}

/** Advance this device's clock past timestamps seen in imported ops; `ahead` are those beyond the bound, kept for later. */
export function observeRemoteHlc(ctx: WriteContext, remote: string | null, ahead: readonly string[] = []): void {
  const last = lastHlc(ctx.db);
  const node = hlcNode(ctx.device.author);
  // Only far-ahead ops seen: the clock stays where it is (or starts now), and they are kept.
  const clock = remote !== null ? receive(last, parseHlc(remote), ctx.now(), node) : (last ?? tick(null, ctx.now(), node));
  remember(ctx, last, clock, ahead);
}

/**
 * Timestamps this laptop issued or saw that its clock may later fall below and then meet again,
 * so that the next timestamp still sorts after them:
 * - those beyond the value it now holds (its own clock was set far ahead and corrected, or ran
 *   back past the bound, or a remote op was ahead): at most MAX_PEAKS, the nearest first, the
 *   ones the bound meets first;
 * - those below it that a correction could fall under: one the clock leapt more than the skew
 *   bound past (it was set far ahead, and a correction clamps it back under that one), or one
 *   still ahead of the physical clock (a clock run back past the bound clamps under it). At most
 *   MAX_BELOW, the greatest: a clamp to the bound sorts after everything below the bound's wall time.
 */
const PEAK_KEY = 'hlc_peak';
const MAX_PEAKS = 32;
const MAX_BELOW = 8;

/** Adds `hlc` to `nearest`, keeping only the MAX_PEAKS smallest (the first the bound reaches). */
export function keepNearest(nearest: Set<string>, hlc: string): void {
  nearest.add(hlc);
  if (nearest.size <= MAX_PEAKS) return;
  let largest = '';
  for (const value of nearest) if (value > largest) largest = value;
  nearest.delete(largest);
}

function peaksOf(db: Db): string[] {
  const text = readMeta(db, PEAK_KEY);
  return text === null ? [] : text.split(' ').filter(isHlc);
}

/**
 * Stores `clock` as this device's last timestamp, after every kept peak the bound now covers;
 * `last` and `ahead` (timestamps seen beyond the bound) join the peaks, which keep what PEAK_KEY says.
 */
function remember(ctx: WriteContext, last: Hlc | null, clock: Hlc, ahead: readonly string[] = []): string {
  const now = ctx.now();
  const bound = clockBound(now);
  const known = peaksOf(ctx.db);
  let next = clock;
  const covered = known.filter((p) => parseHlc(p).wallMs <= bound).reduce((a, b) => (a > b ? a : b), '');
  if (covered !== '' && formatHlc(next) <= covered) next = tick(parseHlc(covered), now, next.node);
  const text = formatHlc(next);
  const candidates = [...new Set([...known, ...ahead, ...(last === null ? [] : [formatHlc(last)])])];
  const above = candidates
    .filter((p) => p > text)
    .sort()
    .slice(0, MAX_PEAKS);
  const below = candidates
    .filter((p) => {
      if (p >= text) return false;
      const wall = parseHlc(p).wallMs;
      return next.wallMs - wall > MAX_CLOCK_SKEW_MS || wall > now;
    })
    .sort()
    .slice(-MAX_BELOW);
  const kept = [...below, ...above].join(' ');
  if (kept !== known.join(' ')) writeMeta(ctx.db, PEAK_KEY, kept);
  writeMeta(ctx.db, HLC_KEY, text);
  return text;
}

/** The timestamp the next edit would get, without taking it (for judging a draft before it is sealed). */
export function peekHlc(ctx: WriteContext): string {
  return formatHlc(tick(lastHlc(ctx.db), ctx.now(), hlcNode(ctx.device.author)));
}

/** Takes this device's next timestamp, after every op in `after` (what the edit replaces). */
export function nextHlc(ctx: WriteContext, after: readonly Op[]): string {
  const last = lastHlc(ctx.db);
  let clock = tick(last, ctx.now(), hlcNode(ctx.device.author));
  // An edit must sort after what it replaces even if this laptop's clock is behind.
  for (const dep of after) {
    if (formatHlc(clock) <= dep.hlc) clock = receive(clock, parseHlc(dep.hlc), ctx.now(), clock.node);
  }
  return remember(ctx, last, clock);
}

function depsFor(db: Db, edit: FieldEdit): { deps: string[]; heads: Op[] } {
  const heads = readHeads(db, { table: edit.table, row: edit.row, field: edit.field });
  if (edit.field !== DELETED_FIELD) return { deps: heads.map((h) => h.id), heads };
  // A delete or restore lists every head of the row as seen (see apply-ops.ts).
  const rowHeads = readRowHeadIds(db, edit.table, edit.row).map((h) => h.opId);
  return { deps: [...new Set(rowHeads)], heads };
}

/**
 * Records the edits as one changeset and applies them. Must run inside the command's
 * transaction so the op log and the current-value tables change together or not at all.
 */
/** The last edit of each field (a command may set one field twice; the last value is the one meant). */
export function lastEditPerField<T extends FieldEdit>(edits: readonly T[]): T[] {
  return [...new Map(edits.map((edit) => [`${edit.table}\u0000${edit.row}\u0000${edit.field}`, edit])).values()];
}

/** This device's op for one edit, its id computed from the rest. */
export function ownOp(ctx: WriteContext, inspectionId: string, edit: FieldEdit, hlc: string, deps: readonly string[]): Op {
  const partial = {
    inspection: inspectionId,
    hlc,
    author: ctx.device.author,
    table: edit.table,
    row: edit.row,
    field: edit.field,
    value: edit.value,
    deps: [...deps].sort(),
  };
  return { id: computeOpId(partial), ...partial };
}

export function writeEdits(ctx: WriteContext, inspectionId: string, edits: readonly FieldEdit[]): Op[] {
  const ops: Op[] = [];
  for (const edit of lastEditPerField(edits)) {
    if (fieldKind(edit.table, edit.field) === null) {
      throw new Error(`No such field: ${edit.table}.${edit.field}`);
    }
    const { deps, heads } = depsFor(ctx.db, edit);
    if (heads.length === 1 && edit.field !== DELETED_FIELD && canonicalJson(heads[0]?.value) === canonicalJson(edit.value)) {
      continue;
    }
    ops.push(ownOp(ctx, inspectionId, edit, nextHlc(ctx, heads), deps));
  }
  if (ops.length === 0) return ops;
  // The authority model (docs/authority.md): a member's own command is judged like an import.
  checkLocalOps(ctx.db, inspectionId, ctx.device.author, ops, new Date(ctx.now()).toISOString());
  sealOps(ctx, inspectionId, ops);
  return ops;
}

/**
 * Puts this device's ops into its next signed changeset and applies them (inside the caller's
 * transaction). Also used by recovery to re-seal salvaged own ops whose chain has a hole.
 */
export function sealOps(ctx: WriteContext, inspectionId: string, ops: readonly Op[]): string {
  const last = lastChangeset(ctx.db, inspectionId, ctx.device.author);
  // After a restore, the first changeset jumps above the restore's floor (meta-repo.ts, CHAIN
  // LINES) — also when the backup held none of this laptop's changesets: seq 1 may already have
  // been sent, so the new line starts as a second root (prev null) above the floor.
  const seq = Math.max(last?.seq ?? 0, chainFloor(ctx.db)) + 1;
  const { bytes, id } = encodeChangeset({
    v: CHANGESET_FORMAT,
    inspection: inspectionId,
    author: ctx.device.author,
    seq,
    prev: last?.id ?? null,
    ops: [...ops],
  });
  insertChangeset(
    ctx.db,
    {
      id,
      inspection: inspectionId,
      author: ctx.device.author,
      seq,
      prev: last?.id ?? null,
      body: bytes,
      signature: signBytes(ctx.device, bytes),
      local: true,
    },
    new Date(ctx.now()).toISOString(),
  );
  applyOps(ctx.db, ops, id);
  return id;
}
