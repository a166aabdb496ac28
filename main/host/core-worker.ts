/**
 * The core host's worker thread: opens the data folder (store, identity, backups) with
 * openRuntime and answers the shell's typed messages one by one. Everything slow — merges,
 * `VACUUM INTO` backups, purges, the quick check on open — runs here, so the shell's thread
 * (windows, menus, IPC) never waits on it; progress is posted as it happens, even from inside
 * one long transaction, because posting does not need this thread's event loop.
 * Bundled to dist/main/core-worker.cjs (and dist/web/core-worker.cjs) by scripts/build.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors.js';
import { consoleLogger } from '../services/context.js';
import { dispatchToHost, type CommandHost } from '../services/command-host.js';
import { openRuntime, type RecoveryRuntime, type Runtime } from '../services/runtime.js';
import { notifyOnline } from '../services/sync.js';
import { queueWrite } from '../services/write-queue.js';
import { installCredentialVault } from '../sync/sync-credentials.js';
import type { DeviceSecrets, KeyVault } from '../sync/device-identity.js';
import { transferablesOf, type CoreStart, type CoreToShell, type ShellToCore } from './protocol.js';
import { askShell } from './sync-call.js';

if (parentPort === null) throw new Error('core-worker.ts runs only as a worker thread.');
const port = parentPort;
const start = workerData as CoreStart;
const post = (message: CoreToShell): void => port.postMessage(message);

function shellKeyVault(description: string): KeyVault {
  return {
    description,
    load: () => askShell(port, 'keys.load', []) as DeviceSecrets | null,
    save: (secrets) => void askShell(port, 'keys.save', [secrets]),
  };
}

async function main(): Promise<void> {
  if (start.secrets === 'shell') {
    installCredentialVault(() => ({
      description: 'Electron safeStorage (operating system keychain)',
      get: (ref) => askShell(port, 'credentials.get', [ref]) as string | null,
      set: (ref, secret) => void askShell(port, 'credentials.set', [ref, secret]),
      remove: (ref) => void askShell(port, 'credentials.remove', [ref]),
    }));
  }
  let runtime: Runtime | RecoveryRuntime;
  try {
    runtime = await openRuntime({
      dataDir: start.dataDir,
      holder: start.holder,
      recovery: true,
      ...(start.secrets === 'shell' ? { vault: shellKeyVault(String(askShell(port, 'keys.describe', []))) } : {}),
      ...(start.nativeBinding ? { store: { nativeBinding: start.nativeBinding } } : {}),
      ...(start.backups === false ? { backups: false as const } : {}),
    });
  } catch (error) {
    post({
      type: 'failed',
      error: toErrorPayload(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
    return;
  }
  const host: CommandHost = runtime.mode === 'recovery' ? { recovery: runtime.recovery } : { ctx: runtime.ctx };
  const log = runtime.mode === 'recovery' ? runtime.recovery.log : runtime.ctx.log;
  let closed = false;

  port.on('message', (message: ShellToCore) => {
    if (closed) return;
    switch (message.type) {
      case 'call':
        void dispatchToHost(host, message.name, message.input, {
          requestId: message.requestId,
          onProgress: (done, total, stage) => post({ type: 'progress', id: message.id, done, total, stage }),
        }).then((result) =>
          // A file's bytes in the answer (an export, an output) are moved to the shell, not copied.
          port.postMessage(
            { type: 'result', id: message.id, result } satisfies CoreToShell,
            result.ok ? transferablesOf(result.value) : [],
          ),
        );
        return;
      case 'online':
        if (runtime.mode === 'ready') {
          notifyOnline(runtime.ctx, message.online).catch((error: unknown) =>
            log.warn('Sync after a connectivity change failed', { error: String(error) }),
          );
        }
        return;
      case 'close':
        closed = true;
        // After the writes already queued: the on-quit backup if anything changed, a checkpoint,
        // and the data folder's lock freed.
        void queueWrite(start.dataDir, () => runtime.close())
          .catch((error: unknown) => log.error('The data folder did not close cleanly', { reason: String(error) }))
          .finally(() => {
            post({ type: 'closed' });
            port.close();
          });
        return;
    }
  });
  post({
    type: 'ready',
    mode: runtime.mode,
    problem: runtime.mode === 'recovery' ? runtime.problem : null,
    storePath: runtime.storePath,
  });
}

main().catch((error: unknown) => {
  consoleLogger.error('The Fieldwork core failed to start', { stack: error instanceof Error ? error.stack : String(error) });
  post({ type: 'failed', error: toErrorPayload(error) });
});
