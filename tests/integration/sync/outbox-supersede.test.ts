/**
 * The outbox holds at most one pending delta per kind, and never drops a bundle that might be
 * the only copy of this laptop's work (issue 17): a newer delta replaces older unsent ones of
 * the same kind that claim no more of this device's changes; an older one that claims more
 * (after a restore from a backup, say) is kept, and so is one of another kind. Real store, real
 * outbox files. The end-to-end outage is in nginx-sync.test.ts.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueBundle, outboxFile, supersedeOlder } from '../../../main/sync/outbox.js';
import { listOutbox, type OutboxKind } from '../../../main/store/sync-repo.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

describe('superseding unsent bundles in the outbox', () => {
  it('drops older deltas the newer one holds, keeps one claiming more of this device’s changes and one of another kind', async () => {
    runtime = await testRuntime();
    const rt = runtime;
    const { id: inspectionId } = await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    });
    let now = Date.parse('2026-11-05T09:00:00Z');
    const enqueue = async (kind: OutboxKind, throughSeq: number, content: string) => {
      now += 60_000;
      const item = await enqueueBundle({
        db: rt.ctx.db,
        dataDir: rt.dir,
        inspectionId,
        kind,
        throughSeq,
        now,
        write: async (path) => {
          writeFileSync(path, content);
          return true;
        },
      });
      if (!item) throw new Error('nothing enqueued');
      return item;
    };
    const first = await enqueue('delta', 3, 'delta through 3');
    const second = await enqueue('delta', 5, 'delta through 5');
    const moreOfMine = await enqueue('delta', 9, 'delta through 9 (before a restore)');
    const published = await enqueue('published', 4, 'the lead’s published bundle');
    const newest = await enqueue('delta', 6, 'delta through 6');

    expect(await supersedeOlder(rt.ctx.db, rt.dir, newest)).toBe(2);
    const left = listOutbox(rt.ctx.db, inspectionId).map((i) => i.sha256);
    expect(left.sort()).toEqual([moreOfMine.sha256, published.sha256, newest.sha256].sort());
    for (const gone of [first, second]) expect(existsSync(outboxFile(rt.dir, gone))).toBe(false);
    for (const kept of [moreOfMine, published, newest]) expect(existsSync(outboxFile(rt.dir, kept))).toBe(true);
    // Nothing older of its kind: nothing to drop.
    expect(await supersedeOlder(rt.ctx.db, rt.dir, newest)).toBe(0);
  });
});
