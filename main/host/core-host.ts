/**
 * The shell's side of the core host: starts the core worker thread (core-worker.ts) on a data
 * folder and relays typed messages to it. The shell (desktop main process, browser-mode server)
 * keeps its thread for windows, menus, dialogs and IPC; commands, merges and backups run in the
 * worker, one writer per store. Secrets kept by the shell (safeStorage) are handed to the
 * worker only when it asks for them.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type Result } from '../../shared/errors.js';
import type { CredentialVault } from '../sync/sync-credentials.js';
import type { KeyVault, DeviceSecrets } from '../sync/device-identity.js';
import type { DispatchOptions } from '../services/dispatch.js';
import { transferablesOf, type CoreStart, type CoreToShell, type SecretMethod, type ShellToCore } from './protocol.js';
import { answerAsk } from './sync-call.js';

export interface CoreHostOptions extends Omit<CoreStart, 'secrets'> {
  /** The bundled worker script (dist/main/core-worker.cjs). */
  readonly workerScript: string;
  /** Secrets the shell keeps (the desktop app's safeStorage); absent: the worker keeps them in files. */
  readonly secrets?: { readonly keys: KeyVault; readonly credentials: CredentialVault };
}

export interface CoreHost {
  readonly mode: 'ready' | 'recovery';
  /** Why the store opened in recovery mode; null when healthy. */
  readonly problem: string | null;
  readonly storePath: string;
  /**
   * Runs one untrusted command in the core; never throws. Progress arrives while it runs. A
   * file's bytes in the input are moved to the worker, not copied: do not use them afterwards.
   */
  dispatch(name: string, input: unknown, options?: DispatchOptions): Promise<Result<unknown>>;
  /** Connectivity changed (the desktop app's net.isOnline watch). */
  notifyOnline(online: boolean): void;
  /** Finishes queued writes, takes the on-quit backup, closes the store and ends the worker. */
  close(): Promise<void>;
}

const GONE: Result<unknown> = {
  ok: false,
  error: {
    code: 'internal',
    message: 'Fieldwork’s core stopped, so this was not done. Restart Fieldwork; your saved work is safe.',
  },
};

function answerSecret(secrets: NonNullable<CoreHostOptions['secrets']>, method: SecretMethod, args: readonly unknown[]): unknown {
  switch (method) {
    case 'keys.describe':
      return secrets.keys.description;
    case 'keys.load':
      return secrets.keys.load();
    case 'keys.save':
      secrets.keys.save(args[0] as DeviceSecrets);
      return null;
    case 'credentials.get':
      return secrets.credentials.get(String(args[0]));
    case 'credentials.set':
      secrets.credentials.set(String(args[0]), String(args[1]));
      return null;
    case 'credentials.remove':
      secrets.credentials.remove(String(args[0]));
      return null;
  }
}

/** Starts the core on a data folder; resolves once the store is open (or in recovery mode), rejects with its AppError. */
export function startCoreHost(options: CoreHostOptions): Promise<CoreHost> {
  const { workerScript, secrets, ...rest } = options;
  const start: CoreStart = { ...rest, secrets: secrets ? 'shell' : 'files' };
  const worker = new Worker(workerScript, { workerData: start });
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; options: DispatchOptions }>();
  let nextId = 1;
  let exited = false;
  let closing: Promise<void> | null = null;
  const send = (message: ShellToCore) =>
    worker.postMessage(message, message.type === 'call' ? transferablesOf(message.input) : []);

  return new Promise<CoreHost>((resolveStart, rejectStart) => {
    let started = false;
    let onClosed: (() => void) | null = null;
    worker.on('message', (message: CoreToShell) => {
      switch (message.type) {
        case 'ask':
          answerAsk(message.reply, () => {
            if (!secrets) throw new AppError('internal', 'This shell keeps no secrets for the core.');
            return answerSecret(secrets, message.method, message.args);
          });
          return;
        case 'progress':
          pending.get(message.id)?.options.onProgress?.(message.done, message.total, message.stage);
          return;
        case 'result': {
          const call = pending.get(message.id);
          pending.delete(message.id);
          call?.resolve(message.result);
          return;
        }
        case 'failed':
          started = true;
          void worker.terminate();
          rejectStart(new AppError(message.error.code, message.error.message, message.error.details));
          return;
        case 'closed':
          onClosed?.();
          return;
        case 'ready':
          started = true;
          resolveStart({
            mode: message.mode,
            problem: message.problem,
            storePath: message.storePath,
            dispatch(name, input, callOptions = {}) {
              if (exited || closing) return Promise.resolve(GONE);
              const id = nextId++;
              return new Promise((resolveCall) => {
                pending.set(id, { resolve: resolveCall, options: callOptions });
                send({ type: 'call', id, name, input, requestId: callOptions.requestId ?? '' });
              });
            },
            notifyOnline(online) {
              if (!exited && !closing) send({ type: 'online', online });
            },
            close() {
              closing ??= exited
                ? Promise.resolve()
                : new Promise<void>((resolveClose) => {
                    onClosed = resolveClose;
                    worker.once('exit', () => resolveClose());
                    send({ type: 'close' });
                  }).then(() => worker.terminate().then(() => undefined));
              return closing;
            },
          });
          return;
      }
    });
    worker.on('error', (error) => {
      if (!started) {
        started = true;
        rejectStart(error);
      }
    });
    worker.on('exit', () => {
      exited = true;
      for (const call of pending.values()) call.resolve(GONE);
      pending.clear();
      if (!started) rejectStart(new AppError('internal', 'Fieldwork’s core stopped while opening the data folder.'));
    });
  });
}
