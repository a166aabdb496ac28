/**
 * Crash safety: SIGKILL a process that is saving notes, at random moments, many times over.
 * After every kill the store passes integrity_check and every acknowledged save is present.
 * CRASH_RUNS sets the number of kills (npm test: 8; npm run test:full: 200; `npm run test:crash -- --runs 1000` for more).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, checkStore, runAndKill } from '../../support/crash-harness.js';
import { sampleInspection, tempDir, testRuntime } from '../../support/runtime.js';
import { rmSync } from 'node:fs';
import { testCount } from '../../support/test-counts.js';

const RUNS = testCount('CRASH_RUNS', 8, 200);
let dataDir: string;
let workerFile: string;
let inspectionId: string;

beforeAll(async () => {
  dataDir = tempDir('fieldwork-crash-');
  workerFile = await bundleWorker(
    join(__dirname, '..', '..', 'crash', 'crash-worker.ts'),
    join(process.cwd(), '.test-output', 'crash'),
  );
  const runtime = await testRuntime({ dir: dataDir });
  const inspection = await runtime.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } });
  inspectionId = inspection.id;
  runtime.close();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('crash safety', () => {
  it(`loses no acknowledged note and keeps the store intact across ${RUNS} SIGKILLs`, async () => {
    const delays = fc.sample(fc.integer({ min: 0, max: 250 }), {
      numRuns: RUNS,
      seed: Number(process.env.CRASH_SEED ?? 20261123),
    });
    let acknowledgedTotal = 0;
    for (const [index, delay] of delays.entries()) {
      const result = await runAndKill(workerFile, [dataDir, inspectionId], delay);
      expect(result.stderr, `kill ${index}`).toBe('');
      const check = checkStore(dataDir, result.acknowledged);
      expect(check.integrity, `kill ${index} after ${delay} ms`).toBe('ok');
      expect(check.missing, `kill ${index} after ${delay} ms`).toEqual([]);
      acknowledgedTotal += result.acknowledged.length;
    }
    console.log(`crash harness: ${RUNS} kills, ${acknowledgedTotal} acknowledged notes, none lost`);
    expect(acknowledgedTotal).toBeGreaterThan(0);
  }, 1_800_000);
});
