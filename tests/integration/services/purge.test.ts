import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { newId } from '../../../shared/domain/ids.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function writeNote(rt: TestRuntime, inspectionId: string, text: string): string {
  const id = newId();
  inTransaction(rt.ctx, () =>
    writeEdits(rt.ctx, inspectionId, [
      { table: 'evidence_note', row: id, field: 'text', value: text },
      { table: 'evidence_note', row: id, field: 'source', value: 'case_record' },
    ]),
  );
  return id;
}

describe('purging an inspection', () => {
  it('leaves no trace of its text in the database, the WAL or any file the app wrote, and records the purge', async () => {
    runtime = await testRuntime();
    const rt = runtime;
    const doomed = await rt.call('inspections.create', {
      fields: { ...sampleInspection, localAuthority: 'Canaryshire', inspectorates: ['ofsted'] },
    });
    const kept = await rt.call('inspections.create', {
      fields: { ...sampleInspection, localAuthority: 'Keepborough', inspectorates: ['cqc'] },
    });
    const canary = 'CANARY7f3a9 child seen alone at the contact centre';
    for (let i = 0; i < 50; i += 1) writeNote(rt, doomed.id, `${canary} ${i}`);
    writeNote(rt, kept.id, 'KEEPNOTE practitioner discussion');
    // Findings have an index of their own (migration 0170): its words go with the inspection too.
    const finding = (inspectionId: string, statement: string) =>
      rt.call('findings.create', {
        inspectionId,
        fields: { kind: 'strength', statement, agencies: ['police'], theme: null },
      });
    for (let i = 0; i < 20; i += 1) await finding(doomed.id, `FINDCANARY2b8e partnership working ${i}`);
    await finding(kept.id, 'KEEPFINDING multi-agency meetings');
    // Files the app writes for an inspection: an outbox bundle and a backup.
    mkdirSync(join(rt.dir, 'outbox', doomed.id), { recursive: true });
    writeFileSync(join(rt.dir, 'outbox', doomed.id, 'x.fwbundle'), canary);
    mkdirSync(join(rt.dir, 'backups'), { recursive: true });
    writeFileSync(join(rt.dir, 'backups', 'fieldwork-2026.db'), canary);

    // A sync target with a saved password, and an outbox bundle waiting to go.
    await rt.call('sync.saveTarget', {
      inspectionId: doomed.id,
      kind: 'webdav',
      location: 'https://dav.example.invalid/fieldwork/',
      auth: 'password',
      username: 'lead',
      secret: 'S3CRET-PASSWORD-CANARY',
    });
    await rt.call('bundles.export', { inspectionId: doomed.id, mode: 'full', recipients: 'team' });
    // As written, and lower-cased as the search index and its vocabulary hold its words.
    const holdsCanary = (file: string) => {
      const bytes = readFileSync(file);
      return ['CANARY7f3a9', 'canary7f3a9', 'FINDCANARY2b8e', 'findcanary2b8e'].some((word) => bytes.includes(Buffer.from(word)));
    };
    // The canary really is on disk before the purge (in the WAL or the database file).
    expect(
      filesUnder(rt.dir)
        .filter((f) => /fieldwork\.db/.test(f))
        .some(holdsCanary),
    ).toBe(true);

    await expect(rt.call('inspections.purge', { id: doomed.id, confirmation: 'Wrongshire' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect((await rt.call('inspections.list', {})).length).toBe(2);

    const result = await rt.call('inspections.purge', { id: doomed.id, confirmation: 'canaryshire' });
    expect(result.purged).toBe(true);

    const remaining = await rt.call('inspections.list', {});
    expect(remaining.map((i) => i.localAuthority)).toEqual(['Keepborough']);
    const log = await rt.call('inspections.purgeLog', {});
    expect(log).toEqual([expect.objectContaining({ inspectionId: doomed.id })]);

    for (const file of filesUnder(rt.dir)) {
      expect(holdsCanary(file), file).toBe(false);
      expect(readFileSync(file).includes(Buffer.from('Canaryshire')), file).toBe(false);
    }
    const db = rt.ctx.db;
    expect(db.prepare("SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH 'canary7f3a9'").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH 'keepnote'").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM finding_fts WHERE finding_fts MATCH 'findcanary2b8e'").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM finding_fts WHERE finding_fts MATCH 'keepfinding'").get()).toEqual({ n: 1 });
    // The search vocabulary was rebuilt from what is left: the purged words are gone from it too.
    expect(db.prepare("SELECT term FROM search_term WHERE term IN ('canary7f3a9', 'keepnote')").pluck().all()).toEqual([
      'keepnote',
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM op WHERE inspection_id = ?').get(doomed.id)).toEqual({ n: 0 });
    for (const table of ['sync_target', 'sync_state', 'sync_outbox', 'sync_pushed', 'sync_pulled', 'bundle_ack']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table} WHERE inspection_id = ?`).get(doomed.id), table).toEqual({ n: 0 });
    }
    expect(await rt.call('sync.getTarget', { inspectionId: doomed.id }).catch(() => null)).toBeNull();
    expect(String(db.pragma('integrity_check', { simple: true }))).toBe('ok');
  });
});
