/**
 * The conflict queue is read from the store a page at a time (issue 15): two laptops edit the
 * same fields of four cases (with their notes), four findings and two other records without
 * seeing each other's edits, and a real merge makes the conflicts. Walking the pages gives
 * every open conflict once, in the queue's order (case groups by reference, then findings,
 * then the rest), with the true count on every page; a group split over two pages joins into
 * one; resolving conflicts between page reads makes none appear twice or be skipped; a cursor
 * the service did not make, or a page size out of bounds, is refused as invalid input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConflictList } from '../../../shared/api/conflicts.js';
import { newId, sampledCaseId } from '../../../shared/domain/ids.js';
import { joinConflictPages } from '../../../renderer/components/conflict-pages.js';
import { edit, exchange, setUpTeam, type TeamFixture } from '../../support/exchange.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';

let laptops: TestRuntime[] = [];
afterEach(() => {
  for (const laptop of laptops) laptop.dispose();
  laptops = [];
});

/** Case refs as the store sorts them (binary text order), the fixture's NS-0142 among them. */
const CASE_REFS = ['NS-0100', 'NS-0142', 'NS-0200', 'NS-0300'];
const STATEMENTS = [
  'Assessments are timely.',
  'Plans are reviewed.',
  'Strategy meetings are timely and well attended.',
  'Voice of the child is heard.',
];

interface Queue {
  readonly lead: TestRuntime;
  readonly inspector: TestRuntime;
  readonly fixture: TeamFixture;
  readonly total: number;
}

/** Seventeen conflicts: per case its stage and the text of its notes; each finding's kind; the inspection's name and a note on no case. */
async function queue(): Promise<Queue> {
  let clock = Date.parse('2026-11-03T09:00:00Z');
  const lead = await testRuntime({ now: () => clock });
  const inspector = await testRuntime({ now: () => clock });
  laptops.push(lead, inspector);
  const fixture = await setUpTeam(lead, inspector);
  const { inspectionId } = fixture;
  const notes: string[] = [fixture.noteId];
  const findings: string[] = [fixture.findingId];
  const base: Parameters<typeof edit>[2][number][] = [];
  for (const ref of CASE_REFS.filter((r) => r !== 'NS-0142')) {
    const caseId = sampledCaseId(inspectionId, ref);
    base.push({ table: 'sampled_case', row: caseId, field: 'case_ref', value: ref });
    for (let n = 0; n < 2; n += 1) {
      const noteId = newId();
      notes.push(noteId);
      base.push(
        { table: 'evidence_note', row: noteId, field: 'case_id', value: caseId },
        { table: 'evidence_note', row: noteId, field: 'text', value: `Note ${n} on ${ref}.` },
      );
    }
  }
  for (const statement of STATEMENTS.filter((s) => !s.startsWith('Strategy'))) {
    const findingId = newId();
    findings.push(findingId);
    base.push(
      { table: 'finding', row: findingId, field: 'kind', value: 'strength' },
      { table: 'finding', row: findingId, field: 'statement', value: statement },
    );
  }
  const loose = newId();
  notes.push(loose);
  base.push({ table: 'evidence_note', row: loose, field: 'text', value: 'A note on no case.' });
  edit(lead, inspectionId, base);
  await exchange(lead, inspector, inspectionId);
  clock += 60_000;
  for (const [laptop, word] of [
    [lead, 'lead'],
    [inspector, 'inspector'],
  ] as const) {
    edit(laptop, inspectionId, [
      ...CASE_REFS.map((ref) => ({
        table: 'sampled_case' as const,
        row: sampledCaseId(inspectionId, ref),
        field: 'stage',
        value: word === 'lead' ? 'looked_after' : 'child_in_need',
      })),
      ...notes.map((row) => ({ table: 'evidence_note' as const, row, field: 'text', value: `The ${word}'s reading of it.` })),
      ...findings.map((row) => ({
        table: 'finding' as const,
        row,
        field: 'kind',
        value: word === 'lead' ? 'improvement' : 'priority_action',
      })),
      { table: 'inspection', row: inspectionId, field: 'local_authority', value: `${sampleInspection.localAuthority} (${word})` },
    ]);
  }
  const merged = await exchange(inspector, lead, inspectionId);
  expect(merged.newConflicts).toBe(17);
  return { lead, inspector, fixture, total: 17 };
}

type Listed = { group: string; table: string; row: string; field: string };
const flat = (page: ConflictList): Listed[] =>
  page.groups.flatMap((g) => g.conflicts.map((c) => ({ group: g.key, table: c.table, row: c.row, field: c.field })));
const keyOf = (c: Pick<Listed, 'table' | 'row' | 'field'>) => `${c.table}/${c.row}/${c.field}`;

