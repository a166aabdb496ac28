/**
 * The benchmark's team: a lead and N inspectors, each a real data folder with a real store and
 * a real Ed25519 device key derived from the seed, and a simulated clock so HLCs are
 * reproducible. A laptop's seeded state (generator and clock) can be saved and resumed, so
 * each inspector's work can be generated in its own process and carried on in another. Also
 * the hand-over of changesets from one laptop to another.
 */
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../../main/services/context.js';
import { KEY_FILE, openRuntime, STORE_FILE, type Runtime } from '../../main/services/runtime.js';
import { openStore } from '../../main/store/connection.js';
import { insertChangeset, iterateChangesets, type ChangesetRecord } from '../../main/store/op-log-repo.js';
import { applyOps } from '../../main/sync/apply-ops.js';
import type { ChangesetBody } from '../../main/sync/changeset.js';
import { authorFromPublicKey, type DeviceSecrets } from '../../main/sync/device-identity.js';
import { observeRemoteHlc } from '../../main/sync/local-write.js';
import { seededRng, seededSigningKeyPem, simulatedClock, type Rng } from './seeded.js';

export const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Where a laptop's seeded generator and clock stand, so another process can carry on from there. */
export interface LaptopState {
  readonly name: string;
  readonly rngState: number;
  readonly clockMs: number;
  /** This person's row in the roster (empty for the lead). */
  readonly memberId: string;
}

export interface Laptop {
  readonly name: string;
  readonly dataDir: string;
  readonly rng: Rng;
  readonly clock: ReturnType<typeof simulatedClock>;
  readonly runtime: Runtime;
  readonly memberId: string;
}

/** Fieldwork starts on a Monday morning; every laptop's clock starts there, a few minutes apart. */
/** The inspection the measures' own stores are made for (search, conflicts, note save). */
export const MEASURE_INSPECTION = {
  type: 'jtai_thematic',
  localAuthority: 'Northshire County Council',
  fieldworkStart: '2026-11-02',
  fieldworkEnd: '2026-11-13',
  inspectorates: ['ofsted'],
} as const;

export const FIELDWORK_START_MS = Date.UTC(2026, 10, 2, 9, 0, 0);

/**
 * Makes a laptop's data folder and its device keys without opening its store: the signing key
 * is derived from the seed and kept in the folder's key file like any CLI profile's (so a
 * cached team re-opens with the same keys). Returns the public keys the lead's roster needs.
 */
export async function createLaptop(
  root: string,
  name: string,
  seed: number,
): Promise<{ state: LaptopState; author: string; ageRecipient: string }> {
  const rng = seededRng(seed);
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const clock = simulatedClock(rng, FIELDWORK_START_MS + rng.int(0, 600_000));
  const signingPrivatePem = seededSigningKeyPem(rng);
  const keyFile = join(dataDir, KEY_FILE);
  if (!existsSync(keyFile)) {
    const secrets: DeviceSecrets = { signingPrivatePem, ageIdentity: await generateX25519Identity() };
    writeFileSync(keyFile, JSON.stringify(secrets), { mode: 0o600 });
  }
  const secrets = JSON.parse(readFileSync(keyFile, 'utf8')) as DeviceSecrets;
  return {
    state: { name, rngState: rng.state(), clockMs: clock.now(), memberId: '' },
    author: authorFromPublicKey(createPublicKey(createPrivateKey(secrets.signingPrivatePem))),
    ageRecipient: await identityToRecipient(secrets.ageIdentity),
  };
}

/**
 * Opens a laptop where its saved state left it. The store is tuned for generation only: no
 * fsync and a large page cache (the data written is the same; only how durably the generator's
 * own throwaway writes reach the disk differs). Every measure re-opens the folders normally.
 */
export async function resumeLaptop(root: string, state: LaptopState): Promise<Laptop> {
  const rng = seededRng(0, state.rngState);
  const clock = simulatedClock(rng, state.clockMs);
  const dataDir = join(root, state.name);
  const runtime = await openRuntime({ dataDir, log: quietLog, now: clock.now, backups: false });
  const { db } = runtime.ctx;
  db.pragma('synchronous = OFF');
  db.pragma('secure_delete = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('wal_autocheckpoint = 10000');
  return { name: state.name, dataDir, rng, clock, runtime, memberId: state.memberId };
}

export function laptopState(laptop: Laptop): LaptopState {
  return { name: laptop.name, rngState: laptop.rng.state(), clockMs: laptop.clock.now(), memberId: laptop.memberId };
}

/** Closes a laptop's store and drops the snapshot the app takes on close (nothing here reads it). */
export function closeLaptop(laptop: Laptop): void {
  laptop.runtime.close();
  dropBackups(laptop.dataDir);
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
 * Visits the changesets in another laptop's store, closed or busy, read-only (WAL lets its
 * owner keep writing), in chain order (by author, then seq).
 */
export function visitChangesets(dataDir: string, inspectionId: string, visit: (changeset: ChangesetRecord) => void): void {
  const secrets = JSON.parse(readFileSync(join(dataDir, KEY_FILE), 'utf8')) as DeviceSecrets;
  const db = openStore(join(dataDir, STORE_FILE), {
    readonly: true,
    skipIntegrityCheck: true,
    ...(secrets.storeKey ? { key: secrets.storeKey } : {}),
  });
  try {
    for (const changeset of iterateChangesets(db, inspectionId)) visit(changeset);
  } finally {
    db.close();
  }
}

/** The changesets of another laptop's store: all, or one author's up to a seq. */
export function readChain(
  dataDir: string,
  inspectionId: string,
  only?: { readonly author: string; readonly maxSeq: number },
): ChangesetRecord[] {
  const chain: ChangesetRecord[] = [];
  visitChangesets(dataDir, inspectionId, (changeset) => {
    if (!only || (changeset.author === only.author && changeset.seq <= only.maxSeq)) chain.push(changeset);
  });
  return chain;
}

/**
 * Hands changesets to a laptop exactly as an import would apply them (insert the signed
 * changeset, apply its ops, advance the clock past what it saw), minus the bundle file around
 * them. Whole chains only (all of an author's changesets so far), as a published merge brings
 * them: a bundle holding part of someone else's chain would rightly be refused with a chain
 * gap. Used to stage the generator's history (who had seen what when they edited), not to measure.
 */
export function handOver(to: Laptop, changesets: readonly ChangesetRecord[]): number {
  const { db } = to.runtime.ctx;
  let count = 0;
  let latestHlc = '';
  const receivedAt = new Date(to.clock.now()).toISOString();
  db.transaction(() => {
    for (const changeset of changesets) {
      if (!insertChangeset(db, { ...changeset, local: false }, receivedAt)) continue;
      const body = JSON.parse(changeset.body.toString('utf8')) as ChangesetBody;
      applyOps(db, body.ops, changeset.id);
      for (const op of body.ops) if (op.hlc > latestHlc) latestHlc = op.hlc;
      count += 1;
    }
    // Once, past the latest timestamp seen: the clock ends up after everything received.
    if (latestHlc) observeRemoteHlc(to.runtime.ctx, latestHlc);
  })();
  return count;
}
