/**
 * ======================================================================================
 * THE AUTHORITY MODEL (docs/authority.md). Pure rules; main/sync/authority.ts runs them at
 * import and on every local write, so both see the same answer.
 *
 *  - The inspection creator's key is the root of trust: it is the lead until it hands over.
 *  - Only the lead's key may add, remove or re-key members and change roles. Handing the lead
 *    role over is explicit (one changeset gives another row `lead` and the old lead's row a
 *    different role); the lead's own row can be neither removed nor demoted on its own.
 *  - Agreeing, withdrawing and merging a finding, and any change to an agreed finding
 *    (reopening it, its wording, its evidence links) are lead-only and carry a reason in the
 *    same changeset (`status_reason` or `edit_reason`).
 *  - An escalation's concern (and who raised it, when, about which case) is written once, by
 *    the raiser, in the raising changeset; additions are new entries. Closing is for its
 *    raiser or the lead, and records who (`closed_by` = the signer) and when.
 *  - Author-like fields (note and finding `author`, `identified_by`, `closed_by`, `drawn_by`)
 *    must equal the changeset's signer and are written once.
 *  - Every op's signer must be a member when the op was written.
 *
 * "When the op was written" is the op's hybrid logical clock: an op is judged against the
 * state that the ops before it (in (hlc, id) order) give, where only ops that passed count.
 * That order is the same on every laptop and does not depend on arrival, so every laptop
 * reaches the same verdicts; a later removal cannot reach back to work written before it.
 * ======================================================================================
 */
import { CONCERN_PLACEHOLDER } from '../api/escalations.js';
import type { Op } from './op.js';

export type AuthorityRule =
  | 'not-a-member'
  | 'roster-lead-only'
  | 'lead-row'
  | 'settled-lead-only'
  | 'reason-required'
  | 'concern-immutable'
  | 'close-author-or-lead'
  | 'authorship';

export interface Refusal {
  readonly rule: AuthorityRule;
  /** The signer's key. */
  readonly member: string;
  readonly memberName: string;
  /** What the op tried to do, in words. */
  readonly change: string;
  /** One sentence naming the member and the change. */
  readonly message: string;
}

export interface RosterRow {
  signingKey: string | null;
  boxKey: string | null;
  role: string | null;
  name: string | null;
  deleted: boolean;
}

/** Fields that say who did something: they must name the op's signer. */
export const AUTHOR_FIELDS: Readonly<Record<string, readonly string[]>> = {
  evidence_note: ['author'],
  finding: ['author'],
  escalation: ['identified_by', 'closed_by'],
  sample_run: ['drawn_by'],
};

/** Escalation fields written once, when it is raised. */
const RAISE_FIELDS = new Set(['concern', 'identified_by', 'identified_at', 'case_id']);
const CLOSE_FIELDS = new Set(['closed_at', 'closed_by']);
const SETTLING_STATUSES = new Set(['agreed', 'withdrawn']);

/** Whether an op can change the authority state (so must be judged before the ops after it). */
export function isAuthorityOp(op: Pick<Op, 'table' | 'field'>): boolean {
  return (
    op.table === 'team_member' ||
    (op.table === 'finding' && op.field === 'status') ||
    (op.table === 'escalation' && (op.field === 'identified_by' || op.field === 'concern')) ||
    (op.table === 'finding_evidence' && op.field === 'finding_id')
  );
}

/**
 * THE STATE EACH TABLE'S RULES READ (`judge` and `describeChange` below): every rule reads the
 * roster (membership, the lead); a finding's and a link's rules read findings' status and links'
 * findings; an escalation's rules, who raised it and whether it was described. One list, read
 * both ways: what a command's judgement must load (stateReadBy), and which stored verdicts an
 * older authority op can change (tablesJudgedAgainst).
 */
const STATE_READ_BY: Readonly<Record<string, readonly string[]>> = {
  finding: ['team_member', 'finding', 'finding_evidence'],
  finding_evidence: ['team_member', 'finding', 'finding_evidence'],
  escalation: ['team_member', 'escalation'],
};

/** The authority tables whose ops a judgement of an op of `table` reads. */
export function stateReadBy(table: string): readonly string[] {
  return STATE_READ_BY[table] ?? ['team_member'];
}

/**
 * WHICH VERDICTS AN AUTHORITY OP CAN CHANGE: those of the tables whose rules read its table. A
 * roster op can change any verdict (null); an op that is not an authority op changes no state,
 * so no verdict ([]). An import that brings an authority op older than ops already judged
 * judges again the stored ops of these tables only.
 */
