/**
 * ======================================================================================
 * WHERE THE AUTHORITY MODEL IS ENFORCED (rules: shared/sync/authority.ts; docs/authority.md).
 *
 * Import: every new op is stored (its changeset stays whole, so chains and signatures hold)
 * and then judged PER OP against the state the ops before it give, in (hlc, id) order — not
 * against the roster as it is now. An op that breaks the model is kept in the log with a
 * 'refused' verdict naming the member and the change, and never takes effect; the rest of
 * the bundle is applied. If a bundle brings an authority op (a roster change, a finding's
 * status, an escalation raise, a link's finding) older than ops this store already holds,
 * everything from that op on is judged again, so arrival order cannot change any verdict.
 *
 * Local writes: the same judgement runs before a command's changeset is stored; a refusal
 * becomes a `forbidden` error with a sentence, and nothing is written.
 *
 * Audience: on the lead's laptop, an op from another key that passes the rules but would add
 * a key (or bring back a removed member) is 'held' until the lead confirms it; a held op
 * does not take effect, so the lead's exports are never encrypted to that key.
 * ======================================================================================
 */
import { AuthorityState, isAuthorityOp, judge, widensAudience, type Refusal } from '../../shared/sync/authority.js';
import { compareOps, type Op } from '../../shared/sync/op.js';
import { DELETED_FIELD } from '../../shared/sync/tables.js';
import { AppError } from '../../shared/errors.js';
import {
  authorityOpsBefore,
  changesetOps,
  clearVerdict,
  creatorOf,
  effectiveFieldOps,
  listVerdicts,
  opsFrom,
  readRoot,
  readVerdicts,
  replaceFieldHeads,
  writeRoot,
  writeVerdict,
  type VerdictRow,
} from '../store/authority-repo.js';
import type { Db } from '../store/connection.js';
import { writeFieldValue } from '../store/materialize-repo.js';
import { setConflict, type FieldKey } from '../store/op-log-repo.js';
import { materialiseField } from './apply-ops.js';

export interface ChangesetOps {
  readonly changesetId: string;
  readonly ops: readonly Op[];
}

export interface SettleOptions {
  /** This laptop's key. */
  readonly device: string;
  readonly now: string;
  /** Judge every op of the inspection again (a store from before the model). */
  readonly rejudgeAll?: boolean;
}

export interface SettleResult {
  /** Ops of this import that were refused (and earlier ops whose verdict became a refusal). */
  readonly refused: VerdictRow[];
  /** Ops of this import held for the lead's confirmation. */
  readonly held: VerdictRow[];
  /** Ops of this import that take effect. */
  readonly accepted: Set<string>;
  /** Fields of ops already stored whose verdict changed: their heads must be rebuilt. */
  readonly changedFields: FieldKey[];
}

/** The root of trust, recorded the first time this laptop sees the inspection. */
function rootFor(db: Db, inspectionId: string, fallback: string): { root: string; fresh: boolean } {
  const stored = readRoot(db, inspectionId);
  if (stored !== null) return { root: stored, fresh: false };
  const root = creatorOf(db, inspectionId) ?? fallback;
  writeRoot(db, inspectionId, root);
  return { root, fresh: true };
}

const fieldText = (k: FieldKey) => `${k.table}\u0000${k.row}\u0000${k.field}`;

/**
 * Judges the ops of an import (already inserted into the op log, not yet linked as heads),
 * re-judging stored ops where an older authority op arrived. Call inside the import transaction.
 */
