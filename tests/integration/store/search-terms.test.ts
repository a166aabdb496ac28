/**
 * The search vocabulary (main/store/search-terms.ts) lets a typed prefix be matched as the whole
 * terms it stands for. Its law: the vocabulary never lacks a term the full-text index holds, so
 * the expanded query finds exactly the documents the plain prefix query finds, whatever the
 * text (accents, combining marks, other scripts, odd capitals) and however it was written
 * (created, edited, deleted, merged from a bundle, migrated from an older store, purged).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { buildFtsQuery, expandedFtsQuery, NO_MATCH } from '../../../main/store/search-repo.js';
import type { ReadableDb } from '../../../main/store/connection.js';
import { MAX_PREFIX_TERMS } from '../../../main/store/search-terms.js';
import { newId } from '../../../shared/domain/ids.js';
import { givenInspection } from '../../support/given.js';
import { UNDO_0160, UNDO_0170, UNDO_0180 } from '../../support/older-schema.js';
import { exchange, edit, setUpTeam } from '../../support/exchange.js';
import { quietLog, testRuntime } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

type Reader = ReadableDb;

/** Words the tokenizer treats in every way it can: plain, folded, split, joined, other scripts. */
const WORDS = [
  'strategy',
  'strategic',
  'strat',
  'Strategy',
  'STRATEGY',
  'need',
  'needed',
  'needs',
  'plan',
  'plans',
  'planned',
  'child',
  "child's",
  'children',
  'childhood',
  'naïve',
  'naive',
  'Zoë',
  'zoe',
  'cafe\u0301s',
  'café',
  'cafes',
  'ØYVIND',
  'øyvind',
  'Kelvin\u212a',
  'straße',
  'strasse',
  'İstanbul',
  'istanbul',
  'ﬁnance',
  'finance',
  'Σίσυφος',
  'Москва',
  'москва',
  '東京',
  '24h',
  'h24',
  'x\u2019s',
  'don’t',
  'e-mail',
  'co-op',
  'A',
  'a',
  '👍',
  'Ｆｕｌｌ',
  'full',
];

const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
);
const text = fc.array(word, { minLength: 1, maxLength: 12 }).map((words) => words.join(' '));

/** A typed query: a prefix of a word the notes may hold (any case), or of any string. */
const query = fc.oneof(
  fc
    .tuple(fc.constantFrom(...WORDS), fc.integer({ min: 1, max: 12 }), fc.boolean())
    .map(([w, n, upper]) => ([...w].slice(0, n).join('') as string)[upper ? 'toUpperCase' : 'toString']()),
  fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `${a} ${b.slice(0, 4)}`),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
);

const matching = (db: Reader, fts: string): number[] =>
  (db.prepare('SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid').pluck().all(fts) as number[]) ?? [];

/** What the plain prefix query finds, and what the expanded one finds, over every document. */
function bothWays(db: Reader, typed: string): { prefix: number[]; expanded: number[] } {
  const plain = buildFtsQuery(typed);
  const expanded = expandedFtsQuery(db, typed);
  return {
    prefix: plain === null ? [] : matching(db, plain),
    expanded: expanded === null || expanded === NO_MATCH ? [] : matching(db, expanded),
  };
}

