/**
 * The outbox: bundles exported from this laptop that have not been confirmed on the target.
 * Each is a file `<dataDir>/outbox/<inspection>/<sha256>.fwbundle` plus a row in the store,
 * so it survives a restart and a retry always sends the very same bytes. Also the retry
 * policy: exponential backoff, capped, with jitter, so a team's laptops coming back online
 * together do not all knock at once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../store/connection.js';
import { ensureFolder, renameDurably } from '../store/durable-file.js';
import { addToOutbox, dropOutboxItem, listOutbox, type OutboxKind, type OutboxRecord } from '../store/sync-repo.js';
import { bundleName } from './sync-target.js';

export const BACKOFF_BASE_MS = 15_000;
export const BACKOFF_CAP_MS = 15 * 60_000;

/** Delay before attempt n+1 after n consecutive failures: base·2^(n-1), capped, jittered to [½, 1]. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 20);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export function outboxDir(dataDir: string, inspectionId: string): string {
  return join(dataDir, 'outbox', inspectionId);
}

export function outboxFile(dataDir: string, item: Pick<OutboxRecord, 'inspectionId' | 'sha256'>): string {
  return join(outboxDir(dataDir, item.inspectionId), bundleName(item.sha256));
}

export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export interface EnqueueRequest {
  readonly db: Db;
  readonly dataDir: string;
  readonly inspectionId: string;
  readonly kind: OutboxKind;
  /** This author's highest changeset seq the bundle was exported after reading (never after). */
  readonly throughSeq: number;
  readonly now: number;
  /** Writes the bundle to the given path; false when there was nothing to put in one. */
  readonly write: (path: string) => Promise<boolean>;
}

/**
 * Exports a bundle into the outbox: written to a temp name, hashed, renamed to its hash,
 * then recorded. A crash before the record leaves only a stray file, swept next time.
 */
export async function enqueueBundle(request: EnqueueRequest): Promise<OutboxRecord | null> {
  const dir = outboxDir(request.dataDir, request.inspectionId);
  ensureFolder(dir);
  const temp = join(dir, `.export-${process.pid}-${request.now}-${Math.random().toString(36).slice(2)}.part`);
  try {
    const written = await request.write(temp);
    if (!written) return null;
    const { sha256, size } = await hashFile(temp);
    // DURABILITY: the name is fsynced before the store records the bundle as waiting to go.
    renameDurably(temp, join(dir, bundleName(sha256)));
    const item: OutboxRecord = {
      inspectionId: request.inspectionId,
      sha256,
      kind: request.kind,
      size,
      throughSeq: request.throughSeq,
      createdAt: new Date(request.now).toISOString(),
      attempts: 0,
      lastErrorKind: null,
      lastErrorMessage: null,
    };
    request.db.transaction(() => addToOutbox(request.db, item, request.now))();
    return item;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Drops the outbox's older unsent bundles of the same kind that `newer` replaces. Both are
 * deltas "since what the recipients acknowledged", exported from this store, so the newer one
 * holds every changeset an older one held (or the recipients already hold it). An older bundle
 * is kept if it claims more of this device's own changes than the newer one (it might then be
 * the only copy of them), and a bundle already verified on the target has left the outbox.
 * The row goes first, then the file: a crash in between leaves a stray file, which is kept.
 */
export async function supersedeOlder(db: Db, dataDir: string, newer: OutboxRecord): Promise<number> {
  const older = listOutbox(db, newer.inspectionId).filter(
    (item) => item.sha256 !== newer.sha256 && item.kind === newer.kind && item.throughSeq <= newer.throughSeq,
  );
  if (older.length === 0) return 0;
  db.transaction(() => {
    for (const item of older) dropOutboxItem(db, item.inspectionId, item.sha256);
  })();
  for (const item of older) await removeOutboxFile(dataDir, item);
  return older.length;
}

export async function removeOutboxFile(dataDir: string, item: Pick<OutboxRecord, 'inspectionId' | 'sha256'>): Promise<void> {
  await rm(outboxFile(dataDir, item), { force: true });
}

/**
 * Deletes half-written exports left by a crash. A complete bundle the store does not list is
 * KEPT: after a restore from backup it may be the only copy of some work (recovery re-imports
 * outbox bundles), and a stray file costs only disk space.
 */
export async function sweepOutbox(dataDir: string, inspectionId: string): Promise<number> {
  const dir = outboxDir(dataDir, inspectionId);
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith('.export-')) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (!info?.isFile()) continue;
    await rm(join(dir, name), { force: true });
    removed += 1;
  }
  return removed;
}
