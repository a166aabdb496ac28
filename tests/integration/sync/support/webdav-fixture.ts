/**
 * A real WebDAV server (npm webdav-server v2, Basic auth, files on disk in a temp folder) on
 * 127.0.0.1, port 0, behind a tiny proxy that can misbehave on cue: answer a status (401,
 * 500, 507...), cut the connection part-way through a request body, or pass on only part of
 * an upload. Tests see the proxy's address; the server's folder is read directly to check
 * what really landed.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { v2 as webdav } from 'webdav-server';
import { tempDir } from '../../../support/runtime.js';

export const DAV_USER = 'inspector';
export const DAV_PASSWORD = 'correct horse battery staple';
/** The proxy accepts this bearer token in place of the password (as Nextcloud app tokens do). */
export const DAV_TOKEN = 'fw-token-7f3a9c2e';

export type Fault =
  | { readonly kind: 'status'; readonly status: number }
  /** Destroy the connection after this share of the request body has arrived. */
  | { readonly kind: 'cut'; readonly fraction: number }
  /** Forward only this share of the body (with a matching Content-Length): a short upload. */
  | { readonly kind: 'truncate'; readonly fraction: number };

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
}

/** Decides per request; returning a fault uses it (tests make one-shot rules by counting). */
export type FaultRule = (request: SeenRequest) => Fault | null;

export interface DavFixture {
  readonly url: string;
  /** The folder on disk behind the URL. */
  readonly root: string;
  readonly seen: SeenRequest[];
  fault(rule: FaultRule | null): void;
  /** Stop answering altogether (the server is down); `up()` brings it back on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function startDav(root: string): Promise<Server> {
  const users = new webdav.SimpleUserManager();
  const user = users.addUser(DAV_USER, DAV_PASSWORD, false);
  const privileges = new webdav.SimplePathPrivilegeManager();
  privileges.setRights(user, '/', ['all']);
  const dav = new webdav.WebDAVServer({
    httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'Fieldwork test'),
    privilegeManager: privileges,
    requireAuthentification: true,
  });
  await new Promise<void>((resolve, reject) =>
    dav.setFileSystem('/', new webdav.PhysicalFileSystem(root), (ok) => (ok ? resolve() : reject(new Error('mount failed')))),
  );
  const server = createServer((req, res) => (dav.executeRequest as (a: IncomingMessage, b: ServerResponse) => void)(req, res));
  await listen(server);
  return server;
}

export async function startWebdav(): Promise<DavFixture> {
  const disk = tempDir('fieldwork-dav-');
  const root = join(disk, 'team');
  mkdirSync(root);
  const dav = await startDav(disk);
  const davPort = (dav.address() as AddressInfo).port;
  const seen: SeenRequest[] = [];
  let rule: FaultRule | null = null;

  const proxy = createServer((req, res) => {
    const request = { method: req.method ?? 'GET', path: decodeURIComponent(req.url ?? '/') };
    seen.push(request);
    const fault = rule?.(request) ?? null;
    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(`fault ${fault.status}`);
      });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    const headers = { ...req.headers, host: `127.0.0.1:${davPort}` };
    if (req.headers.authorization === `Bearer ${DAV_TOKEN}`) {
      headers.authorization = `Basic ${Buffer.from(`${DAV_USER}:${DAV_PASSWORD}`).toString('base64')}`;
    }
    const limit = fault?.kind === 'truncate' ? Math.floor(declared * fault.fraction) : declared;
    if (fault?.kind === 'truncate') headers['content-length'] = String(limit);
    const upstream = httpRequest({ host: '127.0.0.1', port: davPort, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      const before = received;
      received += chunk.length;
      if (fault?.kind === 'cut' && received >= declared * fault.fraction) {
        upstream.destroy();
        req.socket.destroy();
        return;
      }
      if (before < limit) upstream.write(chunk.subarray(0, Math.max(0, limit - before)));
    });
    req.on('end', () => upstream.end());
  });
  const proxyPort = await listen(proxy);

  return {
    url: `http://127.0.0.1:${proxyPort}/team/`,
    root,
    seen,
    fault: (next) => {
      rule = next;
    },
    down: () => closeServer(proxy),
    up: async () => {
      await listen(proxy, proxyPort);
    },
    close: async () => {
      await closeServer(proxy).catch(() => undefined);
      await closeServer(dav);
      rmSync(disk, { recursive: true, force: true });
    },
  };
}

/** A rule that applies `fault` to the first `times` requests matching, then lets all through. */
export function once(match: (r: SeenRequest) => boolean, fault: Fault, times = 1): FaultRule {
  let left = times;
  return (request) => {
    if (left > 0 && match(request)) {
      left -= 1;
      return fault;
    }
    return null;
  };
}

export const isBundlePut = (r: SeenRequest): boolean => r.method === 'PUT' && r.path.endsWith('.part');