/** Terms of the index that the vocabulary lacks (the law says: none). */
function missingTerms(db: Database.Database): string[] {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_terms USING fts5vocab(main, search_fts, 'row')`);
  return db.prepare('SELECT term FROM temp.check_terms EXCEPT SELECT term FROM search_term').pluck().all() as string[];
}

const asRaw = (db: unknown) => db as Database.Database;

describe('search vocabulary', () => {
  it('law: the expanded query finds exactly what the prefix query finds, after any creates, autosaves, seals, deletes and restores', async () => {
    const { rt, inspectionId } = await givenInspection();
    const notes: string[] = [];
    const pick = (i: number) => notes[i % notes.length] as string;
    const step = fc.oneof(
      text.map((t) => ({ kind: 'create' as const, text: t })),
      fc.tuple(fc.nat(), text).map(([i, t]) => ({ kind: 'autosave' as const, i, text: t })),
      fc.tuple(fc.nat(), text).map(([i, t]) => ({ kind: 'sealed edit' as const, i, text: t })),
      fc.nat().map((i) => ({ kind: 'seal' as const, i })),
      fc.nat().map((i) => ({ kind: 'delete' as const, i })),
      fc.nat().map((i) => ({ kind: 'restore' as const, i })),
    );
    const fields = (value: string) => ({ text: value, source: null, agency: null, themes: [], polarity: null, caseId: null });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 4 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        async (steps, queries) => {
          for (const s of steps) {
            if (s.kind === 'create' || notes.length === 0) {
              const id = newId();
              notes.push(id);
              await rt.call('evidence.create', { inspectionId, id, fields: fields('text' in s ? s.text : 'x') });
            } else if (s.kind === 'autosave') {
              // An autosave of a deleted note is refused; that refusal is not what this law is about.
              await rt.call('evidence.update', { id: pick(s.i), fields: { text: s.text } }).catch(() => undefined);
            } else if (s.kind === 'sealed edit') {
              const row = pick(s.i);
              await rt.call('evidence.sealDraft', { id: row });
              inTransaction(rt.ctx, () =>
                writeEdits(rt.ctx, inspectionId, [{ table: 'evidence_note', row, field: 'text', value: s.text }]),
              );
            } else if (s.kind === 'seal') {
              await rt.call('evidence.sealDraft', { id: pick(s.i) });
            } else if (s.kind === 'delete') {
              await rt.call('evidence.delete', { id: pick(s.i) }).catch(() => undefined);
            } else {
              await rt.call('evidence.restore', { id: pick(s.i) }).catch(() => undefined);
            }
          }
          expect(missingTerms(asRaw(rt.ctx.db))).toEqual([]);
          for (const typed of queries) {
            const { prefix, expanded } = bothWays(rt.ctx.db, typed);
            expect(expanded, typed).toEqual(prefix);
          }
        },
      ),
      { numRuns: testCount('SEARCH_TERM_RUNS', 150, 1000) },
    );
    // The runs reached every path: notes were written, some deleted, and typed words found.
    expect(notes.length).toBeGreaterThan(20);
    expect(matching(rt.ctx.db, '"strategy"').length).toBeGreaterThan(0);
  });

  it('a prefix is searched as its whole terms, and through the service finds folded, split and joined words', async () => {
    const { rt, inspectionId } = await givenInspection();
    const write = (value: string) =>
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [{ table: 'evidence_note', row: newId(), field: 'text', value }]),
      );
    write('Strategy discussion held; needs were planned.');
    write('The naïve plan: Zoë’s cafe\u0301s and ØYVIND’s school.');
    write('Needed: a child in need plan.');
    expect(expandedFtsQuery(rt.ctx.db, 'need pla')).toBe('("need" OR "needed" OR "needs") AND "pla"*');
    expect(expandedFtsQuery(rt.ctx.db, 'Strat')).toBe('"strategy"');
    expect(expandedFtsQuery(rt.ctx.db, 'mother s')).toBe(NO_MATCH);
    const found = async (typed: string) =>
      (await rt.call('search.query', { inspectionId, text: typed, mode: 'typing' })).hits.length;
    expect(await found('naiv')).toBe(1);
    expect(await found('cafes')).toBe(1);
    expect(await found('øyvi')).toBe(1);
    expect(await found('need')).toBe(2);
    expect(await found('zzzz')).toBe(0);
  });

  it(`a prefix of more than ${MAX_PREFIX_TERMS} terms stays a prefix query`, async () => {
    const { rt, inspectionId } = await givenInspection();
    const many = Array.from({ length: MAX_PREFIX_TERMS + 1 }, (_, i) => `plank${i}x`);
    inTransaction(rt.ctx, () =>
      writeEdits(rt.ctx, inspectionId, [{ table: 'evidence_note', row: newId(), field: 'text', value: many.join(' ') }]),
    );
    expect(expandedFtsQuery(rt.ctx.db, 'plank')).toBe('"plank"*');
    expect(expandedFtsQuery(rt.ctx.db, 'plank6')).toBe(
      '("plank60x" OR "plank61x" OR "plank62x" OR "plank63x" OR "plank64x" OR "plank6x")',
    );
  });

  it("a colleague's words merged from a bundle are in the vocabulary and found by prefix", async () => {
    const lead = await testRuntime();
    const inspector = await testRuntime();
    try {
      const { inspectionId } = await setUpTeam(lead, inspector);
      edit(inspector, inspectionId, [
        {
          table: 'evidence_note',
          row: newId(),
          field: 'text',
          value: 'Chronologies were superseded; Zoë’s naïve cafe\u0301s visit.',
        },
      ]);
      await exchange(inspector, lead, inspectionId);
      expect(missingTerms(asRaw(lead.ctx.db))).toEqual([]);
      const hits = async (typed: string) =>
        (await lead.call('search.query', { inspectionId, text: typed, mode: 'typing' })).hits.length;
      expect(await hits('chronolog')).toBe(1);
      expect(await hits('supersed naiv')).toBe(1);
      expect(await hits('cafes')).toBe(1);
    } finally {
      lead.dispose();
      inspector.dispose();
    }
  });

  it('one batch past the flush and fold bounds (8,000 new words, 400 K characters of accented text) misses no term', async () => {
    const { rt, inspectionId } = await givenInspection();
    const notes = Array.from({ length: 40 }, (_, n) => {
      const plain = Array.from({ length: 200 }, (_, w) => `w${n}x${w}`).join(' ');
      const accented = Array.from({ length: 1_000 }, (_, w) => `é${n}ü${w}`).join(' ');
      return `${plain} ${accented}`;
    });
    inTransaction(rt.ctx, () =>
      writeEdits(
        rt.ctx,
        inspectionId,
        notes.map((value) => ({ table: 'evidence_note', row: newId(), field: 'text', value })),
      ),
    );
    expect(missingTerms(asRaw(rt.ctx.db))).toEqual([]);
    expect(rt.ctx.db.prepare('SELECT count(*) FROM search_term').pluck().get()).toBeGreaterThanOrEqual(48_000);
  });

  it('migration 0160 fills the vocabulary from the index of a store made before it', async () => {
    const { rt, inspectionId } = await givenInspection({ dispose: 'manual' });
    try {
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [
          { table: 'evidence_note', row: newId(), field: 'text', value: 'Zoë’s naïve strategy: cafe\u0301s.' },
          { table: 'evidence_note', row: newId(), field: 'text', value: 'The strategic needs of the children.' },
        ]),
      );
      rt.close();
      const old = new Database(rt.storePath);
      old.exec(UNDO_0180 + UNDO_0170 + UNDO_0160);
      old.close();
      const again = await openRuntime({ dataDir: rt.dir, log: quietLog, encryptStore: false, backups: false });
      try {
        expect(missingTerms(asRaw(again.ctx.db))).toEqual([]);
        expect(again.ctx.db.prepare('SELECT count(*) FROM search_term').pluck().get()).toBeGreaterThan(5);
        const hits = (typed: string) => invoke(again.ctx, 'search.query', { inspectionId, text: typed, mode: 'typing' });
        expect((await hits('strate')).hits).toHaveLength(2);
        expect((await hits('naiv')).hits).toHaveLength(1);
      } finally {
        again.close();
      }
    } finally {
      rt.dispose();
    }
  });
});
