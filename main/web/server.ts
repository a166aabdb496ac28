/**
 * Browser mode: the same commands behind an HTTP bridge on 127.0.0.1 only.
 *
 * SECURITY INVARIANTS (each is tested):
 *  - bound to the loopback address, never 0.0.0.0;
 *  - every /api request carries the per-run random token (constant-time compare);
 *  - any Host header other than loopback:<port> is refused (blocks DNS rebinding);
 *  - a cross-origin Origin header is refused;
 *  - static files are GET-only and stay inside the renderer folder;
 *  - nothing from the request is decoded or parsed before the token check, a path that will not
 *    decode is a 400, and no request can crash the process: every handler runs inside a guard
 *    that logs and answers 500, and malformed HTTP is answered 400 by `clientError`;
 *  - a request must arrive whole in time: headers within HEADERS_TIMEOUT_MS, the whole request
 *    (body included) within REQUEST_TIMEOUT_MS, and a body that stalls for BODY_IDLE_MS is cut;
 *  - a file's bytes arrive as the raw body (application/octet-stream, shared/api/bytes.ts), only
 *    for the commands that take a file, and one larger than that command's limit
 *    (shared/api/uploads.ts) is refused from its declared length before any of it is read, or
 *    the moment it passes the limit, and the connection is closed: it is never read whole.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BYTES_FIELD_HEADER,
  INPUT_HEADER,
  OCTET_STREAM,
  RESULT_HEADER,
  isFieldName,
  splitBytes,
} from '../../shared/api/bytes.js';
import type { ProgressEvent } from '../../shared/api/index.js';
import { uploadLimit, type UploadLimit } from '../../shared/api/uploads.js';
import type { Result } from '../../shared/errors.js';
import type { ServiceContext } from '../services/context.js';
import type { DispatchOptions } from '../services/dispatch.js';
import { dispatchToHost, type CommandHost } from '../services/command-host.js';
import type { RecoverySession } from '../services/recovery.js';
import { serveStatic } from './static-files.js';

export const MAX_REQUEST_BYTES = 96 * 1024 * 1024;
export const HEADERS_TIMEOUT_MS = 15_000;
/** Long enough for the largest bundle over loopback many times over; short enough to free a socket. */
export const REQUEST_TIMEOUT_MS = 5 * 60_000;
export const BODY_IDLE_MS = 30_000;

