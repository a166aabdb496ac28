/**
 * What a purge does to the data folder beyond the live store: every other place an
 * inspection's text can be is found and either removed or cleaned.
 *
 *  - Copies of the store (backups/, set-aside/) usually hold other inspections too, and a
 *    set-aside store may hold work the live store lacks (it is what a restore replaced, or a
 *    damaged store). So the purged inspection is deleted from each copy IN PLACE, leaving the
 *    others as they were; a copy that held nothing else is removed. A copy that cannot be
 *    edited safely (damaged, or another schema version) is removed, but first every readable,
 *    verified change it holds for other inspections is re-applied to the live store, so
 *    removing it loses nothing the app could still read. The summary says which happened.
 *  - "Export everything readable" JSON files (recovery/) are plain text: rewritten without the
 *    inspection (or removed when nothing else is left), the old bytes overwritten.
 *  - Bundles waiting to go, pulled bundles and exports for the inspection are removed; so are
 *    unfinished copies (a restore's `.restoring`, `.partial` backups, stale WAL files, an
 *    import's stage file left by a crash; a live connection's stage is its own to delete).
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUNDLE_EXTENSION } from '../../shared/api/bundles.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.js';
import { SET_ASIDE_DIR } from '../store/backup.js';
import { overwriteAndRemove, removeDurably, replaceOverwriting, syncFolder } from '../store/durable-file.js';
import { salvageChangesets } from '../store/integrity.js';
import { purgeStoreCopy } from '../store/purge-repo.js';
import { COMPANION_SUFFIXES } from '../store/sqlite-file.js';
import { isStaleStage } from '../store/stage-file.js';
import { RECOVERY_DIR, backupsDir } from './backups.js';
import { previewBundleFile } from './bundles.js';
import type { ServiceContext } from './context.js';
import { reapplyChangesets } from './recovery.js';

/** What a file was, in the user's words, singular and plural. */
const KINDS = {
  backup: ['backup', 'backups'],
  setAside: ['set-aside data file', 'set-aside data files'],
  readable: ['readable export', 'readable exports'],
  bundle: ['bundle file', 'bundle files'],
  leftover: ['unfinished copy', 'unfinished copies'],
} as const;
type Kind = keyof typeof KINDS;

export interface PurgedFile {
  /** Relative to the data folder. */
  readonly path: string;
  readonly action: 'removed' | 'cleaned';
  readonly what: Kind;
  /** Why it was handled so, when that is not obvious. */
  readonly note?: string;
}

interface Purge {
  readonly inspectionId: string;
  readonly at: string;
  readonly by: string;
}

type Progress = (done: number, total: number, stage: string) => void;

/** Folders whose files are about one inspection when their name (or folder) carries its id. */
const CONTENT_FOLDERS = ['outbox', 'exports', 'inbox'];
/** Leftovers of interrupted work, never a file anyone needs: removed on sight. */
const UNFINISHED = /(\.partial|\.restoring|\.keycheck|\.stale|\.tmp(-\d+)?)$/;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function removeWithCompanions(path: string): void {
  for (const suffix of ['', ...COMPANION_SUFFIXES]) if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
}

/** Backups and set-aside stores: cleaned in place, removed when empty, or salvaged then removed. */
function purgeStoreCopies(ctx: ServiceContext, purge: Purge, progress: Progress): PurgedFile[] {
  const access = { key: ctx.device.storeKey ?? undefined };
  const folders: [string, Kind][] = [
    [backupsDir(ctx.dataDir), 'backup'],
    [join(ctx.dataDir, SET_ASIDE_DIR), 'setAside'],
  ];
  const copies = folders.flatMap(([dir, what]) =>
    listFiles(dir)
      .filter((p) => p.endsWith('.db'))
      .map((path) => ({ path, what })),
  );
  const done: PurgedFile[] = [];
  for (const [index, { path, what }] of copies.entries()) {
    progress(index, copies.length, `Removing the inspection from ${KINDS[what][1]}`);
    const rel = relative(ctx.dataDir, path);
    const result = purgeStoreCopy(path, access, LATEST_SCHEMA_VERSION, purge);
    if (result.outcome === 'cleaned') {
      done.push({
        path: rel,
        action: 'cleaned',
        what,
        note: `it also holds ${result.otherInspections} other inspection(s), kept`,
      });
      continue;
    }
    if (result.outcome === 'empty') {
      removeWithCompanions(path);
      done.push({ path: rel, action: 'removed', what, note: 'it held nothing else' });
      continue;
    }
    // Cannot be edited safely: keep what the app can still read of the other inspections.
    let note = 'it could not be cleaned in place';
    try {
      const others = salvageChangesets(path, access).changesets.filter((c) => c.inspection !== purge.inspectionId);
      const applied = reapplyChangesets(ctx, others);
      note += `; its ${others.length} readable change(s) to other inspections are in the data file (${applied.alreadyPresent} were already there, ${applied.reapplied} re-applied, ${applied.rejected} refused as not genuine)`;
    } catch {
      note += '; nothing in it could be read';
    }
    removeWithCompanions(path);
    done.push({ path: rel, action: 'removed', what, note });
  }
  for (const [dir] of folders) if (existsSync(dir)) syncFolder(dir);
  return done;
}

