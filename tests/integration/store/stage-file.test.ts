/**
 * An import's stage file (main/store/stage-file.ts): a bundle's decrypted changesets reach the
 * disk only encrypted, in a private file of the importing connection's own, which is gone when
 * the connection closes, and after a crash when the store is next opened; another live
 * connection's stage is never touched.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearStage, ensureStage, stageChangeset, stagedLinks } from '../../../main/store/bundles-repo.js';
import { openStore } from '../../../main/store/connection.js';
import { DEFAULT_LIMITS } from '../../../main/sync/bundle-format.js';
import {
  canonicalDump,
  edit,
  exportTo,
  fileHash,
  importFile,
  joinAll,
  makeTeam,
  newNoteId,
  noteEdits,
  type Team,
} from '../../fixtures/bundles.js';
import { bundleWorker } from '../../support/crash-harness.js';
import { tempDir } from '../../support/runtime.js';

const CANARY = 'STAGECANARY7f3a';
const PLAIN_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');
let team: Team | undefined;
let crashWorker: string;
const dirs: string[] = [];

beforeAll(async () => {
  crashWorker = await bundleWorker(
    join(__dirname, '..', '..', 'support', 'stage-crash-worker.ts'),
    join(process.cwd(), '.test-output', 'stage'),
  );
});
afterEach(() => {
  team?.dispose();
  team = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The stage files beside a store. */
function stagesOf(storePath: string): string[] {
  const prefix = `${basename(storePath)}-stage-`;
  return readdirSync(dirname(storePath))
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(dirname(storePath), name));
}

function record(seq: number, text: string) {
  const body = Buffer.from(text.repeat(100));
  return {
    id: seq.toString(16).padStart(64, '0'),
    inspection: 'i',
    author: 'A'.repeat(43),
    seq,
    prev: null,
    body,
    signature: Buffer.alloc(64),
    local: false,
  };
}

function newStore(): string {
  const dir = tempDir('fieldwork-stage-');
  dirs.push(dir);
  const path = join(dir, 'fieldwork.db');
  openStore(path).close();
  return path;
}

