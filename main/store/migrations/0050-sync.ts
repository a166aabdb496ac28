/**
 * 0050: sync targets and the outbox. Local-only tables (never synced): where this laptop
 * sends an inspection's bundles, which bundles wait to go, which went and which came back.
 * Secrets are not here: the credential vault keeps them (main/sync/sync-credentials.ts).
 */
export const migration0050 = `
CREATE TABLE sync_target (
  inspection_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('folder', 'webdav')),
  location TEXT NOT NULL,
  username TEXT,
  auth TEXT NOT NULL CHECK (auth IN ('none', 'password', 'token')),
  pull INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sync_state (
  inspection_id TEXT PRIMARY KEY,
  queued_through_seq INTEGER NOT NULL DEFAULT 0,
  pushed_through_seq INTEGER NOT NULL DEFAULT 0,
  published_changesets INTEGER NOT NULL DEFAULT 0,
  reachable INTEGER,
  checked_at TEXT,
  last_synced_at TEXT,
  last_error_kind TEXT,
  last_error_message TEXT,
  last_error_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_export_at INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sync_outbox (
  inspection_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('delta', 'published')),
  size INTEGER NOT NULL,
  through_seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at TEXT,
  last_error_kind TEXT,
  last_error_message TEXT,
  PRIMARY KEY (inspection_id, sha256)
) STRICT;
CREATE INDEX sync_outbox_by_created ON sync_outbox(inspection_id, created_at);

CREATE TABLE sync_pushed (
  inspection_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  remote_path TEXT NOT NULL,
  size INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  pushed_at TEXT NOT NULL,
  PRIMARY KEY (inspection_id, sha256)
) STRICT;

CREATE TABLE sync_pulled (
  inspection_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  remote_path TEXT NOT NULL,
  size INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('imported', 'already_imported', 'failed')),
  new_ops INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 1,
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (inspection_id, sha256)
) STRICT;
`;
