// The preload bridge: the page gets window.fieldwork with exactly invoke and onProgress, on the
// same channels main listens on, and never the raw IPC event.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcRenderer, recorded, resetFakeElectron } from './fake-electron.js';
import { INVOKE_CHANNEL, PROGRESS_CHANNEL } from '../../../main/app/ipc.js';

vi.mock('electron', () => import('./fake-electron.js'));

interface Bridge {
  invoke(name: string, input: unknown, requestId?: string): Promise<unknown>;
  onProgress(listener: (event: unknown) => void): () => void;
}

let bridge: Bridge;

beforeAll(async () => {
  resetFakeElectron();
  await import('../../../main/app/preload.js');
  bridge = recorded.exposed.get('fieldwork') as Bridge;
});

describe('preload bridge', () => {
  it('exposes only window.fieldwork with invoke and onProgress', () => {
    expect([...recorded.exposed.keys()]).toEqual(['fieldwork']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onProgress']);
  });

  it('sends commands on the channel main handles', async () => {
    await bridge.invoke('inspections.list', { a: 1 }, 'req-1');
    expect(ipcRenderer.invocations).toEqual([[INVOKE_CHANNEL, 'inspections.list', { a: 1 }, 'req-1']]);
  });

  it('relays progress payloads only (not the IPC event) and unsubscribes', () => {
    const seen: unknown[] = [];
    const stop = bridge.onProgress((event) => seen.push(event));
    const progress = { command: 'bundles.import', requestId: 'r', done: 1, total: 3, stage: 'verifying' };
    ipcRenderer.emit(PROGRESS_CHANNEL, { sender: 'the raw event' }, progress);
    ipcRenderer.emit(PROGRESS_CHANNEL, { sender: 'the raw event' }, { not: 'progress' });
    expect(seen).toEqual([progress]);
    stop();
    ipcRenderer.emit(PROGRESS_CHANNEL, {}, progress);
    expect(seen).toHaveLength(1);
    expect(ipcRenderer.listenerCount(PROGRESS_CHANNEL)).toBe(0);
  });

  it('is built to a file that requires nothing but electron (the sandbox allows no more)', () => {
    // The real build (npm test builds first; build here when run on its own).
    if (!existsSync('dist/main/preload.cjs')) {
      expect(spawnSync(process.execPath, ['scripts/build.mjs', 'main'], { stdio: 'inherit' }).status).toBe(0);
    }
    const built = readFileSync('dist/main/preload.cjs', 'utf8');
    const requires = [...built.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(built).not.toMatch(/__filename|__dirname/);
  });
});
