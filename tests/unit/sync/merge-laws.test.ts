/**
 * The merge laws, proved over generated multi-laptop histories (2–4 laptops with real keys,
 * skewed and even backwards clocks, edits, deletes, restores, escalations, resolutions and
 * exchanges). Exchanges run through the import code itself (mergeOpenedBundle: every changeset
 * signature-checked, roster and chain checked, merged in one transaction); only the file layer
 * (age encryption, manifest signature) is skipped here for speed — bundle-files.test.ts runs the
 * same laws through real bundle files for fewer cases.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalDump } from '../../fixtures/bundles.js';
import { makeDevices, type MemoryReplica } from '../../support/memory-context.js';
import type { DeviceIdentity } from '../../../main/sync/device-identity.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { readMeta } from '../../../main/store/meta-repo.js';
import { clockBound, parseHlc } from '../../../shared/sync/hlc.js';
import {
  CLOCK_MODES,
  ESCALATIONS,
  NOTES,
  LAW_RUNS,
  actions,
  checkAgainstReference,
  checkLaterEditsWin,
  makeGenesis,
  runHistory,
  shuffled,
  type Action,
  type Genesis,
  type World,
} from './merge-law-harness.js';

/** Generous: 1,000 histories of one law take about a minute and a half of CPU; a busy CI machine is slower. */
const PROPERTY_TIMEOUT_MS = 30 * 60_000;
const NOTE = NOTES[0]!;
let devices: DeviceIdentity[] = [];
let genesis: Genesis;
beforeAll(async () => {
  devices = await makeDevices(5);
  genesis = makeGenesis(devices);
});

/** How often the interesting cases occurred, so a generator that stopped producing them fails. */
const seenCases = { conflicts: 0, deleteFlags: 0, deletedRows: 0, resolutions: 0, escalations: 0, extremeClocks: 0 };

/** Every laptop sends everything to the first, which sends everything back: the first laptop after it. */
async function exchangeAll(world: World): Promise<MemoryReplica> {
  const hub = world.replicas[0]!;
  for (const replica of world.replicas.slice(1)) await world.send(replica, hub);
  for (const replica of world.replicas.slice(1)) await world.send(hub, replica);
  return hub;
}

/**
 * One law, one property: each runs over its own LAW_RUNS generated histories (the same
 * generators for every law), so a failure's shrunk history is the smallest one that breaks
 * that law, not the first of several laws checked together.
 */
function law(name: string, check: (world: World, seed: number) => Promise<void> | void, after?: () => void): void {
  it(
    name,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), actions, fc.integer(), async (laptops, history, seed) => {
          const world = await runHistory(devices, genesis, laptops, history, { checkResolutions: true });
          try {
            await check(world, seed);
          } finally {
            world.close();
          }
        }),
        { numRuns: LAW_RUNS },
      );
      after?.();
    },
    PROPERTY_TIMEOUT_MS,
  );
}

const COUNTER_MAX_BESIDE_YEAR_9999 = `[{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"kind":"send","from":0,"to":0},{"kind":"resolve","laptop":0,"advance":0},{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"kind":"clock","laptop":0,"note":0,"mode":"counter-max"},{"kind":"send","from":0,"to":0},{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"kind":"clock","laptop":1,"note":2,"mode":"counter-max"},{"kind":"send","from":0,"to":0},{"laptop":1,"note":2,"mode":"year-9999","kind":"clock"},{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"kind":"send","from":3,"to":0},{"laptop":0,"note":2,"mode":"counter-max","kind":"clock"},{"laptop":0,"note":0,"mode":"counter-max","kind":"clock"}]`;

