/**
 * Recovery mode: what Fieldwork does when the store fails its check on open. The damaged file
 * is never written to. The user can restore the newest good backup (verified with
 * `PRAGMA integrity_check`) and have the newer work re-applied from the damaged file's signed
 * op log, open the damaged file read-only, or export everything readable.
 *
 * Re-applied work is only what verifies: each changeset's id must be the hash of its bytes
 * and its signature must verify against its author's key, exactly as for an imported bundle.
 */
import { basename } from 'node:path';
import { commands, isCommandName, type CommandName } from '../../shared/api/index.js';
import { RECOVERY_COMMANDS } from '../../shared/api/backups.js';
import { AppError, toErrorPayload, type Result } from '../../shared/errors.js';
import type { Op } from '../../shared/sync/op.js';
import { listBackups, restoreStoreFile, setAside, type BackupEntry } from '../store/backup.js';
import { openStore, type Db, type OpenStoreOptions } from '../store/connection.js';
import { countSalvageable, salvageChangesets, salvageDrafts, type SalvagedChangeset } from '../store/integrity.js';
import { hasChangeset, insertChangeset } from '../store/op-log-repo.js';
import { startNewChainLine } from '../store/meta-repo.js';
import { insertOps, linkOps } from '../sync/apply-ops.js';
import type { ChangesetBody } from '../sync/changeset.js';
import { verifySignature, type DeviceIdentity } from '../sync/device-identity.js';
import { putBackDrafts } from '../sync/local-drafts.js';
import { observeRemoteHlc, sealOps } from '../sync/local-write.js';
import { sha256Hex } from '../sync/op-id.js';
import { backupsDir, countOutboxBundles, listOutboxBundles, toBackupInfo, writeReadableExport } from './backups.js';
import { importBundleFile } from './bundles.js';
import { inTransaction, type Logger, type ServiceContext } from './context.js';
import { sealAllDrafts } from './drafts.js';
import { checkOutput, type DispatchOptions } from './dispatch.js';
import { queueWrite } from './write-queue.js';

type Progress = (done: number, total: number, stage: string) => void;

export interface ReapplyResult {
  readonly reapplied: number;
  readonly alreadyPresent: number;
  readonly rejected: number;
}

function parseBody(bytes: Buffer): ChangesetBody | null {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof body !== 'object' || body === null) return null;
    const candidate = body as Partial<ChangesetBody>;
    return Array.isArray(candidate.ops) && typeof candidate.author === 'string' ? (body as ChangesetBody) : null;
  } catch {
    return null;
  }
}

/**
 * Applies salvaged changesets to a healthy store in ONE transaction, after checking each one's
 * hash and signature and that its body matches its row. Changesets the store has are counted,
 * not re-applied; a changeset whose author slot is taken by a different one is refused.
 */
export function reapplyChangesets(ctx: ServiceContext, salvaged: readonly SalvagedChangeset[]): ReapplyResult {
  let reapplied = 0;
  let alreadyPresent = 0;
  let rejected = 0;
  let newestHlc: string | null = null;
  const ordered = [...salvaged].sort((a, b) => (a.author === b.author ? a.seq - b.seq : a.author < b.author ? -1 : 1));
  const resealed = new Map<string, Op[]>();
  const inserted: Op[] = [];
  ctx.db.transaction(() => {
    for (const record of ordered) {
      const body = parseBody(record.body);
      const genuine =
        body !== null &&
        sha256Hex(record.body) === record.id &&
        body.author === record.author &&
        body.seq === record.seq &&
        body.inspection === record.inspection &&
        body.ops.every((op: Op) => op.author === record.author && op.inspection === record.inspection) &&
        verifySignature(record.author, record.body, record.signature);
      if (!genuine || body === null) {
        rejected += 1;
        continue;
      }
      if (hasChangeset(ctx.db, record.id)) {
        alreadyPresent += 1;
        continue;
      }
      // SALVAGE HOLES: one of this laptop's own changesets was lost before this one (its `prev`
      // is not here). Re-inserting it would leave the lead waiting for the lost one for ever
      // (a chain-gap); instead its ops — and those of every later own changeset in that
      // inspection — are re-sealed below into a new changeset on a new chain line (same op ids,
      // so a lead that has the originals merges nothing twice). docs/sync-and-merge.md.
      const own = record.author === ctx.device.author;
      const orphans = resealed.get(record.inspection);
      if (own && (orphans !== undefined || (record.prev !== null && !hasChangeset(ctx.db, record.prev)))) {
        resealed.set(record.inspection, [...(orphans ?? []), ...body.ops]);
        reapplied += 1;
        continue;
      }
      if (!insertChangeset(ctx.db, record, record.receivedAt)) {
        rejected += 1;
        continue;
      }
      // The pipeline's first half per changeset; the second links every re-applied op once, below.
      inserted.push(...insertOps(ctx.db, body.ops, record.id));
      for (const op of body.ops) if (newestHlc === null || op.hlc > newestHlc) newestHlc = op.hlc;
      reapplied += 1;
    }
    linkOps(ctx.db, inserted);
    for (const [inspectionId, ops] of resealed) {
      startNewChainLine(ctx.db, ctx.now());
      sealOps(ctx, inspectionId, ops);
      for (const op of ops) if (newestHlc === null || op.hlc > newestHlc) newestHlc = op.hlc;
    }
    // This device's next edit must sort after everything it re-gained.
    if (newestHlc !== null) observeRemoteHlc(ctx, newestHlc);
  })();
  return { reapplied, alreadyPresent, rejected };
}

