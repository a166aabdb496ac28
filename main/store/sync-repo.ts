/**
 * SQL for sync: the target per inspection, the sync state (backoff, last error, last synced),
 * the outbox of bundles waiting to go, and the records of bundles pushed and pulled.
 * Row types stay private; callers get plain domain records.
 */
import type { Db } from './connection.js';
import { oneRow } from './one-row.js';

export type SyncTargetKind = 'folder' | 'webdav';
export type SyncAuth = 'none' | 'password' | 'token';
export type OutboxKind = 'delta' | 'published';
export type PullStatus = 'imported' | 'already_imported' | 'failed';

export interface SyncTargetRecord {
  readonly inspectionId: string;
  readonly kind: SyncTargetKind;
  readonly location: string;
  readonly username: string | null;
  readonly auth: SyncAuth;
  readonly pull: boolean;
  readonly updatedAt: string;
}

export interface SyncStateRecord {
  readonly inspectionId: string;
  readonly queuedThroughSeq: number;
  readonly pushedThroughSeq: number;
  readonly publishedChangesets: number;
  readonly reachable: boolean | null;
  readonly checkedAt: string | null;
  readonly lastSyncedAt: string | null;
  readonly lastErrorKind: string | null;
  readonly lastErrorMessage: string | null;
  readonly lastErrorAt: string | null;
  readonly failures: number;
  readonly nextAttemptAt: number;
  readonly lastExportAt: number;
}

export interface OutboxRecord {
  readonly inspectionId: string;
  readonly sha256: string;
  readonly kind: OutboxKind;
  readonly size: number;
  readonly throughSeq: number;
  readonly createdAt: string;
  readonly attempts: number;
  readonly lastErrorKind: string | null;
  readonly lastErrorMessage: string | null;
}

// Rows come back under their record names (SQL aliases); only the 0/1 flags need mapping.
const TARGET_COLUMNS = `inspection_id AS inspectionId, kind, location, username, auth, pull, updated_at AS updatedAt`;
const STATE_COLUMNS = `inspection_id AS inspectionId, queued_through_seq AS queuedThroughSeq, pushed_through_seq AS pushedThroughSeq,
  published_changesets AS publishedChangesets, reachable, checked_at AS checkedAt, last_synced_at AS lastSyncedAt,
  last_error_kind AS lastErrorKind, last_error_message AS lastErrorMessage, last_error_at AS lastErrorAt, failures,
  next_attempt_at AS nextAttemptAt, last_export_at AS lastExportAt`;
const OUTBOX_COLUMNS = `inspection_id AS inspectionId, sha256, kind, size, through_seq AS throughSeq, created_at AS createdAt,
  attempts, last_error_kind AS lastErrorKind, last_error_message AS lastErrorMessage`;

type Flagged<T, K extends keyof T> = Omit<T, K> & { [P in K]: number | null };

const toTarget = (r: Flagged<SyncTargetRecord, 'pull'>): SyncTargetRecord => ({ ...r, pull: r.pull === 1 });
const toState = (r: Flagged<SyncStateRecord, 'reachable'>): SyncStateRecord => ({
  ...r,
  reachable: r.reachable === null ? null : r.reachable === 1,
});

// ---- targets ----

export function getSyncTarget(db: Db, inspectionId: string): SyncTargetRecord | null {
  const row = db
    .prepare<[string], Flagged<SyncTargetRecord, 'pull'>>(`SELECT ${TARGET_COLUMNS} FROM sync_target WHERE inspection_id = ?`)
    .get(inspectionId);
  return row ? toTarget(row) : null;
}

export function listSyncTargets(db: Db): SyncTargetRecord[] {
  return db
    .prepare<[], Flagged<SyncTargetRecord, 'pull'>>(`SELECT ${TARGET_COLUMNS} FROM sync_target ORDER BY inspection_id`)
    .all()
    .map(toTarget);
}

