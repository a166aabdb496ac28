/**
 * An op is one immutable field write. The store's current-value tables are a cache of
 * `resolveField` applied to each field's ops; bundles carry ops; merging is inserting ops.
 */
import type { SyncedTableName } from './tables.js';

export type OpValue = string | number | boolean | null | readonly string[] | Readonly<Record<string, string>>;

export interface Op {
  readonly id: string;
  readonly inspection: string;
  readonly hlc: string;
  readonly author: string;
  readonly table: SyncedTableName;
  readonly row: string;
  readonly field: string;
  readonly value: OpValue;
  /** Ids of the ops whose values this write replaced (the field's heads when it was made). */
  readonly deps: readonly string[];
}

export interface FieldState {
  /** The shown value: the head with the greatest HLC (op id breaks ties). */
  readonly value: OpValue;
  readonly winner: Op;
  readonly heads: readonly Op[];
  /** Several heads with different values. */
  readonly conflict: boolean;
}

/** Total order used to pick the shown head; the same on every laptop. */
export function compareOps(a: Pick<Op, 'hlc' | 'id'>, b: Pick<Op, 'hlc' | 'id'>): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Stable text form of a value, used to compare head values and in canonical bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * THE MERGE RULE (a multi-value register per field). The heads are the ops that no other op
 * of the same field lists in `deps`. One head: its value. Several: the greatest HLC is shown
 * and a conflict is reported if their values differ. The result depends only on the *set*
 * of ops, so import order and repetition cannot change it.
 */
export function resolveField(ops: readonly Op[]): FieldState | null {
  if (ops.length === 0) return null;
  const superseded = new Set<string>();
  for (const op of ops) for (const dep of op.deps) superseded.add(dep);
  const byId = new Map<string, Op>();
  for (const op of ops) if (!superseded.has(op.id)) byId.set(op.id, op);
  const heads = [...byId.values()].sort(compareOps);
  if (heads.length === 0) return null;
  const winner = heads[heads.length - 1] as Op;
  const distinct = new Set(heads.map((head) => canonicalJson(head.value)));
  return { value: winner.value, winner, heads, conflict: distinct.size > 1 };
}