export function settleAuthority(
  db: Db,
  inspectionId: string,
  batches: readonly ChangesetOps[],
  maxHlcBefore: string | null,
  options: SettleOptions,
): SettleResult {
  const { root, fresh } = rootFor(db, inspectionId, options.device);
  const newOps = batches.flatMap((b) => b.ops.map((op) => ({ ...op, changesetId: b.changesetId })));
  const newIds = new Set(newOps.map((op) => op.id));
  const siblingsById = new Map<string, readonly Op[]>(batches.map((b) => [b.changesetId, b.ops]));
  let floor: string | null = null;
  for (const op of newOps) if (isAuthorityOp(op) && (floor === null || op.hlc < floor)) floor = op.hlc;
  // A store that had this inspection before the model (no root recorded) is judged once in full.
  const whole = options.rejudgeAll === true || (fresh && maxHlcBefore !== null);
  const full = whole || (floor !== null && maxHlcBefore !== null && floor < maxHlcBefore);
  // Judging again starts at the oldest new op, so every new op is judged too.
  let oldestNew = floor as string;
  for (const op of newOps) if (op.hlc < oldestNew) oldestNew = op.hlc;
  const from = whole ? '' : oldestNew;
  const fixed = full
    ? authorityOpsBefore(db, inspectionId, from)
    : authorityOpsBefore(db, inspectionId, null).filter((op) => !newIds.has(op.id));
  const toJudge: Iterable<Op & { changesetId: string }> = full ? opsFrom(db, inspectionId, from) : [...newOps].sort(compareOps);
  const prior = readVerdicts(db, inspectionId);
  const state = new AuthorityState(root);
  const holdWidening = isLeadDevice(db, inspectionId, root, options.device);
  const result: SettleResult = { refused: [], held: [], accepted: new Set(), changedFields: [] };
  const changed = new Map<string, FieldKey>();
  let i = 0;
  for (const op of [...toJudge]) {
    while (i < fixed.length && compareOps(fixed[i] as Op, op) < 0) state.absorb(fixed[i++] as Op);
    let siblings = siblingsById.get(op.changesetId);
    if (siblings === undefined) {
      siblings = changesetOps(db, op.changesetId);
      siblingsById.set(op.changesetId, siblings);
    }
    const before = prior.get(op.id);
    const refusal = judge(state, op, siblings);
    const isNew = newIds.has(op.id);
    let kind: VerdictRow['kind'] | null = null;
    if (refusal !== null) kind = 'refused';
    else if (before?.kind === 'held' || before?.kind === 'confirmed') kind = before.kind;
    else if (isNew && holdWidening && op.author !== options.device && widensAudience(state, op)) kind = 'held';
    if (kind === null || kind === 'confirmed') state.absorb(op);
    const effectiveBefore = before === undefined || before.kind === 'confirmed';
    const effectiveNow = kind === null || kind === 'confirmed';
    if (kind === null) {
      if (before !== undefined) clearVerdict(db, op.id);
    } else if (kind !== before?.kind || refusal !== null) {
      const row = verdictRow(op, kind, refusal ?? heldReason(state, op), options.now);
      writeVerdict(db, inspectionId, row);
      if (kind === 'refused' && (isNew || before?.kind !== 'refused')) result.refused.push(row);
      if (kind === 'held' && isNew) result.held.push(row);
    }
    if (isNew && effectiveNow) result.accepted.add(op.id);
    if (!isNew && effectiveBefore !== effectiveNow) {
      const key = { table: op.table, row: op.row, field: op.field };
      changed.set(fieldText(key), key);
    }
  }
  result.changedFields.push(...changed.values());
  return result;
}

function heldReason(state: AuthorityState, op: Op): Refusal {
  const memberName = state.nameOf(op.author);
  const change =
    op.field === '_deleted'
      ? `bring “${state.rowName(op.row)}” back to the team`
      : `give ${state.rows.has(op.row) ? `“${state.rowName(op.row)}”` : 'a new member'} a new ${op.field === 'box_key' ? 'encryption' : 'device'} key`;
  return {
    rule: 'roster-lead-only',
    member: op.author,
    memberName,
    change,
    message: `${memberName} wants to ${change}. Bundles will be encrypted to it only once you confirm it.`,
  };
}

function verdictRow(op: Op, kind: VerdictRow['kind'], why: Refusal, now: string): VerdictRow {
  return { opId: op.id, kind, rule: why.rule, member: why.member, change: why.change, message: why.message, decidedAt: now };
}

