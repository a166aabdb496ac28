/**
 * The import history is read from the store a page at a time (issue 15): newest first by when
 * each bundle was imported, then by id (several share an import time here), the count on every
 * page, one keyset seek through imported_bundle_by_inspection; a bundle imported between page
 * reads makes none appear twice or be skipped; a cursor the service did not make, or a page
 * size out of bounds, is refused as invalid input. The rows are written by the importer's own
 * store function (recordImportedBundle), as an import records them; one real import is among
 * them.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BundleHistoryPage } from '../../../shared/api/bundles.js';
import { inTransaction } from '../../../main/services/context.js';
import { recordImportedBundle } from '../../../main/store/bundles-repo.js';
import { edit, exchange, setUpTeam } from '../../support/exchange.js';
import { givenInspection } from '../../support/given.js';
import { sampleInspection, testRuntime } from '../../support/runtime.js';

const START = Date.parse('2026-11-04T09:00:00.000Z');

interface Recorded {
  readonly id: string;
  readonly importedAt: string;
}

/** Newest first, then by id. */
const historyOrder = (a: Recorded, b: Recorded) =>
  a.importedAt !== b.importedAt ? (a.importedAt < b.importedAt ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function record(given: Awaited<ReturnType<typeof givenInspection>>, bundles: readonly Recorded[]): void {
  inTransaction(given.rt.ctx, () => {
    for (const b of bundles) {
      recordImportedBundle(given.rt.ctx.db, {
        id: b.id,
        inspectionId: given.inspectionId,
        fileName: `${b.id}.fwbundle`,
        exporter: given.rt.ctx.device.author,
        importedAt: b.importedAt,
        newOps: 3,
        summary: { updatedFields: 2, newConflicts: 1, deletions: 0, exporterName: 'Ben Okafor' },
      });
    }
  });
}

/** 23 bundles, three to each import time, ids not in time order. */
function someBundles(count: number, from = START): Recorded[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `b-${String((i * 7) % count).padStart(3, '0')}`,
    importedAt: new Date(from + Math.floor(i / 3) * 1000).toISOString(),
  }));
}

async function walk(given: Awaited<ReturnType<typeof givenInspection>>, limit: number, between?: () => void) {
  const pages: BundleHistoryPage[] = [];
  let cursor: string | null = null;
  do {
    const page: BundleHistoryPage = await given.rt.call('bundles.history', { inspectionId: given.inspectionId, cursor, limit });
    pages.push(page);
    cursor = page.next;
    if (cursor !== null && pages.length === 1) between?.();
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe('the import history a page at a time', () => {
  it('walks every bundle once, newest first then by id, with the count on every page', async () => {
    const given = await givenInspection();
    const bundles = someBundles(23);
    record(given, bundles);
    const expected = [...bundles].sort(historyOrder).map((b) => b.id);
    for (const limit of [1, 5, 22, 23, 200]) {
      const pages = await walk(given, limit);
      expect(pages).toHaveLength(Math.ceil(23 / limit));
      for (const page of pages) expect(page.total).toBe(23);
      expect(pages.flatMap((p) => p.bundles.map((b) => b.bundleId))).toEqual(expected);
      expect(pages[pages.length - 1]?.next).toBeNull();
    }
    const [first] = (await given.rt.call('bundles.history', { inspectionId: given.inspectionId, limit: 1 })).bundles;
    expect(first).toEqual({
      bundleId: expected[0],
      fileName: `${expected[0]}.fwbundle`,
      exporter: expect.objectContaining({ author: given.rt.ctx.device.author, name: 'Ben Okafor' }),
      importedAt: new Date(START + 7000).toISOString(),
      newOps: 3,
      updatedFields: 2,
      newConflicts: 1,
      deletions: 0,
    });
    // Without a size a page holds the default 50; an empty history is one empty page.
    expect((await given.rt.call('bundles.history', { inspectionId: given.inspectionId })).bundles).toHaveLength(23);
    const empty = await givenInspection();
    expect(await empty.rt.call('bundles.history', { inspectionId: empty.inspectionId })).toEqual({
      bundles: [],
      next: null,
      total: 0,
    });
  });

  it('a bundle imported between page reads makes none appear twice or be skipped', async () => {
    const given = await givenInspection();
    const bundles = someBundles(12);
    record(given, bundles);
    const later = { id: 'b-new', importedAt: new Date(START + 60_000).toISOString() };
    const pages = await walk(given, 4, () => record(given, [later]));
    const listed = pages.flatMap((p) => p.bundles.map((b) => b.bundleId));
    // Newer than the first page: it leads the next reading from the start, not this one.
    expect(listed).toEqual([...bundles].sort(historyOrder).map((b) => b.id));
    expect(pages.map((p) => p.total)).toEqual([12, 13, 13]);
    const fresh = await given.rt.call('bundles.history', { inspectionId: given.inspectionId, limit: 1 });
    expect(fresh.bundles[0]?.bundleId).toBe('b-new');
  });

  it('lists a real import, and reads a page by one seek of imported_bundle_by_inspection', async () => {
    const lead = await testRuntime();
    const inspector = await testRuntime();
    onTestFinished(() => {
      lead.dispose();
      inspector.dispose();
    });
    const fixture = await setUpTeam(lead, inspector);
    edit(inspector, fixture.inspectionId, [{ table: 'evidence_note', row: fixture.noteId, field: 'text', value: 'Seen.' }]);
    const imported = await exchange(inspector, lead, fixture.inspectionId);
    const history = await lead.call('bundles.history', { inspectionId: fixture.inspectionId, limit: 1 });
    expect(history).toMatchObject({ total: 1, next: null, bundles: [{ bundleId: imported.bundleId, newOps: imported.newOps }] });
    const plan = lead.ctx.db
      .prepare<[string, string, string, string, number], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT id, inspection_id, file_name, exporter, imported_at, new_ops, summary FROM imported_bundle
           WHERE inspection_id = ? AND imported_at <= ? AND (imported_at < ? OR id > ?)
           ORDER BY imported_at DESC, id LIMIT ?`,
      )
      .all(fixture.inspectionId, 'x', 'x', 'y', 5)
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(
      /SEARCH imported_bundle USING INDEX imported_bundle_by_inspection \(inspection_id=\? AND imported_at<\?\)/,
    );
    // Only ties on imported_at are sorted by id: no sort of the whole history.
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });

  it('refuses a cursor it did not make, a cursor of another list or inspection, and a page size out of bounds', async () => {
    const given = await givenInspection();
    record(given, someBundles(6));
    const { inspectionId } = given;
    const cursor = (await given.rt.call('bundles.history', { inspectionId, limit: 2 })).next!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { key: unknown[] };
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const other = await given.rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'], localAuthority: 'Elsewhere' },
    });
    for (const bad of [
      'garbage!',
      reencode({ ...decoded, key: [42, 'b-001'] }),
      reencode({ ...decoded, key: ['2026-11-04T09:00:00.000Z'] }),
      reencode({ ...decoded, list: 'conflicts' }),
      reencode({ ...decoded, inspection: other.id }),
      reencode('just a string'),
    ]) {
      await expect(given.rt.call('bundles.history', { inspectionId, cursor: bad })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining('Reload the list'),
      });
    }
    await expect(given.rt.call('bundles.history', { inspectionId: other.id, cursor })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    for (const limit of [0, 201, 1.5]) {
      await expect(given.rt.call('bundles.history', { inspectionId, limit })).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect((await given.rt.call('bundles.history', { inspectionId, cursor, limit: 200 })).bundles).toHaveLength(4);
  });
});
