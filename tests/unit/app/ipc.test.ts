// The IPC transport's sender check: a call that does not come from the app's own main frame
// is refused before dispatch() ever runs; a call that does is passed through with progress.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { DispatchOptions } from '../../../main/services/dispatch.js';
import { FakeBrowserWindow, FakeWebContents, ipcMain, recorded, resetFakeElectron } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const { INVOKE_CHANNEL, PROGRESS_CHANNEL, isAppSender, registerIpc } = await import('../../../main/app/ipc.js');

interface DispatchCall {
  name: string;
  input: unknown;
  options: DispatchOptions;
}

const warnings: string[] = [];
const log = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };

let window: FakeBrowserWindow;
let calls: DispatchCall[];
let stop: () => void;

function asWindow(w: FakeBrowserWindow | null): BrowserWindow | null {
  return w as unknown as BrowserWindow | null;
}

function eventFrom(sender: FakeWebContents, frame: { url: string } | null): IpcMainInvokeEvent {
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

function invoke(event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
  const handler = recorded.ipcHandlers.get(INVOKE_CHANNEL);
  if (!handler) throw new Error('no handler registered');
  return Promise.resolve(handler(event, ...args));
}

beforeEach(() => {
  resetFakeElectron();
  warnings.length = 0;
  window = new FakeBrowserWindow({});
  void window.loadURL('app://fieldwork/index.html');
  calls = [];
  stop = registerIpc({
    ipcMain: ipcMain as never,
    log,
    window: () => asWindow(window),
    dispatch: async (name, input, options) => {
      calls.push({ name, input, options });
      options.onProgress?.(1, 2, 'halfway');
      return { ok: true, value: { echoed: name } };
    },
  });
});

afterEach(() => resetFakeElectron());

describe('IPC sender check', () => {
  it('passes a call from the app’s own main frame to dispatch, with progress to the window', async () => {
    const result = await invoke(eventFrom(window.webContents, window.webContents.mainFrame), 'inspections.list', {}, 'r-1');
    expect(result).toEqual({ ok: true, value: { echoed: 'inspections.list' } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe('inspections.list');
    expect(calls[0]?.options.requestId).toBe('r-1');
    expect(window.webContents.sent).toEqual([
      [PROGRESS_CHANNEL, { command: 'inspections.list', requestId: 'r-1', done: 1, total: 2, stage: 'halfway' }],
    ]);
  });

  const refused = { ok: false, error: { code: 'forbidden' } };

  it('refuses another webContents and never dispatches', async () => {
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'app://fieldwork/index.html';
    const result = await invoke(eventFrom(stranger, stranger.mainFrame), 'inspections.list', {});
    expect(result).toMatchObject(refused);
    expect(calls).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a subframe of our window, even one on the app origin', async () => {
    const iframe = { url: 'app://fieldwork/index.html' };
    expect(await invoke(eventFrom(window.webContents, iframe), 'inspections.list', {})).toMatchObject(refused);
    expect(calls).toHaveLength(0);
  });

  it('refuses our main frame once it shows anything but app://fieldwork', async () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'about:blank', '']) {
      window.webContents.mainFrame.url = url;
      expect(await invoke(eventFrom(window.webContents, window.webContents.mainFrame), 'x', {}), url).toMatchObject(refused);
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses a frame that has gone (senderFrame null) and a destroyed or missing window', async () => {
    expect(await invoke(eventFrom(window.webContents, null), 'inspections.list', {})).toMatchObject(refused);
    window.destroyed = true;
    expect(await invoke(eventFrom(window.webContents, window.webContents.mainFrame), 'inspections.list', {})).toMatchObject(
      refused,
    );
    expect(isAppSender(eventFrom(window.webContents, window.webContents.mainFrame), null)).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('rejects a non-string command name without dispatching', async () => {
    const result = await invoke(eventFrom(window.webContents, window.webContents.mainFrame), { evil: true }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(calls).toHaveLength(0);
  });

  it('cleans the request id before echoing it', async () => {
    await invoke(
      eventFrom(window.webContents, window.webContents.mainFrame),
      'inspections.list',
      {},
      '<script>x</script>'.repeat(20),
    );
    expect(calls[0]?.options.requestId).toMatch(/^[\w.:-]{0,64}$/);
  });

  it('removes its handler when stopped', () => {
    expect(recorded.ipcHandlers.has(INVOKE_CHANNEL)).toBe(true);
    stop();
    expect(recorded.ipcHandlers.has(INVOKE_CHANNEL)).toBe(false);
  });
});
