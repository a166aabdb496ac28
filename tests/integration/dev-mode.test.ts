// `npm run dev` as a developer runs it (a real process): Vite serves the renderer with hot
// reload, browser mode's server is built and started behind it, and /api answers through the
// proxy with the printed token (and only with it).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/runtime.js';

let child: ChildProcess;
let pageUrl = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['scripts/dev.mjs', '--data', tempDir('fieldwork-dev-'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let i = 0; i < 600 && !/Open: (\S+)/.test(out); i += 1) await new Promise((r) => setTimeout(r, 100));
  pageUrl = /Open: (\S+)/.exec(out)?.[1] ?? '';
  expect(pageUrl, out).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
}, 90_000);

afterAll(() => {
  if (child.pid) process.kill(-child.pid, 'SIGTERM');
});

async function api(withToken: boolean): Promise<Response> {
  const [base, fragment] = pageUrl.split('#');
  const token = (fragment ?? '').replace('token=', '');
  for (let i = 0; i < 100; i += 1) {
    const reply = await fetch(`${base}api/inspections.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(withToken ? { authorization: `Bearer ${token}` } : {}) },
      body: '{}',
    });
    if (reply.status !== 502 && reply.status !== 504 && reply.status !== 500) return reply;
    await new Promise((r) => setTimeout(r, 200)); // the server is still starting behind the proxy
  }
  throw new Error('browser mode never answered through the dev proxy');
}

describe('npm run dev', () => {
  it('serves the renderer with hot reload', async () => {
    const page = await fetch(pageUrl.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/@react-refresh');
  });

  it('answers commands through the proxy with the printed token, and refuses them without it', async () => {
    const ok = await api(true);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, value: [] });
    expect((await api(false)).status).toBe(401);
  });
});
