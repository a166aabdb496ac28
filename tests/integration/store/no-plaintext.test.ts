/**
 * Nothing plaintext reaches the disk: SQLite's temporary files are not encrypted, so every
 * connection keeps them in memory (temp_store=MEMORY). Proved by watching the process's open
 * files (/proc/<pid>/fd, which shows temp files SQLite unlinks at once) and a private temp
 * folder while the CLI merges a large bundle and while the app purges an inspection (whose
 * VACUUM rewrites the whole remaining store); then every file in the data folder is scanned.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../main/store/connection.js';
import { checkStoreFile, openReadOnly } from '../../../main/store/integrity.js';
import { openSqliteFile } from '../../../main/store/sqlite-file.js';
import { edit, exportTo, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { bundleWorker } from '../../support/crash-harness.js';
import { canWatchOpenFiles, filesHolding, watchOpenFiles, type OpenFileReport } from '../../support/open-files.js';
import { sampleInspection, storeKeyIn, tempDir } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
const KEPT = 'KEEPCANARY4e1d';
const PURGED = 'PURGECANARY9b7c';
let team: Team;
let folder: string;
let privateTmp: string;
let bundlePath: string;
let purgedId: string;

/** Runs a process with its own temp folder and watches its open files until it exits. */
async function watched(args: readonly string[]): Promise<OpenFileReport & { code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FIELDWORK_DATA: '', TMPDIR: privateTmp, SQLITE_TMPDIR: privateTmp },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const watch = watchOpenFiles(child.pid as number, [KEPT, PURGED], [team.lead.dir]);
  const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
  return { ...(await watch.stop()), code, stderr };
}

beforeAll(async () => {
  ensureBuilt('cli');
  folder = tempDir('fieldwork-plaintext-');
  privateTmp = join(folder, 'tmp');
  mkdirSync(privateTmp);
  team = await makeTeam(1, { encrypted: true });
  await joinAll(team, folder);
  // A teammate's bundle of about 8 MB of notes: big enough that SQLite spills to temp files.
  const inspector = team.inspectors[0]!;
  const paragraph = `${KEPT} the child was seen alone and said the plan was not followed. `.repeat(30);
  for (let c = 0; c < 40; c += 1) {
    edit(inspector.ctx, team.inspectionId, Array.from({ length: 100 }, () => noteEdits(newNoteId(), paragraph)).flat());
  }
  bundlePath = join(folder, 'big.fwbundle');
  await exportTo(inspector.ctx, team.inspectionId, bundlePath);
  // Another inspection on the lead's laptop, to purge.
  const other = await team.lead.call('inspections.create', {
    fields: { ...sampleInspection, localAuthority: 'Purgeshire', inspectorates: ['ofsted'] },
  });
  purgedId = other.id;
  for (let i = 0; i < 200; i += 1) edit(team.lead.ctx, purgedId, noteEdits(newNoteId(), `${PURGED} note ${i}`));
  team.lead.close();
}, 300_000);

afterAll(() => {
  team?.inspectors.forEach((r) => r.dispose());
  rmSync(team?.lead.dir ?? '', { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!canWatchOpenFiles())('no plaintext on disk', () => {
  it('a large merge through the CLI writes no note text to any temp file', async () => {
    const merge = await watched([CLI, 'merge', '--data', team.lead.dir, bundlePath, '--yes']);
    expect(merge.stderr).not.toMatch(/failed|error/i);
    expect(merge.code).toBe(0);
    expect(merge.polls).toBeGreaterThan(20);
    expect(merge.leaks).toEqual([]);
    expect(readdirSync(privateTmp)).toEqual([]);
    // Its import stage file (encrypted: tests/integration/store/stage-file.test.ts) went with it.
    expect(readdirSync(team.lead.dir).filter((name) => name.includes('-stage-'))).toEqual([]);
  }, 300_000);

  it('a purge (and its VACUUM of the whole remaining store) writes no note text to any temp file', async () => {
    const worker = await bundleWorker(
      join(__dirname, '..', '..', 'support', 'purge-worker.ts'),
      join(process.cwd(), '.test-output', 'plaintext'),
    );
    const purge = await watched([worker, team.lead.dir, purgedId, 'Purgeshire']);
    expect(purge.stderr).toBe('');
    expect(purge.code).toBe(0);
    expect(purge.leaks).toEqual([]);
    expect(readdirSync(privateTmp)).toEqual([]);
    // The data folder holds only encrypted files: no note text in the store, WAL, backups or anywhere.
    expect(filesHolding(team.lead.dir, [KEPT, PURGED])).toEqual([]);
  }, 300_000);
});

describe('every connection keeps temporary data in memory', () => {
  it('stores, read-only checks, salvage handles and backups opened by the app all use temp_store=MEMORY', () => {
    const dir = tempDir('fieldwork-temp-store-');
    try {
      const path = join(dir, 'fieldwork.db');
      const db = openStore(path);
      expect(db.pragma('temp_store', { simple: true })).toBe(2);
      db.close();
      for (const handle of [openReadOnly(path), openSqliteFile(path, {}, { readonly: false })]) {
        expect(handle.pragma('temp_store', { simple: true })).toBe(2);
        handle.close();
      }
      const readOnly = openStore(path, { readonly: true, skipIntegrityCheck: true });
      expect(readOnly.pragma('temp_store', { simple: true })).toBe(2);
      readOnly.close();
      expect(checkStoreFile(path).ok).toBe(true);
      expect(storeKeyIn(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
