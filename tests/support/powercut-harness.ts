/**
 * Power-cut harness: the data folder lives on tests/powercut/powercut_fs.py, which keeps what
 * was not fsynced in memory only. A worker process does real work on it (save notes, merge a
 * bundle, export bundles, take backups, restore a backup and carry on, start for the first
 * time); the filesystem cuts the power before an operation chosen at random; the worker is
 * killed; then the folder is opened as a restarted laptop would open it and checked:
 *  - the store opens (not in recovery mode, not locked out) and passes integrity_check;
 *  - every acknowledged note, inspection, backup and bundle is there;
 *  - a bundle is merged wholly or not at all;
 *  - no bundle or backup file under its final name is partial;
 *  - a restore leaves the replaced store's work in the store or in set-aside/, never nowhere.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { openRuntime, STORE_FILE, type Runtime } from '../../main/services/runtime.js';
import { previewBundleFile } from '../../main/services/bundles.js';
import { parseBackupName, verifyBackupFile } from '../../main/store/backup.js';
import { openSqliteFile } from '../../main/store/sqlite-file.js';
import { checkStoreFile } from '../../main/store/integrity.js';
import { listOutbox } from '../../main/store/sync-repo.js';
import { opsOfBody } from '../../main/sync/bundle-verify.js';
import { sha256Hex } from '../../main/sync/op-id.js';
import type { Db } from '../../main/store/connection.js';
import { decryptPlain, parsePlain } from '../fixtures/bundle-craft.js';
import { edit, exportTo, joinAll, makeTeam, newNoteId, noteEdits } from '../fixtures/bundles.js';
import { bundleWorker } from './crash-harness.js';
import { PowerCutFs, type CutMode } from './powercut-fs.js';
import { quietLog, storeKeyIn, tempDir } from './runtime.js';
import type { PowerCutOperation, WorkerParams } from '../powercut/powercut-worker.js';

export const OPERATIONS: readonly PowerCutOperation[] = ['notes', 'merge', 'exports', 'backups', 'restore', 'firstStart'];

/** Durability deliberately switched off in the worker, to prove the harness notices. */
export interface Weakening {
  readonly synchronousOff?: boolean;
  readonly noFolderSync?: boolean;
}

export interface CutPlan {
  readonly operation: PowerCutOperation;
  /**
   * Cut before this counted filesystem operation; right after the worker's n-th
   * acknowledgement (the moment the user is told the work is safe); or just after it finished.
   */
  readonly at: number | { readonly afterAck: number } | 'end';
  readonly mode: CutMode;
  readonly seed: number;
}

export interface CutOutcome {
  readonly plan: CutPlan;
  /** Whether the cut fell while the worker was working (else it came after it finished). */
  readonly midway: boolean;
  readonly acks: readonly string[];
  readonly problems: readonly string[];
}

interface Fixture {
  readonly inspectionId: string;
  readonly storeKey: string;
  /** Notes in the backup the restore worker restores, and notes written after it. */
  readonly inBackup: readonly string[];
  readonly afterBackup: readonly string[];
  readonly backupName: string;
  readonly bundlePath: string;
  readonly bundleId: string;
  readonly bundleOps: readonly string[];
}

const WORKER = join(__dirname, '..', 'powercut', 'powercut-worker.ts');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function noteIn(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM evidence_note WHERE id = ?').get(id) !== undefined;
}