export interface WebServerOptions {
  /** The healthy store to serve; or, when the store is damaged, `recovery` instead. */
  readonly ctx?: ServiceContext;
  /** Recovery mode: only the recovery commands answer until the store is restored. */
  readonly recovery?: RecoverySession;
  /** Or the core host's worker thread (browser mode's own start-up, main/web/start.ts). */
  readonly core?: (name: string, input: unknown, options: DispatchOptions) => Promise<Result<unknown>>;
  readonly rendererDir: string | null;
  readonly port?: number;
  readonly token?: string;
  /** Tests shorten the timeouts; the defaults are above. */
  readonly timeouts?: { readonly headersMs?: number; readonly requestMs?: number; readonly bodyIdleMs?: number };
  /** Tests give smaller upload limits; the default is shared/api/uploads.ts. */
  readonly uploadLimit?: (command: string) => UploadLimit | null;
  /** Called once, on the first request that carries the token (start.ts then removes the launch page). */
  readonly onFirstAuthorised?: () => void;
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

class StalledBody extends Error {}
class TooLarge extends Error {}

/**
 * Reads a body of at most maxBytes. Over it (declared or as it arrives), TooLarge, and the rest
 * is left unread: the caller answers with `connection: close`, which ends the socket.
 */
function readBody(req: IncomingMessage, idleMs: number, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) return Promise.reject(new TooLarge('too large'));
  return new Promise<Buffer>((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      req.setTimeout(0);
      if (error) rejectBody(error);
      else resolveBody(Buffer.concat(chunks, size));
    };
    // A body that stops arriving is cut, so a client that declares a body and never sends it
    // cannot hold a socket (and the request's memory) for ever.
    req.setTimeout(idleMs, () => {
      settle(new StalledBody('stalled'));
      req.destroy();
    });
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        chunks.length = 0;
        settle(new TooLarge('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(null));
    req.on('error', (error) => settle(error));
  });
}

function refuseTooLarge(res: ServerResponse, message: string): void {
  // Closing the connection after the answer is what leaves the rest of the body unread.
  res.setHeader('connection', 'close');
  sendJson(res, 413, { ok: false, error: { code: 'invalid_input', message, details: { reason: 'too-large' } } });
}

/** A command's answer: JSON, or a file's bytes as the body with the rest of the answer in a header. */
function sendResult(res: ServerResponse, result: Result<unknown>): void {
  const split = result.ok ? splitBytes(result.value) : null;
  if (split === null) {
    sendJson(res, 200, result);
    return;
  }
  res.writeHead(200, {
    'content-type': OCTET_STREAM,
    'content-length': split.bytes.byteLength,
    [RESULT_HEADER]: encodeURIComponent(JSON.stringify({ ok: true, value: split.rest })),
    [BYTES_FIELD_HEADER]: split.field,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(split.bytes);
}

/** The other arguments of an upload (the JSON in its input header); null when it is not one object. */
function uploadArguments(header: string | string[] | undefined): Record<string, unknown> | null {
  if (typeof header !== 'string') return null;
  try {
    const value = JSON.parse(decodeURIComponent(header)) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The command name from `/api/<name>`, or null when it will not decode. Called after the token check. */
function commandName(rawPath: string): string | null {
  try {
    return decodeURIComponent(rawPath.slice('/api/'.length));
  } catch {
    return null;
  }
}

const NO_INPUT = Symbol('answered');

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const host: CommandHost = options.core
    ? { core: options.core }
    : options.recovery
      ? { recovery: options.recovery }
      : options.ctx
        ? { ctx: options.ctx }
        : (() => {
            throw new Error('startWebServer needs a store context or a recovery session.');
          })();
  const log = options.ctx?.log ?? options.recovery?.log ?? console;
  const listeners = new Set<(event: ProgressEvent) => void>();
  let port = 0;

  const idleMs = options.timeouts?.bodyIdleMs ?? BODY_IDLE_MS;
  const limitOf = options.uploadLimit ?? uploadLimit;
  /** A command's input: JSON, or a file's bytes with the other arguments in a header; NO_INPUT once answered. */
  const readInput = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<unknown> => {
    const isUpload = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === OCTET_STREAM;
    const limit = isUpload ? limitOf(name) : null;
    const field = req.headers[BYTES_FIELD_HEADER];
    const rest = isUpload ? uploadArguments(req.headers[INPUT_HEADER]) : null;
    if (isUpload && limit === null) {
      res.setHeader('connection', 'close');
      refuse(res, 415, 'invalid_input', 'That command does not take a file.');
      return NO_INPUT;
    }
    if (isUpload && (typeof field !== 'string' || !isFieldName(field) || rest === null)) {
      res.setHeader('connection', 'close');
      refuse(res, 400, 'invalid_input', 'The upload did not say what the file is for.');
      return NO_INPUT;
    }
    try {
      const body = await readBody(req, idleMs, limit?.maxBytes ?? MAX_REQUEST_BYTES);
      if (limit !== null && rest !== null) return { ...rest, [field as string]: body };
      return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
    } catch (error) {
      if (error instanceof StalledBody) return NO_INPUT; // the socket is gone; nobody to answer
      if (error instanceof TooLarge) refuseTooLarge(res, limit?.tooLarge ?? 'That file is too large for Fieldwork to accept.');
      else refuse(res, 400, 'invalid_input', 'The request was not valid JSON.');
      return NO_INPUT;
    }
  };
  let authorisedOnce = false;
  const handleApi = async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> => {
    if (!tokenMatches(req.headers.authorization, token)) {
      refuse(
        res,
        401,
        'unauthorised',
        'This page is not authorised. Open Fieldwork from the address it printed when it started.',
      );
      return;
    }
    if (!authorisedOnce) {
      authorisedOnce = true;
      options.onFirstAuthorised?.();
    }
    const name = commandName(rawPath);
    if (name === null) {
      refuse(res, 400, 'invalid_input', 'That address is not a Fieldwork command.');
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
    const input = await readInput(req, res, name);
    if (input === NO_INPUT) return;
    const requestIdHeader = req.headers['x-request-id'];
    const requestId = typeof requestIdHeader === 'string' ? requestIdHeader.slice(0, 64) : '';
    const result = await dispatchToHost(host, name, input, {
      requestId,
      onProgress: (done, total, stage) => {
        for (const listener of listeners) listener({ command: name, requestId, done, total, stage });
      },
    });
    sendResult(res, result);
  };

  const guard = (res: ServerResponse, error: unknown): void => {
    log.error('Web bridge failure', { error: String(error) });
    if (!res.headersSent) refuse(res, 500, 'internal', 'Fieldwork could not answer that request.');
    else res.destroy();
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
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
      handleApi(req, res, path).catch((error: unknown) => guard(res, error));
      return;
    }
    serveStatic(req, res, options.rendererDir, path);
  };
  // Checks header and request deadlines every second (Node's default is every 30 s).
  const server: Server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // No request, however malformed, may take the process down: the inspector's browser tab,
    // and any save in flight, depend on this one process.
    try {
      route(req, res);
    } catch (error) {
      guard(res, error);
    }
  });
  server.headersTimeout = options.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS;
  server.requestTimeout = options.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS;
  server.on('clientError', (error, socket) => {
    log.warn('Malformed request refused', { error: String(error) });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

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
