/**
 * Hostile bundles, generated: fast-check mutates real bundle files (byte flips, truncation,
 * duplicated ranges, swapped chunks, huge length fields, trailing garbage) and their decrypted
 * inner container resealed with a valid key (so the verifier, not only age's MAC, is tested),
 * including changesets re-signed by their own author. Every case goes through the real command
 * (`bundles.import` via dispatch) into ONE lead store and must be refused with a typed
 * rejection whose reason is in the closed set, leaving the store exactly as the snapshot.
 * FUZZ_RUNS sets the number of cases (CI 1000; `npm run test:fuzz -- --runs 10000`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_REJECT_REASONS } from '../../../shared/api/bundles.js';
import type { ErrorPayload } from '../../../shared/errors.js';
import { canonicalJson, type Op } from '../../../shared/sync/op.js';
import { fieldKind, isSyncedTable } from '../../../shared/sync/tables.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { SIGNATURE_BYTES, u32, type BundleManifest } from '../../../main/sync/bundle-format.js';
import { bytesSource } from '../../../main/sync/bundle-reader.js';
import { encodeChangeset, type ChangesetBody } from '../../../main/sync/changeset.js';
import { signBytes, type DeviceIdentity } from '../../../main/sync/device-identity.js';
import { importBundle } from '../../../main/sync/import-bundle.js';
import { computeOpId } from '../../../main/sync/op-id.js';
import {
  canonicalDump,
  edit,
  exportTo,
  fileHash,
  joinAll,
  makeTeam,
  newNoteId,
  noteEdits,
  type Team,
} from '../../fixtures/bundles.js';
import {
  decryptPlain,
  encodePlain,
  parsePlain,
  resignManifest,
  sealPlain,
  type PlainBundle,
} from '../../fixtures/bundle-craft.js';
import { tempDir } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

const RUNS = testCount('FUZZ_RUNS', 150, 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
/** The full dump + file hash every Nth case (1 = every case); the cheap counts run on every case. */
const FULL_EVERY = Number(process.env.FUZZ_FULL_EVERY ?? 1);
const PASSPHRASE = 'correct horse battery staple';

interface Sample {
  readonly name: string;
  readonly file: Buffer;
  readonly plain: PlainBundle;
  readonly passphrase?: string;
  /** Whose records we can re-sign (the exporter, a team member turned hostile). */
  readonly author: DeviceIdentity;
}

let team: Team;
let samples: Sample[] = [];
let snapshot: { dump: unknown; hash: string; counts: unknown };

const counts = () =>
  team.lead.ctx.db
    .prepare(
      `SELECT (SELECT count(*) FROM op) AS ops, (SELECT count(*) FROM changeset) AS changesets,
              (SELECT count(*) FROM imported_bundle) AS bundles`,
    )
    .get();

beforeAll(async () => {
  team = await makeTeam(2);
  const folder = tempDir('fieldwork-mutations-');
  await joinAll(team, folder);
  const [one, two] = team.inspectors as [Team['inspectors'][0], Team['inspectors'][0]];
  for (let i = 0; i < 12; i += 1) {
    edit(one.ctx, team.inspectionId, noteEdits(newNoteId(), `Mutation note ${i}: the plan was reviewed on time.`));
  }
  for (let i = 0; i < 6; i += 1) {
    edit(two.ctx, team.inspectionId, noteEdits(newNoteId(), `Second inspector ${i}: “quotes”, émigré, 日本語 and ✓.`));
  }
  const lead = team.lead.ctx.device.ageIdentity;
  const make = async (name: string, who: typeof one, options: Parameters<typeof exportTo>[3], passphrase?: string) => {
    const path = join(folder, `${name}.fwbundle`);
    await exportTo(who.ctx, team.inspectionId, path, options);
    const file = readFileSync(path);
    const plain = parsePlain(await decryptPlain(file, passphrase ? { passphrase } : { identity: lead }));
    samples.push({ name, file, plain, author: who.ctx.device, ...(passphrase ? { passphrase } : {}) });
  };
  await make('delta-one', one, {});
  await make('full-two', two, { mode: 'full' });
  await make('usb-one', one, { recipients: { kind: 'passphrase', passphrase: PASSPHRASE }, scryptLogN: 10 }, PASSPHRASE);
  samples = samples.filter(Boolean);
  // Controls: each unmutated bundle (and each one resealed and re-signed) would be accepted,
  // so every refusal below is about the mutation.
  for (const s of samples) {
    const preview = await team.lead.call('bundles.preview', {
      fileName: `${s.name}.fwbundle`,
      bytes: s.file,
      ...(s.passphrase ? { passphrase: s.passphrase } : {}),
    });
    expect(preview.newOps).toBeGreaterThan(0);
    const resealed = await sealPlain(encodePlain(resignManifest(resignAll(s), s.author)), [team.lead.ctx.device.ageRecipient]);
    const again = await team.lead.call('bundles.preview', {
      fileName: 'control.fwbundle',
      bytes: resealed,
    });
    expect(again.newOps).toBe(preview.newOps);
  }
  snapshot = { dump: canonicalDump(team.lead.ctx.db), hash: fileHash(team.lead.ctx.db, team.lead.storePath), counts: counts() };
}, 120_000);