export function saveSyncTarget(db: Db, target: SyncTargetRecord): void {
  db.prepare(
    `INSERT INTO sync_target(inspection_id, kind, location, username, auth, pull, updated_at)
     VALUES (@inspectionId, @kind, @location, @username, @auth, @pull, @updatedAt)
     ON CONFLICT(inspection_id) DO UPDATE SET kind = excluded.kind, location = excluded.location,
       username = excluded.username, auth = excluded.auth, pull = excluded.pull, updated_at = excluded.updated_at`,
  ).run({ ...target, pull: target.pull ? 1 : 0 });
  ensureSyncState(db, target.inspectionId);
}

/** The target moved: nothing is known to be on the new one, so every bundle goes (and comes) again. */
export function resetSyncProgress(db: Db, inspectionId: string): void {
  db.prepare('DELETE FROM sync_pushed WHERE inspection_id = ?').run(inspectionId);
  db.prepare('DELETE FROM sync_pulled WHERE inspection_id = ?').run(inspectionId);
  db.prepare(
    `UPDATE sync_state SET queued_through_seq = 0, pushed_through_seq = 0, published_changesets = 0, reachable = NULL,
       last_error_kind = NULL, last_error_message = NULL, last_error_at = NULL, failures = 0, next_attempt_at = 0,
       last_export_at = 0 WHERE inspection_id = ?`,
  ).run(inspectionId);
  db.prepare(
    'UPDATE sync_outbox SET attempts = 0, last_error_kind = NULL, last_error_message = NULL WHERE inspection_id = ?',
  ).run(inspectionId);
}

export function deleteSyncTarget(db: Db, inspectionId: string): void {
  db.prepare('DELETE FROM sync_target WHERE inspection_id = ?').run(inspectionId);
}

// ---- state ----

export function ensureSyncState(db: Db, inspectionId: string): void {
  db.prepare('INSERT INTO sync_state(inspection_id) VALUES (?) ON CONFLICT DO NOTHING').run(inspectionId);
}

export function getSyncState(db: Db, inspectionId: string): SyncStateRecord {
  ensureSyncState(db, inspectionId);
  return toState(
    oneRow(
      db
        .prepare<[string], Flagged<SyncStateRecord, 'reachable'>>(
          `SELECT ${STATE_COLUMNS} FROM sync_state WHERE inspection_id = ?`,
        )
        .get(inspectionId),
    ),
  );
}

export function recordSyncSuccess(db: Db, inspectionId: string, at: string): void {
  db.prepare(
    `UPDATE sync_state SET reachable = 1, checked_at = @at, last_synced_at = @at, last_error_kind = NULL,
       last_error_message = NULL, last_error_at = NULL, failures = 0, next_attempt_at = 0 WHERE inspection_id = @id`,
  ).run({ id: inspectionId, at });
}

export function recordSyncFailure(
  db: Db,
  inspectionId: string,
  failure: { kind: string; message: string; at: string; reachable: boolean; nextAttemptAt: number },
): void {
  db.prepare(
    `UPDATE sync_state SET reachable = @reachable, checked_at = @at, last_error_kind = @kind, last_error_message = @message,
       last_error_at = @at, failures = failures + 1, next_attempt_at = @nextAttemptAt WHERE inspection_id = @id`,
  ).run({ id: inspectionId, ...failure, reachable: failure.reachable ? 1 : 0 });
}

/** The network went away (or came back): only the reachability flag changes, not the backoff. */
export function recordReachability(db: Db, inspectionId: string, reachable: boolean, at: string): void {
  ensureSyncState(db, inspectionId);
  db.prepare('UPDATE sync_state SET reachable = ?, checked_at = ? WHERE inspection_id = ?').run(
    reachable ? 1 : 0,
    at,
    inspectionId,
  );
}

/** Makes the next automatic attempt due now (the network came back). */
export function clearBackoffWait(db: Db, inspectionId: string): void {
  db.prepare('UPDATE sync_state SET next_attempt_at = 0 WHERE inspection_id = ?').run(inspectionId);
}

