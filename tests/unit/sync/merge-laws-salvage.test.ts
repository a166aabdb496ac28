/**
 * The merge laws across a salvage with a hole (issue 12, item 2): a laptop's store is damaged
 * and one of its own changesets is lost; recovery rebuilds the store from what the real salvage
 * reader finds (`salvageChangesets`) and re-applies it (`reapplyChangesets`). The lead, holding
 * any prefix of the laptop's chain (or all of it), merges the recovered laptop's bundle in
 * either order with what it had: never a chain-gap, the same store either way, every surviving
 * op held. Through the import code itself (mergeOpenedBundle), like merge-laws.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { reapplyChangesets } from '../../../main/services/recovery.js';
import { salvageChangesets } from '../../../main/store/integrity.js';
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

const ownSeqs = (replica: MemoryReplica) =>
  (
    replica.db.prepare('SELECT seq FROM changeset WHERE author = ? ORDER BY seq').all(replica.device.author) as { seq: number }[]
  ).map((r) => r.seq);

const opIds = (bundle: LawBundle) =>
  bundle.records.flatMap((r) => (JSON.parse(r.body.toString()) as { ops: { id: string }[] }).ops.map((o) => o.id));

const heldOps = (replica: MemoryReplica) =>
  new Set((replica.db.prepare('SELECT id FROM op').all() as { id: string }[]).map((r) => r.id));

describe('merge laws across a salvage that lost one of the laptop’s own changesets', () => {
  it(
    'the recovered laptop’s work merges with whatever the lead had, in either order, to the same store',
    async () => {
      const dir = tempDir('fieldwork-law-salvage-');
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 2, maxLength: 6 }), fc.nat(), fc.nat(), async (edits, holeAt, sentAt) => {
          const laptop = await fresh(devices[1] as DeviceIdentity);
          const sent: LawBundle[] = [];
          const seqs: number[] = [];
          for (const e of edits) {
            write(laptop, [e]);
            seqs.splice(0, seqs.length, ...ownSeqs(laptop));
            sent.push(bundleOf(laptop));
          }
          if (seqs.length < 2) return; // repeats of one value made fewer changesets
          const lost = seqs[holeAt % seqs.length] as number;
          // What the lead got before the damage: nothing, a prefix, or all of it.
          const leadHad = sent[sentAt % (sent.length + 1)] ?? null;

          // The damaged store: one of the laptop's own changesets can no longer be read.
          n += 1;
          const damaged = join(dir, `damaged-${n}.db`);
          writeFileSync(damaged, laptop.db.serialize());
          laptop.db.close();
          const raw = new Database(damaged);
          raw.pragma('foreign_keys = OFF');
          raw.prepare('DELETE FROM changeset WHERE author = ? AND seq = ?').run(laptop.device.author, lost);
          raw.close();
          const salvage = salvageChangesets(damaged);

          // Recovery without a backup: an empty store, a new chain line, the salvage re-applied.
          const recovered = await fresh(devices[1] as DeviceIdentity);
          recovered.clock.ms = laptop.clock.ms + 60_000;
          startNewChainLine(recovered.db, recovered.clock.ms);
          reapplyChangesets(recovered, salvage.changesets);
          write(recovered, [{ note: 0, text: 'After the recovery' }]);
          const after = bundleOf(recovered);
          recovered.db.close();

          const orders: LawBundle[][] = leadHad
            ? [
                [leadHad, after],
                [after, leadHad],
              ]
            : [[after]];
          const leads: MemoryReplica[] = [];
          for (const order of orders) {
            const lead = await fresh(devices[0] as DeviceIdentity);
            for (const bundle of order) await importInto(genesis, lead, bundle); // a chain-gap would throw here
            leads.push(lead);
          }
          const [first, ...others] = leads as [MemoryReplica, ...MemoryReplica[]];
          for (const other of others) expect(canonicalDump(other.db)).toEqual(canonicalDump(first.db));
          const held = heldOps(first);
          for (const id of opIds(after)) expect(held.has(id)).toBe(true);
          for (const lead of leads) lead.db.close();
        }),
        { numRuns: Math.min(LAW_RUNS, 150) },
      );
    },
    10 * 60_000,
  );
});
