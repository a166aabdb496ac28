/**
 * The bad-bundle corpus: every damaged, foreign, forged or oversized bundle is refused with its
 * own reason, and the lead's store is unchanged (canonical dump AND the file's hash).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { DEFAULT_LIMITS, OUTER_HEADER_BYTES, type BundleManifest } from '../../../main/sync/bundle-format.js';
import { bytesSource } from '../../../main/sync/bundle-reader.js';
import { fingerprint, signBytes } from '../../../main/sync/device-identity.js';
import { encodeChangeset } from '../../../main/sync/changeset.js';
import { computeOpId, sha256Hex } from '../../../main/sync/op-id.js';
import { importBundle, previewBundle, type ImportOptions } from '../../../main/sync/import-bundle.js';
import { checkBundleStandalone } from '../../../main/sync/bundle-check.js';
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
  flipByte,
  parsePlain,
  resignManifest,
  sealPlain,
  type PlainBundle,
} from '../../fixtures/bundle-craft.js';
import { tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

let team: Team;
let stranger: TestRuntime;
let folder: string;
let good: Buffer;
let plain: PlainBundle;

beforeAll(async () => {
  team = await makeTeam(1);
  stranger = await testRuntime();
  folder = tempDir('fieldwork-corpus-');
  await joinAll(team, folder);
  const inspector = team.inspectors[0]!;
  for (let i = 0; i < 40; i += 1) {
    edit(
      inspector.ctx,
      team.inspectionId,
      noteEdits(newNoteId(), `Corpus note ${i}: ${'the plan was reviewed and updated. '.repeat(6)}`),
    );
  }
  const path = join(folder, 'good.fwbundle');
  await exportTo(inspector.ctx, team.inspectionId, path);
  good = readFileSync(path);
  plain = parsePlain(await decryptPlain(good, { identity: team.lead.ctx.device.ageIdentity }));
});
afterAll(() => {
  team.dispose();
  stranger.dispose();
});

const leadRecipients = () => [team.lead.ctx.device.ageRecipient];

/** Imports `bytes` into the lead's store; expects refusal with `reason`; checks nothing changed. */
async function expectRefused(bytes: Buffer, reason: string, options: Partial<ImportOptions> = {}): Promise<AppError> {
  const { db } = team.lead.ctx;
  const dump = canonicalDump(db);
  const hash = fileHash(db, team.lead.storePath);
  const error = await importBundle(team.lead.ctx, bytesSource(bytes), { fileName: 'bad.fwbundle', ...options }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected refusal "${reason}"`).toBeInstanceOf(AppError);
  expect((error as AppError).details?.reason).toBe(reason);
  expect((error as AppError).code).toBe(reason === 'newer-format' ? 'bundle_from_future' : 'bundle_invalid');
  expect(canonicalDump(db)).toEqual(dump);
  expect(fileHash(db, team.lead.storePath)).toBe(hash);
  return error as AppError;
}

const offsetOf = (bytes: Buffer, text: string): number => {
  const at = bytes.indexOf(Buffer.from(text));
  if (at < 0) throw new Error(`marker ${text} not found`);
  return at;
};

describe('bad bundles are refused with their reason and leave the store unchanged', () => {
  it('truncated at every 1 KiB', async () => {
    expect(good.length).toBeGreaterThan(8 * 1024);
    for (let cut = 1024; cut < good.length; cut += 1024) await expectRefused(good.subarray(0, cut), 'truncated');
    await expectRefused(good.subarray(0, 10), 'truncated');
  });

  it('one byte flipped in each section of the file', async () => {
    await expectRefused(flipByte(good, 0), 'not-a-bundle'); // magic
    await expectRefused(flipByte(good, 8), 'newer-format'); // format version 1 -> 257
    await expectRefused(flipByte(good, 9), 'corrupt'); // format version 1 -> 0
    await expectRefused(flipByte(good, 12), 'corrupt'); // reserved
    // The length's last bit: one more than the file holds is 'truncated', one fewer is 'corrupt'.
    const lengthGrows = ((good[OUTER_HEADER_BYTES - 1] as number) & 0x01) === 0;
    await expectRefused(flipByte(good, OUTER_HEADER_BYTES - 1), lengthGrows ? 'truncated' : 'corrupt'); // length (±1)
    await expectRefused(flipByte(good, OUTER_HEADER_BYTES + 3), 'corrupt'); // age version line
    const mac = offsetOf(good, '\n--- ') + 8;
    await expectRefused(flipByte(good, mac), 'corrupt'); // header MAC
    const payload = good.indexOf(0x0a, mac) + 1;
    await expectRefused(flipByte(good, payload + 2), 'corrupt'); // payload nonce
    await expectRefused(flipByte(good, payload + 5000), 'corrupt'); // ciphertext
    await expectRefused(flipByte(good, good.length - 1), 'corrupt'); // final tag
  });

  it('one byte flipped in each section of the plaintext, resealed by someone holding the team keys', async () => {
    const sealed = (p: Buffer) => sealPlain(p, leadRecipients());
    const bytes = encodePlain(plain);
    await expectRefused(await sealed(flipByte(bytes, 0)), 'too-large'); // manifest length
    await expectRefused(await sealed(flipByte(bytes, offsetOf(bytes, 'Northshire') + 2)), 'bad-signature'); // manifest
    await expectRefused(await sealed(flipByte(bytes, 4 + plain.manifestBytes.length + 10)), 'bad-signature'); // its signature
    const firstRecord = 4 + plain.manifestBytes.length + 64;
    await expectRefused(await sealed(flipByte(bytes, firstRecord)), 'too-large'); // record length
    await expectRefused(await sealed(flipByte(bytes, offsetOf(bytes, 'Corpus note 7') + 3)), 'bad-signature'); // body
    const firstSig = firstRecord + 4 + (plain.records[0]?.body.length ?? 0) + 5;
    await expectRefused(await sealed(flipByte(bytes, firstSig)), 'bad-signature'); // record signature
    await expectRefused(await sealed(flipByte(bytes, bytes.length - 1)), 'corrupt'); // end marker
    await expectRefused(await sealed(Buffer.concat([bytes, Buffer.from('extra')])), 'corrupt'); // trailing bytes
    const dropped = { ...plain, records: plain.records.slice(1) };
    await expectRefused(await sealed(encodePlain(dropped)), 'corrupt'); // a record removed, manifest kept
  });

  /** The inspector's real bundle plus one more changeset, well signed by the inspector, holding `op`. */
  async function forgedWith(op: Record<string, unknown>, options: { keepId?: boolean } = {}): Promise<Buffer> {
    return sealPlain(encodePlain(forgedPlain(op, options)), leadRecipients());
  }

  function forgedPlain(op: Record<string, unknown>, options: { keepId?: boolean } = {}): PlainBundle {
    const inspector = team.inspectors[0]!.ctx.device;
    const lastBody = plain.records.at(-1)!.body;
    const last = JSON.parse(lastBody.toString('utf8')) as { seq: number };
    const base = {
      inspection: team.inspectionId,
      hlc: '001790000000000.000000.abc',
      author: inspector.author,
      table: 'evidence_note',
      row: newNoteId(),
      field: 'text',
      value: 'forged',
      deps: [] as string[],
      ...op,
    };
    const id = options.keepId ? (op.id as string) : computeOpId(base as never);
    const { bytes: body } = encodeChangeset({
      v: 1,
      inspection: team.inspectionId,
      author: inspector.author,
      seq: last.seq + 1,
      prev: sha256Hex(lastBody),
      ops: [{ ...base, id } as never],
    });
    return resignManifest({ ...plain, records: [...plain.records, { body, signature: signBytes(inspector, body) }] }, inspector);
  }

  /** `bundle` with one byte of record `index`'s signature flipped. */
  const badSignatureAt = (bundle: PlainBundle, index: number): PlainBundle => ({
    ...bundle,
    records: bundle.records.map((r, i) => (i === index ? { ...r, signature: flipByte(r.signature, 7) } : r)),
  });

  it('a bad signature is the answer wherever it is, even when a later changeset is also at fault', async () => {
    // Signatures are checked on the thread pool while later changesets are read: each must
    // still be settled, in order, before any later fault or the end of the bundle is reported.
    const author = team.inspectors[0]!.ctx.device.author;
    const sealed = (p: PlainBundle) => sealPlain(encodePlain(p), leadRecipients());
    for (const index of [0, Math.floor(plain.records.length / 2), plain.records.length - 1]) {
      const error = await expectRefused(await sealed(badSignatureAt(plain, index)), 'bad-signature');
      expect(error.details?.author).toBe(author);
    }
    // A well-signed changeset whose op id is not its hash comes after the bad signature.
    const corruptLast = forgedPlain({ id: 'f'.repeat(64) }, { keepId: true });
    await expectRefused(await sealed(corruptLast), 'corrupt');
    await expectRefused(await sealed(badSignatureAt(corruptLast, 0)), 'bad-signature');
    // The same through the check without a store (`bundle verify` with only a key).
    const check = (bytes: Buffer) =>
      checkBundleStandalone(bytesSource(bytes), { ageIdentity: team.lead.ctx.device.ageIdentity }, DEFAULT_LIMITS).then(
        () => 'accepted',
        (e: AppError) => e.details?.reason,
      );
    expect(await check(await sealed(plain))).toBe('accepted');
    expect(await check(await sealed(corruptLast))).toBe('corrupt');
    expect(await check(await sealed(badSignatureAt(corruptLast, 0)))).toBe('bad-signature');
    expect(await check(await sealed(badSignatureAt(plain, plain.records.length - 1)))).toBe('bad-signature');
  });

  it('a well-signed changeset whose ops the registry does not allow is corrupt', async () => {
    await expectRefused(await forgedWith({ table: 'escalation', field: '_deleted', value: true }), 'corrupt'); // escalations are add-only
    await expectRefused(await forgedWith({ table: 'sqlite_master', field: 'sql' }), 'corrupt'); // not a synced table
    await expectRefused(await forgedWith({ field: 'deleted' }), 'corrupt'); // not a field
    await expectRefused(await forgedWith({ table: 'sample_run', field: 'case_count', value: 'many' }), 'corrupt'); // wrong kind
    await expectRefused(await forgedWith({ id: 'f'.repeat(64) }, { keepId: true }), 'corrupt'); // op id not its hash
    // The control: the same forgery with an allowed op is accepted, so the refusals above are about the op.
    const preview = await previewBundle(team.lead.ctx, bytesSource(await forgedWith({})), { fileName: 'ok.fwbundle' });
    expect(preview.newOps).toBeGreaterThan(0);
  });

  it('a changeset that rewrites a row of another inspection is refused', async () => {
    const other = await team.lead.call('inspections.create', {
      fields: {
        type: 'focused_visit',
        localAuthority: 'Westmoor',
        fieldworkStart: '2026-12-01',
        fieldworkEnd: '2026-12-03',
        inspectorates: ['ofsted'],
      },
    });
    await expectRefused(
      await forgedWith({ table: 'inspection', row: other.id, field: 'local_authority', value: 'Hijacked' }),
      'wrong-inspection',
    );
  });

  it('a manifest whose signed ranges do not describe its changesets is corrupt', async () => {
    const inspector = team.inspectors[0]!.ctx.device;
    const lying = resignManifest(plain, inspector, (m: BundleManifest) => ({
      ...m,
      ranges: m.ranges.map((r) => ({ ...r, first: r.first + 1 })),
    }));
    await expectRefused(await sealPlain(encodePlain(lying), leadRecipients()), 'corrupt');
  });

  it('wrong key: sealed for a stranger, or for a passphrase not given', async () => {
    await expectRefused(await sealPlain(encodePlain(plain), [stranger.ctx.device.ageRecipient]), 'wrong-key');
    const path = join(folder, 'usb.fwbundle');
    await exportTo(team.inspectors[0]!.ctx, team.inspectionId, path, {
      recipients: { kind: 'passphrase', passphrase: 'correct horse battery' },
      scryptLogN: 10,
    });
    const usb = readFileSync(path);
    await expectRefused(usb, 'wrong-key');
    await expectRefused(usb, 'wrong-key', { passphrase: 'not the passphrase' });
  });

  it('unknown signer: refused with the key’s fingerprint', async () => {
    edit(stranger.ctx, team.inspectionId, noteEdits(newNoteId(), 'Written by someone not on the team.'));
    const path = join(folder, 'stranger.fwbundle');
    await exportTo(stranger.ctx, team.inspectionId, path, {
      recipients: { kind: 'passphrase', passphrase: 'a shared secret' },
      scryptLogN: 10,
    });
    const error = await expectRefused(readFileSync(path), 'unknown-author', { passphrase: 'a shared secret' });
    expect(error.details?.fingerprint).toBe(fingerprint(stranger.ctx.device.author));
    expect(error.message).toContain(fingerprint(stranger.ctx.device.author));
    // A team member relaying the stranger's changesets does not make them trusted.
    const strangerPlain = parsePlain(await decryptPlain(readFileSync(path), { passphrase: 'a shared secret' }));
    const relayed = resignManifest(
      { ...plain, records: [...plain.records, ...strangerPlain.records] },
      team.inspectors[0]!.ctx.device,
    );
    const relayError = await expectRefused(await sealPlain(encodePlain(relayed), leadRecipients()), 'unknown-author');
    expect(relayError.details?.fingerprint).toBe(fingerprint(stranger.ctx.device.author));
  });

  it('other inspection: refused when importing into a given inspection', async () => {
    const other = await team.lead.call('inspections.create', {
      fields: {
        type: 'focused_visit',
        localAuthority: 'Eastvale',
        fieldworkStart: '2026-12-01',
        fieldworkEnd: '2026-12-03',
        inspectorates: ['ofsted'],
      },
    });
    await expectRefused(good, 'wrong-inspection', { expectInspection: other.id });
  });

  it('newer format version, in the file header or the signed manifest', async () => {
    const future = Buffer.from(good);
    future.writeUInt16BE(2, 8);
    await expectRefused(future, 'newer-format');
    const inspector = team.inspectors[0]!.ctx.device;
    const schema = resignManifest(plain, inspector, (m: BundleManifest) => ({ ...m, schema: 99_999 }));
    await expectRefused(await sealPlain(encodePlain(schema), leadRecipients()), 'newer-format');
  });

  it('a chain gap: later changesets without the earlier ones this store lacks', async () => {
    const inspector = team.inspectors[0]!.ctx.device;
    const gap = resignManifest({ ...plain, records: plain.records.slice(2) }, inspector);
    const error = await expectRefused(await sealPlain(encodePlain(gap), leadRecipients()), 'chain-gap');
    expect(error.details?.fingerprint).toBe(fingerprint(inspector.author));
  });

  it('oversized: the file, the manifest or a record over its limit is refused before it is read', async () => {
    await expectRefused(good, 'too-large', { limits: { ...DEFAULT_LIMITS, maxBundleBytes: good.length - 1 } });
    await expectRefused(good, 'too-large', { limits: { ...DEFAULT_LIMITS, maxManifestBytes: 100 } });
    await expectRefused(good, 'too-large', { limits: { ...DEFAULT_LIMITS, maxRecordBytes: 100 } });
  });

  it('not a bundle at all', async () => {
    await expectRefused(Buffer.from('case_ref,age\nA1,7\n'), 'not-a-bundle');
    await expectRefused(Buffer.alloc(0), 'not-a-bundle');
  });

  it('replayed: imported once, then again after newer work, with nothing changed the second time', async () => {
    const lead = team.lead.ctx;
    const first = await importBundle(lead, bytesSource(good), { fileName: 'good.fwbundle' });
    expect(first.status).toBe('imported');
    edit(team.inspectors[0]!.ctx, team.inspectionId, noteEdits(newNoteId(), 'A later note.'));
    const later = join(folder, 'later.fwbundle');
    await exportTo(team.inspectors[0]!.ctx, team.inspectionId, later, { mode: 'full' });
    expect((await importBundle(lead, bytesSource(readFileSync(later)), { fileName: 'later.fwbundle' })).newOps).toBeGreaterThan(
      0,
    );
    const dump = canonicalDump(lead.db);
    const hash = fileHash(lead.db, team.lead.storePath);
    const replay = await importBundle(lead, bytesSource(good), { fileName: 'good.fwbundle' });
    expect(replay).toMatchObject({ status: 'already_imported', newOps: 0 });
    expect(canonicalDump(lead.db)).toEqual(dump);
    expect(fileHash(lead.db, team.lead.storePath)).toBe(hash);
  });
});
