import { describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { snippetPieces } from '../../../main/services/search.js';
import { buildFtsQuery, MATCH_END, MATCH_START } from '../../../main/store/search-repo.js';
import { givenInspection } from '../../support/given.js';

async function setUp() {
  const { rt, inspectionId, addCase } = await givenInspection();
  const caseId = addCase('NS-5');
  const note = async (text: string, over: Record<string, unknown> = {}) =>
    (
      await rt.call('evidence.create', {
        inspectionId,
        id: newId(),
        fields: {
          text,
          source: 'case_record',
          agency: 'police',
          themes: ['Risk assessment'],
          polarity: 'weakness',
          caseId: null,
          ...over,
        },
      })
    ).id;
  return { rt, inspectionId, caseId, note };
}

describe('search', () => {
  it('the query builder quotes every term as a prefix and never passes FTS syntax through', () => {
    expect(buildFtsQuery('domestic ab')).toBe('"domestic"* "ab"*');
    expect(buildFtsQuery('  ')).toBeNull();
    expect(buildFtsQuery('"')).toBeNull();
    expect(buildFtsQuery('a OR b NEAR(c) NOT d*')).toBe('"a" "OR"* "b" "NEAR"* "c" "NOT"* "d"');
    // A one-letter word beside longer ones is a whole word, not the prefix of every word with that letter.
    expect(buildFtsQuery('mother s disclosure')).toBe('"mother"* "s" "disclosure"*');
    expect(buildFtsQuery('s')).toBe('"s"*');
    expect(buildFtsQuery('école-sûre')).toBe('"école"* "sûre"*');
  });

  it('snippets become plain pieces with the matches marked', () => {
    expect(snippetPieces(`The ${MATCH_START}child${MATCH_END} was seen`)).toEqual([
      { text: 'The ', match: false },
      { text: 'child', match: true },
      { text: ' was seen', match: false },
    ]);
  });

  it('finds notes and findings by prefix as you type, with highlighted matches', async () => {
    const { rt, inspectionId, note } = await setUp();
    const n1 = await note('Strategy discussion delayed; police not invited.');
    await note('Health visitor saw the baby weekly.');
    const f = await rt.call('findings.create', {
      inspectionId,
      fields: {
        kind: 'improvement',
        statement: 'Strategy discussions do not always include police.',
        agencies: ['police'],
        theme: null,
      },
    });
    const result = await rt.call('search.query', { inspectionId, text: 'strat pol' });
    expect(result.hits.map((h) => h.id).sort()).toEqual([n1, f.id].sort());
    const hit = result.hits.find((h) => h.id === n1);
    expect(hit?.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['Strategy', 'police']);
    expect(hit?.kind === 'evidence_note' && hit.authorName).toBe('Asha Patel');
  });

  it('hostile query text is treated as words, not syntax', async () => {
    const { rt, inspectionId, note } = await setUp();
    await note('Quotes "inside" and NEAR words and (brackets).');
    for (const text of ['"', 'NEAR(', 'a AND', '*', 'text:foo', '"inside" OR', ')(']) {
      await expect(rt.call('search.query', { inspectionId, text })).resolves.toBeDefined();
    }
    expect((await rt.call('search.query', { inspectionId, text: '"inside" OR' })).hits).toHaveLength(0);
    expect((await rt.call('search.query', { inspectionId, text: '(brackets' })).hits).toHaveLength(1);
  });

  it.each(['ranked', 'typing'] as const)(
    'applies the note filters, leaves out deleted notes, and keeps findings out of case and polarity filters (%s)',
    async (mode) => {
      const { rt, inspectionId, caseId, note } = await setUp();
      const inCase = await note('Neglect visible in the home', { caseId, polarity: 'weakness' });
      const strength = await note('Neglect recognised early', { polarity: 'strength', agency: 'health', themes: ['Neglect'] });
      const gone = await note('Neglect note deleted later');
      await rt.call('evidence.delete', { id: gone });
      await rt.call('findings.create', {
        inspectionId,
        fields: { kind: 'strength', statement: 'Neglect is recognised', agencies: ['health'], theme: 'Neglect' },
      });
      const ids = async (filters: Record<string, string>, kinds?: ('evidence_note' | 'finding')[]) =>
        (await rt.call('search.query', { inspectionId, text: 'negl', mode, filters, ...(kinds ? { kinds } : {}) })).hits.map(
          (h) => h.kind + ':' + h.id,
        );
      expect(await ids({})).toHaveLength(3);
      expect(await ids({ caseId })).toEqual([`evidence_note:${inCase}`]);
      expect(await ids({ polarity: 'strength' })).toEqual([`evidence_note:${strength}`]);
      expect((await ids({ agency: 'health' })).sort()).toHaveLength(2);
      expect(await ids({ theme: 'Neglect' }, ['evidence_note'])).toEqual([`evidence_note:${strength}`]);
      expect((await ids({}, ['finding']))[0]).toMatch(/^finding:/);
    },
  );

  it('keeps up with edits: the index follows the note’s text', async () => {
    const { rt, inspectionId, note } = await setUp();
    const id = await note('Initial wording');
    await rt.call('evidence.update', { id, fields: { text: 'Rewritten about chronology' } });
    expect((await rt.call('search.query', { inspectionId, text: 'initial' })).hits).toEqual([]);
    expect((await rt.call('search.query', { inspectionId, text: 'chrono' })).hits.map((h) => h.id)).toEqual([id]);
  });

  it('while typing the newest matches come first, unranked; on Enter the best match comes first', async () => {
    const { rt, inspectionId, note } = await setUp();
    const best = await note('Neglect. Neglect. Neglect.');
    const middle = await note(
      'A long visit record in which neglect comes up once among many other words about the family and school.',
    );
    const newest = await note('Neglect was mentioned by the school nurse in a long conversation about attendance and health.');
    const ids = async (mode: 'typing' | 'ranked') =>
      (await rt.call('search.query', { inspectionId, text: 'negl', kinds: ['evidence_note'], mode })).hits.map((h) => h.id);
    expect(await ids('typing')).toEqual([newest, middle, best]);
    expect((await ids('ranked'))[0]).toBe(best);
    const hit = (await rt.call('search.query', { inspectionId, text: 'negl', mode: 'typing' })).hits[0];
    expect(hit?.snippet.some((p) => p.match && p.text === 'Neglect')).toBe(true);
  });
});
