import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../main/web/server.js';
import { tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime;
let server: WebServer;

interface Reply {
  status: number;
  body: string;
}

function send(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: options.method ?? 'POST', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

beforeAll(async () => {
  runtime = await testRuntime();
  const renderer = tempDir('fieldwork-renderer-');
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Fieldwork</title>');
  mkdirSync(join(renderer, 'assets'));
  server = await startWebServer({ ctx: runtime.ctx, rendererDir: renderer });
});
afterAll(async () => {
  await server.close();
  runtime.dispose();
});

describe('the browser-mode bridge', () => {
  it('answers a request with the token', async () => {
    const reply = await send({ path: '/api/inspections.list', headers: auth(), body: '{}' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [] });
  });

  it('refuses a request without the token', async () => {
    const reply = await send({ path: '/api/inspections.list', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).error.code).toBe('unauthorised');
  });

  it('refuses a wrong token, including one of the same length', async () => {
    const wrong = server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    for (const token of ['nope', wrong]) {
      const reply = await send({
        path: '/api/inspections.list',
        headers: { ...auth(), authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect(reply.status).toBe(401);
    }
  });

  it('refuses any Host header other than loopback, even with the token', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `192.168.1.10:${server.port}`, `127.0.0.1:1`]) {
      const reply = await send({ path: '/api/inspections.list', headers: { ...auth(), host }, body: '{}' });
      expect(reply.status, host).toBe(421);
    }
    const page = await send({ method: 'GET', path: '/', headers: { host: 'attacker.test' } });
    expect(page.status).toBe(421);
  });

  it('refuses cross-origin requests', async () => {
    const reply = await send({
      path: '/api/inspections.list',
      headers: { ...auth(), origin: 'https://evil.example' },
      body: '{}',
    });
    expect(reply.status).toBe(403);
  });

  it('writes nothing for a malformed command and says why', async () => {
    const reply = await send({ path: '/api/inspections.create', headers: auth(), body: '{"fields":{"type":"nonsense"}}' });
    const result = JSON.parse(reply.body);
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('invalid_input');
    const count = runtime.ctx.db.prepare('SELECT count(*) AS n FROM op').get() as { n: number };
    expect(count.n).toBe(0);
  });

  it('rejects bodies that are not JSON and unknown commands', async () => {
    expect((await send({ path: '/api/inspections.list', headers: auth(), body: '{not json' })).status).toBe(400);
    const unknown = JSON.parse((await send({ path: '/api/drop.everything', headers: auth(), body: '{}' })).body);
    expect(unknown.error.code).toBe('not_found');
  });

  it('serves static files with the CSP and never outside the renderer folder', async () => {
    const page = await send({ method: 'GET', path: '/' });
    expect(page.status).toBe(200);
    const traversal = await send({ method: 'GET', path: '/../../../../etc/passwd' });
    expect(traversal.body).not.toContain('root:');
    const encoded = await send({ method: 'GET', path: '/%2e%2e/%2e%2e/%2e%2e/etc/passwd' });
    expect(encoded.body).not.toContain('root:');
    expect((await send({ method: 'PUT', path: '/index.html', body: 'x' })).status).toBe(405);
  });

  it('is bound to the loopback address only', () => {
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});
