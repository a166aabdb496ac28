/**
 * Pushing the outbox: each bundle is uploaded under a temp name, moved to its content-addressed
 * name, then read back and checked (size and SHA-256) before it leaves the outbox. A copy that
 * does not match is deleted and sent again; a copy already there and matching is not re-sent.
 */
import { dropOutboxItem, listOutbox, markPushed, recordOutboxAttempt, type OutboxRecord } from '../store/sync-repo.js';
import { hashFile, outboxFile, removeOutboxFile } from './outbox.js';
import { DEFAULT_LIMITS } from './bundle-format.js';
import type { SyncEnv } from './sync-engine.js';
import { classifyFailure, SyncFailure } from './sync-errors.js';
import { authorDir, bundleName, isTempFor, tempNameFor, type SyncTarget } from './sync-target.js';

const MAX_VERIFY_BYTES = DEFAULT_LIMITS.maxBundleBytes; // no bundle we would read is larger

type PushResult = 'pushed' | 'already_there' | 'dropped';

async function copyMatches(target: SyncTarget, path: readonly string[], item: OutboxRecord): Promise<boolean> {
  const digest = await target.digest(path, Math.max(MAX_VERIFY_BYTES, item.size + 1));
  return digest.size === item.size && digest.sha256 === item.sha256;
}

async function removeStaleTemps(target: SyncTarget, dir: readonly string[], sha256: string): Promise<void> {
  try {
    for (const entry of await target.list(dir)) {
      if (!entry.isDir && isTempFor(entry.name, sha256)) await target.remove([...dir, entry.name]);
    }
  } catch {
    // Tidying is best effort: a leftover temp name never looks like a finished bundle.
  }
}

async function pushItem(env: SyncEnv, target: SyncTarget, item: OutboxRecord): Promise<PushResult> {
  const local = outboxFile(env.dataDir, item);
  const localDigest = await hashFile(local).catch(() => null);
  if (localDigest === null || localDigest.sha256 !== item.sha256) {
    // The local copy is gone or damaged: never send it; its changes are exported afresh.
    env.warn('An outbox bundle was missing or damaged and will be exported again', { sha256: item.sha256 });
    env.db.transaction(() => dropOutboxItem(env.db, item.inspectionId, item.sha256))();
    await removeOutboxFile(env.dataDir, item);
    return 'dropped';
  }
  const dir = [item.inspectionId, authorDir(env.author)];
  const finalPath = [...dir, bundleName(item.sha256)];
  const existing = await target.stat(finalPath);
  let result: PushResult = 'pushed';
  if (existing !== null && existing === item.size && (await copyMatches(target, finalPath, item))) {
    result = 'already_there';
  } else {
    if (existing !== null) await target.remove(finalPath);
    await target.ensureDir(dir);
    const tempPath = [...dir, tempNameFor(item.sha256)];
    try {
      await target.upload(tempPath, local, item.size);
      await target.move(tempPath, finalPath);
    } catch (error) {
      await target.remove(tempPath).catch(() => undefined);
      throw error;
    }
    if (!(await copyMatches(target, finalPath, item))) {
      await target.remove(finalPath).catch(() => undefined);
      throw new SyncFailure(
        'integrity',
        `A bundle copied to ${target.where} did not match the original (the upload was cut short or altered), so it was removed and will be sent again.`,
      );
    }
  }
  const at = new Date(env.now()).toISOString();
  env.db.transaction(() => {
    recordOutboxAttempt(env.db, item.inspectionId, item.sha256, at, null);
    markPushed(env.db, item, finalPath.join('/'), at);
  })();
  await removeOutboxFile(env.dataDir, item);
  await removeStaleTemps(target, dir, item.sha256);
  return result;
}

/**
 * Pushes every waiting bundle, oldest first. A damaged copy on the target is re-sent once at
 * once; any other failure stops the run (the target is the problem) and is retried with backoff.
 */
export async function pushOutbox(
  env: SyncEnv,
  target: SyncTarget,
  inspectionId: string,
): Promise<{ pushed: number; alreadyThere: number }> {
  const items = listOutbox(env.db, inspectionId);
  let pushed = 0;
  let alreadyThere = 0;
  for (const [index, item] of items.entries()) {
    env.progress(index, items.length, `Sending bundle ${index + 1} of ${items.length}`);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await pushItem(env, target, item);
        if (result === 'pushed') pushed += 1;
        if (result === 'already_there') alreadyThere += 1;
        break;
      } catch (error) {
        const failure = classifyFailure(error, target.where);
        const at = new Date(env.now()).toISOString();
        env.db.transaction(() =>
          recordOutboxAttempt(env.db, item.inspectionId, item.sha256, at, { kind: failure.kind, message: failure.message }),
        )();
        if (failure.kind !== 'integrity' || attempt >= 2) throw failure;
      }
    }
  }
  if (items.length > 0) env.progress(items.length, items.length, 'Sent');
  return { pushed, alreadyThere };
}