export function tablesJudgedAgainst(op: Pick<Op, 'table' | 'field'>): readonly string[] | null {
  if (!isAuthorityOp(op)) return [];
  if (op.table === 'team_member') return null;
  const tables = Object.keys(STATE_READ_BY).filter((table) => stateReadBy(table).includes(op.table));
  return tables.length > 0 ? tables : null;
}

export class AuthorityState {
  readonly rows = new Map<string, RosterRow>();
  leadRow: string | null = null;
  readonly findingStatus = new Map<string, string>();
  readonly raiser = new Map<string, string>();
  /** Escalations whose concern has been described (not the placeholder written when flagging). */
  readonly described = new Set<string>();
  readonly linkFinding = new Map<string, string>();
  /**
   * A finding's statement on this laptop (set by main/sync/authority.ts from the store), so a
   * refusal says which finding. Only the wording uses it, never a verdict.
   */
  findingLabel: (findingId: string) => string | null = () => null;

  constructor(readonly root: string) {}

  /** The lead's key: the key on the row that was last given the lead role, else the root. */
  lead(): string {
    const row = this.leadRow === null ? undefined : this.rows.get(this.leadRow);
    return row?.signingKey ?? this.root;
  }

  isMember(key: string): boolean {
    if (key === this.lead()) return true;
    for (const row of this.rows.values()) if (!row.deleted && row.signingKey === key) return true;
    return false;
  }

  hasKey(key: string): boolean {
    for (const row of this.rows.values()) if (!row.deleted && (row.signingKey === key || row.boxKey === key)) return true;
    return false;
  }

  nameOf(key: string): string {
    for (const row of this.rows.values()) if (row.signingKey === key && row.name) return row.name;
    return `The member with key ${key.slice(0, 8)}…`;
  }

  rowName(rowId: string): string {
    return this.rows.get(rowId)?.name ?? 'a team member';
  }

  /** Takes an op that passed into account. */
  absorb(op: Op): void {
    if (op.table === 'team_member') {
      const row = this.rows.get(op.row) ?? { signingKey: null, boxKey: null, role: null, name: null, deleted: false };
      const text = typeof op.value === 'string' ? op.value : null;
      if (op.field === 'signing_key') row.signingKey = text;
      else if (op.field === 'box_key') row.boxKey = text;
      else if (op.field === 'name') row.name = text;
      else if (op.field === 'role') {
        row.role = text;
        if (text === 'lead') this.leadRow = op.row;
      } else if (op.field === '_deleted') row.deleted = op.value === true;
      this.rows.set(op.row, row);
    } else if (op.table === 'finding' && op.field === 'status' && typeof op.value === 'string') {
      this.findingStatus.set(op.row, op.value);
    } else if (op.table === 'escalation' && op.field === 'identified_by' && typeof op.value === 'string') {
      if (!this.raiser.has(op.row)) this.raiser.set(op.row, op.value);
    } else if (op.table === 'escalation' && op.field === 'concern' && op.value !== CONCERN_PLACEHOLDER) {
      this.described.add(op.row);
    } else if (op.table === 'finding_evidence' && op.field === 'finding_id' && typeof op.value === 'string') {
      this.linkFinding.set(op.row, op.value);
    }
  }
}

const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

function hasReason(siblings: readonly Op[], findingId: string): boolean {
  return siblings.some(
    (s) =>
      s.table === 'finding' &&
      s.row === findingId &&
      (s.field === 'status_reason' || s.field === 'edit_reason') &&
      nonEmpty(s.value),
  );
}

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);
const words = (name: string) => name.replace(/_/g, ' ');

/** "the finding “Plans drift…”" when this laptop knows it, else "a finding" (with `qualifier`: "an agreed finding"). */
function named(state: AuthorityState, row: string | undefined, qualifier = ''): string {
  const noun = qualifier ? `${qualifier} finding` : 'finding';
  const text = row === undefined ? null : state.findingLabel(row);
  if (text === null || text.trim() === '') return article(noun);
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return `the ${noun} “${trimmed.length > 60 ? `${trimmed.slice(0, 59)}…` : trimmed}”`;
}

/** "the escalation raised by “Inspector 2”" (never its concern: refusals are printed and logged). */
function escalationNamed(state: AuthorityState, row: string): string {
  const raiser = state.raiser.get(row);
  return raiser === undefined ? 'an escalation' : `the escalation raised by “${state.nameOf(raiser)}”`;
}

