/**
 * Every API command, fuzzed through the real HTTP bridge with malformed input: each is
 * rejected with a typed error and nothing is written to the store.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../shared/api/index.js';
import { startWebServer, type WebServer } from '../../../main/web/server.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

let runtime: TestRuntime;
let server: WebServer;
let inspectionId: string;

const RUNS_PER_COMMAND = testCount('FUZZ_RUNS_PER_COMMAND', 10, 100);

function storeFingerprint(): string {
  const db = runtime.ctx.db;
  const counts = ['op', 'changeset', 'case_list_row', 'imported_bundle'].map(
    (table) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
  );
  return counts.join('/');
}

async function post(name: string, body: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const response = await fetch(`${server.url}/api/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body,
  });
  return (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
}

beforeAll(async () => {
  runtime = await testRuntime();
  inspectionId = (await runtime.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } })).id;
  server = await startWebServer({ ctx: runtime.ctx, rendererDir: null });
});
afterAll(async () => {
  await server.close();
  runtime.dispose();
});

// Malformed inputs: random JSON, and plausible objects with wrong types, hostile strings and huge values.
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom("'; DROP TABLE op; --", '<script>alert(1)</script>', '\u0000', '../../etc/passwd', 'x'.repeat(100_000)),
);
const malformed = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom('id', 'inspectionId', 'fields', 'text', 'bytes', 'caseId', 'mode'),
    fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.array(fc.anything({ maxDepth: 1 }))),
    { maxKeys: 4 },
  ),
  fc.record({ inspectionId: fc.constant('not-a-uuid'), id: fc.constant(42) }),
);

describe('every command through the HTTP bridge', () => {
  it('rejects malformed input with a typed error and writes nothing', async () => {
    const names = Object.keys(commands);
    expect(names.length).toBeGreaterThan(5);
    let rejected = 0;
    for (const name of names) {
      const spec = commands[name as keyof typeof commands];
      const samples = fc
        .sample(malformed, { numRuns: RUNS_PER_COMMAND * 3, seed: 7 })
        .map((input) => JSON.stringify(input) ?? 'null')
        // What the server will see after JSON and its "missing body means {}" rule:
        .filter((body) => !spec.input.safeParse((JSON.parse(body) as unknown) ?? {}).success)
        .slice(0, RUNS_PER_COMMAND);
      for (const body of samples) {
        const before = storeFingerprint();
        const result = await post(name, body);
        expect(result.ok, `${name} accepted ${body.slice(0, 200)}`).toBe(false);
        expect(result.error?.code, name).toBe('invalid_input');
        expect(result.error?.message.length).toBeGreaterThan(0);
        expect(storeFingerprint(), name).toBe(before);
        rejected += 1;
      }
    }
    expect(inspectionId).toBeTruthy();
    console.log(`api fuzz: ${rejected} malformed requests over ${names.length} commands, all rejected`);
  }, 600_000);
});
