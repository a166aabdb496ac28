/**
 * One writer per data folder, across processes: whoever opens a data folder for writing (the
 * desktop app's core, a browser-mode server, a CLI command that changes the store) holds
 * `<data folder>/fieldwork.lock`, a small file naming its process. A second process is refused
 * with a sentence while that process is alive; a lock left by a process that died (a crash,
 * a power cut, a kill) is taken over, because its pid no longer answers.
 *
 * Within one process (the core's worker thread, tests opening a folder twice) the lock is
 * re-entrant: the same pid may open the folder again. Inside a process, writes are serialised
 * by the write queue (write-queue.ts).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { processAlive } from '../store/process-alive.js';

export const LOCK_FILE = 'fieldwork.lock';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** What holds it, in words: "the Fieldwork desktop app", "a Fieldwork browser-mode server", "the fieldwork CLI". */
  readonly who: string;
  readonly since: string;
}

export interface DataLock {
  readonly path: string;
  release(): void;
}

function readHolder(path: string): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder> | null;
    if (!value || typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return {
      pid: value.pid,
      host: value.host,
      who: typeof value.who === 'string' ? value.who : 'another Fieldwork',
      since: typeof value.since === 'string' ? value.since : '',
    };
  } catch {
    return null;
  }
}

function refusal(holder: LockHolder, dataDir: string): AppError {
  const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on the computer “${holder.host}”`;
  return new AppError(
    'store_locked',
    `This data folder is already open in ${holder.who} (${where}). Only one Fieldwork can change it at a time: close the other one first, then try again. Nothing was changed.`,
    { dataDir, pid: holder.pid, host: holder.host },
  );
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

const releasers = new Set<() => void>();
let exitHookInstalled = false;

export interface LockQueue {
  /** Holders worth waiting for: ones that end by themselves (another CLI command), never an app left open. */
  readonly behind: readonly string[];
  /** How long to wait in line before refusing. */
  readonly maxMs: number;
  /** Told once, when this process starts waiting, who it waits for. */
  readonly onWait?: (holder: LockHolder) => void;
}

/**
 * Takes the data folder's lock, waiting in line while a holder named in `queue.behind` (another
 * CLI command: two merges started together) has it; any other holder, or a wait past
 * `queue.maxMs`, is refused with the same sentence as `acquireDataLock`.
 */
export async function acquireDataLockInTurn(dataDir: string, who: string, queue: LockQueue): Promise<DataLock> {
  const deadline = Date.now() + queue.maxMs;
  let told = false;
  for (;;) {
    try {
      return acquireDataLock(dataDir, who);
    } catch (error) {
      const holder = readHolder(join(dataDir, LOCK_FILE));
      const waitable = holder !== null && holder.host === hostname() && queue.behind.includes(holder.who);
      if (!(error instanceof AppError) || error.code !== 'store_locked' || !waitable || Date.now() >= deadline) throw error;
      if (!told) {
        told = true;
        queue.onWait?.(holder);
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 100)));
    }
  }
}

/** Takes the data folder's lock or throws `store_locked` naming the process that holds it. */
export function acquireDataLock(dataDir: string, who: string): DataLock {
  const path = join(dataDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: hostname(), who, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(path, mine)) break;
    const holder = readHolder(path);
    if (holder !== null && holder.pid === process.pid && holder.host === mine.host) break; // re-entrant
    if (holder !== null && (holder.host !== mine.host || processAlive(holder.pid))) throw refusal(holder, dataDir);
    // A lock left by a process that is gone (or an unreadable, half-written one): take it over.
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (attempt === 2) throw refusal(holder ?? mine, dataDir);
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    releasers.delete(release);
    const holder = readHolder(path);
    if (holder === null || holder.pid !== process.pid) return;
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  releasers.add(release);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => [...releasers].forEach((r) => r()));
  }
  return { path, release };
}
