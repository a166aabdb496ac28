/**
 * The preload script: the whole surface the page gets is `window.fieldwork` with two functions
 * (the DesktopBridge in renderer/api/transport.ts). It runs sandboxed, so it may require only
 * 'electron'; scripts/build.mjs bundles it into one CommonJS file. No raw ipcRenderer, no
 * Node objects and no event objects ever cross to the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ProgressEvent } from '../../shared/api/index.js';

// Kept in step with main/app/ipc.ts by hand: importing it would pull Node modules into the
// sandboxed bundle. tests/unit/app/preload.test.ts checks both names.
const INVOKE_CHANNEL = 'fieldwork:invoke';
const PROGRESS_CHANNEL = 'fieldwork:progress';

function isProgressEvent(value: unknown): value is ProgressEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.command === 'string' &&
    typeof v.requestId === 'string' &&
    typeof v.done === 'number' &&
    typeof v.total === 'number' &&
    typeof v.stage === 'string'
  );
}

const bridge = {
  invoke(name: string, input: unknown, requestId?: string): Promise<unknown> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, String(name), input, requestId === undefined ? '' : String(requestId));
  },
  onProgress(listener: (event: ProgressEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onProgress needs a function');
    const relay = (_event: IpcRendererEvent, progress: unknown) => {
      // Only the payload crosses, copied field by field; the IPC event object stays here.
      if (isProgressEvent(progress)) {
        listener({
          command: progress.command,
          requestId: progress.requestId,
          done: progress.done,
          total: progress.total,
          stage: progress.stage,
        });
      }
    };
    ipcRenderer.on(PROGRESS_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(PROGRESS_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld('fieldwork', bridge);