describe('the import stage file', () => {
  for (const encrypted of [false, true]) {
    it(`holds a large bundle's notes only encrypted, 0600, while it is staged (${encrypted ? 'encrypted' : 'plain'} store)`, async () => {
      team = await makeTeam(1, { encrypted });
      const folder = tempDir('fieldwork-stage-bundle-');
      dirs.push(folder);
      await joinAll(team, folder);
      const inspector = team.inspectors[0]!;
      const text = `${CANARY} the child said the plan was not followed. `.repeat(60);
      edit(inspector.ctx, team.inspectionId, Array.from({ length: 200 }, () => noteEdits(newNoteId(), text)).flat());
      const file = join(folder, 'inspector.fwbundle');
      await exportTo(inspector.ctx, team.inspectionId, file);
      const storePath = team.lead.storePath;
      const copies: { path: string; bytes: Buffer; mode: number }[] = [];
      const summary = await importFile(team.lead.ctx, file, {
        // This bundle (about 1 MB) counts as large here; the default threshold is 32 MiB.
        limits: { ...DEFAULT_LIMITS, stageOnDiskBytes: 0 },
        // Every changeset is staged and verified, the write transaction not yet begun.
        progress: (done, total, stage) => {
          if (stage !== 'Checking' || done !== total) return;
          for (const path of stagesOf(storePath))
            copies.push({ path, bytes: readFileSync(path), mode: statSync(path).mode & 0o777 });
        },
      });
      expect(summary.status).toBe('imported');
      expect(copies).toHaveLength(1);
      const [copy] = copies as [(typeof copies)[0]];
      // The notes are in the file (it is larger than their text), yet none of it reads as text.
      expect(copy.bytes.length).toBeGreaterThan(200 * text.length);
      expect(copy.bytes.includes(Buffer.from(CANARY))).toBe(false);
      expect(copy.bytes.subarray(0, PLAIN_HEADER.length).equals(PLAIN_HEADER)).toBe(false);
      if (process.platform !== 'win32') expect(copy.mode).toBe(0o600);
      expect(copy.path).toContain(`-stage-${process.pid}-`);
      team.lead.close();
      expect(stagesOf(storePath)).toEqual([]);
    }, 120_000);
  }

  it('stages a bundle under the threshold in memory: no stage file is made for it', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-stage-small-');
    dirs.push(folder);
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    edit(
      inspector.ctx,
      team.inspectionId,
      Array.from({ length: 20 }, () => noteEdits(newNoteId(), `${CANARY} a short note.`)).flat(),
    );
    const file = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, file);
    const storePath = team.lead.storePath;
    const seen: string[][] = [];
    const summary = await importFile(team.lead.ctx, file, {
      progress: (done, total, stage) => {
        if (stage === 'Checking' && done === total) seen.push(stagesOf(storePath));
      },
    });
    expect(summary.status).toBe('imported');
    expect(seen).toEqual([[]]);
    expect(stagesOf(storePath)).toEqual([]);
  }, 120_000);

  it('staged on disk: a damaged bundle is refused leaving the store as it was, and the same file twice merges once', async () => {
    team = await makeTeam(1);
    const folder = tempDir('fieldwork-stage-hostile-');
    dirs.push(folder);
    await joinAll(team, folder);
    const inspector = team.inspectors[0]!;
    edit(
      inspector.ctx,
      team.inspectionId,
      Array.from({ length: 200 }, (_, n) => noteEdits(newNoteId(), `${CANARY} note ${n} `.repeat(60))).flat(),
    );
    const file = join(folder, 'inspector.fwbundle');
    await exportTo(inspector.ctx, team.inspectionId, file);
    const onDisk = { limits: { ...DEFAULT_LIMITS, stageOnDiskBytes: 0 } };
    const lead = team.lead;

    // One byte flipped two thirds in.
    const damaged = join(folder, 'damaged.fwbundle');
    const bytes = readFileSync(file);
    const at = Math.floor((bytes.length * 2) / 3);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(damaged, bytes);
    const before = { dump: canonicalDump(lead.ctx.db), hash: fileHash(lead.ctx.db, lead.storePath) };
    const refused = await importFile(lead.ctx, damaged, onDisk).catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('bundle_invalid');
    expect(canonicalDump(lead.ctx.db)).toEqual(before.dump);
    expect(fileHash(lead.ctx.db, lead.storePath)).toBe(before.hash);

    // The good file, then the same file again: the second import is known and changes nothing.
    expect((await importFile(lead.ctx, file, onDisk)).status).toBe('imported');
    const merged = canonicalDump(lead.ctx.db);
    expect((await importFile(lead.ctx, file, onDisk)).status).toBe('already_imported');
    expect(canonicalDump(lead.ctx.db)).toEqual(merged);
    const storePath = lead.storePath;
    lead.close();
    expect(stagesOf(storePath)).toEqual([]);
  }, 120_000);

  it('two connections to one store stage in two files; closing one deletes only its own', () => {
    const path = newStore();
    const [a, b] = [openStore(path), openStore(path)];
    ensureStage(a, 't', true);
    ensureStage(b, 't', true);
    stageChangeset(a, 't', record(1, 'a'), false);
    stageChangeset(b, 't', record(2, 'b'), false);
    const both = stagesOf(path);
    expect(both).toHaveLength(2);
    // A third open (which removes stale stages) leaves both live ones alone.
    openStore(path).close();
    expect(stagesOf(path)).toEqual(both);
    expect(stagedLinks(a, 't').map((l) => l.seq)).toEqual([1]);
    a.close();
    expect(stagesOf(path)).toHaveLength(1);
    expect(stagedLinks(b, 't').map((l) => l.seq)).toEqual([2]);
    b.close();
    expect(stagesOf(path)).toEqual([]);
  });

  it('a stage left by a process killed mid-import holds no text and is deleted by the next open', () => {
    const path = newStore();
    const child = spawnSync(process.execPath, [crashWorker, path, `${CANARY} `], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(child.stdout).toBe('staged\n');
    const left = stagesOf(path);
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(`-stage-${child.pid}-0-1`);
    expect(readFileSync(left[0]!).includes(Buffer.from(CANARY))).toBe(false);
    const db = openStore(path);
    expect(stagesOf(path)).toEqual([]);
    db.close();
  });

  it("leaves another thread's stage file alone: the core worker may hold it open", () => {
    const path = newStore();
    const otherThread = `${path}-stage-${process.pid}-${threadId + 1}-1`;
    writeFileSync(otherThread, 'an import in progress on another thread');
    openStore(path).close();
    expect(stagesOf(path)).toEqual([otherThread]);
    rmSync(otherThread);
  });

  it('a full disk while staging fails with SQLITE_FULL (the disk_full sentence) and leaves the store as it was', () => {
    const path = newStore();
    const before = readFileSync(path);
    const db = openStore(path);
    ensureStage(db, 't', true);
    // The stage file may grow to 8 pages: a disk with no room left for the bundle.
    db.pragma('stage.max_page_count = 8');
    let thrown: unknown;
    try {
      for (let seq = 1; seq <= 50; seq += 1) stageChangeset(db, 't', record(seq, `${CANARY} `), false);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { code?: string } | undefined)?.code).toBe('SQLITE_FULL');
    clearStage(db, 't');
    db.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(stagesOf(path)).toEqual([]);
  });

  it('a read-only connection stages in memory and leaves no file', () => {
    const path = newStore();
    const db = openStore(path, { readonly: true });
    ensureStage(db, 't', true);
    stageChangeset(db, 't', record(1, CANARY), false);
    expect(stagedLinks(db, 't')).toHaveLength(1);
    expect(stagesOf(path)).toEqual([]);
    clearStage(db, 't');
    db.close();
  });
});
