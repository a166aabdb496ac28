/**
 * Browser mode: the same commands behind an HTTP bridge on 127.0.0.1 only.
 *
 * SECURITY INVARIANTS (each is tested):
 *  - bound to the loopback address, never 0.0.0.0;
 *  - every /api request carries the per-run random token (constant-time compare);
 *  - any Host header other than loopback:<port> is refused (blocks DNS rebinding);
 *  - a cross-origin Origin header is refused;
 *  - static files are GET-only and stay inside the renderer folder.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProgressEvent } from '../../shared/api/index.js';
import type { ServiceContext } from '../services/context.js';
import { dispatchToHost, type CommandHost, type RecoverySession } from '../services/recovery.js';
import { serveStatic } from './static-files.js';

export const MAX_REQUEST_BYTES = 96 * 1024 * 1024;

export interface WebServerOptions {
  /** The healthy store to serve; or, when the store is damaged, `recovery` instead. */
  readonly ctx?: ServiceContext;
  /** Recovery mode: only the recovery commands answer until the store is restored. */
  readonly recovery?: RecoverySession;
  readonly rendererDir: string | null;
  readonly port?: number;
  readonly token?: string;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The address to open: the token travels in the fragment, which is never sent to a server. */
  readonly pageUrl: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_REQUEST_BYTES) throw new RangeError('too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new RangeError('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const host: CommandHost = options.recovery
    ? { recovery: options.recovery }
    : options.ctx
      ? { ctx: options.ctx }
      : (() => {
          throw new Error('startWebServer needs a store context or a recovery session.');
        })();
  const log = options.ctx?.log ?? options.recovery?.log ?? console;
  const listeners = new Set<(event: ProgressEvent) => void>();
  let port = 0;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<void> => {
    if (!tokenMatches(req.headers.authorization, token)) {
      refuse(
        res,
        401,
        'unauthorised',
        'This page is not authorised. Open Fieldwork from the address it printed when it started.',
      );
      return;
    }
    if (name === 'events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      const send = (event: ProgressEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`);
      listeners.add(send);
      req.on('close', () => listeners.delete(send));
      return;
    }
    if (req.method !== 'POST') {
      refuse(res, 405, 'invalid_input', 'Commands are sent with POST.');
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(req);
      input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
    } catch (error) {
      const tooLarge = error instanceof RangeError;
      refuse(
        res,
        tooLarge ? 413 : 400,
        'invalid_input',
        tooLarge ? 'That file is too large for Fieldwork to accept.' : 'The request was not valid JSON.',
      );
      return;
    }
    const requestIdHeader = req.headers['x-request-id'];
    const requestId = typeof requestIdHeader === 'string' ? requestIdHeader.slice(0, 64) : '';
    const result = await dispatchToHost(host, name, input, {
      requestId,
      onProgress: (done, total, stage) => {
        for (const listener of listeners) listener({ command: name, requestId, done, total, stage });
      },
    });
    sendJson(res, 200, result);
  };

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      refuse(res, 421, 'forbidden', 'Fieldwork only answers on this computer’s loopback address.');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !hostAllowed(origin.replace(/^http:\/\//, ''), port)) {
      refuse(res, 403, 'forbidden', 'Requests from other sites are refused.');
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      handleApi(req, res, decodeURIComponent(path.slice('/api/'.length))).catch((error: unknown) => {
        log.error('Web bridge failure', { error: String(error) });
        if (!res.headersSent) refuse(res, 500, 'internal', 'Fieldwork could not answer that request.');
      });
      return;
    }
    serveStatic(req, res, options.rendererDir, path);
  });
  server.requestTimeout = 0;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    token,
    pageUrl: `${url}/#token=${token}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
