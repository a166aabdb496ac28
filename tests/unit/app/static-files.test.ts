// The one static-file lookup behind both transports (main/services/static-files.ts), driven
// through each: the desktop's app:// handler and browser mode's HTTP server, with real files,
// real symlinks and a real socket. Every hostile path is refused by both, and neither ever
// answers with a byte of a file outside the renderer folder.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../shared/security.js';
import { contentTypeFor, lookupStaticFile } from '../../../main/services/static-files.js';
import { serveStatic } from '../../../main/web/static-files.js';

vi.mock('electron', () => import('./fake-electron.js'));

const { createAppProtocolHandler } = await import('../../../main/app/app-protocol.js');

const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER';
const INDEX = '<!doctype html><title>Fieldwork</title>';
let base: string;
let root: string;
let appHandler: (request: Request) => Promise<Response>;
let server: Server;
let port: number;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'fieldwork-static-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.mjs'), 'export {}');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(base, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(base, 'renderer-evil.txt'), SECRET); // a sibling whose name starts like the root
  symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt')); // a file symlink that leads out
  symlinkSync(join(base, 'outside'), join(root, 'out')); // a folder symlink that leads out
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js')); // a symlink that stays inside
  appHandler = createAppProtocolHandler(root);
  server = createServer((req, res) => serveStatic(req, res, root, (req.url ?? '/').split('?')[0] ?? '/'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

function web(path: string, method = 'GET'): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    // `path` goes on the wire as written: no client-side normalising of dots or escapes.
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HOSTILE = [
  '/..%2fsecret.txt',
  '/..%2F..%2Fsecret.txt',
  '/assets/..%2f..%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/secret.txt',
  '/%2e%2e%2fsecret.txt',
  '/assets/%2e%2e/%2e%2e/secret.txt',
  '/%5c..%5csecret.txt',
  '/..%5csecret.txt',
  '/..%2frenderer-evil.txt',
  '/%00index.html',
  '/index.html%00.js',
  '/%E0%A4%A',
  '/leak.txt',
  '/out/secret.txt',
  '/out%2fsecret.txt',
];

describe('the shared static-file lookup', () => {
  it.each(HOSTILE)('refuses %s', (path) => {
    expect(lookupStaticFile(root, path).kind).toBe('refused');
  });

  it('finds files inside, follows a symlink that stays inside, and says missing for a folder or absent file', () => {
    expect(lookupStaticFile(root, '/')).toMatchObject({ kind: 'file', contentType: 'text/html; charset=utf-8' });
    expect(lookupStaticFile(root, '/alias.js')).toMatchObject({ kind: 'file', path: join(root, 'assets', 'app.js') });
    expect(lookupStaticFile(root, '/assets').kind).toBe('missing');
    expect(lookupStaticFile(root, '/nope.js').kind).toBe('missing');
  });

  it('has one MIME table for both', () => {
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.map')).toBe('application/json');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});

describe('app:// and browser mode refuse the same hostile paths', () => {
  it.each(HOSTILE)('app:// refuses %s', async (path) => {
    const response = await appHandler(new Request(`app://fieldwork${path}`));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain(SECRET);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each(HOSTILE)('browser mode refuses %s', async (path) => {
    const reply = await web(path);
    expect(reply.body).not.toContain(SECRET);
    // Either refused outright, or (for a path that decodes to a missing file inside) the page.
    if (reply.status === 200) expect(reply.body).toBe(INDEX);
    else expect(reply.status).toBeGreaterThanOrEqual(400);
  });

  it('browser mode refuses a symlink out, plain dot-dot and encoded slashes with 403', async () => {
    for (const path of ['/leak.txt', '/out/secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00index.html']) {
      expect((await web(path)).status, path).toBe(403);
    }
  });

  it('both serve the same file with the same type', async () => {
    const fromApp = await appHandler(new Request('app://fieldwork/assets/app.mjs'));
    const fromWeb = await web('/assets/app.mjs');
    expect(fromApp.status).toBe(200);
    expect(fromWeb.status).toBe(200);
    expect(await fromApp.text()).toBe(fromWeb.body);
    expect(fromApp.headers.get('content-type')).toBe(fromWeb.type);
  });

  it('browser mode gives the page for a missing path; app:// says 404', async () => {
    expect(await web('/inspections/123')).toMatchObject({ status: 200, body: INDEX });
    expect((await appHandler(new Request('app://fieldwork/inspections/123'))).status).toBe(404);
  });
});