afterAll(() => team?.dispose());

/** Every record the sample's author wrote, re-encoded canonically and re-signed (a no-op control). */
function resignAll(s: Sample, change?: { index: number; body: (b: ChangesetBody) => ChangesetBody }): PlainBundle {
  return {
    ...s.plain,
    records: s.plain.records.map((r, i) => {
      if (change && i !== change.index) return r;
      const parsed = JSON.parse(r.body.toString('utf8')) as ChangesetBody;
      if (parsed.author !== s.author.author) return r;
      const { bytes } = encodeChangeset(change ? change.body(parsed) : parsed);
      return { body: bytes, signature: signBytes(s.author, bytes) };
    }),
  };
}

/** Re-signs the manifest with the section hash of `bundle`'s records and nothing else changed. */
function rehashManifest(bundle: PlainBundle, signer: DeviceIdentity): PlainBundle {
  const hash = createHash('sha256');
  for (const r of bundle.records) hash.update(u32(r.body.length)).update(r.body).update(r.signature);
  const manifest = JSON.parse(bundle.manifestBytes.toString('utf8')) as BundleManifest;
  const manifestBytes = Buffer.from(canonicalJson({ ...manifest, sha256: { changesets: hash.digest('hex') } }), 'utf8');
  return { ...bundle, manifestBytes, manifestSignature: signBytes(signer, manifestBytes) };
}

const ownRecordIndexes = (s: Sample) =>
  s.plain.records.flatMap((r, i) =>
    (JSON.parse(r.body.toString('utf8')) as ChangesetBody).author === s.author.author ? [i] : [],
  );

const withOp = (b: ChangesetBody, at: number, change: (op: Op) => Op): ChangesetBody => ({
  ...b,
  ops: b.ops.map((op, i) => (i === at % b.ops.length ? change(op) : op)),
});
/** `name` as a table or field the registry does not have (prototype keys included). */
function unknownName(op: Op, where: 'table' | 'field', name: string): string {
  const known = (candidate: string) => (where === 'table' ? isSyncedTable(candidate) : fieldKind(op.table, candidate) !== null);
  return known(name) ? `${name}_x` : name;
}
const reId = (op: Op): Op => {
  const { id: _id, ...rest } = op;
  return { ...op, id: computeOpId(rest) };
};

