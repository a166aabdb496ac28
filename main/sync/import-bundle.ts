/**
 * Importing (merging) a bundle. ORDERING INVARIANT: everything is verified first — framing,
 * decryption, manifest signature, every changeset's signature and ops, the section hash, the
 * roster, chain continuity — while the changesets are staged in a TEMP table that is not part
 * of the store file. Only then does ONE transaction insert the changesets, apply their ops,
 * advance the clock and record the bundle. Any failure before or inside it leaves the store
 * byte-for-byte unchanged. A preview runs the same transaction and rolls it back.
 */
import { randomUUID } from 'node:crypto';
import { DELETION_THRESHOLD, type AuthorityNoticeT, type BundleNoticeT, type BundlePreviewT } from '../../shared/api/bundles.js';
import { AppError } from '../../shared/errors.js';
import { DELETED_FIELD, type SyncedTableName } from '../../shared/sync/tables.js';
import { MAX_CLOCK_SKEW_MS, clockBound, parseHlc } from '../../shared/sync/hlc.js';
import {
  clearStage,
  conflictKeySet,
  ensureStage,
  isBundleImported,
  iterateStaged,
  stagedLinks,
  knownChangeset,
  knowsInspection,
  memberName,
  recordHolds,
  recordImportedBundle,
  rosterKeys,
  rowInspection,
  stageChangeset,
} from '../store/bundles-repo.js';
import { isRowDeleted, withSearchDocsDeferred } from '../store/materialize-repo.js';
import { insertChangeset, type FieldKey } from '../store/op-log-repo.js';
import type { Op } from '../../shared/sync/op.js';
import { sha256Hex } from './op-id.js';
import { insertOps, linkOps } from './apply-ops.js';
import { deriveSignerFields, judgedOnly, rebuildField, settleAuthority, type ChangesetOps } from './authority.js';
import { clearVerdict, DELETIONS_HELD_RULE, heldDeletionsIn, maxOpHlc, writeVerdict } from '../store/authority-repo.js';
import type { VerdictRow } from '../store/authority-repo.js';
import { DEFAULT_LIMITS, rejectBundle, type BundleLimits, type BundleManifest } from './bundle-format.js';
import { openBundle, type BundleSource, type OpenedBundle } from './bundle-reader.js';
import { opsOfBody, verifyChangeset } from './bundle-verify.js';
import { withSignatureChecks } from './signature-checks.js';
import { fingerprint } from './device-identity.js';
import { keepNearest, observeRemoteHlc, type WriteContext } from './local-write.js';
import { rosterEditsOf, type RosterEdits } from './roster-trust.js';
import { checkChains, checkTrust, rangesMatch, type ChainFork, type ChainLink } from './bundle-admission.js';

