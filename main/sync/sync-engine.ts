/**
 * Sync with a target: pull what the team published, export what is new into the outbox,
 * push the outbox. Depends on bundles only through the small BundlePort below, so the bundle
 * format can change without touching sync, and tests can drive it with real bundle files.
 *
 * ORDERING INVARIANTS:
 *  - the "queued through" mark is read BEFORE an export, so a change made during the export
 *    is sent next time rather than lost (overlap is harmless: imports are idempotent);
 *  - a bundle leaves the outbox only after its copy on the target has been read back and
 *    matched size and SHA-256;
 *  - one run per inspection at a time in this process (a second caller joins the first).
 */
import type { Db } from '../store/connection.js';
import { listTeam } from '../store/inspections-repo.js';
import {
  countChangesets,
  getSyncState,
  markNothingToSend,
  maxOwnSeq,
  recordPublished,
  recordSyncFailure,
  recordSyncSuccess,
  type OutboxKind,
} from '../store/sync-repo.js';
import { backoffDelay, enqueueBundle, supersedeOlder, sweepOutbox } from './outbox.js';
import { classifyFailure, meansOffline, type SyncFailureKind } from './sync-errors.js';
import { pullBundles } from './sync-pull.js';
import { pushOutbox } from './sync-push.js';
import type { SyncTarget } from './sync-target.js';

export interface ImportOutcome {
  readonly status: 'imported' | 'already_imported' | 'rejected';
  readonly newOps: number;
  /** Rejected for now but worth another try after other bundles (e.g. an earlier one is missing). */
  readonly retryLater?: boolean;
  /** For 'rejected': the plain sentence to record. */
  readonly message?: string;
  /** Rejected only because it deletes more than the threshold: the lead may confirm and retry. */
  readonly needsConfirmation?: boolean;
  /** Who signed the bundle (a name when the team knows it), for a held bundle's prompt. */
  readonly sender?: string | null;
}

/** The only things sync needs from bundles. */
export interface BundlePort {
  /**
   * Writes a bundle for the inspection to `path`: an inspector's delta, or the lead's merged
   * bundle for the team ('published'). Returns false when there is nothing to send.
   */
  exportBundle(request: { readonly inspectionId: string; readonly kind: OutboxKind; readonly path: string }): Promise<boolean>;
  /** Imports (merges) a downloaded, hash-checked bundle file. */
  importBundle(request: {
    readonly inspectionId: string;
    readonly path: string;
    readonly fileName: string;
    readonly confirmDeletions?: boolean;
  }): Promise<ImportOutcome>;
}

export interface SyncEnv {
  readonly db: Db;
  readonly dataDir: string;
  /** This device's author key. */
  readonly author: string;
  readonly now: () => number;
  readonly random?: () => number;
  readonly bundles: BundlePort;
  readonly progress: (done: number, total: number, stage: string) => void;
  readonly warn: (message: string, details?: Record<string, unknown>) => void;
}

export type SyncReason = 'manual' | 'online' | 'timer';

export interface SyncRunOptions {
  /** Ignore the backoff wait (the user pressed "Sync now"). */
  readonly force: boolean;
  readonly reason: SyncReason;
  readonly direction?: 'both' | 'push' | 'pull';
  /** Whether to pull at all (the lead always pulls; an inspector may opt out). */
  readonly pull: boolean;
}

export interface SyncReport {
  readonly outcome: 'synced' | 'failed' | 'waiting';
  readonly pushed: number;
  readonly alreadyThere: number;
  readonly pulled: number;
  readonly newOps: number;
  readonly failedPulls: number;
  readonly exported: boolean;
  /** Older unsent bundles the new export replaced. */
  readonly superseded: number;
  readonly error: { readonly kind: SyncFailureKind; readonly message: string } | null;
}

/** Automatic runs export at most this often, so a busy day does not become hundreds of tiny bundles. */
export const AUTO_EXPORT_INTERVAL_MS = 10 * 60_000;

export function myRole(db: Db, inspectionId: string, author: string): 'lead' | 'inspector' | null {
  const me = listTeam(db, inspectionId).find((m) => m.signing_key === author);
  if (!me) return null;
  return me.role === 'lead' ? 'lead' : 'inspector';
}