/** Opens a copy (on the ordinary disk) of a store file and its WAL, so checking changes nothing. */
function withCopy<T>(path: string, key: string, scratch: string, read: (db: Db) => T): T {
  const copy = join(scratch, `copy-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(copy);
  try {
    const target = join(copy, basename(path));
    cpSync(path, target);
    if (existsSync(`${path}-wal`)) cpSync(`${path}-wal`, `${target}-wal`);
    const db = openSqliteFile(target, { key }, { readonly: false });
    try {
      return read(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export class PowerCutHarness {
  private constructor(
    readonly fs: PowerCutFs,
    private readonly workerFile: string,
    private readonly fixture: Fixture,
    private readonly scratch: string,
  ) {}

  private runs = 0;

  static async start(): Promise<PowerCutHarness> {
    const scratch = tempDir('fieldwork-powercut-scratch-');
    const workerFile = await bundleWorker(WORKER, join(process.cwd(), '.test-output', 'powercut'));
    const fs = await PowerCutFs.mount();
    try {
      const fixture = await buildFixture(fs, scratch);
      return new PowerCutHarness(fs, workerFile, fixture, scratch);
    } catch (error) {
      await fs.unmount();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.fs.unmount();
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private params(operation: PowerCutOperation): WorkerParams {
    const f = this.fixture;
    switch (operation) {
      case 'notes':
        return { inspectionId: f.inspectionId, rounds: 12 };
      case 'firstStart':
        return { rounds: 3 };
      case 'backups':
        return { inspectionId: f.inspectionId, rounds: 2 };
      case 'exports':
        return { inspectionId: f.inspectionId, rounds: 2 };
      case 'merge':
        return { bundlePath: f.bundlePath };
      case 'restore':
        return {
          inspectionId: f.inspectionId,
          rounds: 4,
          backupPath: join('BACKUPS', f.backupName),
          storeKey: f.storeKey,
        };
    }
  }

  /** How many counted filesystem operations the whole operation takes when nothing cuts it. */
  /**
   * Runs the whole operation and cuts the power just after it finished (itself a checked cut);
   * returns the outcome and how many counted filesystem operations the work took, so random
   * cut points can be spread over all of it.
   */
  async calibrate(operation: PowerCutOperation, weakening: Weakening = {}): Promise<CutOutcome & { counted: number }> {
    return this.cut({ operation, at: 'end', mode: 'drop', seed: 1 }, weakening);
  }

  async cut(plan: CutPlan, weakening: Weakening = {}): Promise<CutOutcome & { counted: number }> {
    this.runs += 1;
    const run = `run-${this.runs}`;
    await this.fs.clone(plan.operation === 'firstStart' ? 'empty' : 'lead', run);
    const dataDir = plan.operation === 'firstStart' ? this.fs.path(`${run}/data`) : this.fs.path(run);
    const params = this.params(plan.operation);
    const resolved = params.backupPath ? { ...params, backupPath: join(dataDir, 'backups', this.fixture.backupName) } : params;
    const flags = [
      ...(weakening.synchronousOff ? ['--synchronous-off'] : []),
      ...(weakening.noFolderSync ? ['--no-folder-sync'] : []),
    ];
    let midway = false;
    let child: ChildProcessWithoutNullStreams | null = null;
    // Armed before the worker starts, so its start-up (opening the store, the keys) can be cut too.
    await this.fs.arm(typeof plan.at === 'number' ? plan.at : 2 ** 31, plan.mode, plan.seed, () => {
      midway = true;
      child?.kill('SIGKILL');
    });
    const holdAfterAck = typeof plan.at === 'object' ? plan.at.afterAck : 0;
    child = spawn(process.execPath, [this.workerFile, plan.operation, dataDir, JSON.stringify(resolved), ...flags], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, POWERCUT_HOLD_AFTER_ACK: String(holdAfterAck) },
    });
    child.stdin.end();
    if (midway) child.kill('SIGKILL');
    let out = '';
    let err = '';
    const holding = child;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!midway && out.includes('holding\n')) {
        midway = true;
        void this.fs.cutNow(plan.mode, plan.seed).finally(() => holding.kill('SIGKILL'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const running = child;
    await new Promise<void>((resolve) => running.once('close', () => resolve()));
    clearTimeout(guard);
    const counted = await this.fs.counted();
    if (!midway) await this.fs.cutNow(plan.mode, plan.seed);
    await this.fs.resume();
    const lines = out.split('\n').filter((l) => l !== 'holding');
    lines.pop(); // a line cut short was never acknowledged to anyone
    const acks = lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
    const problems: string[] = [];
    if (!midway && !lines.includes('done')) problems.push(`the worker failed with no cut: ${err.trim()}`);
    problems.push(...(await this.check(plan.operation, dataDir, acks)));
    await this.fs.remove(run);
    return { plan, midway, acks, problems, counted };
  }

  private async check(operation: PowerCutOperation, dataDir: string, acks: readonly string[]): Promise<string[]> {
    const problems: string[] = [];
    const acked = (kind: string) => acks.filter((a) => a.startsWith(`${kind} `)).map((a) => a.slice(kind.length + 1));
    if (operation === 'firstStart' && acks.length === 0 && !existsSync(join(dataDir, STORE_FILE))) return problems;
    let runtime: Runtime;
    try {
      const opened = await openRuntime({ dataDir, recovery: true, backups: false, log: quietLog });
      if (opened.mode !== 'ready') {
        opened.close();
        const store = checkStoreFile(join(dataDir, STORE_FILE), 'quick', { key: storeKeyIn(dataDir) });
        const files = readdirSync(dataDir).map((n) => `${n}:${statSync(join(dataDir, n)).size}`);
        return [`the store opened in recovery mode (${store.problem ?? 'quick check ok'}; ${files.join(' ')})`];
      }
      runtime = opened;
    } catch (error) {
      return [`the data folder did not open: ${error instanceof Error ? error.message : String(error)}`];
    }
    try {
      const { db } = runtime.ctx;
      const integrity = String(db.pragma('integrity_check', { simple: true }));
      if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
      const lostNotes = acked('note').filter((id) => !noteIn(db, id));
      if (lostNotes.length > 0) problems.push(`${lostNotes.length} acknowledged notes are missing`);
      problems.push(...this.checkBackups(dataDir, acks));
      problems.push(...(await this.checkBundles(runtime, dataDir, acked('bundle'), acked('outbox'))));
      if (operation === 'merge') problems.push(...this.checkMerge(db, acked('merged').length > 0));
      if (operation === 'restore') problems.push(...this.checkRestore(db, dataDir, acked('restored')));
      if (operation === 'firstStart') {
        for (const id of acked('inspection')) {
          if (!db.prepare('SELECT 1 FROM inspection WHERE id = ?').get(id))
            problems.push('the acknowledged inspection is missing');
        }
      }
    } finally {
      runtime.close();
    }
    return problems;
  }

  /** Every file with a backup's name is a whole store; each acknowledged backup holds the notes saved before it. */
  private checkBackups(dataDir: string, acks: readonly string[]): string[] {
    const problems: string[] = [];
    const dir = join(dataDir, 'backups');
    const key = storeKeyIn(dataDir) as string;
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (!parseBackupName(name)) continue;
      try {
        verifyBackupFile(join(dir, name), { key });
      } catch (error) {
        problems.push(`backup ${name} under its final name is not whole: ${String(error)}`);
      }
    }
    const notesBefore: string[] = [];
    for (const ack of acks) {
      if (ack.startsWith('note ')) notesBefore.push(ack.slice(5));
      if (!ack.startsWith('backup ')) continue;
      const name = ack.slice(7);
      const path = join(dir, name);
      if (!existsSync(path)) {
        problems.push(`acknowledged backup ${name} is missing`);
        continue;
      }
      try {
        const db = openSqliteFile(path, { key }, { readonly: true });
        try {
          const missing = notesBefore.filter((id) => !noteIn(db, id));
          if (missing.length > 0) problems.push(`acknowledged backup ${name} lacks ${missing.length} notes saved before it`);
        } finally {
          db.close();
        }
      } catch (error) {
        problems.push(`acknowledged backup ${name} does not open: ${String(error)}`);
      }
    }
    return problems;
  }

  /** Every bundle file under its final name reads whole; so does each acknowledged one and each the outbox lists. */
  private async checkBundles(runtime: Runtime, dataDir: string, files: readonly string[], outbox: readonly string[]) {
    const problems: string[] = [];
    const whole = async (path: string): Promise<string | null> => {
      try {
        await previewBundleFile(runtime.ctx, path, { fileName: basename(path) });
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };
    for (const path of filesUnder(dataDir).filter((p) => p.endsWith('.fwbundle'))) {
      const problem = await whole(path);
      if (problem) problems.push(`bundle ${basename(path)} under its final name is not whole: ${problem}`);
      if (path.includes('/outbox/')) {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        if (!basename(path).startsWith(hash)) problems.push(`outbox bundle ${basename(path)} does not match its hash`);
      }
    }
    for (const path of files) if (!existsSync(path)) problems.push(`acknowledged bundle ${basename(path)} is missing`);
    const inbox = listOutbox(runtime.ctx.db, this.fixture.inspectionId);
    for (const sha of outbox)
      if (!inbox.some((i) => i.sha256 === sha)) problems.push(`acknowledged outbox entry ${sha} is missing`);
    for (const item of inbox) {
      const present = filesUnder(join(dataDir, 'outbox')).some((p) => basename(p).startsWith(item.sha256));
      if (!present) problems.push(`the outbox lists ${item.sha256.slice(0, 12)} but its file is gone`);
    }
    return problems;
  }

  private checkMerge(db: Db, acknowledged: boolean): string[] {
    const { bundleOps, bundleId } = this.fixture;
    const has = db.prepare('SELECT 1 FROM op WHERE id = ?');
    const present = bundleOps.filter((id) => has.get(id) !== undefined).length;
    const recorded = db.prepare('SELECT 1 FROM imported_bundle WHERE id = ?').get(bundleId) !== undefined;
    const problems: string[] = [];
    if (present !== 0 && present !== bundleOps.length)
      problems.push(`${present} of ${bundleOps.length} of the bundle's ops present`);
    if (recorded !== (present === bundleOps.length))
      problems.push('the bundle is recorded as merged but its ops are not all there');
    if (acknowledged && !recorded) problems.push('an acknowledged merge is missing');
    return problems;
  }

  /** The replaced store's newer notes are in the store or in set-aside/; an acknowledged restore took. */
  private checkRestore(db: Db, dataDir: string, restored: readonly string[]): string[] {
    const { afterBackup, inBackup, storeKey } = this.fixture;
    const problems: string[] = [];
    const lostBackup = inBackup.filter((id) => !noteIn(db, id));
    if (lostBackup.length > 0) problems.push(`${lostBackup.length} notes that were in both the store and the backup are missing`);
    const inStore = afterBackup.filter((id) => noteIn(db, id));
    const asideDir = join(dataDir, 'set-aside');
    const aside = existsSync(asideDir) ? readdirSync(asideDir).filter((n) => n.endsWith('.db')) : [];
    const inAside = new Set<string>();
    for (const name of aside) {
      try {
        withCopy(join(asideDir, name), storeKey, this.scratch, (copy) => {
          for (const id of afterBackup) if (noteIn(copy, id)) inAside.add(id);
        });
      } catch (error) {
        problems.push(`set-aside/${name} does not open: ${String(error)}`);
      }
    }
    const lost = afterBackup.filter((id) => !inStore.includes(id) && !inAside.has(id));
    if (lost.length > 0) problems.push(`${lost.length} notes of the replaced store are neither in the store nor in set-aside/`);
    if (restored.length > 0) {
      if (inStore.length > 0) problems.push('the restore was acknowledged but the store is still the one it replaced');
      const path = restored[0] as string;
      if (path && !existsSync(path)) problems.push(`the acknowledged set-aside copy ${basename(path)} is missing`);
    }
    return problems;
  }
}

