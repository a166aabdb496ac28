/**
 * The benchmark's team: a lead and N inspectors, each a real data folder with a real store and
 * a real Ed25519 device key derived from the seed, and a simulated clock so HLCs are
 * reproducible. Also the hand-over of changesets from one laptop to another.
 */
import { generateX25519Identity } from 'age-encryption';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../../main/services/context.js';
import { KEY_FILE, openRuntime, type Runtime } from '../../main/services/runtime.js';
import { insertChangeset, iterateChangesets } from '../../main/store/op-log-repo.js';
import { applyOps } from '../../main/sync/apply-ops.js';
import type { ChangesetBody } from '../../main/sync/changeset.js';
import type { DeviceSecrets } from '../../main/sync/device-identity.js';
import { observeRemoteHlc } from '../../main/sync/local-write.js';
import { seededRng, seededSigningKeyPem, simulatedClock, type Rng } from './seeded.js';

export const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Laptop {
  readonly name: string;
  readonly dataDir: string;
  readonly rng: Rng;
  readonly clock: ReturnType<typeof simulatedClock>;
  runtime: Runtime;
  /** This person's row in the roster (set once the lead has added them). */
  memberId: string;
}

/** Fieldwork starts on a Monday morning; every laptop's clock starts there, a few minutes apart. */
export const FIELDWORK_START_MS = Date.UTC(2026, 10, 2, 9, 0, 0);

/**
 * Opens (or creates) a laptop's data folder. Its signing key is derived from the seed and kept in
 * the folder's key file like any CLI profile's, so a cached team re-opens with the same keys.
 */
export async function openLaptop(root: string, name: string, seed: number): Promise<Laptop> {
  const rng = seededRng(seed);
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const clock = simulatedClock(rng, FIELDWORK_START_MS + rng.int(0, 600_000));
  const keyFile = join(dataDir, KEY_FILE);
  const signingPrivatePem = seededSigningKeyPem(rng);
  if (!existsSync(keyFile)) {
    const secrets: DeviceSecrets = { signingPrivatePem, ageIdentity: await generateX25519Identity() };
    writeFileSync(keyFile, JSON.stringify(secrets), { mode: 0o600 });
  }
  const runtime = await openRuntime({ dataDir, log: quietLog, now: clock.now, backups: false });
  return { name, dataDir, rng, clock, runtime, memberId: '' };
}

/**
 * Opens a copy of a data folder (keys included) as the person whose folder it was. The rolling
 * backup scheduler is off: an hourly snapshot landing inside a timed merge would measure the
 * backup, not the merge (the app's backups are their own concern, with their own tests).
 */
export async function openDataDir(dataDir: string, now: () => number = Date.now): Promise<Runtime> {
  return openRuntime({ dataDir, log: quietLog, now, backups: false });
}

/** Copies a data folder (store and keys) without its backups folder, which nothing here reads. */
export function copyDataDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (source) => basename(source) !== 'backups' });
}

/** The app snapshots the store when it closes; the cached team does not need those copies. */
export function dropBackups(dataDir: string): void {
  rmSync(join(dataDir, 'backups'), { recursive: true, force: true });
}

/**
 * Hands changesets from one laptop to another exactly as an import would apply them (insert
 * the signed changeset, apply its ops, advance the clock), minus the bundle file around them.
 * Whole chains only (all of an author's changesets so far), as a published merge brings them:
 * a bundle holding part of someone else's chain would rightly be refused with a chain gap.
 * Used to stage the generator's history (who had seen what when they edited), not to measure.
 */
export function handOver(from: Laptop, to: Laptop, inspectionId: string, onlyAuthor?: string): number {
  const { db } = to.runtime.ctx;
  let count = 0;
  const receivedAt = new Date(to.clock.now()).toISOString();
  db.transaction(() => {
    for (const changeset of iterateChangesets(from.runtime.ctx.db, inspectionId)) {
      if (onlyAuthor !== undefined && changeset.author !== onlyAuthor) continue;
      if (!insertChangeset(db, { ...changeset, local: false }, receivedAt)) continue;
      const body = JSON.parse(changeset.body.toString('utf8')) as ChangesetBody;
      applyOps(db, body.ops, changeset.id);
      for (const op of body.ops) observeRemoteHlc(to.runtime.ctx, op.hlc);
      count += 1;
    }
  })();
  return count;
}
