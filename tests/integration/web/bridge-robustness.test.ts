// Browser mode cannot be knocked over (issue 12.8): a path that will not decode, malformed HTTP,
// a declared body that never arrives and headers that never end are each answered or cut, and
// the server keeps serving. The first two used to throw before the token check and end the process.
import { connect } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../main/web/server.js';
import { testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime;
let server: WebServer;

function send(path: string, options: { method?: string; token?: boolean; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'POST',
        path,
        headers: options.token ? { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Writes raw bytes on a socket and resolves with whatever came back when the server closed it. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
  });
}

const stillServing = async () => expect(await send('/api/inspections.list', { token: true, body: '{}' })).toBe(200);

beforeAll(async () => {
  runtime = await testRuntime();
  server = await startWebServer({
    ctx: runtime.ctx,
    rendererDir: null,
    timeouts: { headersMs: 800, requestMs: 1500, bodyIdleMs: 400 },
  });
});
afterAll(async () => {
  await server.close();
  runtime.dispose();
});

describe('browser mode under hostile requests', () => {
  it('answers an undecodable command path without the token with 401, and keeps serving', async () => {
    expect(await send('/api/%E0', { method: 'GET' })).toBe(401);
    expect(await send('/api/%E0%A4%A', { method: 'POST', body: '{}' })).toBe(401);
    await stillServing();
  });

  it('answers an undecodable command path with the token with 400', async () => {
    expect(await send('/api/%E0', { token: true, body: '{}' })).toBe(400);
    await stillServing();
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const answer = await raw('GARBAGE / HTTP/9.9\r\n\u0000\u0001\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillServing();
  });

  it('cuts a request whose declared body never arrives', async () => {
    const answer = await raw(
      `POST /api/inspections.list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
    );
    expect(answer).not.toMatch(/ 200 /);
    await stillServing();
  }, 15_000);

  it('cuts a request whose headers never end', async () => {
    const answer = await raw(`POST /api/inspections.list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: a`);
    expect(answer).not.toMatch(/ 200 /);
    await stillServing();
  }, 15_000);
});
