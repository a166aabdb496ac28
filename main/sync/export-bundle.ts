/**
 * Exporting a bundle: the inspection's changesets, verbatim, that the recipients have not
 * acknowledged ('delta') or all of them ('full'). Streaming in two passes over the same
 * per-author seq bounds (changesets are immutable, so both passes see the same bytes): the
 * first computes counts and the section hash for the signed manifest, the second feeds the
 * age encrypter page by page. DURABILITY INVARIANT: the file is written as `<name>.tmp`,
 * fsynced, then renamed, so a crash never leaves half a bundle under the final name.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { Encrypter } from 'age-encryption';
import { AppError } from '../../shared/errors.js';
import { canonicalJson } from '../../shared/sync/op.js';
import { changesetPage, localAuthorityOf, memberName, readHolds, rosterKeys } from '../store/bundles-repo.js';
import { PRIVATE_FILE_MODE, makePrivate, renameDurably } from '../store/durable-file.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.js';
import { authorSeqs } from '../store/op-log-repo.js';
import {
  BUNDLE_FORMAT,
  OUTER_HEADER_BYTES,
  encodeOuterHeader,
  u32,
  type AuthorRange,
  type BundleManifest,
} from './bundle-format.js';
import { signBytes } from './device-identity.js';
import { sealDraftsBeforeExport } from './local-drafts.js';
import type { WriteContext } from './local-write.js';
import { sha256Hex } from './op-id.js';
import { ScryptPassphraseRecipient } from './scrypt-passphrase.js';

export interface ExportOptions {
  readonly inspectionId: string;
  readonly mode: 'delta' | 'full';
  readonly recipients: { readonly kind: 'team' } | { readonly kind: 'passphrase'; readonly passphrase: string };
  readonly progress?: (done: number, total: number, stage: string) => void;
  /** scrypt work factor for passphrase bundles (tests lower it; the default is age's 18). */
  readonly scryptLogN?: number;
}

export interface ExportResult {
  readonly bundleId: string;
  readonly changesets: number;
  readonly ops: number;
  readonly size: number;
  readonly manifest: BundleManifest;
}

const PAGE = 64;

/** Per author, the seq the recipients already hold: the lead for an inspector, every inspector for the lead. */
function acknowledgedFloor(ctx: WriteContext, inspectionId: string): Map<string, number> {
  const roster = rosterKeys(ctx.db, inspectionId);
  const me = ctx.device.author;
  const iAmLead = roster.some((m) => m.signingKey === me && m.role === 'lead');
  const peers = roster
    .filter((m) => m.signingKey !== me && (iAmLead ? m.role !== 'lead' : m.role === 'lead'))
    .map((m) => readHolds(ctx.db, inspectionId, m.signingKey));
  const floor = new Map<string, number>();
  if (peers.length === 0) return floor;
  for (const author of authorSeqs(ctx.db, inspectionId).keys()) {
    floor.set(author, Math.min(...peers.map((holds) => holds.get(author) ?? 0)));
  }
  return floor;
}

function* records(ctx: WriteContext, inspectionId: string, bounds: ReadonlyMap<string, { from: number; to: number }>) {
  for (const [author, { from, to }] of bounds) {
    let after = from;
    for (;;) {
      const page = changesetPage(ctx.db, inspectionId, author, after, to, PAGE);
      if (page.length === 0) break;
      yield { author, page };
      after = (page[page.length - 1] as { seq: number }).seq;
    }
  }
}

const frame = (body: Buffer, signature: Buffer): Buffer => Buffer.concat([u32(body.length), body, signature]);

function recipientsFor(ctx: WriteContext, inspectionId: string): string[] {
  const keys = rosterKeys(ctx.db, inspectionId)
    .map((m) => m.boxKey)
    .filter((k): k is string => typeof k === 'string' && k.startsWith('age1'));
  return [...new Set([...keys, ctx.device.ageRecipient])].sort();
}