/**
 * Imports the bundles still waiting in the outbox with the ordinary verified bundle import
 * (each its own transaction). They hold this laptop's own changesets, so they bring back work
 * whose op-log pages were lost; a bundle that cannot be imported is logged and skipped.
 */
export async function reapplyOutbox(
  ctx: ServiceContext,
  progress: Progress = () => undefined,
): Promise<{ found: number; applied: number }> {
  const paths = listOutboxBundles(ctx.dataDir);
  let applied = 0;
  for (const [index, path] of paths.entries()) {
    progress(index, paths.length, 'Re-importing outbox bundles');
    try {
      const summary = await importBundleFile(ctx, path, { fileName: basename(path), confirmDeletions: true });
      if (summary.status === 'imported') applied += 1;
    } catch (error) {
      ctx.log.warn('An outbox bundle could not be re-applied during recovery.', {
        path,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { found: paths.length, applied };
}

/** A ready store to hand back once recovery is done (built by runtime.ts). */
export interface RecoveredStore {
  readonly ctx: ServiceContext;
  close(): void;
}

export interface RecoverySessionOptions {
  readonly dataDir: string;
  readonly storePath: string;
  readonly problem: string;
  readonly device: DeviceIdentity;
  readonly log: Logger;
  readonly now: () => number;
  readonly store?: OpenStoreOptions;
  /** Opens the (restored) store as a normal runtime. */
  readonly openReady: () => RecoveredStore;
  /** Builds a context around a read-only handle on the damaged store. */
  readonly readOnlyContext: (db: Db) => ServiceContext;
}

export interface RecoverySession {
  readonly problem: string;
  readonly log: Logger;
  /** The store to serve ordinary commands from once restored or opened read-only, else null. */
  served(): { readonly ctx: ServiceContext; readonly readOnly: boolean } | null;
  /** Whether this session answers `name` itself (recovery commands until the store is restored). */
  answers(name: string): boolean;
  dispatch(name: string, rawInput: unknown, options?: DispatchOptions): Promise<Result<unknown>>;
  close(): void;
}

export function createRecoverySession(options: RecoverySessionOptions): RecoverySession {
  let recovered: RecoveredStore | null = null;
  let readOnlyDb: Db | null = null;
  let readOnlyCtx: ServiceContext | null = null;
  let recoverable: number | null | undefined;
  let restoring = false;

  const status = () => {
    recoverable ??= countSalvageable(options.storePath, { key: options.store?.key });
    return {
      state: readOnlyCtx ? ('readOnly' as const) : ('damaged' as const),
      problem: options.problem,
      dataFolder: options.dataDir,
      backupsFolder: backupsDir(options.dataDir),
      backups: listBackups(backupsDir(options.dataDir)).map(toBackupInfo),
      recoverableChangesets: recoverable,
      outboxBundles: countOutboxBundles(options.dataDir),
    };
  };

  const closeReadOnly = () => {
    readOnlyDb?.close();
    readOnlyDb = null;
    readOnlyCtx = null;
  };

  const restore = async (backupName: string | undefined, progress: Progress) => {
    progress(0, 3, 'Reading the damaged file');
    const salvaged = (() => {
      try {
        return salvageChangesets(options.storePath, { key: options.store?.key }).changesets;
      } catch (error) {
        options.log.warn('Nothing could be read from the damaged data file.', { reason: String(error) });
        return [];
      }
    })();
    // Typed but not yet sealed in the damaged file: newer than anything in a backup.
    const drafts = (() => {
      try {
        return salvageDrafts(options.storePath, { key: options.store?.key });
      } catch {
        return [];
      }
    })();
    closeReadOnly();
    const all = listBackups(backupsDir(options.dataDir));
    const candidates = backupName ? all.filter((b) => b.name === backupName) : all;
    if (backupName && candidates.length === 0) throw new AppError('not_found', 'That backup is no longer there.');
    const skipped: string[] = [];
    let used: BackupEntry | null = null;
    let setAsidePath: string | null = null;
    const at = new Date(options.now());
    progress(1, 3, 'Checking and restoring the backup');
    for (const backup of candidates) {
      try {
        setAsidePath = restoreStoreFile(options.storePath, backup.path, {
          label: 'damaged',
          at,
          store: options.store,
        }).setAsidePath;
        used = backup;
        break;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'store_corrupt' || backupName) throw error;
        skipped.push(backup.name);
      }
    }
    if (!used) {
      // No good backup: start from an empty store and rebuild everything from the op log.
      setAsidePath = setAside(options.storePath, 'damaged', at);
      openStore(options.storePath, options.store ?? {}).close();
    }
    recovered = options.openReady();
    // An empty store rebuilt from salvage is behind what this laptop sent, like a restored one.
    if (!used) startNewChainLine(recovered.ctx.db, at.getTime());
    progress(2, 3, 'Re-applying newer changes');
    const applied = reapplyChangesets(recovered.ctx, salvaged);
    const outbox = await reapplyOutbox(recovered.ctx, progress);
    // The backup's own drafts and the damaged file's are sealed now, after the newer work.
    const ctx = recovered.ctx;
    inTransaction(ctx, () => putBackDrafts(ctx, drafts));
    sealAllDrafts(ctx);
    progress(3, 3, 'Done');
    return {
      restoredFrom: used ? toBackupInfo(used) : null,
      skippedBackups: skipped,
      reappliedChangesets: applied.reapplied,
      alreadyPresent: applied.alreadyPresent,
      rejectedChangesets: applied.rejected,
      outboxBundlesFound: outbox.found,
      outboxBundlesApplied: outbox.applied,
      setAsidePath,
    };
  };

  const run = async (name: CommandName, input: unknown, progress: Progress): Promise<unknown> => {
    const spec = commands[name];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'That request was not valid.');
    switch (name) {
      case 'recovery.status':
        return status();
      case 'backups.list':
        return listBackups(backupsDir(options.dataDir)).map(toBackupInfo);
      case 'recovery.restore':
        if (restoring) throw new AppError('conflict', 'A restore is already running. Wait for it to finish.');
        restoring = true;
        try {
          return await restore((parsed.data as { backupName?: string }).backupName, progress);
        } finally {
          restoring = false;
        }
      case 'recovery.openReadOnly':
        if (!readOnlyCtx) {
          readOnlyDb = openStore(options.storePath, { ...options.store, readonly: true, skipIntegrityCheck: true });
          readOnlyCtx = options.readOnlyContext(readOnlyDb);
        }
        return status();
      case 'recovery.exportReadable':
        return writeReadableExport(options.dataDir, options.storePath, new Date(options.now()), { key: options.store?.key });
      case 'backups.create':
        throw new AppError('store_corrupt', 'A damaged data file is not backed up: restore it first.');
      default:
        throw new AppError('store_corrupt', 'The data file is damaged. Choose how to recover it first.');
    }
  };

  return {
    problem: options.problem,
    log: options.log,
    served: () =>
      recovered ? { ctx: recovered.ctx, readOnly: false } : readOnlyCtx ? { ctx: readOnlyCtx, readOnly: true } : null,
    answers: (name) => recovered === null && RECOVERY_COMMANDS.includes(name),
    async dispatch(name, rawInput, dispatchOptions = {}) {
      if (!isCommandName(name)) return { ok: false, error: { code: 'not_found', message: 'There is no such command.' } };
      try {
        const work = () => run(name, rawInput, dispatchOptions.onProgress ?? (() => undefined));
        // A restore (or any other recovery write) takes its turn in the store's one write queue.
        const value = commands[name].writes ? await queueWrite(options.dataDir, work) : await work();
        return { ok: true, value: checkOutput(name, value) };
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'internal') {
          options.log.error(`Recovery command ${name} failed`, { reason: String(error) });
        }
        return { ok: false, error: toErrorPayload(error) };
      }
    },
    close() {
      closeReadOnly();
      recovered?.close();
    },
  };
}
