/**
 * Crash safety for merges: a child process imports a bundle of thousands of ops and is
 * SIGKILLed at random moments (before, while checking, while merging, after). After every kill
 * the store passes integrity_check and holds the bundle whole (every op, and the
 * imported_bundle row) or not at all (none of its ops); an acknowledged import is whole.
 * CRASH_MERGE_RUNS sets the number of kills (npm test: 4; npm run test:full: 60, on top of the note-save harness's 200).
 */
import { cpSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsOfBody } from '../../../main/sync/bundle-verify.js';
import { bundleWorker, checkMerge, runAndKill } from '../../support/crash-harness.js';
import { tempDir } from '../../support/runtime.js';
import { edit, exportTo, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { decryptPlain, parsePlain } from '../../fixtures/bundle-craft.js';
import { sha256Hex } from '../../../main/sync/op-id.js';
import { testCount } from '../../support/test-counts.js';

const RUNS = testCount('CRASH_MERGE_RUNS', 4, 60);
let team: Team;
let folder: string;
let pristine: string;
let dataDir: string;
let bundlePath: string;
let workerFile: string;
let opIds: string[];
let bundleId: string;
/** How long one whole import took (from "ready"): kills are spread over a little more than it. */
let window = 0;

function restore(): void {
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(pristine, dataDir, { recursive: true });
}

beforeAll(async () => {
  folder = tempDir('fieldwork-merge-crash-');
  team = await makeTeam(1);
  await joinAll(team, folder);
  const inspector = team.inspectors[0]!;
  // 100 changesets of 5 notes (20 ops each): 2,000 ops, so the merge takes a while.
  for (let c = 0; c < 100; c += 1) {
    const edits = Array.from({ length: 5 }, (_, n) =>
      noteEdits(newNoteId(), `Merge crash note ${c}.${n}: the child's plan was reviewed and the visit recorded.`),
    ).flat();
    edit(inspector.ctx, team.inspectionId, edits);
  }
  bundlePath = join(folder, 'big.fwbundle');
  await exportTo(inspector.ctx, team.inspectionId, bundlePath);
  const plain = parsePlain(await decryptPlain(readFileSync(bundlePath), { identity: team.lead.ctx.device.ageIdentity }));
  opIds = plain.records.flatMap((r) => opsOfBody(r.body).map((op) => op.id));
  bundleId = sha256Hex(plain.manifestBytes);
  team.lead.close();
  pristine = join(folder, 'pristine');
  cpSync(team.lead.dir, pristine, { recursive: true });
  dataDir = join(folder, 'lead');
  workerFile = await bundleWorker(
    join(__dirname, '..', '..', 'crash', 'merge-crash-worker.ts'),
    join(process.cwd(), '.test-output', 'crash-merge'),
  );
  // The control: left alone, the worker imports the whole bundle.
  restore();
  const whole = await runAndKill(workerFile, [dataDir, bundlePath], 60_000);
  window = Number(whole.lines.find((l) => l.startsWith('took '))?.slice(5));
  expect(whole.stderr).toBe('');
  expect(whole.acknowledged).toEqual([`${bundleId} imported ${opIds.length}`]);
  expect(await checkMerge(dataDir, opIds, bundleId)).toEqual({ integrity: 'ok', opsPresent: opIds.length, recorded: true });
}, 300_000);

afterAll(() => {
  team?.inspectors.forEach((r) => r.dispose());
  rmSync(team?.lead.dir ?? '', { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

describe('crash safety for merges', () => {
  it(`a bundle is merged whole or not at all across ${RUNS} SIGKILLs`, async () => {
    expect(opIds.length).toBeGreaterThanOrEqual(2000);
    const delays = fc.sample(fc.integer({ min: 0, max: Math.ceil(window * 1.1) }), {
      numRuns: RUNS,
      seed: Number(process.env.CRASH_SEED ?? 20261123),
    });
    const outcome = { none: 0, whole: 0, killedWhileChecking: 0, killedWhileMerging: 0, acknowledged: 0 };
    for (const [index, delay] of delays.entries()) {
      restore();
      const result = await runAndKill(workerFile, [dataDir, bundlePath], delay);
      const label = `kill ${index} after ${delay} ms (${result.lines.join(' | ')})`;
      expect(result.stderr, label).toBe('');
      const check = await checkMerge(dataDir, opIds, bundleId);
      expect(check.integrity, label).toBe('ok');
      expect([0, opIds.length], `${label}: ${check.opsPresent} of ${opIds.length} ops present`).toContain(check.opsPresent);
      expect(check.recorded, label).toBe(check.opsPresent === opIds.length);
      if (result.acknowledged.length > 0) {
        expect(check.recorded, `${label}: acknowledged but not present`).toBe(true);
        outcome.acknowledged += 1;
      }
      if (check.recorded) outcome.whole += 1;
      else outcome.none += 1;
      const stages = result.lines.filter((l) => l.startsWith('stage '));
      if (result.acknowledged.length === 0 && stages.at(-1) === 'stage Merging') outcome.killedWhileMerging += 1;
      if (result.acknowledged.length === 0 && stages.at(-1) === 'stage Checking') outcome.killedWhileChecking += 1;
    }
    console.log(
      `merge crash harness: ${RUNS} kills over a ${opIds.length}-op bundle (whole import ${window} ms): ${JSON.stringify(outcome)}`,
    );
    expect(outcome.none + outcome.whole).toBe(RUNS);
  }, 1_800_000);
});
