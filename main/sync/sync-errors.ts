/**
 * Why a sync failed, in a closed set of kinds with a plain sentence each. Every target
 * (folder or WebDAV) turns its low-level failure (an HTTP status, an errno, a timeout) into
 * one of these, so the status line and the store never see a raw error.
 */
import type { SYNC_ERROR_KINDS } from '../../shared/api/sync.js';
import { AppError } from '../../shared/errors.js';

/** The one list of kinds is shared/api/sync.ts's, which the status line's schema checks too. */
export type SyncFailureKind = (typeof SYNC_ERROR_KINDS)[number];

export class SyncFailure extends Error {
  readonly kind: SyncFailureKind;
  readonly status: number | null;
  constructor(kind: SyncFailureKind, message: string, status: number | null = null) {
    super(message);
    this.name = 'SyncFailure';
    this.kind = kind;
    this.status = status;
  }
}

export function isSyncFailure(error: unknown): error is SyncFailure {
  return error instanceof SyncFailure;
}

/** The network itself (not the target) is the problem, so "offline" is the honest status. */
export function meansOffline(kind: SyncFailureKind): boolean {
  return kind === 'unreachable';
}

export function failureFromHttpStatus(status: number, where: string): SyncFailure {
  if (status === 401 || status === 403) {
    return new SyncFailure(
      'auth',
      `The sync server did not accept the user name and password (or token) for ${where}. Check them in the sync settings.`,
      status,
    );
  }
  if (status === 404 || status === 409 || status === 410) {
    return new SyncFailure('not_found', `The sync location ${where} was not found on the server. Check the address.`, status);
  }
  if (status === 413) {
    // Not a full share: the web server refuses request bodies above its upload limit, and no
    // amount of freeing space changes that.
    return new SyncFailure(
      'too_large',
      `The sync server at ${where} refuses files this large, so the bundle could not be sent: ask whoever runs it to raise its upload limit (for nginx, client_max_body_size).`,
      status,
    );
  }
  if (status === 507) {
    return new SyncFailure(
      'full',
      `The shared location ${where} is full, so the bundle could not be saved there. Ask whoever runs it to free some space.`,
      status,
    );
  }
  if (status >= 500) {
    return new SyncFailure(
      'server',
      `The sync server had a problem (error ${status}). Fieldwork will try again shortly.`,
      status,
    );
  }
  return new SyncFailure(
    'other',
    `The sync server refused the request (error ${status}). Fieldwork will try again shortly.`,
    status,
  );
}

const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'ESTALE',
  'EIO',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errnoOf(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** Turns any failure of a target operation into a SyncFailure with a plain sentence. */
export function classifyFailure(error: unknown, where: string): SyncFailure {
  if (error instanceof SyncFailure) return error;
  // Our own typed errors (an export refused, the store busy) already carry a plain sentence.
  if (error instanceof AppError) return new SyncFailure('other', error.message);
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SyncFailure(
      'unreachable',
      `The sync location ${where} did not answer in time. Fieldwork will try again when it is reachable.`,
    );
  }
  const code = errnoOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new SyncFailure('not_found', `The sync folder ${where} was not found. Is the shared drive connected?`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new SyncFailure('auth', `Fieldwork is not allowed to write to ${where}. Check the folder's permissions.`);
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new SyncFailure(
      'full',
      `The shared location ${where} is full, so the bundle could not be saved there. Ask whoever runs it to free some space.`,
    );
  }
  if ((code !== null && UNREACHABLE_ERRNOS.has(code)) || (error instanceof TypeError && /fetch failed/i.test(error.message))) {
    return new SyncFailure(
      'unreachable',
      `Fieldwork cannot reach ${where} at the moment. It will try again when it is reachable.`,
    );
  }
  return new SyncFailure('other', `Sync with ${where} failed unexpectedly. Fieldwork will try again shortly.`);
}
