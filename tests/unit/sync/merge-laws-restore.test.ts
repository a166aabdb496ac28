/**
 * The merge laws across a restore (issue 12, item 2): a laptop writes, is backed up, writes and
 * sends X, goes back to its backup (a new chain line, meta-repo.ts), writes and sends Y. Two
 * leads merging X and Y in opposite orders (each with or without the laptop's own backup-time
 * changesets first) reach the same store holding every op of both lines; none refuses anything.
 * Through the import code itself (mergeOpenedBundle), like merge-laws.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../main/store/connection.js';
import { startNewChainLine } from '../../../main/store/meta-repo.js';
import type { DeviceIdentity } from '../../../main/sync/device-identity.js';
import { canonicalDump } from '../../fixtures/bundles.js';
import { makeDevices, type MemoryReplica } from '../../support/memory-context.js';
import { tempDir } from '../../support/runtime.js';
import {
  LAW_RUNS,
  bundleOf,
  importInto,
  makeGenesis,
  noteTextEdit,
  replicaAfterGenesis,
  shuffled,
  writeNoteTexts,
  type Genesis,
  type LawBundle,
} from './merge-law-harness.js';

let devices: DeviceIdentity[] = [];
let genesis: Genesis;
beforeAll(async () => {
  devices = await makeDevices(2);
  genesis = makeGenesis(devices);
});

const edit = noteTextEdit;
const write = (replica: MemoryReplica, edits: readonly { note: number; text: string }[]) =>
  writeNoteTexts(genesis, replica, edits);
const fresh = (device: DeviceIdentity) => replicaAfterGenesis(genesis, device);

const opIds = (replica: MemoryReplica) => replica.db.prepare('SELECT id FROM op ORDER BY id').all();

describe('merge laws across a restore from backup', () => {
  it(
    'both lines of a restored laptop are merged, in any order, to the same store',
    async () => {
      const dir = tempDir('fieldwork-law-restore-');
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          // minLength 0: a backup from before the laptop's first changeset, whose new line starts
          // as a second root (local-write.ts) — this property found the old seq-1 collision.
          fc.array(edit, { minLength: 0, maxLength: 3 }),
          fc.array(edit, { minLength: 1, maxLength: 3 }),
          fc.array(edit, { minLength: 1, maxLength: 3 }),
          fc.integer(),
          async (beforeBackup, sentBeforeRestore, afterRestore, seed) => {
            const laptop = await fresh(devices[1] as DeviceIdentity);
            write(laptop, beforeBackup);
            const early = bundleOf(laptop);
            n += 1;
            const backup = join(dir, `backup-${n}.db`);
            writeFileSync(backup, laptop.db.serialize());
            write(laptop, sentBeforeRestore);
            const x = bundleOf(laptop);
            // The restore: the backup's store, with a new chain line from the restore's clock.
            laptop.db.close();
            const restored: MemoryReplica = { ...laptop, db: openStore(backup) };
            restored.clock.ms += 60_000;
            startNewChainLine(restored.db, restored.clock.ms);
            write(restored, afterRestore);
            const y = bundleOf(restored);
            restored.db.close();

            const orders: LawBundle[][] = [[x, y], [y, x], shuffled([early, x, y], seed)];
            const leads: MemoryReplica[] = [];
            for (const order of orders) {
              const lead = await fresh(devices[0] as DeviceIdentity);
              for (const bundle of order) await importInto(genesis, lead, bundle);
              leads.push(lead);
            }
            const [first, ...others] = leads as [MemoryReplica, ...MemoryReplica[]];
            for (const other of others) expect(canonicalDump(other.db)).toEqual(canonicalDump(first.db));
            // Every op of both lines is held (nothing refused, nothing lost).
            const union = new Set(
              [...x.records, ...y.records].flatMap((r) =>
                (JSON.parse(r.body.toString()) as { ops: { id: string }[] }).ops.map((o) => o.id),
              ),
            );
            const held = new Set((opIds(first) as { id: string }[]).map((r) => r.id));
            for (const id of union) expect(held.has(id)).toBe(true);
            for (const lead of leads) lead.db.close();
          },
        ),
        { numRuns: Math.min(LAW_RUNS, 200) },
      );
    },
    10 * 60_000,
  );
});
