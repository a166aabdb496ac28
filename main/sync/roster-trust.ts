/**
 * Who may author changesets in an inspection. TRUST INVARIANT: a changeset is accepted only if
 * its author's key is on the roster, where the roster is this store's current team plus the
 * keys that already-trusted authors add in the same bundle (so the lead's setup bundle can add
 * the team and carry their work). Joining an inspection this store does not know starts from
 * the one key the user confirmed by fingerprint: the lead who exported the setup bundle.
 */
import type { Op } from '../../shared/sync/op.js';

export interface RosterEdits {
  readonly author: string;
  /** team_member rows this changeset gave a signing key, and the role values it wrote. */
  readonly keys: readonly { row: string; signingKey: string }[];
  readonly roles: readonly { row: string; role: string }[];
}

export function rosterEditsOf(author: string, ops: readonly Op[]): RosterEdits {
  const keys: { row: string; signingKey: string }[] = [];
  const roles: { row: string; role: string }[] = [];
  for (const op of ops) {
    if (op.table !== 'team_member' || typeof op.value !== 'string') continue;
    if (op.field === 'signing_key') keys.push({ row: op.row, signingKey: op.value });
    if (op.field === 'role') roles.push({ row: op.row, role: op.value });
  }
  return { author, keys, roles };
}

/**
 * The trusted set grown to a fixpoint: keys added by a lead become trusted, and a key a lead
 * gives the lead role becomes a lead. Only the lead may change the roster (docs/authority.md),
 * so keys a member adds are not trusted here; the per-op judgement (main/sync/authority.ts)
 * then decides, op by op, what each trusted author's changes may do.
 */
export function trustedAuthors(
  initial: ReadonlySet<string>,
  edits: readonly RosterEdits[],
  initialLeads: ReadonlySet<string> = initial,
): Set<string> {
  const trusted = new Set(initial);
  const leads = new Set(initialLeads);
  const keyOfRow = new Map<string, string>();
  for (const edit of edits)
    for (const { row, signingKey } of edit.keys) if (leads.has(edit.author)) keyOfRow.set(row, signingKey);
  let grew = true;
  while (grew) {
    grew = false;
    for (const edit of edits) {
      if (!leads.has(edit.author)) continue;
      for (const { row, signingKey } of edit.keys) keyOfRow.set(row, signingKey);
      for (const { row, role } of edit.roles) {
        const key = keyOfRow.get(row);
        if (role === 'lead' && key !== undefined && !leads.has(key)) {
          leads.add(key);
          grew = true;
        }
      }
      for (const { signingKey } of edit.keys) {
        if (!trusted.has(signingKey)) {
          trusted.add(signingKey);
          grew = true;
        }
      }
    }
  }
  return trusted;
}

/** Whether the lead's own edits in the bundle name the lead's key as a member with role 'lead'. */
export function namesItselfLead(lead: string, edits: readonly RosterEdits[]): boolean {
  const own = edits.filter((e) => e.author === lead);
  const rows = new Set(own.flatMap((e) => e.keys.filter((k) => k.signingKey === lead).map((k) => k.row)));
  return own.some((e) => e.roles.some((r) => rows.has(r.row) && r.role === 'lead'));
}

/** Fingerprints are compared the way people type them: case and spaces do not matter. */
export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();
  return norm(a) === norm(b) && norm(a).length > 0;
}
