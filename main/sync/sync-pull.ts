/**
 * Pulling: list the inspection's folder on the target, download every bundle not imported
 * yet, check its bytes against the hash in its name, and import it through the BundlePort.
 * The lead pulls every other member's folder; an inspector pulls only the leads' folders
 * (deltas are encrypted for the lead, the published bundle for the whole team).
 * Bundles can depend on each other (a chain per author), so imports go in passes until no
 * more succeed; a damaged or refused bundle is recorded and never blocks the others.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listTeam } from '../store/inspections-repo.js';
import { listPullFailures, pulledStatus, recordPulled } from '../store/sync-repo.js';
import { DEFAULT_LIMITS } from './bundle-format.js';
import type { ImportOutcome, SyncEnv } from './sync-engine.js';
import { isSyncFailure, SyncFailure } from './sync-errors.js';
import { authorDir, bundleName, shaFromName, type SyncTarget } from './sync-target.js';

const MAX_PULL_BYTES = DEFAULT_LIMITS.maxBundleBytes; // no bundle we would read is larger
export const AUTOMATIC_PULL_ATTEMPTS = 3;

interface Candidate {
  readonly sha256: string;
  readonly remotePath: readonly string[];
  readonly size: number;
  local: string;
}

export interface PullSummary {
  readonly imported: number;
  readonly newOps: number;
  readonly failed: number;
}

async function findCandidates(env: SyncEnv, target: SyncTarget, inspectionId: string, lead: boolean): Promise<Candidate[]> {
  const team = listTeam(env.db, inspectionId);
  const leadDirs = new Set(team.filter((m) => m.role === 'lead' && m.signing_key).map((m) => authorDir(m.signing_key as string)));
  const mine = authorDir(env.author);
  const dirs = (await target.list([inspectionId])).filter((e) => e.isDir && e.name !== mine && (lead || leadDirs.has(e.name)));
  const found: Candidate[] = [];
  for (const dir of dirs.sort((a, b) => a.name.localeCompare(b.name))) {
    for (const entry of await target.list([inspectionId, dir.name])) {
      const sha256 = shaFromName(entry.name);
      if (entry.isDir || sha256 === null) continue;
      const pulled = pulledStatus(env.db, inspectionId, sha256);
      if (pulled && pulled.status !== 'failed') continue;
      // A bundle refused again and again (say, from a key not on the team) is not fetched on
      // every round; it stays listed and the lead can try it again by hand.
      if (pulled && pulled.attempts >= AUTOMATIC_PULL_ATTEMPTS) continue;
      found.push({ sha256, remotePath: [inspectionId, dir.name, entry.name], size: entry.size ?? 0, local: '' });
    }
  }
  return found;
}

export async function pullBundles(env: SyncEnv, target: SyncTarget, inspectionId: string, lead: boolean): Promise<PullSummary> {
  const candidates = await findCandidates(env, target, inspectionId, lead);
  if (candidates.length === 0) return { imported: 0, newOps: 0, failed: 0 };
  const inbox = join(env.dataDir, 'inbox', inspectionId);
  await mkdir(inbox, { recursive: true, mode: 0o700 });
  const total = candidates.length * 2;
  let step = 0;
  let failed = 0;
  const record = (
    c: Candidate,
    status: 'imported' | 'already_imported' | 'failed',
    newOps: number,
    error: string | null,
    outcome?: ImportOutcome,
  ) =>
    env.db.transaction(() =>
      recordPulled(
        env.db,
        {
          inspectionId,
          sha256: c.sha256,
          remotePath: c.remotePath.join('/'),
          size: c.size,
          status,
          newOps,
          error,
          held: outcome?.needsConfirmation === true,
          sender: outcome?.sender ?? null,
        },
        new Date(env.now()).toISOString(),
      ),
    )();

  const verified: Candidate[] = [];
  try {
    for (const candidate of candidates) {
      env.progress(step, total, `Downloading bundle ${verified.length + 1} of ${candidates.length}`);
      candidate.local = join(inbox, `${bundleName(candidate.sha256)}.part`);
      const digest = await target.digest(candidate.remotePath, MAX_PULL_BYTES, candidate.local).catch((error: unknown) => {
        // A file that vanished or is oversized is that file's problem; the target being down is everyone's.
        if (isSyncFailure(error) && (error.kind === 'refused' || error.kind === 'not_found')) return null;
        throw error;
      });
      step += 1;
      if (digest === null || digest.sha256 !== candidate.sha256) {
        failed += 1;
        record(
          candidate,
          'failed',
          0,
          'The copy of this bundle on the shared location is incomplete or damaged. It will be tried again.',
        );
        await rm(candidate.local, { force: true });
        continue;
      }
      verified.push(candidate);
    }

    let pending = verified;
    let newOps = 0;
    let imported = 0;
    // Each pass imports at least one bundle or stops, so this ends after at most `verified.length` passes.
    for (let pass = 0; pending.length > 0 && pass <= verified.length; pass += 1) {
      const later: Candidate[] = [];
      for (const candidate of pending) {
        env.progress(step, total, `Merging bundle ${imported + 1} of ${verified.length}`);
        const outcome = await env.bundles.importBundle({
          inspectionId,
          path: candidate.local,
          fileName: bundleName(candidate.sha256),
        });
        if (outcome.status === 'rejected') {
          if (outcome.retryLater) later.push(candidate);
          else {
            failed += 1;
            step += 1;
            record(candidate, 'failed', 0, outcome.message ?? 'This bundle could not be imported.', outcome);
          }
          continue;
        }
        step += 1;
        imported += 1;
        newOps += outcome.newOps;
        record(candidate, outcome.status, outcome.newOps, null);
      }
      if (later.length === pending.length) {
        for (const candidate of later) {
          failed += 1;
          record(
            candidate,
            'failed',
            0,
            'This bundle needs earlier changes that are not on the shared location yet. It will be tried again.',
          );
        }
        break;
      }
      pending = later;
    }
    env.progress(total, total, 'Pulled');
    return { imported, newOps, failed };
  } finally {
    for (const candidate of candidates) if (candidate.local) await rm(candidate.local, { force: true });
  }
}

/**
 * Tries one recorded failed pull again, on the lead's say-so: downloaded afresh, checked
 * against its name, imported (with the deletions confirmed when the lead has confirmed them).
 */
