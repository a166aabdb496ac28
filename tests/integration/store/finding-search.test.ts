/**
 * Findings have a full-text index of their own (`finding_fts`, migration 0170), so a search as
 * you type asks for the newest matching findings without walking every matching note. Its law:
 * the findings' index holds exactly the findings' search documents, so it matches exactly what
 * the index of every document matches among findings, however the findings were written
 * (created, edited, deleted and brought back, merged from a colleague, migrated, purged).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { writeEdits, type FieldEdit } from '../../../main/sync/local-write.js';
import { buildFtsQuery, expandedFtsQuery, NO_MATCH } from '../../../main/store/search-repo.js';
import type { ReadableDb } from '../../../main/store/connection.js';
import { newId } from '../../../shared/domain/ids.js';
import { exchange, edit, setUpTeam } from '../../support/exchange.js';
import { givenInspection } from '../../support/given.js';
import { UNDO_0170, UNDO_0180 } from '../../support/older-schema.js';
import { quietLog, testRuntime } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

const WORDS = ['strategy', 'strategic', 'Strengths', 'partnership', 'partners', 'naïve', 'Zoë', 'cafe\u0301s', 'Москва', 'plan'];
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
);
const statement = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(' '));
const query = fc.oneof(
  fc.tuple(fc.constantFrom(...WORDS), fc.integer({ min: 2, max: 9 })).map(([w, n]) => [...w].slice(0, n).join('')),
  fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `${a} ${b.slice(0, 3)}`),
);

/** What an index matches, as search_doc rowids in order. */
const matchIn = (db: ReadableDb, index: 'search_fts' | 'finding_fts', fts: string, findingsOnly: boolean): number[] =>
  db
    .prepare(
      `SELECT x.rowid FROM ${index} x JOIN search_doc d ON d.rowid = x.rowid
       WHERE ${index} MATCH ? ${findingsOnly ? "AND d.kind = 'finding'" : ''} ORDER BY x.rowid`,
    )
    .pluck()
    .all(fts) as number[];

/** FTS5's own check that the findings' index is exactly its content (the findings' documents). */
const indexMatchesContent = (db: ReadableDb): void => {
  (db as unknown as Database.Database).exec("INSERT INTO finding_fts(finding_fts, rank) VALUES ('integrity-check', 1)");
};

const fields = (text: string) => ({ kind: 'strength' as const, statement: text, agencies: ['police' as const], theme: null });

