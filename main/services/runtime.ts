/**
 * Opening Fieldwork's data folder: the store, this device's identity, the rolling backups and
 * the context every command runs with. Used by the desktop app, browser mode, the CLI and
 * tests alike. With `recovery: true` a damaged store gives a recovery-mode runtime (the
 * recovery screen's commands only) instead of an error; the file itself is never touched.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { openStore, type Db, type OpenStoreOptions } from '../store/connection.js';
import { ensureFolder } from '../store/durable-file.js';
import { recordDevice } from '../store/meta-repo.js';
import { fileKeyVault, loadOrCreateIdentity, type DeviceIdentity, type KeyVault } from '../sync/device-identity.js';
import { startBackupScheduler, type BackupPolicy, type BackupScheduler } from './backups.js';
import { sealAllDrafts } from './drafts.js';
import { consoleLogger, type Logger, type ServiceContext } from './context.js';
import { acquireDataLock, acquireDataLockInTurn, type DataLock, type LockQueue } from './data-lock.js';
import { queueWrite } from './write-queue.js';
import { createRecoverySession, type RecoverySession } from './recovery.js';

export const STORE_FILE = 'fieldwork.db';
export const KEY_FILE = 'device-keys.json';

/** How each kind of process names itself in the data folder's lock (see data-lock.ts). */
export const DESKTOP_HOLDER = 'the Fieldwork desktop app';
export const WEB_HOLDER = 'a Fieldwork browser-mode server';
export const CLI_HOLDER = 'the fieldwork command line';

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly vault?: KeyVault;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly store?: OpenStoreOptions;
  /** Rolling backups (on by default); `false` turns them off, e.g. for throwaway stores. */
  readonly backups?: Partial<BackupPolicy> | false;
  /** When the store is damaged, return a recovery-mode runtime instead of throwing `store_corrupt`. */
  readonly recovery?: boolean;
  /** The store file when it is not `<dataDir>/fieldwork.db` (the CLI's `--data FILE.db`). */
  readonly storeFile?: string;
  /** Encrypt the store at rest with the device's store key (default). Tests of physical erasure turn it off. */
  readonly encryptStore?: boolean;
  /** Who holds the data folder's lock, in words, for the sentence a second process is refused with. */
  readonly holder?: string;
  /** Wait in line for the lock behind these holders instead of being refused at once (data-lock.ts). */
  readonly lockQueue?: LockQueue;
}

/**
 * `--data` may name the data folder or a `.db` store file in it; the device keys are always
 * kept in the folder, next to the store.
 */
export function dataLocation(path: string): { dataDir: string; storeFile?: string } {
  const absolute = resolve(path);
  return absolute.toLowerCase().endsWith('.db') ? { dataDir: dirname(absolute), storeFile: absolute } : { dataDir: absolute };
}

const storePathOf = (options: RuntimeOptions): string => options.storeFile ?? join(options.dataDir, STORE_FILE);

export interface Runtime {
  readonly mode: 'ready';
  readonly ctx: ServiceContext;
  readonly storePath: string;
  readonly backups: BackupScheduler | null;
  /** Takes the on-quit backup (if anything changed) and closes the store. */
  close(): void;
}

/** A damaged store: only the recovery commands answer until it is restored (see recovery.ts). */
export interface RecoveryRuntime {
  readonly mode: 'recovery';
  readonly storePath: string;
  readonly dataDir: string;
  readonly problem: string;
  readonly recovery: RecoverySession;
  close(): void;
}

/** `--data DIR`, then FIELDWORK_DATA, then the per-user default. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, fallback?: string): string {
  const flag = argv.indexOf('--data');
  if (flag >= 0 && argv[flag + 1]) return resolve(argv[flag + 1] as string);
  const inline = argv.find((a) => a.startsWith('--data='));
  if (inline) return resolve(inline.slice('--data='.length));
  if (env.FIELDWORK_DATA) return resolve(env.FIELDWORK_DATA);
  return fallback ?? join(homedir(), '.fieldwork');
}

function contextFor(db: Db, device: DeviceIdentity, options: RuntimeOptions, log: Logger, keyProtection: string): ServiceContext {
  return { db, device, now: options.now ?? Date.now, dataDir: options.dataDir, log, keyProtection };
}

const CHECKPOINT_EVERY_MS = 1_000;

/**
 * Typing never waits on a checkpoint: SQLite's automatic WAL checkpoint runs inside whichever
 * commit crosses 1,000 pages, which made that one note save copy pages back into the database
 * and fsync it (the p99 of note saves). Here the WAL is checkpointed on a timer instead, in its
 * turn in the write queue (in the core's own thread, so the window never waits on it either).
 * A WAL that is not checkpointed is still durable: it is the commit, not the checkpoint, that
 * is fsynced.
 */
