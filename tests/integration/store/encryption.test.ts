/**
 * Encryption at rest: the store, its WAL and its backups hold no readable text; an old
 * unencrypted store is encrypted on first open without loss; a wrong key is refused clearly
 * and changes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRuntime, STORE_FILE } from '../../../main/services/runtime.js';
import { openStore } from '../../../main/store/connection.js';
import { isPlaintextSqlite } from '../../../main/store/sqlite-file.js';
import { newId } from '../../../shared/domain/ids.js';
import { quietLog, sampleInspection, storeKeyIn, tempDir } from '../../support/runtime.js';
import { rmSync } from 'node:fs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const CANARY = 'CANARY-ENC-51c0 the child said she is frightened at home';
const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function writeNotes(dir: string, encryptStore: boolean, count: number) {
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore });
  const { invoke } = await import('../../../main/services/dispatch.js');
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = newId();
    ids.push(id);
    await invoke(rt.ctx, 'evidence.create', {
      inspectionId: inspection.id,
      id,
      fields: {
        text: `${CANARY} ${i}`,
        source: 'child_family',
        agency: null,
        themes: ['Voice'],
        polarity: 'weakness',
        caseId: null,
      },
    });
  }
  await invoke(rt.ctx, 'backups.create', {});
  return { rt, ids, invoke };
}

describe('encryption at rest', () => {
  it('no plaintext of a known note anywhere in the database, its WAL or its backups', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const { rt, ids, invoke } = await writeNotes(dir, true, 20);
    expect(existsSync(join(dir, `${STORE_FILE}-wal`))).toBe(true);
    for (const file of filesUnder(dir)) {
      expect(readFileSync(file).includes(Buffer.from('CANARY-ENC-51c0')), file).toBe(false);
    }
    expect(isPlaintextSqlite(rt.storePath)).toBe(false);
    const backups = filesUnder(join(dir, 'backups'));
    expect(backups.length).toBeGreaterThan(0);
    // The backup is encrypted with the same key and holds the notes.
    const backup = openStore(backups[0] as string, { key: storeKeyIn(dir) as string, readonly: true });
    expect((backup.prepare('SELECT count(*) AS n FROM evidence_note').get() as { n: number }).n).toBe(20);
    backup.close();
    const note = await invoke(rt.ctx, 'evidence.get', { id: ids[3] as string });
    expect(note.text).toBe(`${CANARY} 3`);
    rt.close();
  });

  it('an existing unencrypted store is encrypted on first run without loss, and its plain backups are removed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const before = await writeNotes(dir, false, 10);
    before.rt.close();
    const plainFiles = filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from('CANARY-ENC-51c0')));
    expect(plainFiles.length).toBeGreaterThan(0);

    const after = await openRuntime({ dataDir: dir, log: quietLog });
    for (const id of before.ids) {
      const note = await before.invoke(after.ctx, 'evidence.get', { id });
      expect(note.text.startsWith(CANARY)).toBe(true);
    }
    expect(isPlaintextSqlite(after.storePath)).toBe(false);
    after.close();
    for (const file of filesUnder(dir)) {
      expect(readFileSync(file).includes(Buffer.from('CANARY-ENC-51c0')), file).toBe(false);
    }
  });

  it('a wrong key gives a clear error and changes nothing', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const { rt } = await writeNotes(dir, true, 3);
    rt.close();
    const path = join(dir, STORE_FILE);
    const before = hash(path);
    let caught: unknown;
    try {
      openStore(path, { key: 'ab'.repeat(32) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'store_locked', message: expect.stringContaining('could not be unlocked') });
    expect(hash(path)).toBe(before);
    // Without any key it is not mistaken for a damaged file to be repaired either.
    expect(() => openStore(path)).toThrow();
    expect(hash(path)).toBe(before);
  });
});