/**
 * The lead's data folder (encrypted, as the app keeps it) with an inspection, a teammate,
 * notes, a backup and newer notes after it; a teammate's bundle of 400 ops to merge; and an
 * empty folder for a first start. Built on the ordinary disk, copied onto the filesystem and
 * made durable before any cut.
 */
async function buildFixture(fs: PowerCutFs, scratch: string): Promise<Fixture> {
  const team = await makeTeam(1, { encrypted: true });
  try {
    await joinAll(team, scratch);
    const inspector = team.inspectors[0]!;
    for (let c = 0; c < 20; c += 1) {
      const edits = Array.from({ length: 5 }, (_, n) => noteEdits(newNoteId(), `Teammate note ${c}.${n} on the visit.`)).flat();
      edit(inspector.ctx, team.inspectionId, edits);
    }
    const bundlePath = join(scratch, 'teammate.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, bundlePath);
    const plain = parsePlain(await decryptPlain(readFileSync(bundlePath), { identity: team.lead.ctx.device.ageIdentity }));
    const bundleOps = plain.records.flatMap((r) => opsOfBody(r.body).map((op) => op.id));
    const lead = team.lead;
    const write = (label: string) => {
      const id = newNoteId();
      edit(lead.ctx, team.inspectionId, noteEdits(id, `${label} note ${id}`));
      return id;
    };
    const inBackup = Array.from({ length: 5 }, () => write('Backed-up'));
    const backup = await lead.call('backups.create', {});
    const afterBackup = Array.from({ length: 5 }, () => write('Newer'));
    lead.close();
    const storeKey = storeKeyIn(lead.dir) as string;
    cpSync(lead.dir, fs.path('lead'), { recursive: true });
    mkdirSync(fs.path('empty'));
    await fs.sync();
    return {
      inspectionId: team.inspectionId,
      storeKey,
      inBackup,
      afterBackup,
      backupName: backup.name,
      bundlePath,
      bundleId: sha256Hex(plain.manifestBytes),
      bundleOps,
    };
  } finally {
    team.inspectors.forEach((r) => r.dispose());
    rmSync(team.lead.dir, { recursive: true, force: true });
  }
}