/** The change an op makes, in words, for refusals and the import summary. */
export function describeChange(state: AuthorityState, op: Op): string {
  const value = typeof op.value === 'string' ? op.value : JSON.stringify(op.value);
  if ((AUTHOR_FIELDS[op.table] ?? []).includes(op.field) && typeof op.value === 'string' && op.value !== op.author) {
    const thing =
      op.table === 'finding'
        ? named(state, op.row)
        : op.table === 'escalation'
          ? escalationNamed(state, op.row)
          : article(words(op.table));
    return `record “${state.nameOf(op.value)}” as the ${words(op.field)} of ${thing}`;
  }
  switch (op.table) {
    case 'team_member': {
      const who = `“${state.rowName(op.row)}”`;
      if (op.field === '_deleted') return op.value === true ? `remove ${who} from the team` : `restore ${who} to the team`;
      if (op.field === 'role') return `make ${who} ${value === 'lead' ? 'the lead' : `${value ?? 'no role'}`}`;
      if (op.field === 'signing_key') return `set the device key of ${who === '“a team member”' ? 'a new team member' : who}`;
      if (op.field === 'box_key') return `set the encryption key of ${who === '“a team member”' ? 'a new team member' : who}`;
      if (op.field === 'name' && !state.rows.has(op.row)) return `add “${value}” to the team`;
      return `change the ${words(op.field)} of ${who}`;
    }
    case 'finding': {
      const agreed = state.findingStatus.get(op.row) === 'agreed';
      if (op.field === 'status') {
        if (agreed && value !== 'agreed') return `reopen ${named(state, op.row, 'agreed')} as ${value}`;
        if (value === 'agreed') return `agree ${named(state, op.row)}`;
        if (value === 'withdrawn') return `withdraw ${named(state, op.row)}`;
        return `make ${named(state, op.row)} ${value}`;
      }
      if (op.field === 'merged_into') {
        const into = typeof op.value === 'string' ? named(state, op.value) : 'another';
        return `merge ${named(state, op.row)} into ${into === 'a finding' ? 'another' : into}`;
      }
      return `change the ${words(op.field)} of ${named(state, op.row, agreed ? 'agreed' : '')}`;
    }
    case 'finding_evidence': {
      const findingId = op.field === 'finding_id' && typeof op.value === 'string' ? op.value : state.linkFinding.get(op.row);
      const finding = named(state, findingId, 'agreed');
      return op.field === '_deleted' && op.value === true
        ? `remove evidence from ${finding}`
        : `change the evidence of ${finding}`;
    }
    case 'escalation': {
      const escalation = escalationNamed(state, op.row);
      if (op.field === 'concern') return `rewrite the concern of ${escalation}`;
      if (CLOSE_FIELDS.has(op.field)) return op.value === null ? `reopen ${escalation}` : `close ${escalation}`;
      return `change the ${words(op.field)} of ${escalation}`;
    }
    default:
      return `change the ${words(op.field)} of ${article(words(op.table))}`;
  }
}

const SENTENCES: Record<AuthorityRule, (name: string, change: string) => string> = {
  'not-a-member': (n, c) => `${n} was not on the team when they tried to ${c}, so it was not applied.`,
  'roster-lead-only': (n, c) =>
    `${n} is not the lead, so their change to ${c} was not applied: only the lead can add, remove or re-key members and change roles.`,
  'lead-row': (n, c) =>
    `${n} tried to ${c}; the lead’s own place on the team changes only by handing the lead over to another member.`,
  'settled-lead-only': (n, c) =>
    `${n} is not the lead, so their attempt to ${c} was not applied: agreeing, reopening, withdrawing and merging findings, and changing an agreed finding, are for the lead.`,
  'reason-required': (n, c) => `${n} tried to ${c} without a reason, so it was not applied: give a reason for the change.`,
  'concern-immutable': (n, c) =>
    `${n} tried to ${c}, which was not applied: an escalation’s concern stays as it was raised; add what is new as a new escalation or in the LA response.`,
  'close-author-or-lead': (n, c) =>
    `${n} tried to ${c}, which was not applied: only the member who raised it or the lead can close it.`,
  authorship: (n, c) => `${n} tried to ${c}, which was not applied: authorship is who signed the change, and it is written once.`,
};

function refuse(state: AuthorityState, op: Op, rule: AuthorityRule): Refusal {
  const memberName = state.nameOf(op.author);
  const change = describeChange(state, op);
  return { rule, member: op.author, memberName, change, message: SENTENCES[rule](memberName, change) };
}