async function exportIfNeeded(
  env: SyncEnv,
  inspectionId: string,
  options: SyncRunOptions,
): Promise<{ exported: boolean; superseded: number }> {
  const none = { exported: false, superseded: 0 };
  const state = getSyncState(env.db, inspectionId);
  const now = env.now();
  if (options.reason === 'timer' && now - state.lastExportAt < AUTO_EXPORT_INTERVAL_MS) return none;
  const lead = myRole(env.db, inspectionId, env.author) === 'lead';
  // Read the marks first: anything written from here on is caught by the next export.
  const throughSeq = maxOwnSeq(env.db, inspectionId, env.author);
  const changesets = countChangesets(env.db, inspectionId);
  const needed = lead
    ? changesets > state.publishedChangesets || throughSeq > state.queuedThroughSeq
    : throughSeq > state.queuedThroughSeq;
  if (!needed) return none;
  const kind: OutboxKind = lead ? 'published' : 'delta';
  const item = await enqueueBundle({
    db: env.db,
    dataDir: env.dataDir,
    inspectionId,
    kind,
    throughSeq,
    now,
    write: (path) => env.bundles.exportBundle({ inspectionId, kind, path }),
  });
  env.db.transaction(() => {
    if (item === null) markNothingToSend(env.db, inspectionId, throughSeq, now);
    if (lead) recordPublished(env.db, inspectionId, changesets);
  })();
  if (item === null) return none;
  // A delta holds everything its recipients have not acknowledged, so the new one holds all an
  // older unsent one did: the older is dropped, and an outage costs one bundle, not one per run.
  const superseded = await supersedeOlder(env.db, env.dataDir, item);
  return { exported: true, superseded };
}

async function runOnce(env: SyncEnv, target: SyncTarget, inspectionId: string, options: SyncRunOptions): Promise<SyncReport> {
  const empty = { pushed: 0, alreadyThere: 0, pulled: 0, newOps: 0, failedPulls: 0, exported: false, superseded: 0 };
  const state = getSyncState(env.db, inspectionId);
  if (!options.force && state.nextAttemptAt > env.now()) return { outcome: 'waiting', ...empty, error: null };
  await sweepOutbox(env.dataDir, inspectionId);
  let report = { ...empty };
  try {
    await target.probe();
    const direction = options.direction ?? 'both';
    const lead = myRole(env.db, inspectionId, env.author) === 'lead';
    const pull = async () => {
      if (direction === 'push' || !(lead || options.pull)) return;
      const pulled = await pullBundles(env, target, inspectionId, lead);
      report = { ...report, pulled: pulled.imported, newOps: pulled.newOps, failedPulls: pulled.failed };
    };
    const push = async () => {
      if (direction === 'pull') return;
      const exported = await exportIfNeeded(env, inspectionId, options);
      // Reported before the push, so a run whose upload fails still says what it exported.
      report = { ...report, ...exported };
      const pushed = await pushOutbox(env, target, inspectionId);
      report = { ...report, pushed: pushed.pushed, alreadyThere: pushed.alreadyThere };
    };
    // An inspector's own work goes first (it is what a lost laptop would lose); the lead
    // pulls first so the bundle it publishes already holds what it just merged.
    if (lead) {
      await pull();
      await push();
    } else {
      await push();
      await pull();
    }
    env.db.transaction(() => recordSyncSuccess(env.db, inspectionId, new Date(env.now()).toISOString()))();
    return { outcome: 'synced', ...report, error: null };
  } catch (error) {
    const failure = classifyFailure(error, target.where);
    if (failure.kind === 'other') env.warn('Sync failed unexpectedly', { error: String(error), stack: (error as Error).stack });
    const now = env.now();
    const failures = getSyncState(env.db, inspectionId).failures + 1;
    env.db.transaction(() =>
      recordSyncFailure(env.db, inspectionId, {
        kind: failure.kind,
        message: failure.message,
        at: new Date(now).toISOString(),
        reachable: !meansOffline(failure.kind),
        nextAttemptAt: now + backoffDelay(failures, env.random),
      }),
    )();
    return { outcome: 'failed', ...report, error: { kind: failure.kind, message: failure.message } };
  }
}

const running = new WeakMap<Db, Map<string, Promise<SyncReport>>>();

/** Runs one sync of an inspection; an automatic call while one is running joins it, a forced one follows it. */
export function runSync(env: SyncEnv, target: SyncTarget, inspectionId: string, options: SyncRunOptions): Promise<SyncReport> {
  let perDb = running.get(env.db);
  if (!perDb) {
    perDb = new Map();
    running.set(env.db, perDb);
  }
  const current = perDb.get(inspectionId);
  // An automatic run may have skipped the export; "Sync now" must still send what is new.
  if (current) return options.force ? current.then(() => runSync(env, target, inspectionId, options)) : current;
  const run = runOnce(env, target, inspectionId, options).finally(() => perDb.delete(inspectionId));
  perDb.set(inspectionId, run);
  return run;
}