export function recordPublished(db: Db, inspectionId: string, changesets: number): void {
  db.prepare('UPDATE sync_state SET published_changesets = max(published_changesets, ?) WHERE inspection_id = ?').run(
    changesets,
    inspectionId,
  );
}

// ---- outbox ----

/** Adds an exported bundle to the outbox and moves the "queued" mark, in the caller's transaction. */
export function addToOutbox(
  db: Db,
  item: Omit<OutboxRecord, 'attempts' | 'lastErrorKind' | 'lastErrorMessage'>,
  at: number,
): void {
  db.prepare(
    `INSERT INTO sync_outbox(inspection_id, sha256, kind, size, through_seq, created_at)
     VALUES (@inspectionId, @sha256, @kind, @size, @throughSeq, @createdAt) ON CONFLICT DO NOTHING`,
  ).run(item);
  db.prepare(
    'UPDATE sync_state SET queued_through_seq = max(queued_through_seq, ?), last_export_at = ? WHERE inspection_id = ?',
  ).run(item.throughSeq, at, item.inspectionId);
}

/** The bundle side had nothing to send (the recipients hold it all): the changes count as gone. */
export function markNothingToSend(db: Db, inspectionId: string, throughSeq: number, at: number): void {
  db.prepare(
    `UPDATE sync_state SET queued_through_seq = max(queued_through_seq, @seq), pushed_through_seq = max(pushed_through_seq, @seq),
       last_export_at = @at WHERE inspection_id = @id`,
  ).run({ id: inspectionId, seq: throughSeq, at });
}

/** A local outbox file went missing or was damaged: forget it so its changes are exported again. */
export function dropOutboxItem(db: Db, inspectionId: string, sha256: string): void {
  db.prepare('DELETE FROM sync_outbox WHERE inspection_id = ? AND sha256 = ?').run(inspectionId, sha256);
  db.prepare(
    'UPDATE sync_state SET queued_through_seq = pushed_through_seq, published_changesets = 0 WHERE inspection_id = ?',
  ).run(inspectionId);
}

export function listOutbox(db: Db, inspectionId: string): OutboxRecord[] {
  return db
    .prepare<[string], OutboxRecord>(
      `SELECT ${OUTBOX_COLUMNS} FROM sync_outbox WHERE inspection_id = ? ORDER BY created_at, sha256`,
    )
    .all(inspectionId);
}

export function recordOutboxAttempt(
  db: Db,
  inspectionId: string,
  sha256: string,
  at: string,
  error: { kind: string; message: string } | null,
): void {
  db.prepare(
    `UPDATE sync_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error_kind = ?, last_error_message = ?
     WHERE inspection_id = ? AND sha256 = ?`,
  ).run(at, error?.kind ?? null, error?.message ?? null, inspectionId, sha256);
}