async function walk(lead: TestRuntime, inspectionId: string, limit: number, between?: (page: number) => Promise<void>) {
  const pages: ConflictList[] = [];
  let cursor: string | null = null;
  do {
    const page: ConflictList = await lead.call('conflicts.list', { inspectionId, cursor, limit });
    pages.push(page);
    cursor = page.next;
    if (cursor !== null) await between?.(pages.length);
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe('the conflict queue a page at a time', () => {
  it('walks every open conflict once, in the queue order, with the true count on every page', async () => {
    const { lead, fixture, total } = await queue();
    const whole = await lead.call('conflicts.list', { inspectionId: fixture.inspectionId, limit: 200 });
    expect(whole.total).toBe(total);
    expect(whole.next).toBeNull();
    // Case groups by reference, then findings by statement, then the rest.
    expect(whole.groups.map((g) => g.title)).toEqual([
      ...CASE_REFS.map((ref) => `Case ${ref}`),
      ...STATEMENTS.map((s) => `Finding: ${s}`),
      'Other records',
    ]);
    for (const group of whole.groups) {
      const keys = group.conflicts.map((c) => [c.table, c.row, c.field].join('\u0000'));
      expect(keys).toEqual([...keys].sort());
    }
    expect(flat(whole)).toHaveLength(total);

    for (const limit of [1, 3, 5, 16, 17]) {
      const pages = await walk(lead, fixture.inspectionId, limit);
      expect(pages).toHaveLength(Math.ceil(total / limit));
      for (const page of pages) expect(page.total).toBe(total);
      expect(pages.slice(0, -1).every((p) => flat(p).length === limit)).toBe(true);
      expect(pages.flatMap(flat)).toEqual(flat(whole));
      // A group split over two pages keeps its key there, and joins into one.
      expect(joinConflictPages(pages)).toEqual(whole.groups);
    }
    const [first] = await walk(lead, fixture.inspectionId, 3);
    expect(first?.groups.map((g) => g.title)).toEqual(['Case NS-0100']);
  });

  it('resolving conflicts between page reads makes none appear twice or be skipped', async () => {
    const { lead, fixture, total } = await queue();
    const { inspectionId } = fixture;
    const before = flat(await lead.call('conflicts.list', { inspectionId, limit: 200 }));
    const resolve = async (c: Listed) => {
      const list = await lead.call('conflicts.list', { inspectionId, limit: 200 });
      const conflict = list.groups.flatMap((g) => g.conflicts).find((x) => keyOf(x) === keyOf(c))!;
      await lead.call('conflicts.resolve', {
        inspectionId,
        table: conflict.table,
        row: conflict.row,
        field: conflict.field,
        action: 'keep',
        headOpId: conflict.heads[0]!.opId,
      });
    };
    // After the first page (4 shown): one it showed and one further on are resolved elsewhere.
    const shown = before[1]!;
    const ahead = before[10]!;
    const pages = await walk(lead, inspectionId, 4, async (page) => {
      if (page !== 1) return;
      await resolve(shown);
      await resolve(ahead);
    });
    const listed = pages.flatMap(flat).map(keyOf);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(before.map(keyOf).filter((k) => k !== keyOf(ahead)));
    expect(pages[0]?.total).toBe(total);
    for (const page of pages.slice(1)) expect(page.total).toBe(total - 2);
    // A page read again from the start has neither.
    const again = (await walk(lead, inspectionId, 4)).flatMap(flat).map(keyOf);
    expect(again).toEqual(before.map(keyOf).filter((k) => k !== keyOf(ahead) && k !== keyOf(shown)));
  });

  it('refuses a cursor it did not make, a cursor of another list or inspection, and a page size out of bounds', async () => {
    const { lead, fixture } = await queue();
    const { inspectionId } = fixture;
    const first = await lead.call('conflicts.list', { inspectionId, limit: 2 });
    const cursor = first.next!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { key: unknown[] };
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const other = await lead.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    const refused = [
      'not-a-cursor',
      '',
      reencode({ ...decoded, key: [7, ...decoded.key.slice(1)] }),
      reencode({ ...decoded, key: decoded.key.slice(0, 3) }),
      reencode({ ...decoded, key: [0, 'x'.repeat(5000), 'g', 'evidence_note', 'r', 'text'] }),
      reencode({ ...decoded, key: [0, '', 'g', 'no_such_table', 'r', 'text'] }),
      reencode({ ...decoded, v: 2 }),
      reencode({ ...decoded, list: 'bundles.history' }),
      reencode([1, 2, 3]),
      reencode(null),
    ];
    for (const bad of refused) {
      await expect(lead.call('conflicts.list', { inspectionId, cursor: bad, limit: 2 })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
    // Another inspection's page, and a cursor longer than any the service makes.
    await expect(lead.call('conflicts.list', { inspectionId: other.id, cursor })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('Reload the list'),
    });
    await expect(lead.call('conflicts.list', { inspectionId, cursor: 'A'.repeat(5000) })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    for (const limit of [0, -1, 201, 2.5]) {
      await expect(lead.call('conflicts.list', { inspectionId, limit })).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect(flat(await lead.call('conflicts.list', { inspectionId, limit: 200 }))).toHaveLength(17);
    // Without a size, a page holds the default 50 (all 17 here).
    expect((await lead.call('conflicts.list', { inspectionId })).next).toBeNull();
    // The cursor still reads its page after all that.
    expect(flat(await lead.call('conflicts.list', { inspectionId, cursor, limit: 2 }))).toEqual(
      flat(await lead.call('conflicts.list', { inspectionId, limit: 4 })).slice(2),
    );
  });
});
