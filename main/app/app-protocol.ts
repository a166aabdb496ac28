/**
 * The `app://fieldwork/` scheme that serves the built renderer to the desktop window instead of
 * `file://` (which would give the page file-system-wide reach and no CSP header). GET only; a
 * request can only ever read a file inside the renderer folder; every response carries the CSP.
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { lookupStaticFile, PLAIN_TEXT, staticHeaders } from '../services/static-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fieldwork';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function refuse(status: number, reason: string): Response {
  return new Response(reason, { status, headers: staticHeaders(PLAIN_TEXT) });
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
    const found = lookupStaticFile(root, url.pathname);
    if (found.kind === 'refused') return refuse(403, 'Forbidden.');
    if (found.kind === 'missing') return refuse(404, 'Not found.');
    try {
      return new Response(await readFile(found.path), { status: 200, headers: staticHeaders(found.contentType) });
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
