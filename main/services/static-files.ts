/**
 * The one way a request path becomes a file of the built renderer, shared by the desktop's
 * `app://fieldwork/` scheme (main/app/app-protocol.ts) and browser mode (main/web/static-files.ts):
 * one traversal check, one MIME table, one set of security headers. Each transport decides only
 * what a refusal or a missing file looks like to its caller.
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.js';

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

export const PLAIN_TEXT = 'text/plain; charset=utf-8';

/** The content type a file of the renderer is served with (by its extension). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every answer, including refusals, so no response is ever without the CSP. */
export function staticHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

function inside(base: string, file: string): boolean {
  const rel = relative(base, file);
  return rel !== '' && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/**
 * Maps a request path to a path strictly inside `root`, or null. Decodes once, rejects NUL and
 * backslashes (a Windows separator smuggled in a URL), and compares the resolved path against
 * the root so `..`, encoded `%2e%2e` and `%2f`, and absolute paths cannot climb out. The bare
 * origin is `index.html`. Does not touch the disk (see `lookupStaticFile` for symlinks).
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
  return inside(base, file) ? file : null;
}

export type StaticLookup =
  /** A regular file inside the root (after following any symlink). */
  | { readonly kind: 'file'; readonly path: string; readonly contentType: string }
  /** Inside the root, but no such file (or a folder). */
  | { readonly kind: 'missing' }
  /** Outside the root, undecodable, NUL or backslash, or a symlink that leads out. */
  | { readonly kind: 'refused' };

/** Finds the file a request path names, refusing anything that is not (really) inside `root`. */
export function lookupStaticFile(root: string, pathname: string): StaticLookup {
  const file = resolveInside(root, pathname);
  if (file === null) return { kind: 'refused' };
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return { kind: 'missing' };
  }
  // A symlink inside the renderer folder may not hand out a file from elsewhere.
  if (!inside(realpathSync(resolve(root)), real)) return { kind: 'refused' };
  try {
    if (!statSync(real).isFile()) return { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
  return { kind: 'file', path: real, contentType: contentTypeFor(file) };
}