// ---- mutation descriptors: pure data, applied to a sample in `apply` ----
const pos = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const byte = fc.integer({ min: 1, max: 255 });
const layer = fc.constantFrom('file' as const, 'inner' as const);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), layer, at: fc.uniqueArray(pos, { minLength: 1, maxLength: 8 }), xor: byte }),
  fc.record({ kind: fc.constant('truncate' as const), layer, at: pos }),
  fc.record({ kind: fc.constant('duplicate' as const), layer, from: pos, length: fc.integer({ min: 1, max: 4096 }), to: pos }),
  fc.record({ kind: fc.constant('swap' as const), layer, a: pos, b: pos, length: fc.integer({ min: 1, max: 2048 }) }),
  fc.record({
    kind: fc.constant('huge-length' as const),
    layer,
    frame: fc.nat(),
    value: fc.oneof(fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 0x01000001), fc.integer({ min: 1, max: 0xffffffff })),
  }),
  fc.record({ kind: fc.constant('append' as const), layer, garbage: fc.uint8Array({ minLength: 1, maxLength: 512 }) }),
  fc.record({ kind: fc.constant('reorder-records' as const), seed: fc.nat() }),
  fc.record({
    kind: fc.constant('resigned-flip' as const),
    record: fc.nat(),
    at: fc.uniqueArray(pos, { minLength: 1, maxLength: 4 }),
    xor: byte,
  }),
  fc.record({
    kind: fc.constant('op-changed-id-kept' as const),
    record: fc.nat(),
    op: fc.nat(),
    value: fc.string({ maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('manifest-count' as const),
    which: fc.constantFrom('changesets' as const, 'ops' as const),
    by: fc.constantFrom(-1, 1),
  }),
  fc.record({
    kind: fc.constant('unknown-name' as const),
    record: fc.nat(),
    op: fc.nat(),
    where: fc.constantFrom('table' as const, 'field' as const),
    name: fc.oneof(
      fc.constantFrom('sqlite_master', 'op', 'changeset', '__proto__', 'constructor', 'id', 'inspection_id', ''),
      fc.string({ minLength: 1, maxLength: 20 }),
    ),
  }),
  fc.record({ kind: fc.constant('foreign-dep' as const), record: fc.nat(), op: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

const cut = (bytes: Buffer, at: number) => Math.floor(at * bytes.length);

function mutateBytes(bytes: Buffer, m: Mutation, frames: readonly number[]): Buffer {
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      for (const at of new Set(m.at.map((p) => cut(copy, p)))) copy[at] = (copy[at] as number) ^ m.xor;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, Math.max(1, cut(bytes, m.at))); // the empty file has its own case
    case 'duplicate': {
      const from = cut(bytes, m.from);
      const to = cut(bytes, m.to);
      return Buffer.concat([bytes.subarray(0, to), bytes.subarray(from, from + m.length), bytes.subarray(to)]);
    }
    case 'swap': {
      const [a, b] = [cut(bytes, m.a), cut(bytes, m.b)].sort((x, y) => x - y) as [number, number];
      const length = Math.min(m.length, b - a, bytes.length - b);
      if (length <= 0) return Buffer.concat([bytes, Buffer.from([0])]);
      return Buffer.concat([
        bytes.subarray(0, a),
        bytes.subarray(b, b + length),
        bytes.subarray(a + length, b),
        bytes.subarray(a, a + length),
        bytes.subarray(b + length),
      ]);
    }
    case 'huge-length': {
      const copy = Buffer.from(bytes);
      const at = frames[m.frame % frames.length] as number;
      if (m.layer === 'file') copy.writeBigUInt64BE(BigInt(m.value) * 0x10000n + 1n, at);
      else copy.writeUInt32BE(m.value, at);
      return copy;
    }
    case 'append':
      return Buffer.concat([bytes, Buffer.from(m.garbage)]);
    default:
      throw new Error(`not a byte mutation: ${m.kind}`);
  }
}

/** Where the plaintext's u32 length fields are: the manifest's, each record's, the end marker. */
function innerFrames(plain: PlainBundle): number[] {
  const frames = [0];
  let at = 4 + plain.manifestBytes.length + SIGNATURE_BYTES;
  for (const r of plain.records) {
    frames.push(at);
    at += 4 + r.body.length + SIGNATURE_BYTES;
  }
  frames.push(at);
  return frames;
}

const seal = (plain: PlainBundle | Buffer) =>
  sealPlain(Buffer.isBuffer(plain) ? plain : encodePlain(plain), [team.lead.ctx.device.ageRecipient]);

async function apply(s: Sample, m: Mutation): Promise<{ bytes: Buffer; passphrase?: string }> {
  const own = ownRecordIndexes(s);
  const pick = (n: number) => own[n % own.length] as number;
  switch (m.kind) {
    case 'flip':
    case 'truncate':
    case 'duplicate':
    case 'swap':
    case 'huge-length':
    case 'append':
      if (m.layer === 'file') {
        const bytes = mutateBytes(s.file, m, [16]);
        fc.pre(!bytes.equals(s.file)); // e.g. two equal bytes swapped: not a mutation at all
        return { bytes, ...(s.passphrase ? { passphrase: s.passphrase } : {}) };
      } else {
        const plain = encodePlain(s.plain);
        const bytes = mutateBytes(plain, m, innerFrames(s.plain));
        fc.pre(!bytes.equals(plain));
        return { bytes: await seal(bytes) };
      }
    case 'reorder-records': {
      // Shuffled records under the original signed manifest: its section hash no longer holds.
      const records = fc.sample(fc.shuffledSubarray(s.plain.records, { minLength: s.plain.records.length }), {
        numRuns: 1,
        seed: m.seed,
      })[0] as PlainBundle['records'];
      return { bytes: await seal({ ...s.plain, records }) };
    }
    case 'resigned-flip': {
      const index = pick(m.record);
      const body = Buffer.from(s.plain.records[index]!.body);
      for (const at of new Set(m.at.map((p) => cut(body, p)))) body[at] = (body[at] as number) ^ m.xor;
      const records = s.plain.records.map((r, i) => (i === index ? { body, signature: signBytes(s.author, body) } : r));
      return { bytes: await seal(rehashManifest({ ...s.plain, records }, s.author)) };
    }
    case 'op-changed-id-kept':
      return {
        bytes: await seal(
          resignManifest(
            resignAll(s, {
              index: pick(m.record),
              body: (b) => withOp(b, m.op, (op) => ({ ...op, value: `${String(op.value)}!${m.value}` })),
            }),
            s.author,
          ),
        ),
      };
    case 'manifest-count':
      return { bytes: await seal(resignManifest(s.plain, s.author, (mf) => ({ ...mf, [m.which]: mf[m.which] + m.by }))) };
    case 'unknown-name':
      return {
        bytes: await seal(
          resignManifest(
            resignAll(s, {
              index: pick(m.record),
              body: (b) => withOp(b, m.op, (op) => reId({ ...op, [m.where]: unknownName(op, m.where, m.name) })),
            }),
            s.author,
          ),
        ),
      };
    case 'foreign-dep': {
      // A dep naming an op of ANOTHER field of the same changeset: causality can only be claimed
      // within a field (deletes aside), so this is a forged history.
      const index = pick(m.record);
      return {
        bytes: await seal(
          resignManifest(
            resignAll(s, {
              index,
              body: (b) => {
                const target = m.op % b.ops.length;
                const other = b.ops.find((op, i) => i !== target && op.field !== b.ops[target]!.field && op.field !== '_deleted');
                if (!other) return { ...b, ops: [] };
                return withOp(b, target, (op) => reId({ ...op, deps: [...op.deps, other.id].sort() }));
              },
            }),
            s.author,
          ),
        ),
      };
    }
  }
}

function expectTypedRejection(error: ErrorPayload, label: string): void {
  expect(['bundle_invalid', 'bundle_from_future'], `${label}: ${error.code} ${error.message}`).toContain(error.code);
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  expect(BUNDLE_REJECT_REASONS as readonly unknown[], label).toContain(reason);
  expect(error.code === 'bundle_from_future', label).toBe(reason === 'newer-format');
  expect(error.message.length, label).toBeGreaterThan(10);
}

function expectUnchanged(label: string, full: boolean): void {
  expect(team.lead.ctx.db.inTransaction, label).toBe(false);
  expect(counts(), label).toEqual(snapshot.counts);
  if (full) {
    expect(canonicalDump(team.lead.ctx.db), label).toEqual(snapshot.dump);
    expect(fileHash(team.lead.ctx.db, team.lead.storePath), label).toBe(snapshot.hash);
  }
}

describe('mutated bundles are refused with a typed reason and change nothing', () => {
  it('the empty file', async () => {
    const error = await importBundle(team.lead.ctx, bytesSource(Buffer.alloc(0)), { fileName: 'empty.fwbundle' }).then(
      () => null,
      (e: unknown) => e as ErrorPayload,
    );
    expect(error).not.toBeNull();
    expectTypedRejection(error as ErrorPayload, 'empty');
    expect((error as ErrorPayload).details?.reason).toBe('not-a-bundle');
    // Through the command an empty upload is refused by the input schema instead.
    const viaApi = await dispatch(team.lead.ctx, 'bundles.import', { fileName: 'empty.fwbundle', bytes: new Uint8Array(0) });
    expect(viaApi.ok ? null : viaApi.error.code).toBe('invalid_input');
    expectUnchanged('empty', true);
  });

  it(`${RUNS} generated mutations`, async () => {
    const seen = new Map<string, number>();
    const reasons = new Map<string, number>();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: samples.length - 1 }), mutation, async (which, m) => {
        const s = samples[which] as Sample;
        const { bytes, passphrase } = await apply(s, m);
        const label = `${s.name} ${JSON.stringify(m).slice(0, 300)}`;
        const result = await dispatch(team.lead.ctx, 'bundles.import', {
          fileName: 'hostile.fwbundle',
          bytes: bytes,
          ...(passphrase ? { passphrase } : {}),
        });
        expect(result.ok, `${label} was accepted`).toBe(false);
        if (result.ok) return;
        expectTypedRejection(result.error, label);
        n += 1;
        // Counts every case; the canonical dump and file hash every FULL_EVERY-th (default: all).
        expectUnchanged(label, FULL_EVERY > 0 && n % FULL_EVERY === 0);
        const key = 'layer' in m ? `${m.kind}/${m.layer}` : m.kind;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const reason = String(result.error.details?.reason);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expectUnchanged('end', true);
    console.log(`bundle mutations: ${n} refused; by kind ${JSON.stringify(Object.fromEntries(seen))}`);
    console.log(`bundle mutations: by reason ${JSON.stringify(Object.fromEntries(reasons))}`);
    expect(n).toBe(RUNS);
    if (RUNS >= 500) expect(seen.size).toBe(18); // every kind (byte kinds on both layers) was exercised
  }, 1_800_000);
});