/** The bundle is on the target and verified: it leaves the outbox and is recorded as pushed. */
export function markPushed(db: Db, item: OutboxRecord, remotePath: string, at: string): void {
  const current = db
    .prepare<[string, string], { attempts: number }>('SELECT attempts FROM sync_outbox WHERE inspection_id = ? AND sha256 = ?')
    .get(item.inspectionId, item.sha256);
  db.prepare(
    `INSERT INTO sync_pushed(inspection_id, sha256, kind, remote_path, size, attempts, pushed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(item.inspectionId, item.sha256, item.kind, remotePath, item.size, current?.attempts ?? item.attempts, at);
  db.prepare('DELETE FROM sync_outbox WHERE inspection_id = ? AND sha256 = ?').run(item.inspectionId, item.sha256);
  db.prepare('UPDATE sync_state SET pushed_through_seq = max(pushed_through_seq, ?) WHERE inspection_id = ?').run(
    item.throughSeq,
    item.inspectionId,
  );
}

export function isPushed(db: Db, inspectionId: string, sha256: string): boolean {
  return db.prepare('SELECT 1 FROM sync_pushed WHERE inspection_id = ? AND sha256 = ?').get(inspectionId, sha256) !== undefined;
}

export function countPushed(db: Db, inspectionId: string): number {
  return oneRow(
    db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sync_pushed WHERE inspection_id = ?').get(inspectionId),
  ).n;
}

// ---- pulled ----

export function pulledStatus(db: Db, inspectionId: string, sha256: string): { status: PullStatus; attempts: number } | null {
  const row = db
    .prepare<[string, string], { status: PullStatus; attempts: number }>(
      'SELECT status, attempts FROM sync_pulled WHERE inspection_id = ? AND sha256 = ?',
    )
    .get(inspectionId, sha256);
  return row ?? null;
}

export function recordPulled(
  db: Db,
  record: {
    inspectionId: string;
    sha256: string;
    remotePath: string;
    size: number;
    status: PullStatus;
    newOps: number;
    error: string | null;
    /** Held back for the lead's decision (it deletes many records), and who sent it. */
    held?: boolean;
    sender?: string | null;
  },
  at: string,
): void {
  db.prepare(
    `INSERT INTO sync_pulled(inspection_id, sha256, remote_path, size, status, new_ops, error, pulled_at, held, sender)
     VALUES (@inspectionId, @sha256, @remotePath, @size, @status, @newOps, @error, @at, @held, @sender)
     ON CONFLICT(inspection_id, sha256) DO UPDATE SET status = excluded.status, new_ops = excluded.new_ops,
       error = excluded.error, pulled_at = excluded.pulled_at, attempts = sync_pulled.attempts + 1,
       held = excluded.held, sender = coalesce(excluded.sender, sync_pulled.sender)`,
  ).run({ ...record, held: record.held === true ? 1 : 0, sender: record.sender ?? null, at });
}

export interface PullFailureRecord {
  readonly sha256: string;
  readonly remotePath: string;
  readonly size: number;
  readonly error: string;
  readonly at: string;
  readonly held: number;
  readonly sender: string | null;
}

export function listPullFailures(db: Db, inspectionId: string, limit = 20): PullFailureRecord[] {
  return db
    .prepare<[string, number], PullFailureRecord>(
      `SELECT sha256, remote_path AS remotePath, size, coalesce(error, '') AS error, pulled_at AS at, held, sender
       FROM sync_pulled WHERE inspection_id = ? AND status = 'failed' ORDER BY held DESC, pulled_at DESC, sha256 LIMIT ?`,
    )
    .all(inspectionId, limit);
}

export function countPulled(db: Db, inspectionId: string): { imported: number; failed: number } {
  return oneRow(
    db
      .prepare<[string], { imported: number; failed: number }>(
        `SELECT coalesce(sum(status != 'failed'), 0) AS imported, coalesce(sum(status = 'failed'), 0) AS failed
       FROM sync_pulled WHERE inspection_id = ?`,
      )
      .get(inspectionId),
  );
}

// ---- what waits to go ----

/** Changesets of the inspection in the store (all authors): grows whenever anything new arrives. */
export function countChangesets(db: Db, inspectionId: string): number {
  return oneRow(
    db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM changeset WHERE inspection_id = ?').get(inspectionId),
  ).n;
}

/** This author's changesets after a given seq: the changes that have not reached the target. */
export function countOwnChangesetsAfter(db: Db, inspectionId: string, author: string, seq: number): number {
  return oneRow(
    db
      .prepare<[string, string, number], { n: number }>(
        'SELECT count(*) AS n FROM changeset WHERE inspection_id = ? AND author = ? AND seq > ?',
      )
      .get(inspectionId, author, seq),
  ).n;
}

export function maxOwnSeq(db: Db, inspectionId: string, author: string): number {
  const row = db
    .prepare<[string, string], { seq: number | null }>(
      'SELECT max(seq) AS seq FROM changeset WHERE inspection_id = ? AND author = ?',
    )
    .get(inspectionId, author);
  return oneRow(row).seq ?? 0;
}
