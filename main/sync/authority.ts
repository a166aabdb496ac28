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
import { getFinding } from '../store/findings-repo.js';
import {
  AUTHOR_FIELDS,
  AuthorityState,
  judge,
  stateReadBy,
  tablesJudgedAgainst,
  widensAudience,
  type Refusal,
} from '../../shared/sync/authority.js';
import { compareOps, type Op } from '../../shared/sync/op.js';
import { DELETED_FIELD } from '../../shared/sync/tables.js';
import { AppError } from '../../shared/errors.js';
import {
  authorityOpsBefore,
  authorityOpsOfTables,
  changesetOps,
  clearVerdict,
  creatorOf,
  effectiveFieldOps,
  rowTakesEffect,
  firstFieldOp,
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
import { dropRow, writeFieldValue } from '../store/materialize-repo.js';
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

/**
 * The tables whose rules look at the rest of the changeset (a reason, a raise, a hand-over:
 * `judge` in shared/sync/authority.ts). A stored op of any other table is judged without
 * reading its changeset back, which was most of a re-judgement's reads.
 */
const SIBLING_TABLES: ReadonlySet<string> = new Set(['team_member', 'finding', 'finding_evidence', 'escalation']);
const readsSiblings = (op: Op): boolean => SIBLING_TABLES.has(op.table);
const NO_SIBLINGS: readonly Op[] = [];
/**
 * The values a judgement reads (`judge`, `describeChange` and `AuthorityState.absorb` in
 * shared/sync/authority.ts): every op of those tables, and the authorship fields. A stored
 * note's text is never read back to be judged again.
 */
const JUDGED_VALUES = { tables: [...SIBLING_TABLES], fields: AUTHOR_FIELDS };

const JUDGED_TABLES: ReadonlySet<string> = new Set(JUDGED_VALUES.tables);

/**
 * The op as the judgement and the rest of an import's transaction need it once it is in the
 * op log: its value only where something reads it (JUDGED_VALUES, and `_deleted`, which the
 * held-deletions rule reads), null otherwise — the same values a re-judgement reads back
 * (`opsFrom`). An import holds its bundle's ops like this, so a note's text is held only
 * while its own changeset is being inserted, never the bundle's texts all at once.
 */
export function judgedOnly<T extends Op>(op: T): T {
  if (op.value === null || op.field === DELETED_FIELD || JUDGED_TABLES.has(op.table)) return op;
  if ((JUDGED_VALUES.fields[op.table] ?? []).includes(op.field)) return op;
  return { ...op, value: null };
}

/** Two lists each in judgement order, as one. */
function* mergeInOrder<T extends Op>(a: Iterable<T>, b: readonly T[]): Generator<T> {
  let j = 0;
  for (const op of a) {
    while (j < b.length && compareOps(b[j] as T, op) < 0) yield b[j++] as T;
    yield op;
  }
  while (j < b.length) yield b[j++] as T;
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
  // A store that had this inspection before the model (no root recorded) is judged once in full.
  const whole = options.rejudgeAll === true || (fresh && maxHlcBefore !== null);
  // The stored ops to judge again: those whose rules read what a new authority op older than
  // them changes (tablesJudgedAgainst; null: every table). None if no such op came.
  let again: Set<string> | null = whole ? null : new Set();
  for (const op of newOps) {
    if (again === null) break;
    if (maxHlcBefore === null || op.hlc >= maxHlcBefore) continue;
    const tables = tablesJudgedAgainst(op);
    if (tables === null) again = null;
    else for (const table of tables) again.add(table);
  }
  const judgedAgain = (op: Op): boolean => again === null || again.has(op.table);
  // Judging again starts at the oldest new op, so every new op is judged too.
  let from = whole ? '' : (newOps[0]?.hlc ?? '');
  if (!whole) for (const op of newOps) if (op.hlc < from) from = op.hlc;
  // Every authority op that takes effect, read once: those not judged here are the fixed state
  // (before `from`, or of a table judged against nothing that changed), and all but the new ones
  // say who the lead is.
  const effective = authorityOpsBefore(db, inspectionId, null);
  const fixed = effective.filter((op) => !newIds.has(op.id) && (op.hlc < from || !judgedAgain(op)));
  // The new ops of the other tables, and every op (stored or new) of the tables judged again.
  const newOnly = newOps.filter((op) => !judgedAgain(op)).sort(compareOps);
  const toJudge: Iterable<Op & { changesetId: string }> =
    again !== null && again.size === 0
      ? newOnly
      : mergeInOrder(opsFrom(db, inspectionId, from, JUDGED_VALUES, again === null ? null : [...again]), newOnly);
  const prior = readVerdicts(db, inspectionId);
  const state = withLabels(db, new AuthorityState(root));
  // Whether this laptop is the lead is decided by what took effect before this import: the new
  // ops are already in the op log (unjudged), and a hostile "make me lead" among them must not count.
  const holdWidening = isLeadDevice(root, options.device, effective, newIds);
  const result: SettleResult = { refused: [], held: [], accepted: new Set(), changedFields: [] };
  const changed = new Map<string, FieldKey>();
  let i = 0;
  for (const op of [...toJudge]) {
    while (i < fixed.length && compareOps(fixed[i] as Op, op) < 0) state.absorb(fixed[i++] as Op);
    let siblings = siblingsById.get(op.changesetId);
    if (siblings === undefined && readsSiblings(op)) {
      siblings = changesetOps(db, op.changesetId);
      siblingsById.set(op.changesetId, siblings);
    }
    siblings ??= NO_SIBLINGS;
    const before = prior.get(op.id);
    const refusal = judge(state, op, siblings);
    const isNew = newIds.has(op.id);
    let kind: VerdictRow['kind'] | null = null;
    let why: Refusal | null = refusal;
    if (refusal !== null) {
      // On the lead's laptop, a member's proposal to widen the audience (a new member with
      // keys, a new key, a removed member back) waits for the lead instead of being refused:
      // it still takes no effect; confirming it makes the lead sign the change in their own name.
      const proposal = refusal.rule === 'roster-lead-only' && proposesWidening(state, op, siblings);
      if (proposal && before?.kind === 'held') kind = 'held';
      else if (proposal && isNew && holdWidening && op.author !== options.device) kind = 'held';
      else kind = 'refused';
      if (kind === 'held') why = heldReason(state, op, siblings);
    } else if (before?.kind === 'held' || before?.kind === 'confirmed') kind = before.kind;
    else if (isNew && holdWidening && op.author !== options.device && widensAudience(state, op)) {
      kind = 'held';
      why = heldReason(state, op, siblings);
    }
    if (kind === null || (kind === 'confirmed' && refusal === null)) state.absorb(op);
    const effectiveBefore = before === undefined || before.kind === 'confirmed';
    const effectiveNow = kind === null || (kind === 'confirmed' && refusal === null);
    if (kind === null) {
      if (before !== undefined) clearVerdict(db, op.id);
    } else if (kind !== before?.kind || (refusal !== null && kind === 'refused')) {
      const row = verdictRow(op, kind, why ?? heldReason(state, op, siblings), options.now);
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

/** Whether a roster op is part of a change (same changeset, same row) that would widen the audience. */
function proposesWidening(state: AuthorityState, op: Op, siblings: readonly Op[]): boolean {
  if (op.table !== 'team_member') return false;
  return [op, ...siblings].some((s) => s.table === 'team_member' && s.row === op.row && widensAudience(state, s));
}

/** One sentence for every op of a held change, so the lead sees it once ("add “Eve” to the team"). */
function heldReason(state: AuthorityState, op: Op, siblings: readonly Op[]): Refusal {
  const memberName = state.nameOf(op.author);
  const sameRow = [op, ...siblings].filter((s) => s.table === 'team_member' && s.row === op.row);
  const named = sameRow.find((s) => s.field === 'name' && typeof s.value === 'string');
  const restore = sameRow.some((s) => s.field === '_deleted' && s.value === false);
  const keyField = sameRow.some((s) => s.field === 'signing_key') ? 'device' : 'encryption';
  const change = restore
    ? `bring “${state.rowName(op.row)}” back to the team`
    : !state.rows.has(op.row) && named !== undefined
      ? `add “${String(named.value)}” to the team`
      : `give ${state.rows.has(op.row) ? `“${state.rowName(op.row)}”` : 'a new member'} a new ${keyField} key`;
  return {
    rule: 'roster-lead-only',
    member: op.author,
    memberName,
    change,
    message: `${memberName} wants to ${change}. It takes effect, and bundles are encrypted to it, only once you confirm it.`,
  };
}

function verdictRow(op: Op, kind: VerdictRow['kind'], why: Refusal, now: string): VerdictRow {
  return { opId: op.id, kind, rule: why.rule, member: why.member, change: why.change, message: why.message, decidedAt: now };
}

/** Refusals name the finding they are about by its statement on this laptop (wording only). */
function withLabels(db: Db, state: AuthorityState): AuthorityState {
  state.findingLabel = (id) => getFinding(db, id)?.statement ?? null;
  return state;
}

/** Whether this laptop is the inspection's lead now (by the ops that took effect). */
function isLeadDevice(root: string, device: string, effective: readonly Op[], exclude: ReadonlySet<string>): boolean {
  const state = new AuthorityState(root);
  for (const op of effective) if (!exclude.has(op.id)) state.absorb(op);
  return state.lead() === device;
}

export function currentState(db: Db, inspectionId: string, root?: string): AuthorityState {
  const state = new AuthorityState(root ?? readRoot(db, inspectionId) ?? creatorOf(db, inspectionId) ?? '');
  for (const op of authorityOpsBefore(db, inspectionId, null)) state.absorb(op);
  return state;
}

/**
 * AUTHORSHIP IS THE SIGNER'S. A note's or finding's `author` (and a sample's `drawn_by`) that
 * was refused (written "by" someone else) is not left blank: the row reads as written by whoever
 * signed the first op on that field, the same on every laptop. The evidence log, the notes
 * list and the triangulation's inspector count then count the signer, never the claimed author.
 */
const SIGNER_FIELDS = new Set(['evidence_note\u0000author', 'finding\u0000author', 'sample_run\u0000drawn_by']);

function signerOf(db: Db, key: FieldKey): string | null {
  if (!SIGNER_FIELDS.has(`${key.table}\u0000${key.field}`)) return null;
  return firstFieldOp(db, key)?.author ?? null;
}

/** After an import: a signer field whose only ops were refused reads as its signer's. */
export function deriveSignerFields(db: Db, inspectionId: string, refused: readonly Op[]): void {
  for (const op of refused) {
    const key = { table: op.table, row: op.row, field: op.field };
    if (!SIGNER_FIELDS.has(`${op.table}\u0000${op.field}`) || effectiveFieldOps(db, key).length > 0) continue;
    // A row nothing of which takes effect is not made for its author alone.
    if (!rowTakesEffect(db, op.table, op.row)) continue;
    const signer = signerOf(db, key);
    if (signer !== null) writeFieldValue(db, op.table, op.row, inspectionId, op.field, signer, '');
  }
}

/** Rebuilds a field whose ops' verdicts changed: heads from the ops that take effect only. */
export function rebuildField(db: Db, key: FieldKey, inspectionId: string): void {
  const ops = effectiveFieldOps(db, key);
  const superseded = new Set(ops.flatMap((op) => op.deps));
  const heads = ops.filter((op) => !superseded.has(op.id)).map((op) => op.id);
  replaceFieldHeads(db, key, [...superseded], heads);
  if (ops.length === 0) {
    setConflict(db, key, inspectionId, false);
    // A row every op of which is now refused (a removed member's, judged again once the
    // removal arrived) is dropped, as on a laptop that refused them on arrival: no empty record.
    if (!rowTakesEffect(db, key.table, key.row)) {
      dropRow(db, key.table, key.row);
      return;
    }
    const value = key.field === DELETED_FIELD ? false : (signerOf(db, key) ?? null);
    writeFieldValue(db, key.table, key.row, inspectionId, key.field, value, '');
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
  const state = withLabels(db, new AuthorityState(root));
  for (const op of authorityOpsOfTables(db, inspectionId, tablesToJudge(ops))) state.absorb(op);
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

/**
 * The authority state a command's ops are judged against: the roster always (membership, the
 * lead); finding statuses, links and escalations only when the command touches them. This keeps
 * a note save from reading every finding link of the inspection.
 */
function tablesToJudge(ops: readonly Op[]): string[] {
  return [...new Set(ops.flatMap((op) => stateReadBy(op.table)))];
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

export interface ConfirmedHolds {
  readonly confirmed: number;
  /**
   * Roster changes a member proposed that the rules refuse (only the lead may make them): the
   * lead confirms them by signing the same change in their own name (the caller writes these
   * with writeEdits), so every laptop applies them, not just this one.
   */
  readonly adopt: { table: 'team_member'; row: string; field: string; value: unknown }[];
}

/**
 * The lead confirms held ops (all, or those listed, with the rest of the same change): ops that
 * passed the rules take effect from now on; a member's proposal is adopted as the lead's own.
 */
export function confirmHeld(db: Db, inspectionId: string, opIds?: readonly string[]): ConfirmedHolds {
  const held = listVerdicts(db, inspectionId, 'held');
  const wanted = opIds === undefined ? null : new Set(opIds);
  const groups = new Set(held.filter((r) => wanted === null || wanted.has(r.opId)).map((r) => `${r.changesetId}\u0000${r.row}`));
  const root = readRoot(db, inspectionId) ?? creatorOf(db, inspectionId) ?? '';
  const changed = new Map<string, FieldKey>();
  const adopt: ConfirmedHolds['adopt'] = [];
  let count = 0;
  for (const row of held) {
    if (!groups.has(`${row.changesetId}\u0000${row.row}`)) continue;
    const siblings = changesetOps(db, row.changesetId);
    const op = siblings.find((s) => s.id === row.opId);
    if (op === undefined) continue;
    const state = new AuthorityState(root);
    for (const before of authorityOpsBefore(db, inspectionId, op.hlc)) state.absorb(before);
    if (judge(state, op, siblings) === null) {
      writeVerdict(db, inspectionId, { ...row, kind: 'confirmed' });
      const key = { table: 'team_member' as const, row: row.row, field: row.field };
      changed.set(fieldText(key), key);
    } else {
      writeVerdict(db, inspectionId, {
        ...row,
        kind: 'refused',
        message: `${row.message.split('.')[0]}; the lead confirmed it and made the change in their own name.`,
      });
      adopt.push({ table: 'team_member', row: row.row, field: row.field, value: JSON.parse(row.value) as unknown });
    }
    count += 1;
  }
  for (const key of changed.values()) rebuildField(db, key, inspectionId);
  return { confirmed: count, adopt };
}