describe('the findings’ own search index', () => {
  it('law: it matches exactly the findings the index of every document matches, after any creates, edits, deletes and restores', async () => {
    const { rt, inspectionId } = await givenInspection();
    const findings: string[] = [];
    const pick = (i: number) => findings[i % findings.length] as string;
    const write = (edits: FieldEdit[]) => inTransaction(rt.ctx, () => writeEdits(rt.ctx, inspectionId, edits));
    const step = fc.oneof(
      statement.map((t) => ({ kind: 'create' as const, text: t })),
      statement.map((t) => ({ kind: 'note' as const, text: t })),
      fc.tuple(fc.nat(), statement).map(([i, t]) => ({ kind: 'update' as const, i, text: t })),
      fc.tuple(fc.nat(), fc.boolean()).map(([i, deleted]) => ({ kind: 'delete' as const, i, deleted })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 4 }),
        fc.array(query, { minLength: 1, maxLength: 3 }),
        async (steps, queries) => {
          for (const s of steps) {
            if (s.kind === 'create' || (findings.length === 0 && s.kind !== 'note')) {
              // A statement of spaces alone is refused; that refusal is not what this law is about.
              const made = await rt
                .call('findings.create', { inspectionId, fields: fields('text' in s ? s.text : 'x') })
                .catch(() => undefined);
              if (made) findings.push(made.id);
            } else if (s.kind === 'note') {
              write([{ table: 'evidence_note', row: newId(), field: 'text', value: s.text }]);
            } else if (s.kind === 'update') {
              // An edit of a deleted finding, or to spaces alone, is refused (as above).
              await rt.call('findings.update', { id: pick(s.i), fields: fields(s.text) }).catch(() => undefined);
            } else {
              write([{ table: 'finding', row: pick(s.i), field: '_deleted', value: s.deleted }]);
            }
          }
          indexMatchesContent(rt.ctx.db);
          for (const typed of queries) {
            const forms: (string | null | typeof NO_MATCH)[] = [buildFtsQuery(typed), expandedFtsQuery(rt.ctx.db, typed)];
            for (const fts of forms) {
              if (fts === null || typeof fts !== 'string') continue;
              expect(matchIn(rt.ctx.db, 'finding_fts', fts, false), fts).toEqual(matchIn(rt.ctx.db, 'search_fts', fts, true));
            }
          }
        },
      ),
      { numRuns: testCount('FINDING_SEARCH_RUNS', 100, 1000) },
    );
    // The runs reached every path: findings were written, edited and deleted, and words found.
    expect(findings.length).toBeGreaterThan(20);
    expect(matchIn(rt.ctx.db, 'finding_fts', '"partnership"', false).length).toBeGreaterThan(0);
  });

  it('search finds notes and findings newest first while typing, and a finding’s edit, deletion and return', async () => {
    const { rt, inspectionId } = await givenInspection();
    const note = (text: string) =>
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [{ table: 'evidence_note', row: newId(), field: 'text', value: text }]),
      );
    note('Partnership meetings were held monthly.');
    const older = await rt.call('findings.create', { inspectionId, fields: fields('Partnership working is strong.') });
    note('The partnership plan was not followed.');
    const newer = await rt.call('findings.create', { inspectionId, fields: fields('Partners share information quickly.') });
    const search = async (text: string, mode: 'typing' | 'ranked' = 'typing') =>
      (await rt.call('search.query', { inspectionId, text, mode })).hits.map(
        (h) => `${h.kind}:${h.snippet.map((p) => p.text).join('')}`,
      );
    expect(await search('partn')).toEqual([
      'finding:Partners share information quickly.',
      'evidence_note:The partnership plan was not followed.',
      'finding:Partnership working is strong.',
      'evidence_note:Partnership meetings were held monthly.',
    ]);
    expect((await search('partn', 'ranked')).sort()).toEqual((await search('partn')).sort());
    const findingHits = async (text: string) =>
      (await rt.call('search.query', { inspectionId, text, mode: 'typing', kinds: ['finding'] })).hits.map((h) => h.id);
    await rt.call('findings.update', { id: older.id, fields: fields('Leaders know their services well.') });
    expect(await findingHits('partn')).toEqual([newer.id]);
    expect(await findingHits('leade')).toEqual([older.id]);
    inTransaction(rt.ctx, () =>
      writeEdits(rt.ctx, inspectionId, [{ table: 'finding', row: newer.id, field: '_deleted', value: true }]),
    );
    expect(await findingHits('partn')).toEqual([]);
    inTransaction(rt.ctx, () =>
      writeEdits(rt.ctx, inspectionId, [{ table: 'finding', row: newer.id, field: '_deleted', value: false }]),
    );
    expect(await findingHits('partn')).toEqual([newer.id]);
    indexMatchesContent(rt.ctx.db);
  });

  it("a colleague's finding merged from a bundle is found by the lead as they type", async () => {
    const lead = await testRuntime();
    const inspector = await testRuntime();
    try {
      const { inspectionId } = await setUpTeam(lead, inspector);
      const row = newId();
      edit(inspector, inspectionId, [
        { table: 'finding', row, field: 'kind', value: 'improvement' },
        { table: 'finding', row, field: 'statement', value: 'Chronologies are not kept up to date.' },
        { table: 'finding', row, field: 'agencies', value: ['health'] },
      ]);
      await exchange(inspector, lead, inspectionId);
      const hits = await lead.call('search.query', { inspectionId, text: 'chronolog', mode: 'typing', kinds: ['finding'] });
      expect(hits.hits.map((h) => h.id)).toEqual([row]);
      indexMatchesContent(lead.ctx.db);
    } finally {
      lead.dispose();
      inspector.dispose();
    }
  });

  it('migration 0170 indexes the findings of a store made before it, and only them', async () => {
    const { rt, inspectionId } = await givenInspection({ dispose: 'manual' });
    try {
      const finding = await rt.call('findings.create', {
        inspectionId,
        fields: fields('Strategic leaders know their services.'),
      });
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [
          { table: 'evidence_note', row: newId(), field: 'text', value: 'Strategic meeting minutes.' },
        ]),
      );
      rt.close();
      const old = new Database(rt.storePath);
      old.exec(UNDO_0180 + UNDO_0170);
      old.close();
      const again = await openRuntime({ dataDir: rt.dir, log: quietLog, encryptStore: false, backups: false });
      try {
        indexMatchesContent(again.ctx.db);
        expect(again.ctx.db.prepare("SELECT count(*) FROM finding_fts WHERE finding_fts MATCH 'strategic'").pluck().get()).toBe(
          1,
        );
        const hits = await invoke(again.ctx, 'search.query', { inspectionId, text: 'strateg', mode: 'typing' });
        expect(hits.hits.map((h) => h.kind).sort()).toEqual(['evidence_note', 'finding']);
        expect(hits.hits.find((h) => h.kind === 'finding')?.id).toBe(finding.id);
      } finally {
        again.close();
      }
    } finally {
      rt.dispose();
    }
  });
});