function buildManifest(
  ctx: WriteContext,
  options: ExportOptions,
): {
  manifest: BundleManifest;
  bounds: Map<string, { from: number; to: number }>;
} {
  const upTo = authorSeqs(ctx.db, options.inspectionId);
  if (upTo.size === 0) throw new AppError('not_found', 'There is nothing to export for this inspection on this laptop.');
  const floor = options.mode === 'full' ? new Map<string, number>() : acknowledgedFloor(ctx, options.inspectionId);
  const bounds = new Map<string, { from: number; to: number }>();
  for (const [author, to] of [...upTo].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const from = Math.min(floor.get(author) ?? 0, to);
    if (to > from) bounds.set(author, { from, to });
  }
  const hash = createHash('sha256');
  const ranges: AuthorRange[] = [];
  let changesets = 0;
  let ops = 0;
  for (const { author, page } of records(ctx, options.inspectionId, bounds)) {
    for (const row of page) {
      hash.update(frame(row.body, row.signature));
      ops += (JSON.parse(row.body.toString('utf8')) as { ops: unknown[] }).ops.length;
    }
    const range = ranges.find((r) => r.author === author);
    const first = (page[0] as { seq: number }).seq;
    const last = (page[page.length - 1] as { seq: number }).seq;
    if (range) ranges[ranges.indexOf(range)] = { ...range, last, count: range.count + page.length };
    else ranges.push({ author, first, last, count: page.length });
    changesets += page.length;
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    schema: LATEST_SCHEMA_VERSION,
    inspection: options.inspectionId,
    localAuthority: localAuthorityOf(ctx.db, options.inspectionId),
    exporter: ctx.device.author,
    exporterName: memberName(ctx.db, options.inspectionId, ctx.device.author),
    createdAt: new Date(ctx.now()).toISOString(),
    mode: options.mode,
    recipients: options.recipients.kind === 'team' ? recipientsFor(ctx, options.inspectionId) : ['passphrase'],
    ranges,
    changesets,
    ops,
    holds: Object.fromEntries(upTo),
    sha256: { changesets: hash.digest('hex') },
  };
  return { manifest, bounds };
}

function plaintextStream(
  ctx: WriteContext,
  options: ExportOptions,
  manifest: BundleManifest,
  bounds: Map<string, { from: number; to: number }>,
): ReadableStream<Uint8Array> {
  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  const head = Buffer.concat([u32(manifestBytes.length), manifestBytes, signBytes(ctx.device, manifestBytes)]);
  const pages = records(ctx, options.inspectionId, bounds);
  const hash = createHash('sha256');
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(new Uint8Array(head));
        return;
      }
      const next = pages.next();
      if (next.done) {
        // Changesets never change once written; a mismatch would mean the store changed under us.
        if (hash.digest('hex') !== manifest.sha256.changesets) {
          controller.error(new AppError('internal', 'The inspection changed while it was being exported. Try again.'));
          return;
        }
        controller.enqueue(new Uint8Array(u32(0)));
        controller.close();
        return;
      }
      const framed = Buffer.concat(next.value.page.map((row) => frame(row.body, row.signature)));
      hash.update(framed);
      sent += next.value.page.length;
      options.progress?.(sent, manifest.changesets, 'Exporting');
      controller.enqueue(new Uint8Array(framed));
    },
  });
}

/** Writes the bundle to `path` (via `path.tmp`, fsync, rename). */
export async function exportBundleToFile(ctx: WriteContext, options: ExportOptions, path: string): Promise<ExportResult> {
  // Seal first: the bundle carries the text as it stands, and no unsealed draft leaves the laptop.
  sealDraftsBeforeExport(ctx, options.inspectionId);
  const { manifest, bounds } = buildManifest(ctx, options);
  const encrypter = new Encrypter();
  if (options.recipients.kind === 'passphrase') {
    // age's passphrase stanza, derived by Node's scrypt off the thread (scrypt-passphrase.ts).
    encrypter.addRecipient(new ScryptPassphraseRecipient(options.recipients.passphrase, options.scryptLogN));
  } else {
    for (const recipient of manifest.recipients) {
      try {
        encrypter.addRecipient(recipient);
      } catch {
        const member = rosterKeys(ctx.db, options.inspectionId).find((m) => m.boxKey === recipient);
        throw new AppError(
          'invalid_input',
          `The encryption key recorded for ${member?.name ?? 'a team member'} is not a valid key, so the bundle was not written. Correct it on the team screen.`,
          { boxKey: recipient },
        );
      }
    }
  }
  const cipher = await encrypter.encrypt(plaintextStream(ctx, options, manifest, bounds));
  const temp = `${path}.tmp`;
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'w', PRIVATE_FILE_MODE);
  let length = 0;
  try {
    writeSync(fd, encodeOuterHeader(0));
    const reader = cipher.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      writeSync(fd, value);
      length += value.length;
    }
    writeSync(fd, encodeOuterHeader(length), 0, OUTER_HEADER_BYTES, 0);
    fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  makePrivate(temp);
  renameDurably(temp, path);
  const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
  return {
    bundleId: sha256Hex(manifestBytes),
    changesets: manifest.changesets,
    ops: manifest.ops,
    size: OUTER_HEADER_BYTES + length,
    manifest,
  };
}