function checkpointOffTheSavePath(db: Db, dataDir: string, log: Logger): () => void {
  db.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    void queueWrite(dataDir, () => {
      if (db.open && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
    }).catch((error: unknown) => log.warn('A background checkpoint did not run.', { reason: String(error) }));
  }, CHECKPOINT_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Drafts left open by a kill, a power cut or a quit: sealed now (they were durable all along). */
function sealLeftoverDrafts(ctx: ServiceContext): void {
  try {
    const sealed = sealAllDrafts(ctx);
    if (sealed.ops > 0) ctx.log.info('Sealed the note drafts left open.', { ...sealed });
  } catch (error) {
    ctx.log.warn('Open note drafts could not be sealed yet; they stay in the store.', { reason: String(error) });
  }
}

function openReady(
  options: RuntimeOptions,
  device: DeviceIdentity,
  log: Logger,
  keyProtection: string,
  sealAtStart = true,
): Runtime {
  const storePath = storePathOf(options);
  const db: Db = openStore(storePath, options.store);
  recordDevice(db, device.author, device.ageRecipient, new Date().toISOString());
  const ctx = contextFor(db, device, options, log, keyProtection);
  const stopCheckpoints = options.store?.readonly ? () => undefined : checkpointOffTheSavePath(db, options.dataDir, log);
  if (!options.store?.readonly && sealAtStart) sealLeftoverDrafts(ctx);
  const backups =
    options.backups === false || options.store?.readonly
      ? null
      : startBackupScheduler(db, options.dataDir, { log, now: ctx.now, policy: options.backups ?? {} });
  return {
    mode: 'ready',
    ctx,
    storePath,
    backups,
    close: () => {
      stopCheckpoints();
      // Quitting closes the composer: its draft is sealed before the on-quit backup.
      if (!options.store?.readonly) sealLeftoverDrafts(ctx);
      backups?.stop();
      db.close();
    },
  };
}

function closeThenRelease(close: () => void, lock: DataLock | null): void {
  try {
    close();
  } finally {
    lock?.release();
  }
}

export function openRuntime(options: RuntimeOptions & { readonly recovery: true }): Promise<Runtime | RecoveryRuntime>;
export function openRuntime(options: RuntimeOptions): Promise<Runtime>;
export async function openRuntime(requested: RuntimeOptions): Promise<Runtime | RecoveryRuntime> {
  const options = requested;
  ensureFolder(options.dataDir);
  // One writer per data folder: a second process is refused before anything is read or written
  // (no key file is created for a command that is then refused). Read-only opens take no lock.
  const who = options.holder ?? 'another Fieldwork';
  const lock = options.store?.readonly
    ? null
    : options.lockQueue
      ? await acquireDataLockInTurn(options.dataDir, who, options.lockQueue)
      : acquireDataLock(options.dataDir, who);
  try {
    return await openLocked(options, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function openLocked(requested: RuntimeOptions, lock: DataLock | null): Promise<Runtime | RecoveryRuntime> {
  let options = requested;
  const log = options.log ?? consoleLogger;
  const vault = options.vault ?? fileKeyVault(join(options.dataDir, KEY_FILE), (m) => log.warn(m));
  const device = await loadOrCreateIdentity(vault);
  const key = options.encryptStore === false ? undefined : (device.storeKey ?? undefined);
  options = { ...options, store: { ...options.store, ...(key ? { key } : {}) } };
  try {
    const ready = openReady(options, device, log, vault.description);
    return { ...ready, close: () => closeThenRelease(ready.close, lock) };
  } catch (error) {
    if (!options.recovery || !(error instanceof AppError) || error.code !== 'store_corrupt') throw error;
    const storePath = storePathOf(options);
    log.error('The data file is damaged; starting in recovery mode.', { storePath, reason: error.details?.reason });
    const recovery = createRecoverySession({
      dataDir: options.dataDir,
      storePath,
      problem: error.message,
      device,
      log,
      now: options.now ?? Date.now,
      ...(options.store ? { store: options.store } : {}),
      // A restore seals the backup's drafts itself, after the damaged file's newer work (recovery.ts).
      openReady: () => openReady(options, device, log, vault.description, false),
      readOnlyContext: (db) => contextFor(db, device, options, log, vault.description),
    });
    return {
      mode: 'recovery',
      storePath,
      dataDir: options.dataDir,
      problem: error.message,
      recovery,
      close: () => closeThenRelease(() => recovery.close(), lock),
    };
  }
}