export interface ImportOptions {
  readonly fileName: string;
  readonly passphrase?: string;
  readonly expectInspection?: string;
  readonly confirmDeletions?: boolean;
  readonly trustLead?: string;
  readonly limits?: BundleLimits;
  readonly progress?: (done: number, total: number, stage: string) => void;
  /** Told when a bundle's clock runs far ahead of this laptop's (never a reason to refuse it). */
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export type ImportSummary = BundlePreviewT & { readonly status: 'imported' | 'already_imported' | 'preview' };

class Rollback extends Error {}
class HoldBack extends Error {}

/** What a bundle held for the lead's decision holds back, and what of it was merged at once. */
interface HeldDeletions {
  readonly deletions: number;
  /** Held deletions by member and record type: who, what, how many of which record. */
  readonly held: { member: string; name: string | null; table: SyncedTableName; count: number }[];
  /** Escalations the bundle raised or changed, merged at once. */
  readonly escalations: number;
  readonly sender: string;
}

const RECORD_WORDS: Partial<Record<SyncedTableName, [string, string]>> = {
  evidence_note: ['evidence note', 'evidence notes'],
  finding_evidence: ['evidence link on a finding', 'evidence links on findings'],
  sampled_case: ['sampled case', 'sampled cases'],
  sample_run: ['case sample', 'case samples'],
  accuracy_comment: ['accuracy comment', 'accuracy comments'],
  team_member: ['team member', 'team members'],
};

function recordWord(table: SyncedTableName, count: number): string {
  const words = RECORD_WORDS[table] ?? [table.replace(/_/g, ' '), `${table.replace(/_/g, ' ')}s`];
  return count === 1 ? words[0] : words[1];
}

function describeHeld(
  ctx: WriteContext,
  manifest: BundleManifest,
  deletions: number,
  heldOps: readonly Op[],
  batches: readonly ChangesetOps[],
  accepted: ReadonlySet<string>,
): HeldDeletions {
  const groups = new Map<string, { member: string; name: string | null; table: SyncedTableName; rows: Set<string> }>();
  for (const op of heldOps) {
    const key = `${op.author}\u0000${op.table}`;
    const group = groups.get(key) ?? {
      member: op.author,
      name: memberName(ctx.db, manifest.inspection, op.author),
      table: op.table,
      rows: new Set(),
    };
    group.rows.add(op.row);
    groups.set(key, group);
  }
  const escalations = new Set(
    batches.flatMap((b) => b.ops.filter((op) => op.table === 'escalation' && accepted.has(op.id)).map((op) => op.row)),
  );
  return {
    deletions,
    held: [...groups.values()].map(({ rows, ...g }) => ({ ...g, count: rows.size })),
    escalations: escalations.size,
    sender: memberName(ctx.db, manifest.inspection, manifest.exporter) ?? manifest.exporterName ?? fingerprint(manifest.exporter),
  };
}

function heldDeletionsError(held: HeldDeletions): AppError {
  const what = held.held
    .map(
      (g) =>
        `${g.count} ${recordWord(g.table, g.count)} deleted by ${g.name ?? `the laptop with fingerprint ${fingerprint(g.member)}`}`,
    )
    .join(', ');
  const merged =
    held.escalations > 0
      ? `everything else in it was merged now, including ${held.escalations === 1 ? '1 escalation' : `${held.escalations} escalations`}, which ${held.escalations === 1 ? 'is' : 'are'} on the escalations banner`
      : 'everything else in it was merged now';
  return new AppError(
    'conflict',
    `This bundle would delete ${held.deletions} records (${what}). Only the deletions wait for your decision; ${merged}. Check the summary and confirm the deletions to merge them.`,
    {
      reason: 'needs-confirmation',
      deletions: held.deletions,
      held: held.held.map((g) => ({ member: g.member, name: g.name, table: g.table, count: g.count })),
      escalations: held.escalations,
      sender: held.sender,
    },
  );
}

/**
 * Another connection kept the store busy past the busy timeout: a sentence (CLI exit 4), never
 * SQLite's raw "database is locked", and never a verdict on the bundle, which is intact.
 */
function busyInWords(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') return error;
  return new AppError(
    'store_locked',
    'Another merge or save was still writing to this laptop’s store, so this bundle was not merged yet. Nothing was changed and the bundle is fine: merge it again in a moment.',
    { reason: 'busy' },
  );
}

/**
 * Clock drift is never a reason to refuse an op (DESIGN.md); beyond the skew bound it is worth
 * a notice, and this laptop's clock does not follow it (shared/sync/hlc.ts).
 */
const CLOCK_AHEAD_WARNING_MS = MAX_CLOCK_SKEW_MS;

function aheadWords(ms: number): string {
  const days = ms / 86_400_000;
  if (days >= 365 * 2) return `${Math.floor(days / 365)} years`;
  if (days >= 2) return `${Math.round(days)} days`;
  return `${Math.floor(ms / 3_600_000)} hours`;
}

export async function previewBundle(ctx: WriteContext, source: BundleSource, options: ImportOptions): Promise<ImportSummary> {
  return run(ctx, source, options, true);
}

export async function importBundle(ctx: WriteContext, source: BundleSource, options: ImportOptions): Promise<ImportSummary> {
  return run(ctx, source, options, false);
}

async function run(ctx: WriteContext, source: BundleSource, options: ImportOptions, dryRun: boolean): Promise<ImportSummary> {
  const opened = await openBundle(
    source,
    { ageIdentity: ctx.device.ageIdentity, ...(options.passphrase ? { passphrase: options.passphrase } : {}) },
    options.limits ?? DEFAULT_LIMITS,
  );
  try {
    if (!dryRun) {
      const replay = alreadyImportedOutcome(ctx, opened, options);
      if (replay !== null) return replay;
    }
    return await mergeOpenedBundle(ctx, opened, options, dryRun);
  } finally {
    await opened.close?.();
  }
}

/**
 * A bundle already recorded here is not read past its manifest: the bundle id is the hash of
 * the signed manifest, which fixes the changeset section's hash, so the same id means the same
 * changesets, all of which were verified and merged when it was first imported. The manifest's
 * signature has been checked by openBundle; here its exporter must still be a current member.
 * Anything else (a previewed bundle, an exporter since removed) takes the full path.
 */
function alreadyImportedOutcome(ctx: WriteContext, opened: OpenedBundle, options: ImportOptions): ImportSummary | null {
  const { manifest, bundleId } = opened;
  if (options.expectInspection !== undefined && options.expectInspection !== manifest.inspection) {
    throw rejectBundle('wrong-inspection', { inspection: manifest.inspection });
  }
  if (!isBundleImported(ctx.db, bundleId) || !knowsInspection(ctx.db, manifest.inspection)) return null;
  if (!rosterKeys(ctx.db, manifest.inspection).some((m) => m.signingKey === manifest.exporter)) return null;
  return {
    ...summaryBase(ctx, manifest, bundleId, true, [], false),
    status: 'already_imported',
    newOps: 0,
    updatedFields: 0,
    newConflicts: 0,
    deletions: 0,
    needsConfirmation: false,
  };
}

function summaryBase(
  ctx: WriteContext,
  manifest: BundleManifest,
  bundleId: string,
  alreadyImported: boolean,
  unknownAuthors: { author: string; fingerprint: string }[],
  isJoin: boolean,
) {
  return {
    bundleId,
    inspection: { id: manifest.inspection, localAuthority: manifest.localAuthority },
    exporter: {
      author: manifest.exporter,
      fingerprint: fingerprint(manifest.exporter),
      name: memberName(ctx.db, manifest.inspection, manifest.exporter) ?? manifest.exporterName,
    },
    createdAt: manifest.createdAt,
    mode: manifest.mode,
    changesets: manifest.changesets,
    ops: manifest.ops,
    alreadyImported,
    unknownAuthors,
    isJoin,
    notices: [] as BundleNoticeT[],
    refused: [] as AuthorityNoticeT[],
    held: [] as AuthorityNoticeT[],
    needsKeyConfirmation: false,
  };
}

/** Verdicts grouped by member and sentence, for the import summary. */
function notices(ctx: WriteContext, inspectionId: string, rows: readonly VerdictRow[]): AuthorityNoticeT[] {
  const grouped = new Map<string, AuthorityNoticeT>();
  for (const row of rows) {
    const key = `${row.member}\u0000${row.message}`;
    const seen = grouped.get(key);
    if (seen) grouped.set(key, { ...seen, count: seen.count + 1 });
    else
      grouped.set(key, {
        member: { author: row.member, fingerprint: fingerprint(row.member), name: memberName(ctx.db, inspectionId, row.member) },
        change: row.change,
        message: row.message,
        rule: row.rule,
        count: 1,
      });
  }
  return [...grouped.values()];
}

/**
 * A bundle decrypted and verified (every signature, op id, chain range and count checked), its
 * changesets staged under `token` (the connection's TEMP stage), not yet merged. What is known
 * is decided again when it is applied (applyVerified), inside the write transaction, so it may
 * be applied after the store changed. `releaseVerified` drops the stage; the caller owns it.
 */
export interface VerifiedBundle {
  readonly token: string;
  readonly manifest: BundleManifest;
  readonly bundleId: string;
  readonly edits: readonly RosterEdits[];
}

/** Opens, decrypts and verifies a bundle into the stage (openBundle + verifyOpened); closes the file. */
export async function openAndVerify(ctx: WriteContext, source: BundleSource, options: ImportOptions): Promise<VerifiedBundle> {
  const opened = await openBundle(
    source,
    { ageIdentity: ctx.device.ageIdentity, ...(options.passphrase ? { passphrase: options.passphrase } : {}) },
    options.limits ?? DEFAULT_LIMITS,
  );
  try {
    return await verifyOpened(ctx, opened, options);
  } finally {
    await opened.close?.();
  }
}

/** Drops a verified bundle's staged changesets. */
export function releaseVerified(ctx: WriteContext, verified: VerifiedBundle): void {
  clearStage(ctx.db, verified.token);
}

/**
 * Everything after decryption: verify each changeset, check trust and chains, then merge in
 * one transaction (or roll it back for a preview). Property tests call this directly with
 * changesets from another replica, so the laws are checked on the code the import runs.
 */
export async function mergeOpenedBundle(
  ctx: WriteContext,
  opened: OpenedBundle,
  options: ImportOptions,
  dryRun: boolean,
): Promise<ImportSummary> {
  const verified = await verifyOpened(ctx, opened, options);
  try {
    return applyVerified(ctx, verified, options, dryRun);
  } finally {
    releaseVerified(ctx, verified);
  }
}

/** Verifies every changeset of an opened bundle into the stage; nothing of the store changes. */
async function verifyOpened(ctx: WriteContext, opened: OpenedBundle, options: ImportOptions): Promise<VerifiedBundle> {
  const progress = options.progress ?? (() => undefined);
  const { manifest, bundleId } = opened;
  if (options.expectInspection !== undefined && options.expectInspection !== manifest.inspection) {
    throw rejectBundle('wrong-inspection', { inspection: manifest.inspection });
  }
  const token = randomUUID();
  const limits = options.limits ?? DEFAULT_LIMITS;
  ensureStage(ctx.db, token, (opened.size ?? 0) >= limits.stageOnDiskBytes);
  try {
    const chains = new Map<string, ChainLink[]>();
    const edits: RosterEdits[] = [];
    let done = 0;
    let ops = 0;
    progress(0, manifest.changesets, 'Checking');
    const seen = new Set<string>();
    await withSignatureChecks(async (signatures) => {
      for await (const raw of opened.records()) {
        const id = sha256Hex(raw.body);
        if (seen.has(id)) throw rejectBundle('corrupt');
        seen.add(id);
        // The same bytes and signature this store already holds were verified when they arrived.
        const stored = knownChangeset(ctx.db, id);
        const known = stored !== null && stored.signature.equals(raw.signature);
        const link = known ? { ...stored, opCount: opsOfBody(raw.body).length } : null;
        const verified = link === null ? verifyChangeset(raw, manifest, id, signatures.check) : null;
        if (verified) edits.push(rosterEditsOf(verified.record.author, verified.ops));
        const { author, seq, prev } = verified ? verified.record : (link as NonNullable<typeof link>);
        // Staged whole either way: whether it is known is decided again inside the write transaction.
        const record = verified
          ? verified.record
          : { id, inspection: manifest.inspection, author, seq, prev, body: raw.body, signature: raw.signature, local: false };
        if (!stageChangeset(ctx.db, token, record, known)) throw rejectBundle('corrupt');
        const chain = chains.get(author) ?? [];
        chain.push({ seq, id, prev, known });
        chains.set(author, chain);
        ops += verified ? verified.ops.length : (link as NonNullable<typeof link>).opCount;
        done += 1;
        progress(done, manifest.changesets, 'Checking');
        await signatures.admit();
      }
    });
    if (ops !== manifest.ops || !rangesMatch(manifest, chains)) throw rejectBundle('corrupt');
    return { token, manifest, bundleId, edits };
  } catch (error) {
    clearStage(ctx.db, token);
    throw error;
  }
}

/**
 * Checks trust and chains and merges a verified bundle in one transaction (or rolls it back for
 * a preview). Applying the same verified bundle again decides afresh what is known.
 */
export function applyVerified(
  ctx: WriteContext,
  verified: VerifiedBundle,
  options: ImportOptions,
  dryRun: boolean,
): ImportSummary {
  const progress = options.progress ?? (() => undefined);
  const { manifest, bundleId, token, edits } = verified;
  if (options.expectInspection !== undefined && options.expectInspection !== manifest.inspection) {
    throw rejectBundle('wrong-inspection', { inspection: manifest.inspection });
  }
  // A block of its own only so the lines below are unchanged from the one-function version.
  {
    const { isJoin, unknownAuthors } = checkTrust(ctx, manifest, edits, options, dryRun);
    const { clockAhead, refused, held, alreadyImported, forks, ...counts } = applyStaged(
      ctx,
      token,
      manifest,
      bundleId,
      options,
      dryRun,
      progress,
    );
    const base = summaryBase(ctx, manifest, bundleId, alreadyImported, unknownAuthors, isJoin);
    if (alreadyImported && !dryRun) {
      return {
        ...base,
        status: 'already_imported',
        newOps: 0,
        updatedFields: 0,
        newConflicts: 0,
        deletions: 0,
        needsConfirmation: false,
      };
    }
    const clockNotices: BundleNoticeT[] = [];
    for (const [author, aheadMs] of clockAhead) {
      const name = memberName(ctx.db, manifest.inspection, author);
      clockNotices.push({
        kind: 'clock-ahead',
        message: `${name ?? `The laptop with fingerprint ${fingerprint(author)}`} has a clock ${aheadWords(aheadMs)} ahead of this laptop’s. Their changes were merged; this laptop’s clock was not moved forward to match.`,
        author,
        name,
        aheadMs,
      });
      if (!dryRun)
        options.warn?.('A bundle’s clock is ahead of this laptop’s; its changes were imported as usual.', {
          aheadMs,
          bundleId,
          author,
        });
    }
    for (const fork of forks) {
      const name = memberName(ctx.db, manifest.inspection, fork.author);
      clockNotices.push({
        kind: 'restored-laptop',
        message: `${name ?? `The laptop with fingerprint ${fingerprint(fork.author)}`}’s laptop was restored from a backup and then used: its changes ${fork.fromSeq > 0 ? `after its change number ${fork.fromSeq} ` : ''}go on in two lines, the one it sent before the restore and the one since. Both are kept and merged; nothing was refused or lost.`,
        author: fork.author,
        name,
      });
    }
    return {
      ...base,
      ...counts,
      notices: clockNotices,
      refused: notices(ctx, manifest.inspection, refused),
      held: notices(ctx, manifest.inspection, held),
      needsKeyConfirmation: held.length > 0,
      status: dryRun ? 'preview' : 'imported',
      needsConfirmation: counts.deletions > DELETION_THRESHOLD,
    };
  }
}

interface Counts {
  readonly newOps: number;
  readonly updatedFields: number;
  readonly newConflicts: number;
  readonly deletions: number;
  readonly refused: readonly VerdictRow[];
  readonly held: readonly VerdictRow[];
}

function applyStaged(
  ctx: WriteContext,
  token: string,
  manifest: BundleManifest,
  bundleId: string,
  options: ImportOptions,
  dryRun: boolean,
  progress: (done: number, total: number, stage: string) => void,
): Counts & { clockAhead: Map<string, number>; alreadyImported: boolean; forks: ChainFork[] } {
  let counts: Counts = { newOps: 0, updatedFields: 0, newConflicts: 0, deletions: 0, refused: [], held: [] };
  let refused: VerdictRow[] = [];
  let held: VerdictRow[] = [];
  let alreadyImported = false;
  let heldDeletions: HeldDeletions | null = null;
  let forks: ChainFork[] = [];
  const clockAhead = new Map<string, number>();
  const transaction = ctx.db.transaction(() =>
    withSearchDocsDeferred(ctx.db, () => {
      // WHAT IS KNOWN IS DECIDED HERE, inside the write transaction that applies it, never while
      // the file streamed: another import (a sync pull, a second window, another connection) may
      // have committed some of these changesets, or this very bundle, since then. Deciding here
      // makes a concurrent import of the same work "already imported", never "damaged".
      alreadyImported = isBundleImported(ctx.db, bundleId);
      if (alreadyImported && !dryRun) throw new Rollback();
      const links = new Map<string, ChainLink[]>();
      // The chain fields first (no bodies): bodies are read again below a page at a time.
      const fresh = new Set<string>();
      for (const staged of stagedLinks(ctx.db, token)) {
        const stored = knownChangeset(ctx.db, staged.id);
        const known = stored !== null && stored.signature.equals(staged.signature);
        // Held while the file streamed (so its signature was not checked again) but gone now: the
        // store was purged or restored meanwhile. Nothing is merged; merging again checks it whole.
        if (!known && staged.streamedKnown) {
          throw new AppError(
            'conflict',
            'This laptop’s store changed while the bundle was being read (it was restored or an inspection was purged). Nothing was merged: merge the bundle again.',
            { reason: 'store-changed' },
          );
        }
        const chain = links.get(staged.author) ?? [];
        chain.push({ seq: staged.seq, id: staged.id, prev: staged.prev, known });
        links.set(staged.author, chain);
        if (!known) fresh.add(staged.id);
      }
      forks = checkChains(ctx, manifest.inspection, links);
      const conflictsBefore = conflictKeySet(ctx.db, manifest.inspection);
      // Which rows were live here before this bundle touched them: only those can be 'deleted' by it.
      const liveBefore = new Map<string, boolean>();
      const deleteTouched = new Set<string>();
      const updated = new Set<string>();
      let newOps = 0;
      let maxHlc = '';
      const beyondBound = new Set<string>();
      let done = 0;
      const maxBefore = maxOpHlc(ctx.db, manifest.inspection);
      const batches: ChangesetOps[] = [];
      // Each row's owner and liveness are read once per bundle, not once per op.
      const owners = new Map<string, string | null>();
      for (const record of iterateStaged(ctx.db, token, manifest.inspection)) {
        if (!fresh.has(record.id)) continue;
        const ops = opsOfBody(record.body);
        for (const op of ops) {
          const rowKey = `${op.table}\u0000${op.row}`;
          let owner = owners.get(rowKey);
          if (owner === undefined) {
            owner = rowInspection(ctx.db, op.table, op.row);
            owners.set(rowKey, owner);
            // A row id of another inspection must not be rewritten through this one's bundle.
            if (owner !== null && owner !== manifest.inspection) throw rejectBundle('wrong-inspection', { row: op.row });
          }
          if (!liveBefore.has(rowKey)) liveBefore.set(rowKey, owner !== null && !isRowDeleted(ctx.db, op.table, op.row));
          if (op.field === DELETED_FIELD) deleteTouched.add(rowKey);
        }
        insertChangeset(ctx.db, record, new Date(ctx.now()).toISOString());
        // Held for the rest of the transaction without the values nothing reads (a note's text).
        batches.push({ changesetId: record.id, ops: insertOps(ctx.db, ops, record.id).map(judgedOnly) });
        for (const op of ops) {
          const ahead = parseHlc(op.hlc).wallMs - ctx.now();
          // The clock follows the latest op within the skew bound: one far-ahead op in the bundle
          // must not make the clock ignore the others (it would then write before them).
          if (parseHlc(op.hlc).wallMs > clockBound(ctx.now())) keepNearest(beyondBound, op.hlc);
          else if (op.hlc > maxHlc) maxHlc = op.hlc;
          if (ahead > CLOCK_AHEAD_WARNING_MS && ahead > (clockAhead.get(op.author) ?? 0)) clockAhead.set(op.author, ahead);
        }
        done += 1;
        progress(done, manifest.changesets, 'Merging');
      }
      // THE AUTHORITY MODEL (main/sync/authority.ts): each new op is judged before it takes effect.
      const settled = settleAuthority(ctx.db, manifest.inspection, batches, maxBefore, {
        device: ctx.device.author,
        now: new Date(ctx.now()).toISOString(),
      });
      refused = settled.refused;
      held = settled.held;
      for (const batch of batches) newOps += batch.ops.length;
      const touch = (key: FieldKey) => {
        if (key.field !== DELETED_FIELD) updated.add(`${key.table}\u0000${key.row}\u0000${key.field}`);
      };
      const applyAccepted = (holdBack: ReadonlySet<string>) => {
        // ONE pass for the whole bundle: each touched field materialised once, each row's search
        // document refreshed once (apply-ops.ts), however many of its changesets touch them.
        const applied = linkOps(
          ctx.db,
          batches.flatMap((batch) => batch.ops.filter((op) => settled.accepted.has(op.id) && !holdBack.has(op.id))),
        );
        applied.touched.forEach(touch);
        deriveSignerFields(
          ctx.db,
          manifest.inspection,
          batches.flatMap((batch) => batch.ops.filter((op) => !settled.accepted.has(op.id))),
        );
        for (const key of settled.changedFields) {
          rebuildField(ctx.db, key, manifest.inspection);
          touch(key);
        }
      };
      const countDeletions = () => {
        let n = 0;
        for (const rowKey of deleteTouched) {
          const [table, row] = rowKey.split('\u0000') as [SyncedTableName, string];
          if (liveBefore.get(rowKey) === true && isRowDeleted(ctx.db, table, row)) n += 1;
        }
        return n;
      };
      // Deletions an earlier merge of this bundle held back: they count as this bundle's again.
      const released = heldDeletionsIn(
        ctx.db,
        [...links.values()].flat().map((l) => l.id),
      );
      for (const op of released) {
        const rowKey = `${op.table}\u0000${op.row}`;
        if (!liveBefore.has(rowKey)) liveBefore.set(rowKey, !isRowDeleted(ctx.db, op.table, op.row));
        deleteTouched.add(rowKey);
      }
      /*
       * ESCALATIONS ARE NEVER HELD. A bundle that would delete more than DELETION_THRESHOLD
       * records waits for the lead's decision, but only its deletions wait: the trial below
       * applies everything in a savepoint and counts what it deletes; if that is too many and the
       * deletions were not confirmed, the savepoint is undone and the bundle is applied again
       * with each deletion it brings kept in the log with a 'held' verdict (DELETIONS_HELD_RULE),
       * which takes no effect. Escalations, notes and every other change in it take effect now,
       * so a child-at-risk escalation is on the lead's banner at once, whatever the lead decides
       * about the file ("Skip this file" included). Merging the same bundle with the deletions
       * confirmed releases them; a later bundle that carries the same changesets counts them again.
       */
      let deletions = 0;
      let heldBack: HeldDeletions | null = null;
      const trial = ctx.db.transaction(() => {
        for (const op of released) clearVerdict(ctx.db, op.id);
        applyAccepted(new Set());
        for (const op of released) {
          const key = { table: op.table, row: op.row, field: op.field };
          rebuildField(ctx.db, key, manifest.inspection);
          touch(key);
        }
        deletions = countDeletions();
        if (!dryRun && deletions > DELETION_THRESHOLD && options.confirmDeletions !== true) throw new HoldBack();
      });
      try {
        trial();
      } catch (error) {
        if (!(error instanceof HoldBack)) throw error;
        updated.clear();
        const holdIds = new Set<string>();
        const decidedAt = new Date(ctx.now()).toISOString();
        for (const batch of batches)
          for (const op of batch.ops) {
            if (!settled.accepted.has(op.id) || op.field !== DELETED_FIELD || op.value !== true) continue;
            if (op.table === 'team_member') continue; // a removal is an authority op, judged by its own rules
            holdIds.add(op.id);
            writeVerdict(ctx.db, manifest.inspection, {
              opId: op.id,
              kind: 'held',
              rule: DELETIONS_HELD_RULE,
              member: op.author,
              change: `delete a ${recordWord(op.table, 1)}`,
              message: 'Held with a bundle that deletes many records, until the lead confirms the deletions.',
              decidedAt,
            });
          }
        applyAccepted(holdIds);
        heldBack = describeHeld(
          ctx,
          manifest,
          deletions,
          [...released, ...batches.flatMap((b) => b.ops.filter((op) => holdIds.has(op.id)))],
          batches,
          settled.accepted,
        );
      }
      // Bounded: a timestamp beyond now + MAX_CLOCK_SKEW_MS is not followed (hlc.ts).
      // Those beyond it are kept, the nearest few, so the clock sorts after them once it reaches them.
      if (maxHlc !== '' || beyondBound.size > 0) observeRemoteHlc(ctx, maxHlc === '' ? null : maxHlc, [...beyondBound]);
      const conflictsAfter = conflictKeySet(ctx.db, manifest.inspection);
      counts = {
        newOps,
        updatedFields: updated.size,
        newConflicts: [...conflictsAfter].filter((k) => !conflictsBefore.has(k)).length,
        deletions,
        refused,
        held,
      };
      if (dryRun) throw new Rollback();
      if (heldBack !== null) {
        // Committed without recording the bundle as imported: merging it again (confirmed) releases the deletions.
        recordHolds(ctx.db, manifest.inspection, manifest.exporter, manifest.holds);
        heldDeletions = heldBack;
        return;
      }
      recordHolds(ctx.db, manifest.inspection, manifest.exporter, manifest.holds);
      recordImportedBundle(ctx.db, {
        id: bundleId,
        inspectionId: manifest.inspection,
        fileName: options.fileName,
        exporter: manifest.exporter,
        importedAt: new Date(ctx.now()).toISOString(),
        newOps,
        summary: {
          updatedFields: counts.updatedFields,
          newConflicts: counts.newConflicts,
          deletions,
          exporterName: manifest.exporterName,
        },
      });
    }),
  );
  try {
    // IMMEDIATE: the write lock is taken at BEGIN, where SQLite's busy timeout waits for another
    // connection's write to finish, rather than failing the upgrade half-way with SQLITE_BUSY.
    transaction.immediate();
  } catch (error) {
    if (error instanceof Rollback) return { ...counts, clockAhead, alreadyImported, forks };
    throw busyInWords(error);
  }
  if (heldDeletions !== null) throw heldDeletionsError(heldDeletions);
  return { ...counts, clockAhead, alreadyImported, forks };
}
