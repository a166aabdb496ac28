/**
 * Verifying one changeset from a bundle without trusting anything in it: canonical bytes,
 * the author's Ed25519 signature, the inspection, the chain fields, and every op (its id
 * recomputed, its table and field in SYNCED_TABLES, its value of the field's kind). Roster
 * checks and chain continuity need the store and live in import-bundle.ts / roster-trust.ts.
 */
import { isHlc } from '../../shared/sync/hlc.js';
import { canonicalJson, type Op, type OpValue } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, isSyncedTable } from '../../shared/sync/tables.js';
import type { ChangesetRecord } from '../store/op-log-repo.js';
import { rejectBundle, type BundleManifest } from './bundle-format.js';
import type { RawRecord } from './bundle-reader.js';
import { CHANGESET_FORMAT } from './changeset.js';
import { verifySignature } from './device-identity.js';
import { sha256Hex } from './op-id.js';
import type { SignatureCheck } from './signature-checks.js';

export interface VerifiedChangeset {
  readonly record: ChangesetRecord;
  readonly ops: readonly Op[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const AUTHOR = /^[A-Za-z0-9_-]{43}$/;
const CHANGESET_KEYS = ['author', 'inspection', 'ops', 'prev', 'seq', 'v'];
const OP_KEYS = ['author', 'deps', 'field', 'hlc', 'id', 'inspection', 'row', 'table', 'value'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const CHANGESET_KEY_SET: ReadonlySet<string> = new Set(CHANGESET_KEYS);
const OP_KEY_SET: ReadonlySet<string> = new Set(OP_KEYS);
/** JSON.parse keeps one value per key, so the same count and every key expected is the same key set. */
function hasExactKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  let count = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (!keys.has(key)) return false;
    count += 1;
  }
  return count === keys.size;
}

const J = canonicalJson;

/**
 * canonicalJson of a parsed op, written out for the one shape an op has (its nine keys in
 * sorted order), so a body's canonical check does not sort every op's keys; the value's text
 * is kept for the op id. Anything of another shape goes through canonicalJson itself, so the
 * text is exactly canonicalJson(raw) either way.
 */
function canonicalOp(raw: unknown, valueTexts: (string | null)[]): string {
  if (!isObject(raw) || !hasExactKeys(raw, OP_KEY_SET)) {
    valueTexts.push(null);
    return canonicalJson(raw);
  }
  const value = J(raw.value);
  valueTexts.push(value);
  return `{"author":${J(raw.author)},"deps":${J(raw.deps)},"field":${J(raw.field)},"hlc":${J(raw.hlc)},"id":${J(raw.id)},"inspection":${J(raw.inspection)},"row":${J(raw.row)},"table":${J(raw.table)},"value":${value}}`;
}

/** canonicalJson of a parsed changeset body (its six keys in sorted order), and each op's value text. */
function canonicalBody(parsed: Record<string, unknown>, valueTexts: (string | null)[]): string {
  const { ops } = parsed;
  const opsText = Array.isArray(ops) ? `[${ops.map((op) => canonicalOp(op, valueTexts)).join(',')}]` : J(ops);
  return `{"author":${J(parsed.author)},"inspection":${J(parsed.inspection)},"ops":${opsText},"prev":${J(parsed.prev)},"seq":${J(parsed.seq)},"v":${J(parsed.v)}}`;
}

/**
 * The op id (op-id.ts computeOpId) from the value's canonical text already written for the
 * body check: the same bytes canonicalJson gives for {inspection, hlc, author, table, row,
 * field, value, deps sorted}, whose keys sort as written here.
 */
function opIdOf(op: Omit<Op, 'id'>, valueText: string): string {
  const deps = [...op.deps].sort();
  return sha256Hex(
    `{"author":${J(op.author)},"deps":${J(deps)},"field":${J(op.field)},"hlc":${J(op.hlc)},"inspection":${J(op.inspection)},"row":${J(op.row)},"table":${J(op.table)},"value":${valueText}}`,
  );
}

function valueFits(kind: string, value: unknown): boolean {
  switch (kind) {
    case 'text':
      return value === null || typeof value === 'string';
    case 'int':
      return value === null || (typeof value === 'number' && Number.isSafeInteger(value));
    case 'bool':
      return value === null || typeof value === 'boolean';
    case 'deleted':
      return typeof value === 'boolean';
    case 'json':
      return value === null || typeof value === 'object';
    default:
      return false;
  }
}

function parseOp(raw: unknown, inspection: string, author: string, valueText: string | null): Op {
  if (!isObject(raw) || valueText === null) throw rejectBundle('corrupt');
  const { id, hlc, table, row, field, value, deps } = raw;
  if (raw.inspection !== inspection) throw rejectBundle('wrong-inspection');
  if (raw.author !== author) throw rejectBundle('corrupt');
  if (typeof id !== 'string' || typeof hlc !== 'string' || !isHlc(hlc)) throw rejectBundle('corrupt');
  if (typeof table !== 'string' || !isSyncedTable(table)) throw rejectBundle('corrupt');
  if (typeof row !== 'string' || row.length === 0 || row.length > 200) throw rejectBundle('corrupt');
  if (typeof field !== 'string') throw rejectBundle('corrupt');
  const kind = fieldKind(table, field);
  if (kind === null || !valueFits(kind, value)) throw rejectBundle('corrupt');
  if (!Array.isArray(deps) || !deps.every((d) => typeof d === 'string' && HEX64.test(d))) throw rejectBundle('corrupt');
  const op: Op = {
    id,
    inspection,
    hlc,
    author,
    table,
    row,
    field,
    value: value as OpValue,
    deps: deps as string[],
  };
  if (opIdOf(op, valueText) !== id) throw rejectBundle('corrupt');
  return op;
}

/**
 * A dep claims "I saw that op of MY field" (a delete: of my row). Local writes never do
 * otherwise, so a changeset whose op names another field's (or row's) op from the same
 * changeset is a forged history. Deps on ops outside the changeset are not checked here: they
 * may not have arrived yet, and op_superseded is keyed by field, so they cannot hide a head.
 */
function checkDepsWithin(ops: readonly Op[]): void {
  const byId = new Map(ops.map((op) => [op.id, op]));
  for (const op of ops) {
    for (const dep of op.deps) {
      const seen = byId.get(dep);
      if (seen === undefined) continue;
      const sameRow = seen.table === op.table && seen.row === op.row;
      if (!sameRow || (op.field !== DELETED_FIELD && seen.field !== op.field)) throw rejectBundle('corrupt');
    }
  }
}

/** Checks the signature at once: a failure throws `bad-signature` naming the author. */
const signatureNow: SignatureCheck = (author, body, signature) => {
  if (!verifySignature(author, body, signature)) throw rejectBundle('bad-signature', { author });
};

/**
 * Throws a typed rejection, or returns the changeset as the store will hold it. The signature
 * is checked by `signed`: at once, or queued (SignatureChecks), in which case the changeset is
 * verified only once that check has settled.
 */
export function verifyChangeset(
  raw: RawRecord,
  manifest: BundleManifest,
  id: string = sha256Hex(raw.body),
  signed: SignatureCheck = signatureNow,
): VerifiedChangeset {
  const text = raw.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw rejectBundle('bad-signature');
  }
  if (!isObject(parsed) || !hasExactKeys(parsed, CHANGESET_KEY_SET)) throw rejectBundle('corrupt');
  const { v, inspection, author, seq, prev, ops } = parsed;
  if (typeof author !== 'string' || !AUTHOR.test(author)) throw rejectBundle('corrupt');
  // The signature first: until it holds, nothing else in the body means anything (a queued
  // check is settled before any fault found after this point is reported: see SignatureChecks).
  signed(author, raw.body, raw.signature);
  if (typeof v !== 'number' || v > CHANGESET_FORMAT) throw rejectBundle('newer-format');
  const valueTexts: (string | null)[] = [];
  if (v !== CHANGESET_FORMAT || canonicalBody(parsed, valueTexts) !== text) throw rejectBundle('corrupt');
  if (inspection !== manifest.inspection) throw rejectBundle('wrong-inspection');
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw rejectBundle('corrupt');
  if (!(prev === null || (typeof prev === 'string' && HEX64.test(prev)))) throw rejectBundle('corrupt');
  // Seq 1 starts a chain; a later root (prev null) is a restored laptop's new line whose backup
  // held none of its changesets (bundle-admission.ts, CHAIN CONTINUITY).
  if (seq === 1 && prev !== null) throw rejectBundle('corrupt');
  if (!Array.isArray(ops) || ops.length === 0) throw rejectBundle('corrupt');
  const verifiedOps = ops.map((op, i) => parseOp(op, manifest.inspection, author, valueTexts[i] ?? null));
  checkDepsWithin(verifiedOps);
  return {
    record: {
      id,
      inspection: manifest.inspection,
      author,
      seq,
      prev,
      body: raw.body,
      signature: raw.signature,
      local: false,
    },
    ops: verifiedOps,
  };
}

/** Ops of a stored or staged changeset body (already verified once). */
export function opsOfBody(body: Buffer): Op[] {
  return (JSON.parse(body.toString('utf8')) as { ops: Op[] }).ops;
}
