/**
 * When open note drafts are sealed (main/sync/local-drafts.ts): the simplest safe rule is that
 * any write command other than an autosave of the same note seals every open draft first, so a
 * delete, a finding link, an import or an export never runs beside an unsealed draft, and no
 * draft is ever in a bundle. Also at start-up (leftovers of a kill or power cut) and at close.
 */
import { hasAnyDraft, type DraftScope } from '../store/draft-repo.js';
import { sealKeepingRefused, type SealResult } from '../sync/local-drafts.js';
import type { ServiceContext } from './context.js';

const AUTOSAVES = new Set(['evidence.create', 'evidence.update']);

function noteIdOf(input: unknown): string | null {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

/**
 * Seals what must be sealed before the write command `name` runs (in its turn in the write
 * queue). An autosave seals the drafts of other notes only. A draft the authority model now
 * refuses (its author was removed from the team meanwhile) stays on this laptop, logged, and
 * does not stop the command.
 */
export function sealBeforeWrite(ctx: ServiceContext, name: string, input: unknown): void {
  if (ctx.db.readonly || name === 'evidence.sealDraft' || !hasAnyDraft(ctx.db)) return;
  const noteId = AUTOSAVES.has(name) ? noteIdOf(input) : null;
  sealOrKeep(ctx, noteId === null ? { kind: 'all' } : { kind: 'allBut', table: 'evidence_note', row: noteId });
}

/** Seals every open draft (start-up, quit). A refused draft stays, logged (see above). */
export function sealAllDrafts(ctx: ServiceContext): SealResult {
  if (ctx.db.readonly || !hasAnyDraft(ctx.db)) return { changesets: 0, ops: 0 };
  return sealOrKeep(ctx, { kind: 'all' });
}

function sealOrKeep(ctx: ServiceContext, scope: DraftScope): SealResult {
  return sealKeepingRefused(ctx, scope, (reason) =>
    ctx.log.warn('An open draft was not sealed: the team no longer allows this change. It stays on this laptop.', {
      reason,
    }),
  );
}
