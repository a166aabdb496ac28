/**
 * A store is opened read-only only when it is damaged, and a read-only store is never migrated.
 * So the first start of a new release on a damaged store shows that store at the schema the
 * release before left it: the read-only view must still answer its reads (notes, drafts,
 * search, findings) without the tables later migrations add.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime, type RecoveryRuntime, type Runtime } from '../../../main/services/runtime.js';
import { dispatchToHost } from '../../../main/services/command-host.js';
import { UNDO_0160, UNDO_0170, UNDO_0180 } from '../../support/older-schema.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { damageMiddle, saveNote } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function expectRecovery(rt: Runtime | RecoveryRuntime): RecoveryRuntime {
  if (rt.mode !== 'recovery') throw new Error('expected recovery mode');
  return rt;
}

describe('a damaged store from an older release, opened read-only', () => {
  it('answers notes, search and findings without the tables added since', async () => {
    const dir = tempDir('fieldwork-old-readonly-');
    dirs.push(dir);
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
    for (let i = 0; i < 40; i += 1) saveNote(rt.ctx, inspection.id, `Strategy meeting ${i} ${'x'.repeat(300)}`);
    await invoke(rt.ctx, 'findings.create', {
      inspectionId: inspection.id,
      fields: { kind: 'strength', statement: 'Strategic partnership working is strong.', agencies: ['police'], theme: null },
    });
    rt.close();
    // As the release before 0150 left it: no drafts, vocabulary or findings' index.
    const old = new Database(rt.storePath);
    old.exec(`${UNDO_0180}${UNDO_0170}${UNDO_0160} DROP TABLE draft_edit;
      DELETE FROM schema_migration WHERE version = 150; PRAGMA user_version = 140;`);
    old.close();
    damageMiddle(rt.storePath, ['op']);

    const opened = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, recovery: true });
    const recovery = expectRecovery(opened);
    try {
      const host = { recovery: recovery.recovery };
      expect(await dispatchToHost(host, 'recovery.openReadOnly', {})).toMatchObject({ ok: true });
      const ask = async (name: string, input: unknown) => {
        const answer = await dispatchToHost(host, name, input);
        if (!answer.ok) throw new Error(`${name}: ${answer.error.message}`);
        return answer.value as Record<string, unknown>;
      };
      const notes = (await ask('evidence.list', { inspectionId: inspection.id })) as { notes: unknown[] };
      expect(notes.notes.length).toBe(40);
      for (const [text, mode] of [
        ['strat', 'typing'],
        ['strategy meet', 'typing'],
        ['st', 'typing'],
        ['strategic', 'ranked'],
      ] as const) {
        const found = (await ask('search.query', { inspectionId: inspection.id, text, mode })) as {
          hits: { kind: string }[];
        };
        expect(found.hits.length, text).toBeGreaterThan(0);
      }
      const findings = (await ask('search.query', {
        inspectionId: inspection.id,
        text: 'partnership',
        mode: 'typing',
        kinds: ['finding'],
      })) as { hits: unknown[] };
      expect(findings.hits).toHaveLength(1);
      expect(await ask('findings.list', { inspectionId: inspection.id })).toHaveLength(1);
    } finally {
      recovery.close();
    }
  });
});