/** Whether this laptop is the inspection's lead now (by the ops that took effect). */
function isLeadDevice(db: Db, inspectionId: string, root: string, device: string): boolean {
  return currentState(db, inspectionId, root).lead() === device;
}

export function currentState(db: Db, inspectionId: string, root?: string): AuthorityState {
  const state = new AuthorityState(root ?? readRoot(db, inspectionId) ?? creatorOf(db, inspectionId) ?? '');
  for (const op of authorityOpsBefore(db, inspectionId, null)) state.absorb(op);
  return state;
}

/** Rebuilds a field whose ops' verdicts changed: heads from the ops that take effect only. */
export function rebuildField(db: Db, key: FieldKey, inspectionId: string): void {
  const ops = effectiveFieldOps(db, key);
  const superseded = new Set(ops.flatMap((op) => op.deps));
  const heads = ops.filter((op) => !superseded.has(op.id)).map((op) => op.id);
  replaceFieldHeads(db, key, [...superseded], heads);
  if (ops.length === 0) {
    writeFieldValue(db, key.table, key.row, inspectionId, key.field, key.field === DELETED_FIELD ? false : null, '');
    setConflict(db, key, inspectionId, false);
    return;
  }
  materialiseField(db, key, inspectionId);
}

/**
 * The same judgement for a local command's ops, before they are stored. Throws `forbidden`
 * with a sentence if any op would be refused (the command's transaction then writes nothing).
 */
export function checkLocalOps(db: Db, inspectionId: string, device: string, ops: readonly Op[], now: string): void {
  const { root, fresh } = rootFor(db, inspectionId, device);
  if (fresh && creatorOf(db, inspectionId) !== null) {
    // First look at an inspection stored before the model: judge what is there once.
    const settled = settleAuthority(db, inspectionId, [], null, { device, now, rejudgeAll: true });
    for (const key of settled.changedFields) rebuildField(db, key, inspectionId);
  }
  const state = currentState(db, inspectionId, root);
  for (const op of [...ops].sort(compareOps)) {
    const refusal = judge(state, op, ops);
    if (refusal !== null) {
      throw new AppError('forbidden', localSentence(refusal), {
        reason: 'authority',
        rule: refusal.rule,
        change: refusal.change,
      });
    }
    state.absorb(op);
  }
}

/** What the member sees when their own command is refused. */
export function localSentence(refusal: Refusal): string {
  switch (refusal.rule) {
    case 'roster-lead-only':
      return `Only the lead can add, remove or re-key team members and change roles, so you cannot ${refusal.change}.`;
    case 'lead-row':
      return `You cannot ${refusal.change}: hand the lead over to another member first.`;
    case 'settled-lead-only':
      return `Only the lead can agree, reopen, withdraw or merge findings, or change an agreed finding, so you cannot ${refusal.change}.`;
    case 'reason-required':
      return `Give a reason to ${refusal.change}: it is recorded with the change.`;
    case 'concern-immutable':
      return 'An escalation’s concern cannot be changed once raised. Add what is new as a new escalation or in the LA response.';
    case 'close-author-or-lead':
      return 'Only the member who raised this escalation or the lead can close it.';
    case 'authorship':
      return 'A change can only be recorded in your own name.';
    case 'not-a-member':
      return 'This laptop is not on the inspection’s team, so it cannot change it.';
    default:
      return refusal.message;
  }
}

/** The lead confirms held ops (all, or those listed): they take effect from now on. */
export function confirmHeld(db: Db, inspectionId: string, opIds?: readonly string[]): number {
  const wanted = opIds === undefined ? null : new Set(opIds);
  const changed = new Map<string, FieldKey>();
  let count = 0;
  for (const row of listVerdicts(db, inspectionId, 'held')) {
    if (wanted !== null && !wanted.has(row.opId)) continue;
    writeVerdict(db, inspectionId, { ...row, kind: 'confirmed' });
    const key = { table: 'team_member' as const, row: row.row, field: row.field };
    changed.set(fieldText(key), key);
    count += 1;
  }
  for (const key of changed.values()) rebuildField(db, key, inspectionId);
  return count;
}
