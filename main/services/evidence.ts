/**
 * Evidence notes: created with an id the client made (so a retried first save is harmless),
 * then edited field by field. An autosave (create, update) is kept as an open draft of the note
 * (main/sync/local-drafts.ts): durable and shown everywhere at once, sealed into one signed
 * changeset when the composer closes (`evidence.sealDraft`) or before any other write. Sealing
 * skips values that did not change, so autosave does not fill the log.
 */
import type { Author, EvidenceNote, NoteFields } from '../../shared/api/evidence.js';
import { AUDIT_PROMPTS, type Agency, type Polarity, type Source } from '../../shared/domain/vocabulary.js';
import { AppError } from '../../shared/errors.js';
import {
  getCaseRef,
  getNote,
  listAuthorKeys,
  countNotesByAuthor,
  listCaseOptions,
  listUsedThemes,
  rosterNamesByKey,
  type NoteRow,
} from '../store/evidence-repo.js';
import { sealDrafts, saveDraft } from '../sync/local-drafts.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';
import { readNotePage } from './note-pages.js';

export function parseJsonList(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** A display name for a device key: the roster name, else a short form of the key. */
export function authorOf(names: ReadonlyMap<string, string>, key: string | null): Author {
  const k = key ?? '';
  return { key: k, name: names.get(k) ?? (k ? `Inspector ${k.slice(0, 6)}` : 'Unknown') };
}

export function toNote(row: NoteRow, names: ReadonlyMap<string, string>): EvidenceNote {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    text: row.text ?? '',
    source: row.source as Source | null,
    agency: row.agency as Agency | null,
    themes: parseJsonList(row.themes),
    polarity: row.polarity as Polarity | null,
    caseId: row.case_id,
    caseRef: row.case_ref,
    author: authorOf(names, row.author),
    createdAt: row.created_at ?? '',
    deleted: row.deleted === 1,
  };
}

/** Themes to suggest and to cover: the inspection's theme, the audit prompts, and those in use. */
export function expectedThemes(ctx: ServiceContext, inspectionId: string): string[] {
  const inspection = requireInspection(ctx, inspectionId);
  const themes = [inspection.theme, ...Object.values(AUDIT_PROMPTS)].filter((t): t is string => !!t);
  return [...new Set([...themes, ...listUsedThemes(ctx.db, inspectionId)])];
}

function requireNote(ctx: ServiceContext, id: string): NoteRow {
  const row = getNote(ctx.db, id);
  if (!row || row.text === null) throw notFound('The evidence note', id);
  return row;
}

function readNote(ctx: ServiceContext, id: string): EvidenceNote {
  const row = requireNote(ctx, id);
  return toNote(row, rosterNamesByKey(ctx.db, row.inspection_id));
}

function checkCase(ctx: ServiceContext, inspectionId: string, caseId: string | null | undefined): void {
  if (!caseId) return;
  const found = getCaseRef(ctx.db, caseId);
  if (!found || found.inspection_id !== inspectionId) {
    throw new AppError('invalid_input', 'That case is not in this inspection’s sample. Choose another case or none.', {
      issues: [{ path: ['caseId'], message: 'That case is not in this inspection’s sample' }],
    });
  }
}

function noteEdits(id: string, fields: Partial<NoteFields>): FieldEdit[] {
  const edits: FieldEdit[] = [];
  const set = (field: string, value: FieldEdit['value']) => edits.push({ table: 'evidence_note', row: id, field, value });
  if (fields.text !== undefined) set('text', fields.text);
  if (fields.source !== undefined) set('source', fields.source);
  if (fields.agency !== undefined) set('agency', fields.agency);
  if (fields.themes !== undefined) set('themes', [...new Set(fields.themes.map((t) => t.trim()).filter(Boolean))]);
  if (fields.polarity !== undefined) set('polarity', fields.polarity);
  if (fields.caseId !== undefined) set('case_id', fields.caseId);
  return edits;
}

export const evidenceHandlers = {
  'evidence.list': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return readNotePage(ctx, input);
  },
  'evidence.countByAuthor': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return countNotesByAuthor(ctx.db, input.inspectionId).map((r) => ({ key: r.author, notes: r.notes }));
  },
  'evidence.get': (ctx, input) => readNote(ctx, input.id),
  'evidence.create': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    checkCase(ctx, input.inspectionId, input.fields.caseId);
    inTransaction(ctx, () => {
      const existing = getNote(ctx.db, input.id);
      if (existing && existing.inspection_id !== input.inspectionId) {
        throw new AppError('conflict', 'A note with that id belongs to another inspection.');
      }
      const edits = noteEdits(input.id, input.fields);
      // A retried first save finds its note already there: it is then just an edit.
      if (!existing || existing.author === null) {
        edits.push({ table: 'evidence_note', row: input.id, field: 'author', value: ctx.device.author });
        edits.push({ table: 'evidence_note', row: input.id, field: 'created_at', value: new Date(ctx.now()).toISOString() });
      }
      saveDraft(ctx, input.inspectionId, edits);
    });
    return readNote(ctx, input.id);
  },
  'evidence.update': (ctx, input) => {
    const row = requireNote(ctx, input.id);
    if (row.deleted === 1) throw new AppError('conflict', 'This note has been deleted. Restore it before editing.');
    checkCase(ctx, row.inspection_id, input.fields.caseId);
    inTransaction(ctx, () => saveDraft(ctx, row.inspection_id, noteEdits(input.id, input.fields)));
    return readNote(ctx, input.id);
  },
  'evidence.sealDraft': (ctx, input) =>
    inTransaction(ctx, () =>
      sealDrafts(ctx, input.id === undefined ? { kind: 'all' } : { kind: 'row', table: 'evidence_note', row: input.id }),
    ),
  'evidence.delete': (ctx, input) => {
    const row = requireNote(ctx, input.id);
    if (row.deleted === 0) {
      inTransaction(ctx, () =>
        writeEdits(ctx, row.inspection_id, [{ table: 'evidence_note', row: input.id, field: '_deleted', value: true }]),
      );
    }
    return readNote(ctx, input.id);
  },
  'evidence.restore': (ctx, input) => {
    const row = requireNote(ctx, input.id);
    if (row.deleted === 1) {
      inTransaction(ctx, () =>
        writeEdits(ctx, row.inspection_id, [{ table: 'evidence_note', row: input.id, field: '_deleted', value: false }]),
      );
    }
    return readNote(ctx, input.id);
  },
  'evidence.options': (ctx, input) => {
    const names = rosterNamesByKey(ctx.db, input.inspectionId);
    const keys = new Set([ctx.device.author, ...listAuthorKeys(ctx.db, input.inspectionId)]);
    return {
      themes: expectedThemes(ctx, input.inspectionId),
      authors: [...keys].map((k) => authorOf(names, k)).sort((a, b) => a.name.localeCompare(b.name)),
      cases: listCaseOptions(ctx.db, input.inspectionId).map((c) => ({ id: c.id, caseRef: c.case_ref })),
    };
  },
} satisfies HandlerGroup<
  | 'evidence.list'
  | 'evidence.countByAuthor'
  | 'evidence.get'
  | 'evidence.create'
  | 'evidence.update'
  | 'evidence.sealDraft'
  | 'evidence.delete'
  | 'evidence.restore'
  | 'evidence.options'
>;
