/**
 * Kill-at-random harness: runs a writer in a child process, SIGKILLs it at a random moment,
 * then checks the store: integrity_check passes and every acknowledged save is present.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import Database from 'better-sqlite3-multiple-ciphers';
import { openStore } from '../../main/store/connection.js';
import { STORE_FILE } from '../../main/services/runtime.js';

export async function bundleWorker(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'crash-worker.cjs');
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
      resolve({ acknowledged: lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4)), stderr: err });
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
  const db = openStore(join(dataDir, STORE_FILE));
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