export async function retryPull(
  env: SyncEnv,
  target: SyncTarget,
  inspectionId: string,
  sha256: string,
  confirmDeletions: boolean,
): Promise<ImportOutcome> {
  const failure = listPullFailures(env.db, inspectionId, 1_000).find((f) => f.sha256 === sha256);
  if (!failure) throw new SyncFailure('not_found', 'That bundle is not waiting to be merged any more.');
  const remotePath = failure.remotePath.split('/');
  const inbox = join(env.dataDir, 'inbox', inspectionId);
  await mkdir(inbox, { recursive: true, mode: 0o700 });
  const local = join(inbox, `${bundleName(sha256)}.part`);
  const at = () => new Date(env.now()).toISOString();
  try {
    const digest = await target.digest(remotePath, MAX_PULL_BYTES, local);
    let outcome: ImportOutcome;
    if (digest.sha256 !== sha256) {
      outcome = {
        status: 'rejected',
        newOps: 0,
        message: 'The copy of this bundle on the shared location is incomplete or damaged. It will be tried again.',
      };
    } else {
      outcome = await env.bundles.importBundle({ inspectionId, path: local, fileName: bundleName(sha256), confirmDeletions });
    }
    const status = outcome.status === 'rejected' ? 'failed' : outcome.status;
    const error = outcome.status === 'rejected' ? (outcome.message ?? 'This bundle could not be imported.') : null;
    env.db.transaction(() =>
      recordPulled(
        env.db,
        {
          inspectionId,
          sha256,
          remotePath: failure.remotePath,
          size: failure.size,
          status,
          newOps: outcome.newOps,
          error,
          held: outcome.needsConfirmation === true,
          sender: outcome.sender ?? failure.sender,
        },
        at(),
      ),
    )();
    return outcome;
  } finally {
    await rm(local, { force: true });
  }
}
