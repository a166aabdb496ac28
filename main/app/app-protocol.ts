/**
 * The `app://fieldwork/` scheme that serves the built renderer to the desktop window instead of
 * `file://` (which would give the page file-system-wide reach and no CSP header). GET only; a
 * request can only ever read a file inside the renderer folder; every response carries the CSP.
 */
import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep, isAbsolute } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fieldwork';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Headers on every answer, including refusals, so no response is ever without the CSP. */
function securityHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

function refuse(status: number, reason: string): Response {
  return new Response(reason, { status, headers: securityHeaders('text/plain; charset=utf-8') });
}

/** True when the URL is the app's own origin (`app://fieldwork`), parsed rather than prefix-matched. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Maps a request path to a file strictly inside `root`, or null. Decodes once, rejects NUL and
 * backslashes (a Windows separator smuggled in a URL), and compares the resolved path against
 * the root so `..`, encoded `%2e%2e` and absolute paths cannot climb out.
 */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const wanted = decoded.replace(/^\/+/, '') || 'index.html';
  const base = resolve(root);
  const file = resolve(base, wanted);
  const rel = relative(base, file);
  if (rel === '' || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return file;
}

/** The request handler, separate from Electron's registration so tests drive it with real files. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return refuse(405, 'Only GET is allowed.');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'Bad address.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'Not found.');
    const file = resolveInside(root, url.pathname);
    if (file === null) return refuse(403, 'Forbidden.');
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(404, 'Not found.');
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: securityHeaders(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'),
      });
    } catch {
      return refuse(404, 'Not found.');
    }
  };
}

/**
 * Must run before `app.whenReady()`: Electron only accepts privileged schemes at start-up.
 * `standard` gives the page a real origin (module scripts, storage); `secure` makes it a secure
 * context; we deliberately do NOT set `bypassCSP`, so the CSP header always applies.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Call after ready: the window uses the default session, whose protocol this is. */
export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(root));
}
