/**
 * The notes list is read from the store a page at a time (issue 15): a store of 5,000 notes
 * (several sharing a start time, one with none) gives its first page with a cursor and the
 * count; walking every page gives every note exactly once, newest first, even while a note is
 * added and others are edited or deleted between pages; each page is one keyset seek.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import type { EvidenceNote, NotePage } from '../../../shared/api/evidence.js';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits, type FieldEdit } from '../../../main/sync/local-write.js';
import { givenInspection, type GivenInspection } from '../../support/given.js';

const NOTES = 5_000;
const START = Date.parse('2026-11-02T09:00:00.000Z');

interface Written {
  readonly id: string;
  readonly createdAt: string | null;
  readonly caseId: string | null;
}

/** Newest first by start time, then id; a note with no start time after every dated one. */
function listOrder(a: Written, b: Written): number {
  if (a.createdAt !== b.createdAt) {
    if (a.createdAt === null) return 1;
    if (b.createdAt === null) return -1;
    return a.createdAt < b.createdAt ? 1 : -1;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

let given: GivenInspection;
let written: Written[];
let caseA: string;

beforeAll(async () => {
  given = await givenInspection({ dispose: 'manual' });
  caseA = given.addCase('NS-1001');
  written = [];
  // Three notes to each second, so ties on the start time are ordered by id.
  for (let i = 0; i < NOTES; i += 1) {
    written.push({
      id: newId(),
      createdAt: new Date(START + Math.floor(i / 3) * 1000).toISOString(),
      caseId: i % 10 === 0 ? caseA : null,
    });
  }
  // A note whose start time never arrived: the store can hold one, and it must still be listed.
  written.push({ id: newId(), createdAt: null, caseId: null });
  const { rt, inspectionId } = given;
  inTransaction(rt.ctx, () => {
    for (let from = 0; from < written.length; from += 500) {
      const edits: FieldEdit[] = [];
      for (const [k, note] of written.slice(from, from + 500).entries()) {
        const set = (field: string, value: FieldEdit['value']) =>
          edits.push({ table: 'evidence_note', row: note.id, field, value });
        set('text', `Note ${from + k}: strategy discussion held within a day.`);
        set('author', rt.ctx.device.author);
        if (note.createdAt !== null) set('created_at', note.createdAt);
        if (note.caseId !== null) set('case_id', note.caseId);
      }
      writeEdits(rt.ctx, inspectionId, edits);
    }
  });
  return () => given.rt.dispose();
}, 120_000);

/** Every page from the first, running `between` after each page; the notes in the order shown. */
async function walk(
  input: { filters?: { caseId?: string }; includeDeleted?: boolean; limit: number },
  between: (page: number) => Promise<void> = () => Promise.resolve(),
): Promise<{ notes: EvidenceNote[]; pages: number }> {
  const notes: EvidenceNote[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: NotePage = await given.rt.call('evidence.list', { inspectionId: given.inspectionId, ...input, cursor });
    expect(page.notes.length).toBeLessThanOrEqual(input.limit);
    expect(page.total === null).toBe(cursor !== null); // the count comes with the first page only
    notes.push(...page.notes);
    cursor = page.next;
    pages += 1;
    await between(pages);
  } while (cursor !== null);
  return { notes, pages };
}

describe('the notes list, a page at a time', () => {
  it('gives the first page with a cursor to the next and the count of every note', async () => {
    const first = await given.rt.call('evidence.list', { inspectionId: given.inspectionId, limit: 100 });
    expect(first.notes).toHaveLength(100);
    expect(first.next).toEqual(expect.any(String));
    expect(first.total).toBe(NOTES + 1);
    expect(first.notes.map((n) => n.id)).toEqual(
      [...written]
        .sort(listOrder)
        .slice(0, 100)
        .map((n) => n.id),
    );
  });

  it('walks to the last note, each note once and in order, while notes are added, edited and deleted between pages', async () => {
    const expected = [...written].sort(listOrder);
    const { rt, inspectionId } = given;
    const deep = expected[4_321] as Written;
    const early = expected[50] as Written;
    const late = expected[4_000] as Written;
    const added: string[] = [];
    const { notes, pages } = await walk({ limit: 200 }, async (page) => {
      if (page === 3) {
        const note = await rt.call('evidence.create', {
          inspectionId,
          id: newId(),
          fields: {
            text: 'Written while the list was being read',
            source: null,
            agency: null,
            themes: [],
            polarity: null,
            caseId: null,
          },
        });
        added.push(note.id);
        await rt.call('evidence.update', { id: deep.id, fields: { text: 'Edited while the list was being read' } });
        await rt.call('evidence.update', { id: early.id, fields: { polarity: 'strength' } });
      }
      if (page === 5) await rt.call('evidence.delete', { id: late.id });
    });
    // 5,001 notes less the one deleted fill 25 pages exactly: the last one says there is no next.
    expect(pages).toBe(NOTES / 200);
    const ids = notes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The new note is newer than the cursor, so it is on the first page of the next reading;
    // the deleted one is gone from the pages after its deletion; everything else, once, in order.
    expect(ids).toEqual(expected.filter((n) => n.id !== late.id).map((n) => n.id));
    expect(ids).not.toContain(added[0]);
    expect(notes.find((n) => n.id === deep.id)?.text).toBe('Edited while the list was being read');
    expect(notes[notes.length - 1]?.createdAt).toBe(''); // the note with no start time comes last

    const again = await given.rt.call('evidence.list', { inspectionId, limit: 1 });
    expect(again.notes.map((n) => n.id)).toEqual(added);
    await rt.call('evidence.restore', { id: late.id });
  }, 120_000);

  it('pages a filtered list and deleted notes the same way', async () => {
    const forCase = written.filter((n) => n.caseId === caseA).sort(listOrder);
    const { notes, pages } = await walk({ filters: { caseId: caseA }, limit: 60 });
    expect(pages).toBe(Math.ceil(forCase.length / 60));
    expect(notes.map((n) => n.id)).toEqual(forCase.map((n) => n.id));
    const first = await given.rt.call('evidence.list', {
      inspectionId: given.inspectionId,
      filters: { caseId: caseA },
      limit: 60,
    });
    expect(first.total).toBe(forCase.length);
  }, 60_000);

  it('reads each page by one keyset seek on the inspection’s order index, with no sort', () => {
    const plan = (
      given.rt.ctx.db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT n.id FROM evidence_note n
           WHERE n.inspection_id = ? AND n.text IS NOT NULL AND n.deleted = 0 AND (n.created_at, n.id) < (?, ?)
           ORDER BY n.created_at DESC, n.id DESC LIMIT 100`,
        )
        .all(given.inspectionId, '2026-11-02T10:00:00.000Z', 'x') as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan.join(' | ')).toMatch(
      /USING INDEX evidence_note_by_inspection_order \(inspection_id=\? AND \(created_at,id\)<\(\?,\?\)\)/,
    );
    expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/);
  });

  it('refuses a cursor it did not make, with a sentence', async () => {
    await expect(
      given.rt.call('evidence.list', { inspectionId: given.inspectionId, cursor: 'not-a-cursor', limit: 10 }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Reload the list') });
  });

  it('counts the live notes each device signed', async () => {
    const counts = await given.rt.call('evidence.countByAuthor', { inspectionId: given.inspectionId });
    expect(counts).toEqual([{ key: given.rt.ctx.device.author, notes: NOTES + 2 }]);
  });
});
