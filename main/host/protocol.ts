/**
 * The typed messages between a shell (the desktop app's main process, browser mode) and the
 * core host: the worker thread that owns the store, the services, merges and backups.
 * Only plain data crosses; the shell keeps windows, menus, dialogs and the OS keychain, and
 * answers the worker's few synchronous questions about secrets (see sync-call.ts).
 */
import type { ErrorPayload, Result } from '../../shared/errors.js';

/** Given to the worker at start (workerData). */
export interface CoreStart {
  readonly dataDir: string;
  /** Who holds the data folder's lock, in words. */
  readonly holder: string;
  /** The Electron-ABI SQLite module, when not the default lookup. */
  readonly nativeBinding?: string;
  /**
   * `shell`: device keys and sync passwords are kept by the shell (safeStorage) and asked for
   * through synchronous calls; `files`: the worker keeps them in the data folder's files.
   */
  readonly secrets: 'shell' | 'files';
  /** Rolling backups off, for tests of throwaway stores. */
  readonly backups?: false;
}

export type ShellToCore =
  | { readonly type: 'call'; readonly id: number; readonly name: string; readonly input: unknown; readonly requestId: string }
  | { readonly type: 'online'; readonly online: boolean }
  | { readonly type: 'close' };

export type CoreToShell =
  | { readonly type: 'ready'; readonly mode: 'ready' | 'recovery'; readonly problem: string | null; readonly storePath: string }
  | { readonly type: 'failed'; readonly error: ErrorPayload; readonly stack?: string }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number; readonly stage: string }
  | { readonly type: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'closed' }
  | { readonly type: 'ask'; readonly method: SecretMethod; readonly args: readonly unknown[]; readonly reply: SharedArrayBuffer };

/** What the worker may ask the shell, synchronously: the device-key vault and the sync-password vault. */
export type SecretMethod =
  'keys.describe' | 'keys.load' | 'keys.save' | 'credentials.get' | 'credentials.set' | 'credentials.remove';

/**
 * The buffers of the top-level bytes (shared/api/bytes.ts) of a call's input or a result's
 * value, to transfer rather than copy: a file's bytes cross to the worker and back without a
 * second copy. Only a Uint8Array that is its whole, unshared ArrayBuffer is transferred (a
 * small Buffer is a view into Node's shared pool, which must not be detached); the sender must
 * not use the bytes afterwards.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: ArrayBuffer[] = [];
  for (const item of Object.values(value as Record<string, unknown>)) {
    if (!(item instanceof Uint8Array)) continue;
    const buffer = item.buffer;
    if (
      buffer instanceof ArrayBuffer &&
      item.byteOffset === 0 &&
      item.byteLength === buffer.byteLength &&
      !found.includes(buffer)
    )
      found.push(buffer);
  }
  return found;
}