/**
 * THE JUDGEMENT: null if `op` may take effect given the state before it, else why not.
 * `siblings` are the ops of the same changeset (where a reason or a raise is looked for).
 */
export function judge(state: AuthorityState, op: Op, siblings: readonly Op[]): Refusal | null {
  if (!state.isMember(op.author)) return refuse(state, op, 'not-a-member');
  const lead = state.lead();
  const isLead = op.author === lead;

  if ((AUTHOR_FIELDS[op.table] ?? []).includes(op.field)) {
    const clearingClose = op.table === 'escalation' && op.field === 'closed_by' && op.value === null;
    if (!clearingClose && op.value !== op.author) return refuse(state, op, 'authorship');
    if (op.field !== 'closed_by' && op.deps.length > 0) return refuse(state, op, 'authorship');
  }

  switch (op.table) {
    case 'team_member': {
      if (!isLead) return refuse(state, op, 'roster-lead-only');
      if (op.row === state.leadRow) {
        if (op.field === '_deleted' && op.value === true) return refuse(state, op, 'lead-row');
        const handsOver = siblings.some(
          (s) => s.table === 'team_member' && s.field === 'role' && s.value === 'lead' && s.row !== op.row,
        );
        if (op.field === 'role' && op.value !== 'lead' && !handsOver) return refuse(state, op, 'lead-row');
      }
      return null;
    }
    case 'finding': {
      const settled =
        state.findingStatus.get(op.row) === 'agreed' ||
        (op.field === 'status' && typeof op.value === 'string' && SETTLING_STATUSES.has(op.value)) ||
        op.field === 'merged_into';
      if (!settled) return null;
      if (!isLead) return refuse(state, op, 'settled-lead-only');
      if (!hasReason(siblings, op.row)) return refuse(state, op, 'reason-required');
      return null;
    }
    case 'finding_evidence': {
      const own = op.field === 'finding_id' && typeof op.value === 'string' ? op.value : undefined;
      const sibling = siblings.find((s) => s.table === 'finding_evidence' && s.row === op.row && s.field === 'finding_id');
      const findingId = own ?? (typeof sibling?.value === 'string' ? sibling.value : undefined) ?? state.linkFinding.get(op.row);
      if (findingId === undefined || state.findingStatus.get(findingId) !== 'agreed') return null;
      if (!isLead) return refuse(state, op, 'settled-lead-only');
      if (!hasReason(siblings, findingId)) return refuse(state, op, 'reason-required');
      return null;
    }
    case 'escalation': {
      if (RAISE_FIELDS.has(op.field)) {
        const raisedHere = siblings.some(
          (s) => s.table === 'escalation' && s.row === op.row && s.field === 'identified_by' && s.value === op.author,
        );
        const earlier = state.raiser.get(op.row);
        // Flagging is one action that writes a placeholder concern; the raiser then describes it,
        // once. After that the concern stays as it was raised.
        if (op.field === 'concern' && op.deps.length > 0 && earlier === op.author && !state.described.has(op.row)) return null;
        if (op.deps.length > 0 || !raisedHere || (earlier !== undefined && earlier !== op.author)) {
          return refuse(state, op, 'concern-immutable');
        }
        return null;
      }
      if (CLOSE_FIELDS.has(op.field)) {
        const raiser =
          state.raiser.get(op.row) ??
          siblings.find((s) => s.table === 'escalation' && s.row === op.row && s.field === 'identified_by')?.value;
        if (!isLead && raiser !== op.author) return refuse(state, op, 'close-author-or-lead');
        if (op.field === 'closed_at' && op.value !== null) {
          const recorded = siblings.some(
            (s) => s.table === 'escalation' && s.row === op.row && s.field === 'closed_by' && s.value === op.author,
          );
          if (!recorded) return refuse(state, op, 'authorship');
        }
      }
      return null;
    }
    default:
      return null;
  }
}

/** Whether an op that passed would let a new key read or sign (widens the audience). */
export function widensAudience(state: AuthorityState, op: Op): boolean {
  if (op.table !== 'team_member') return false;
  if (op.field === '_deleted') {
    const row = state.rows.get(op.row);
    return op.value === false && row !== undefined && row.deleted && (row.signingKey !== null || row.boxKey !== null);
  }
  return (op.field === 'signing_key' || op.field === 'box_key') && typeof op.value === 'string' && !state.hasKey(op.value);
}
