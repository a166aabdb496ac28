import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { startWebServer } from '../../../main/web/server.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { damageMiddle, saveNote } from './support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('browser mode on a damaged store', () => {
  it('keeps every security check and answers only the recovery commands until restored', async () => {
    const dir = tempDir('fieldwork-web-recovery-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
    for (let i = 0; i < 60; i += 1) saveNote(rt.ctx, inspection.id, `Note ${i} ${'n'.repeat(300)}`);
    rt.close();
    damageMiddle(rt.storePath);

    const opened = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, recovery: true });
    if (opened.mode !== 'recovery') throw new Error('expected recovery mode');
    cleanups.push(() => opened.close());
    const server = await startWebServer({ recovery: opened.recovery, rendererDir: null });
    cleanups.push(() => server.close());
    const post = (name: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
        body: '{}',
      });

    expect((await post('recovery.status', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('recovery.status', { origin: 'http://evil.example' })).status).toBe(403);
    const status = (await (await post('recovery.status')).json()) as { ok: boolean; value: { state: string } };
    expect(status).toMatchObject({ ok: true, value: { state: 'damaged' } });
    const blocked = (await (await post('inspections.list')).json()) as { ok: boolean; error: { code: string } };
    expect(blocked).toMatchObject({ ok: false, error: { code: 'store_corrupt' } });

    const restored = (await (await post('recovery.restore')).json()) as { ok: boolean };
    expect(restored.ok).toBe(true);
    const list = (await (await post('inspections.list')).json()) as { ok: boolean; value: { id: string }[] };
    expect(list.ok).toBe(true);
    expect(list.value.map((i) => i.id)).toEqual([inspection.id]);
    const after = (await (await post('recovery.status')).json()) as { value: { state: string } };
    expect(after.value.state).toBe('ok');
  });
});
