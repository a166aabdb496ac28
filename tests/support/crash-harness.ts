/**
 * Kill-at-random harness: runs a writer in a child process, SIGKILLs it at a random moment,
 * then checks the store: integrity_check passes and every acknowledged save is present; for
 * merges, the bundle is in the store whole or not at all.
 */
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import Database from 'better-sqlite3-multiple-ciphers';
import { openStore } from '../../main/store/connection.js';
import { storeKeyIn } from './runtime.js';
import { STORE_FILE, openRuntime } from '../../main/services/runtime.js';

export async function bundleWorker(entry: string, outDir: string): Promise<string> {
  // One file per worker entry: crash tests run in parallel and must not overwrite each other's worker.
  const outfile = join(outDir, `${basename(entry).replace(/\.ts$/, '')}-${process.pid}.cjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3-multiple-ciphers'],
    logLevel: 'error',
    define: { 'import.meta.url': 'import_meta_url' },
    banner: { js: "const import_meta_url = require('url').pathToFileURL(__filename).href;" },
  });
  return outfile;
}

export interface KillResult {
  readonly acknowledged: string[];
  /** Every complete line the worker printed (e.g. the merge worker's "stage ..." lines). */
  readonly lines: string[];
  readonly stderr: string;
}

/** Starts the worker, waits for it to be writing, kills it after `afterMs`. */
export function runAndKill(workerFile: string, args: readonly string[], afterMs: number): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === undefined && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      // Only complete lines count: a line cut by the kill was never acknowledged to anyone.
      const lines = out.split('\n');
      lines.pop();
      resolve({ acknowledged: lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4)), lines, stderr: err });
    });
  });
}

export interface StoreCheck {
  readonly integrity: string;
  readonly missing: string[];
  readonly notes: number;
}

export function checkStore(dataDir: string, acknowledged: readonly string[]): StoreCheck {
  // Opening through the app's own path replays the WAL exactly as the app would after a crash.
  const key = storeKeyIn(dataDir);
  const db = openStore(join(dataDir, STORE_FILE), key ? { key } : {});
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const present = db.prepare("SELECT 1 FROM evidence_note WHERE id = ? AND text LIKE 'Crash harness note %'");
    const missing = acknowledged.filter((id) => present.get(id) === undefined);
    const notes = (db.prepare('SELECT count(*) AS n FROM evidence_note').get() as { n: number }).n;
    return { integrity, missing, notes };
  } finally {
    db.close();
  }
}

export { Database };

// ---- Merges (bundle imports) killed part way ----

export interface MergeCheck {
  readonly integrity: string;
  /** How many of the bundle's ops the store holds. */
  readonly opsPresent: number;
  readonly recorded: boolean;
}

/**
 * Opens the data folder as the app does after a crash (WAL replayed, key and recovery checks
 * applied) and reports integrity and how much of the bundle is in the store.
 */
export async function checkMerge(dataDir: string, opIds: readonly string[], bundleId: string): Promise<MergeCheck> {
  const runtime = await openRuntime({
    dataDir,
    recovery: true,
    backups: false,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  if (runtime.mode !== 'ready') {
    runtime.close();
    return { integrity: `store opened in recovery mode: ${runtime.problem}`, opsPresent: -1, recorded: false };
  }
  try {
    const { db } = runtime.ctx;
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const has = db.prepare('SELECT 1 FROM op WHERE id = ?');
    const opsPresent = opIds.filter((id) => has.get(id) !== undefined).length;
    const recorded = db.prepare('SELECT 1 FROM imported_bundle WHERE id = ?').get(bundleId) !== undefined;
    return { integrity, opsPresent, recorded };
  } finally {
    runtime.close();
  }
}
