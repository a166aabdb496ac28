/**
 * Previews kept for their import. A preview decrypts and verifies the whole bundle (every
 * signature: most of the work of a merge) and stages its changesets; keeping that lets the
 * lead's "Import" run only the one write transaction, which decides again, inside it, what the
 * store already holds (main/sync/import-bundle.ts), so the store may change in between.
 *
 * Bounded and private:
 *  - kept per store connection (each connection has its own stage, main/store/stage-file.ts):
 *    a token names nothing on another store, nor after the store is closed and opened again;
 *  - at most MAX_KEPT previews and MAX_KEPT_BYTES of bundle files, the oldest dropped first;
 *  - each for PREVIEW_KEPT_MS, then dropped by a timer (the staged changesets are decrypted
 *    note text, on disk under a key held in memory: they are not left there), after use,
 *    and when an inspection is purged;
 *  - a token is 144 random bits and is bound to the file it previewed (its name and hash).
 */
import { randomBytes } from 'node:crypto';
import { PREVIEW_KEPT_MS } from '../../shared/api/bundles.js';
import type { Db } from '../store/connection.js';
import { releaseVerified, type VerifiedBundle } from '../sync/import-bundle.js';
import type { WriteContext } from '../sync/local-write.js';

export const MAX_KEPT = 2;
export const MAX_KEPT_BYTES = 256 * 1024 * 1024;

export interface KeptPreview {
  readonly verified: VerifiedBundle;
  readonly fileName: string;
  /** SHA-256 (hex) of the bundle file previewed. */
  readonly fileHash: string;
  readonly size: number;
}

interface Entry extends KeptPreview {
  readonly timer: ReturnType<typeof setTimeout>;
}

const kept = new WeakMap<Db, Map<string, Entry>>();

function entriesOf(db: Db): Map<string, Entry> {
  let entries = kept.get(db);
  if (!entries) {
    entries = new Map();
    kept.set(db, entries);
  }
  return entries;
}

function drop(ctx: WriteContext, entries: Map<string, Entry>, token: string): void {
  const entry = entries.get(token);
  if (!entry) return;
  entries.delete(token);
  clearTimeout(entry.timer);
  if (ctx.db.open) releaseVerified(ctx, entry.verified);
}

/**
 * Keeps a verified preview and returns its token; null (and the stage released) when the file
 * is larger than MAX_KEPT_BYTES: its import then reads the file again.
 */
export function keepPreview(ctx: WriteContext, preview: KeptPreview): string | null {
  if (preview.size > MAX_KEPT_BYTES) {
    releaseVerified(ctx, preview.verified);
    return null;
  }
  const entries = entriesOf(ctx.db);
  const total = () => [...entries.values()].reduce((sum, e) => sum + e.size, 0);
  // Oldest first (a Map keeps insertion order).
  while (entries.size > 0 && (entries.size >= MAX_KEPT || total() + preview.size > MAX_KEPT_BYTES)) {
    drop(ctx, entries, entries.keys().next().value as string);
  }
  const token = randomBytes(18).toString('base64url');
  const timer = setTimeout(() => drop(ctx, entries, token), PREVIEW_KEPT_MS);
  timer.unref?.();
  entries.set(token, { ...preview, timer });
  return token;
}

/** The preview a token names on this store, or null (unknown, expired, used, another store's). */
export function keptPreview(ctx: WriteContext, token: string): KeptPreview | null {
  return kept.get(ctx.db)?.get(token) ?? null;
}

/** Drops one kept preview (after its import, or when it can no longer be used). */
export function forgetPreview(ctx: WriteContext, token: string): void {
  const entries = kept.get(ctx.db);
  if (entries) drop(ctx, entries, token);
}

/** Drops every kept preview of this store (a purge: no decrypted copy of its notes may stay). */
export function forgetAllPreviews(ctx: WriteContext): void {
  const entries = kept.get(ctx.db);
  if (entries) for (const token of [...entries.keys()]) drop(ctx, entries, token);
}
