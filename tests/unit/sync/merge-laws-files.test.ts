/**
 * The same merge laws as merge-laws.test.ts, with every exchange a real bundle file on disk:
 * exported (signed, age-encrypted to the team, tmp + fsync + rename) and imported by the code
 * the app runs. Fewer runs, because each exchange encrypts and writes a file.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceIdentity } from '../../../main/sync/device-identity.js';
import { canonicalDump } from '../../fixtures/bundles.js';
import { makeDevices } from '../../support/memory-context.js';
import { tempDir } from '../../support/runtime.js';
import {
  actions,
  checkAgainstReference,
  checkLaterEditsWin,
  makeGenesis,
  runHistory,
  shuffled,
  type Genesis,
} from './merge-law-harness.js';
import { testCount } from '../../support/test-counts.js';

const FILE_RUNS = testCount('FAST_CHECK_FILE_RUNS', 10, 100);
let devices: DeviceIdentity[] = [];
let genesis: Genesis;
const folder = tempDir('fieldwork-law-files-');
beforeAll(async () => {
  devices = await makeDevices(5);
  genesis = makeGenesis(devices);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('merge laws through real bundle files', () => {
  it(
    'replicas converge and any order of the same files gives the same store',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), actions, fc.integer(), async (laptops, history, seed) => {
          const world = await runHistory(devices, genesis, laptops, history, { filesIn: folder, checkResolutions: true });
          try {
            for (const check of world.resolutionChecks) expect(check.after).toBe(false);
            for (const replica of world.replicas) checkAgainstReference(replica, world.seen);
            const hub = world.replicas[0]!;
            for (const replica of world.replicas.slice(1)) await world.send(replica, hub);
            for (const replica of world.replicas.slice(1)) await world.send(hub, replica);
            const converged = canonicalDump(hub.db);
            for (const replica of world.replicas) expect(canonicalDump(replica.db)).toEqual(converged);
            checkLaterEditsWin(hub, world.seen, world.writtenAt);
            const fresh = await world.freshReplica();
            for (const bundle of shuffled([...world.bundles, ...world.bundles.slice(0, 2)], seed))
              await world.importInto(fresh, bundle);
            expect(canonicalDump(fresh.db)).toEqual(converged);
            fresh.db.close();
          } finally {
            world.close();
          }
        }),
        { numRuns: FILE_RUNS },
      );
    },
    30 * 60_000,
  );
});