function withoutInspection(document: unknown, inspectionId: string): { kept: unknown; remaining: number } | null {
  if (typeof document !== 'object' || document === null) return null;
  const doc = document as { changesets?: unknown; rows?: unknown };
  if (!Array.isArray(doc.changesets) || typeof doc.rows !== 'object' || doc.rows === null) return null;
  const changesets = doc.changesets.filter((c) => (c as { inspection?: unknown }).inspection !== inspectionId);
  const rows = Object.fromEntries(
    Object.entries(doc.rows as Record<string, unknown>).map(([table, list]) => [
      table,
      Array.isArray(list) ? list.filter((r) => (r as { inspection_id?: unknown }).inspection_id !== inspectionId) : [],
    ]),
  );
  const remaining = changesets.length + Object.values(rows).reduce((n, list) => n + list.length, 0);
  return { kept: { ...doc, changesets, rows }, remaining };
}

/** "Export everything readable" files: plain JSON, so rewritten without the inspection. */
function purgeReadableExports(ctx: ServiceContext, purge: Purge): PurgedFile[] {
  const done: PurgedFile[] = [];
  const what = 'readable';
  for (const path of listFiles(join(ctx.dataDir, RECOVERY_DIR))) {
    const rel = relative(ctx.dataDir, path);
    if (UNFINISHED.test(path)) continue; // handled with the other leftovers
    let parsed: ReturnType<typeof withoutInspection> = null;
    try {
      parsed = withoutInspection(JSON.parse(readFileSync(path, 'utf8')), purge.inspectionId);
    } catch {
      parsed = null;
    }
    if (parsed && parsed.remaining > 0) {
      replaceOverwriting(path, JSON.stringify(parsed.kept, null, 1));
      done.push({ path: rel, action: 'cleaned', what, note: 'other inspections in it kept' });
    } else {
      overwriteAndRemove(path);
      done.push({ path: rel, action: 'removed', what, note: parsed ? 'it held nothing else' : 'it could not be read' });
    }
  }
  return done;
}

/** The inspection's own folders and files in outbox/, exports/, inbox/ (by id in the name). */
function removeFilesMentioning(dir: string, inspectionId: string, root: string): PurgedFile[] {
  if (!existsSync(dir)) return [];
  const done: PurgedFile[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!name.includes(inspectionId)) {
        done.push(...removeFilesMentioning(path, inspectionId, root));
        continue;
      }
      for (const file of listFiles(path)) done.push({ path: relative(root, file), action: 'removed', what: 'bundle' });
      rmSync(path, { recursive: true, force: true });
    } else if (name.includes(inspectionId)) {
      rmSync(path, { force: true });
      done.push({ path: relative(root, path), action: 'removed', what: 'bundle' });
    }
  }
  if (done.length > 0) syncFolder(dir);
  return done;
}

/** Bundles at the top of outbox/ carry no inspection in their name: read their manifest. */
async function removeLooseOutboxBundles(ctx: ServiceContext, inspectionId: string): Promise<PurgedFile[]> {
  const dir = join(ctx.dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  const done: PurgedFile[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(BUNDLE_EXTENSION))) {
    const path = join(dir, name);
    const summary = await previewBundleFile(ctx, path, { fileName: name }).catch(() => null);
    if (summary?.inspection.id !== inspectionId) continue;
    removeDurably(path);
    done.push({ path: relative(ctx.dataDir, path), action: 'removed', what: 'bundle' });
  }
  return done;
}

/** Unfinished copies anywhere in the data folder (each holds the store's pages or a bundle's). */
function removeLeftovers(ctx: ServiceContext): PurgedFile[] {
  const done: PurgedFile[] = [];
  for (const path of listFiles(ctx.dataDir)) {
    const leftover = UNFINISHED.test(path) || isStaleStage(path);
    if (!leftover || path.includes('device-keys') || path.includes('sync-credentials')) continue;
    overwriteAndRemove(path);
    done.push({ path: relative(ctx.dataDir, path), action: 'removed', what: 'leftover' });
  }
  return done;
}

/**
 * Every copy of the inspection in the data folder, cleaned or removed. Synchronous on purpose:
 * the caller purges the live store right after, with nothing (a scheduled backup) able to run
 * in between and copy the inspection again.
 */
export function purgeCopies(ctx: ServiceContext, purge: Purge, progress: Progress): PurgedFile[] {
  const files: PurgedFile[] = [];
  files.push(...removeLeftovers(ctx));
  files.push(...purgeStoreCopies(ctx, purge, progress));
  files.push(...purgeReadableExports(ctx, purge));
  for (const folder of CONTENT_FOLDERS) {
    files.push(...removeFilesMentioning(join(ctx.dataDir, folder), purge.inspectionId, ctx.dataDir));
  }
  return files;
}

export { removeLooseOutboxBundles };

/** One plain sentence for the user: what was removed and what was cleaned. */
export function describePurgedFiles(files: readonly PurgedFile[]): string {
  if (files.length === 0) return 'No other copies were found in the data folder.';
  const count = (action: PurgedFile['action']) => {
    const byWhat = new Map<Kind, number>();
    for (const f of files.filter((x) => x.action === action)) byWhat.set(f.what, (byWhat.get(f.what) ?? 0) + 1);
    return [...byWhat].map(([what, n]) => `${n} ${KINDS[what][n === 1 ? 0 : 1]}`).join(', ');
  };
  const removed = count('removed');
  const cleaned = count('cleaned');
  return [
    removed ? `Removed ${removed}.` : '',
    cleaned ? `Removed the inspection from ${cleaned}, which also hold other inspections (kept).` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