describe('merge laws over generated histories', () => {
  law('a resolved conflict stays resolved when the laptop re-imports every bundle it had', (world) => {
    for (const check of world.resolutionChecks) expect(check.after, `${check.key} after re-import`).toBe(false);
  });

  law(
    'each laptop’s SQL state equals the reference merge of the ops it holds (conflicts exactly when concurrent values differ, deletes never resurrect), before and after an exchange',
    async (world) => {
      for (const replica of world.replicas) checkAgainstReference(replica, world.seen);
      const hub = await exchangeAll(world);
      checkAgainstReference(hub, world.seen);
    },
  );

  law('idempotence: re-importing every bundle a laptop already imported changes nothing', async (world, seed) => {
    for (const [i, replica] of world.replicas.entries()) {
      const before = canonicalDump(replica.db);
      for (const bundle of shuffled(world.importedBy[i] ?? [], seed)) await world.importInto(replica, bundle);
      expect(canonicalDump(replica.db)).toEqual(before);
    }
  });

  law(
    'convergence: once every laptop has exchanged everything, every laptop holds the same store',
    async (world) => {
      const hub = await exchangeAll(world);
      const converged = canonicalDump(hub.db);
      for (const replica of world.replicas) expect(canonicalDump(replica.db)).toEqual(converged);
      const conflictRows = hub.db.prepare('SELECT field FROM conflict').all() as { field: string }[];
      seenCases.conflicts += conflictRows.filter((c) => c.field !== '_deleted').length;
      seenCases.deleteFlags += conflictRows.filter((c) => c.field === '_deleted').length;
      seenCases.deletedRows += (
        hub.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 1').get() as { n: number }
      ).n;
      seenCases.resolutions += world.resolutionChecks.length;
      seenCases.escalations += world.escalationsRaised.length;
      seenCases.extremeClocks += world.clockCases.length;
    },
    () => {
      console.log('merge-law cases seen', JSON.stringify(seenCases));
      // At CI's full counts every kind of case occurs many times; a quick local loop may see none.
      if (LAW_RUNS >= 200) {
        for (const [name, count] of Object.entries(seenCases)) expect(count, `generated cases with ${name}`).toBeGreaterThan(0);
      }
    },
  );

  law(
    'order-independence: a fresh laptop importing every bundle ever made, shuffled and some twice, gets the converged store',
    async (world, seed) => {
      const hub = await exchangeAll(world);
      const converged = canonicalDump(hub.db);
      const fresh = await world.freshReplica();
      try {
        const all = world.bundles;
        for (const bundle of shuffled([...all, ...all.filter((_, i) => i % 3 === 0)], seed))
          await world.importInto(fresh, bundle);
        expect(canonicalDump(fresh.db)).toEqual(converged);
      } finally {
        fresh.db.close();
      }
    },
  );

  law(
    'later edits win: a write made after seeing another write of the same field replaces it, whatever the clocks said',
    async (world) => {
      const hub = await exchangeAll(world);
      checkLaterEditsWin(hub, world.seen, world.writtenAt);
    },
  );

  law('escalations are add-only: every one raised anywhere is present, with its concern, after the exchange', async (world) => {
    const hub = await exchangeAll(world);
    for (const id of world.escalationsRaised) {
      const row = hub.db.prepare('SELECT deleted, concern FROM escalation WHERE id = ?').get(id) as
        { deleted: number; concern: string | null } | undefined;
      expect(row, `escalation ${id}`).toMatchObject({ deleted: 0 });
      expect(row?.concern).not.toBeNull();
    }
    expect(world.escalationsRaised.every((id) => ESCALATIONS.includes(id))).toBe(true);
  });

  it(
    'extreme clocks (counter 999999, 31 Dec 9999, the format’s largest wall time, an unreadable stored clock) never stop a merge or a later edit, and no laptop’s clock follows one past the skew bound',
    async () => {
      const clockHistory = fc
        .tuple(
          actions,
          fc.array(fc.record({ laptop: fc.nat(3), note: fc.nat(2), mode: fc.constantFrom(...CLOCK_MODES) }), {
            minLength: 1,
            maxLength: 4,
          }),
          fc.integer(),
        )
        .map(([history, clocks, seed]) => shuffled([...history, ...clocks.map((c) => ({ ...c, kind: 'clock' as const }))], seed));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), clockHistory, async (laptops, history) => {
          const world = await runHistory(devices, genesis, laptops, history);
          try {
            const hub = world.replicas[0]!;
            for (const replica of world.replicas.slice(1)) await world.send(replica, hub);
            for (const replica of world.replicas.slice(1)) await world.send(hub, replica);
            const converged = canonicalDump(hub.db);
            for (const replica of world.replicas) expect(canonicalDump(replica.db)).toEqual(converged);
            checkAgainstReference(hub, world.seen);
            // KNOWN LIMIT (closing note, issue 12): after an unreadable stored clock heals, a laptop's
            // next edit may not sort after its own earlier ones (the value it would follow is gone);
            // convergence, the reference and the bound are still checked for those histories.
            if (!world.clockCases.some((mode) => mode === 'unreadable')) checkLaterEditsWin(hub, world.seen, world.writtenAt);
            // Every laptop can still edit after all that, and its clock stays within the bound.
            for (const replica of world.replicas) {
              const [op] = replica.db.transaction(() =>
                writeEdits(replica, genesis.inspectionId, [
                  {
                    table: 'evidence_note',
                    row: NOTE,
                    field: 'text',
                    value: `After the clocks ${replica.device.author.slice(0, 6)}`,
                  },
                ]),
              )();
              expect(op).toBeDefined();
              expect(parseHlc(op!.hlc).wallMs).toBeLessThanOrEqual(clockBound(replica.clock.ms));
              expect(parseHlc(readMeta(replica.db, 'hlc')!).wallMs).toBeLessThanOrEqual(clockBound(replica.clock.ms));
            }
            for (const replica of world.replicas.slice(1)) await world.send(replica, hub);
            const last = hub.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(NOTE) as { text: string };
            expect(last.text).toMatch(/^After the clocks/);
          } finally {
            world.close();
          }
        }),
        {
          numRuns: Math.max(20, Math.floor(LAW_RUNS / 5)),
          // Found by this property: a bundle holding a counter-999999 op and a year-9999 op made the
          // importing clock ignore both (it followed only the bundle's latest op, which is beyond the
          // bound), so the next local edit sorted before the first.
          examples: [[2, JSON.parse(COUNTER_MAX_BESIDE_YEAR_9999) as Action[]]],
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('example: a laptop whose clock runs back a millisecond past the bound still sorts its next edit after its own last one', async () => {
    // Found by the file-law property (CI, stop 25): after a far-ahead clock is corrected, edits are
    // clamped to now + skew; a clock 1 ms back clamped the next one lower, and the one after that,
    // back at the first bound, sorted before the first. The laptop now keeps what it passed by.
    const history: Action[] = [
      { kind: 'clock', laptop: 0, note: 0, mode: 'format-max' },
      { kind: 'delete', laptop: 0, note: 2, advance: 0 },
      { kind: 'delete', laptop: 0, note: 2, advance: -1 },
      { kind: 'delete', laptop: 0, note: 2, advance: 1 },
    ];
    const world = await runHistory(devices, genesis, 2, history);
    try {
      checkLaterEditsWin(world.replicas[0]!, world.seen, world.writtenAt);
    } finally {
      world.close();
    }
  });

  it('example: a laptop whose clock runs back after a resolve still sorts its next edit after its own last one', async () => {
    // Found by the extreme-clocks property (test:full, stop 27): a laptop set to the format's
    // largest wall time wrote past its own last edit (at the bound), which was then no longer kept;
    // corrected and 1 ms back, it clamped under that edit, and back at the first bound its next
    // edit sorted before it. A value the clock leaps more than the skew bound past is now kept.
    const history = JSON.parse(
      '[{"laptop":1,"note":0,"mode":"year-9999","kind":"clock"},{"kind":"delete","laptop":3,"note":1,"advance":0},{"kind":"resolve","laptop":0,"advance":0},{"kind":"send","from":0,"to":0},{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"laptop":3,"note":1,"mode":"format-max","kind":"clock"},{"kind":"send","from":3,"to":3},{"kind":"resolve","laptop":0,"advance":-1},{"kind":"delete","laptop":1,"note":1,"advance":1},{"laptop":0,"note":0,"field":"text","advance":0,"kind":"edit","value":"Child seen alone"},{"kind":"send","from":0,"to":0},{"kind":"send","from":0,"to":0}]',
    ) as Action[];
    const world = await runHistory(devices, genesis, 2, history);
    try {
      for (const replica of world.replicas) checkLaterEditsWin(replica, world.seen, world.writtenAt);
    } finally {
      world.close();
    }
  });

  it('example: a conflict resolved by the lead stays resolved when the old bundles arrive again', async () => {
    const history: Action[] = [
      { kind: 'edit', laptop: 0, note: 0, field: 'text', value: 'Plan is vague', advance: 1000 },
      { kind: 'edit', laptop: 1, note: 0, field: 'text', value: 'Child seen alone', advance: -60_000 },
      { kind: 'send', from: 1, to: 0 },
      { kind: 'resolve', laptop: 0, advance: 1000 },
      { kind: 'send', from: 1, to: 0 },
    ];
    const world = await runHistory(devices, genesis, 2, history, { checkResolutions: true });
    try {
      expect(world.resolutionChecks).toEqual([{ key: expect.stringMatching(/^evidence_note\/.*\/text$/), after: false }]);
      const lead = world.replicas[0]!;
      expect(lead.db.prepare('SELECT count(*) AS n FROM conflict').get()).toEqual({ n: 0 });
      await world.send(lead, world.replicas[1]!);
      expect(canonicalDump(world.replicas[1]!.db)).toEqual(canonicalDump(lead.db));
    } finally {
      world.close();
    }
  });
});
