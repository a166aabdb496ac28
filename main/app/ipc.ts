/**
 * The Electron transport of the API contract: one IPC channel for commands, one for progress.
 * Input validation is dispatch()'s job (zod, per command); this file's job is to make sure the
 * call came from the app's own page before anything else happens.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ProgressEvent } from '../../shared/api/index.js';
import type { Result } from '../../shared/errors.js';
import type { Logger } from '../services/context.js';
import type { DispatchOptions } from '../services/dispatch.js';
import { isAppUrl } from './app-protocol.js';

export const INVOKE_CHANNEL = 'fieldwork:invoke';
export const PROGRESS_CHANNEL = 'fieldwork:progress';
/**
 * Answered here, by the shell, never by the core: proof that the window's IPC answers while
 * the core is busy (a merge, a backup), since commands run in the core's own thread.
 */
export const PING_COMMAND = 'app.ping';

/** Runs one untrusted command (dispatch() or, in recovery mode, dispatchToHost()); never throws. */
export type Dispatcher = (name: string, input: unknown, options: DispatchOptions) => Promise<Result<unknown>>;

export interface IpcWiring {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly log: Logger;
  /** The window whose page may call us; null while there is none. */
  readonly window: () => BrowserWindow | null;
  readonly dispatch: Dispatcher;
}

/*
 * ============================== SECURITY: THE SENDER CHECK ==============================
 * Every command goes through here. Before we look at the command name or its input we prove
 * the message came from THE APP'S OWN PAGE:
 *   1. the sending webContents is our window's webContents (not some other webContents),
 *   2. the sending frame is that window's MAIN frame (not an iframe inside it), and
 *   3. that frame is showing `app://fieldwork/...` (not a page it was somehow navigated to).
 * A null senderFrame (navigated away or destroyed mid-call) is refused too. Anything that
 * fails is refused with `forbidden` and dispatch() is NEVER called. Do not relax this.
 * ========================================================================================
 */
export function isAppSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, window: BrowserWindow | null): boolean {
  if (window === null || window.isDestroyed()) return false;
  const contents = window.webContents;
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (frame === null || frame !== contents.mainFrame) return false;
  return isAppUrl(frame.url);
}

const REFUSED: Result<unknown> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from Fieldwork’s own window, so it was refused.' },
};

/** A request id is only an echo for matching progress to a call; keep it short and printable. */
function cleanRequestId(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[^\w.:-]/g, '').slice(0, 64) : '';
}

export function registerIpc(wiring: IpcWiring): () => void {
  const handler = async (event: IpcMainInvokeEvent, name: unknown, input: unknown, requestId: unknown) => {
    const window = wiring.window();
    if (!isAppSender(event, window)) {
      wiring.log.warn('Refused an IPC call that did not come from the app window', {
        url: event.senderFrame?.url ?? null,
      });
      return REFUSED;
    }
    if (typeof name !== 'string') {
      return { ok: false, error: { code: 'invalid_input', message: 'A command name is required.' } } satisfies Result<unknown>;
    }
    if (name === PING_COMMAND) return { ok: true, value: 'pong' } satisfies Result<unknown>;
    const id = cleanRequestId(requestId);
    const sender = event.sender;
    return wiring.dispatch(name, input, {
      requestId: id,
      onProgress: (done, total, stage) => {
        if (sender.isDestroyed()) return;
        const progress: ProgressEvent = { command: name, requestId: id, done, total, stage };
        sender.send(PROGRESS_CHANNEL, progress);
      },
    });
  };
  wiring.ipcMain.handle(INVOKE_CHANNEL, handler);
  return () => wiring.ipcMain.removeHandler(INVOKE_CHANNEL);
}
