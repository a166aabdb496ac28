/**
 * Fewer, sealed ops: every autosave keeps the note as an open draft (durable, shown at once),
 * and the session is sealed into ONE signed changeset, one op per edited field — when the
 * composer closes, before an export (so the bundle carries the final text), and after a
 * backup holding an open draft is restored (the chain stays valid for the lead).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { join } from 'node:path';
import { importBundleFile } from '../../../main/services/bundles.js';
import { restoreStoreFile } from '../../../main/store/backup.js';
import { exportBundleToFile } from '../../../main/sync/export-bundle.js';
import { exportFull, importInto, setUpTeam } from '../../support/exchange.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

const open: TestRuntime[] = [];
afterEach(() => {
  for (const rt of open.splice(0)) rt.dispose();
});

async function laptop(dir?: string): Promise<TestRuntime> {
  const rt = await testRuntime(dir ? { dir } : {});
  open.push(rt);
  return rt;
}

const fields = {
  text: 'Seen at home;',
  source: 'case_record',
  agency: 'social_care',
  themes: ['Risk assessment'],
  polarity: 'weakness',
  caseId: null,
} as const;

/** The note's ops in the store: how many, per field, and in how many changesets. */
function noteOps(rt: TestRuntime, id: string): { fields: string[]; changesets: number; drafts: number } {
  const db = rt.ctx.db;
  const rows = db.prepare("SELECT field, changeset_id FROM op WHERE tbl = 'evidence_note' AND row_id = ?").all(id) as {
    field: string;
    changeset_id: string;
  }[];
  const drafts = db.prepare('SELECT count(*) FROM draft_edit WHERE row_id = ?').pluck().get(id) as number;
  return {
    fields: rows.map((r) => r.field).sort(),
    changesets: new Set(rows.map((r) => r.changeset_id)).size,
    drafts,
  };
}

const ALL_FIELDS = ['agency', 'author', 'case_id', 'created_at', 'polarity', 'source', 'text', 'themes'];

/** Types a note in bursts, one autosave each, as the composer does. */
async function typeNote(rt: TestRuntime, inspectionId: string, id: string, bursts: readonly string[]): Promise<string> {
  let text = '';
  for (const [i, burst] of bursts.entries()) {
    text += burst;
    if (i === 0) await rt.call('evidence.create', { inspectionId, id, fields: { ...fields, themes: [...fields.themes], text } });
    else await rt.call('evidence.update', { id, fields: { text } });
  }
  return text;
}

const BURSTS = ['Seen at home;', ' the mother said', ' the boyfriend', ' has moved back in.'];

describe('note drafts', () => {
  it('N autosaves then close: one op per edited field, all in one changeset; shown everywhere before', async () => {
    const rt = await laptop();
    const { id: inspectionId } = await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const id = newId();
    const text = await typeNote(rt, inspectionId, id, BURSTS);
    await rt.call('evidence.update', { id, fields: { polarity: 'strength' } });
    // Open: nothing signed yet, but every read shows the text.
    expect(noteOps(rt, id)).toMatchObject({ fields: [], changesets: 0 });
    expect((await rt.call('evidence.get', { id })).text).toBe(text);
    expect((await rt.call('evidence.list', { inspectionId })).notes.map((n) => n.text)).toEqual([text]);
    const hits = await rt.call('search.query', { inspectionId, text: 'boyfriend', mode: 'typing' });
    expect(hits.hits.map((h) => h.id)).toContain(id);

    expect(await rt.call('evidence.sealDraft', { id })).toEqual({ changesets: 1, ops: ALL_FIELDS.length });
    expect(noteOps(rt, id)).toEqual({ fields: ALL_FIELDS, changesets: 1, drafts: 0 });
    expect((await rt.call('evidence.get', { id })).polarity).toBe('strength');
    // Closing again seals nothing; working on it again is one more op for the field edited.
    expect(await rt.call('evidence.sealDraft', { id })).toEqual({ changesets: 0, ops: 0 });
    await rt.call('evidence.update', { id, fields: { text: `${text} Child seen alone.` } });
    await rt.call('evidence.update', { id, fields: { text: `${text} Child seen alone, twice.` } });
    await rt.call('evidence.sealDraft', { id });
    expect(noteOps(rt, id)).toMatchObject({ changesets: 2, drafts: 0 });
    expect(noteOps(rt, id).fields.filter((f) => f === 'text')).toHaveLength(2);
  });

  it('export seals first: the bundle carries the final text, the lead sees it, the author has one changeset for the session', async () => {
    const lead = await laptop();
    const inspector = await laptop();
    const team = await setUpTeam(lead, inspector);
    const id = newId();
    const before = inspector.ctx.db
      .prepare('SELECT count(*) FROM changeset WHERE author = ?')
      .pluck()
      .get(inspector.ctx.device.author) as number;
    const text = await typeNote(inspector, team.inspectionId, id, BURSTS);
    // No close: the export itself seals the open draft.
    const path = await exportFull(inspector, team.inspectionId);
    await importInto(lead, path, inspector);
    expect((await lead.call('evidence.get', { id })).text).toBe(text);
    const after = inspector.ctx.db
      .prepare('SELECT count(*) FROM changeset WHERE author = ?')
      .pluck()
      .get(inspector.ctx.device.author) as number;
    expect(after - before).toBe(1);
    expect(noteOps(inspector, id)).toEqual({ fields: ALL_FIELDS, changesets: 1, drafts: 0 });
  });

  it('two writers at once: the lead types a note while an inspector’s bundle merges; both land, the draft is sealed once', async () => {
    const lead = await laptop();
    const inspector = await laptop();
    const team = await setUpTeam(lead, inspector);
    const theirs = newId();
    await typeNote(inspector, team.inspectionId, theirs, BURSTS);
    const path = await exportFull(inspector, team.inspectionId);
    const mine = newId();
    await typeNote(lead, team.inspectionId, mine, BURSTS.slice(0, 2));
    // The autosave and the merge are sent together, as the window and a sync pull would.
    const more = `${BURSTS.slice(0, 2).join('')} and the school was not told.`;
    const [saved, merged] = await Promise.all([
      lead.call('evidence.update', { id: mine, fields: { text: more } }),
      lead.call('bundles.import', { fileName: 'inspector.fwbundle', bytes: new Uint8Array(readFileSync(path)) }),
    ]);
    expect(saved.text).toBe(more);
    expect(merged.status).toBe('imported');
    expect((await lead.call('evidence.get', { id: theirs })).text).toBe(BURSTS.join(''));
    expect((await lead.call('evidence.get', { id: mine })).text).toBe(more);
    await lead.call('evidence.sealDraft', { id: mine });
    const sealed = noteOps(lead, mine);
    expect(sealed.drafts).toBe(0);
    // Whichever ran first, the lead's note ends as the text last typed, with no conflict of its own.
    expect((await lead.call('evidence.get', { id: mine })).text).toBe(more);
    expect(lead.ctx.db.prepare('SELECT count(*) FROM conflict WHERE row_id = ?').pluck().get(mine)).toBe(0);
  });

  it('any other write seals open drafts first: a delete lists the sealed text as seen', async () => {
    const rt = await laptop();
    const { id: inspectionId } = await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const id = newId();
    await typeNote(rt, inspectionId, id, BURSTS);
    await rt.call('evidence.delete', { id });
    expect(noteOps(rt, id)).toMatchObject({ drafts: 0 });
    const textOp = rt.ctx.db.prepare("SELECT id FROM op WHERE row_id = ? AND field = 'text'").pluck().get(id) as string;
    const deleteDeps = rt.ctx.db.prepare("SELECT deps FROM op WHERE row_id = ? AND field = '_deleted'").pluck().get(id) as string;
    expect(JSON.parse(deleteDeps)).toContain(textOp);
    expect(rt.ctx.db.prepare('SELECT count(*) FROM conflict').pluck().get()).toBe(0);
  });

  it('a backup with an open draft, restored: typing carries on, the export reaches the lead, the chain is valid', async () => {
    const lead = await laptop();
    const dir = tempDir('fieldwork-draft-restore-');
    let inspector = await laptop(dir);
    const team = await setUpTeam(lead, inspector);
    const id = newId();
    const typed = await typeNote(inspector, team.inspectionId, id, BURSTS.slice(0, 2));
    // The hourly backup runs while the composer is open (it copies the store; it does not seal).
    const taken = await inspector.backups?.backupNow('manual', true);
    if (!taken) throw new Error('no backup was taken');
    // The laptop carries on: the draft is sealed and sent to the lead before the restore.
    await inspector.call('evidence.sealDraft', { id });
    await importInto(lead, await exportFull(inspector, team.inspectionId), inspector);
    expect((await lead.call('evidence.get', { id })).text).toBe(typed);
    open.splice(open.indexOf(inspector), 1);
    inspector.close();
    restoreStoreFile(inspector.storePath, taken.path);
    inspector = await laptop(dir);
    // Back on the restored store: the backup's draft was sealed at start and typing carries on.
    expect((await inspector.call('evidence.get', { id })).text).toBe(typed);
    const final = `${typed} the boyfriend has moved back in.`;
    await inspector.call('evidence.update', { id, fields: { text: final } });
    await inspector.call('evidence.sealDraft', { id });
    const summary = await importInto(lead, await exportFull(inspector, team.inspectionId), inspector);
    expect(summary.status).toBe('imported');
    expect((await lead.call('evidence.get', { id })).text).toBe(final);
    // The backup's draft, sealed twice (before and after the restore), is the same op: no conflict.
    expect(lead.ctx.db.prepare('SELECT count(*) FROM conflict').pluck().get()).toBe(0);
  });

  it('a draft of a member the lead has since removed is never sealed or sent: it stays on the laptop, shown, through a restart', async () => {
    const lead = await laptop();
    const dir = tempDir('fieldwork-draft-removed-');
    let inspector = await laptop(dir);
    const team = await setUpTeam(lead, inspector);
    const id = newId();
    const typed = await typeNote(inspector, team.inspectionId, id, BURSTS);
    const row = (await lead.call('team.list', { inspectionId: team.inspectionId })).find(
      (m) => m.signingKey === inspector.ctx.device.author,
    );
    if (!row) throw new Error('the inspector is not on the roster');
    await lead.call('team.remove', { id: row.id });
    // The removal reaches the laptop (a passphrase bundle: a team bundle is no longer encrypted to
    // it) by a path that does not seal first, so the draft is still open when it lands.
    const removal = join(tempDir('fieldwork-draft-removal-'), 'removal.fwbundle');
    const passphrase = 'a shared secret for the removal';
    await exportBundleToFile(
      lead.ctx,
      { inspectionId: team.inspectionId, mode: 'full', recipients: { kind: 'passphrase', passphrase } },
      removal,
    );
    await importBundleFile(inspector.ctx, removal, { fileName: 'removal.fwbundle', passphrase });
    const changesets = () =>
      inspector.ctx.db.prepare('SELECT count(*) FROM changeset WHERE author = ?').pluck().get(inspector.ctx.device.author);
    const before = changesets();
    // Neither an export nor the next start seals it (the team no longer allows it); nothing is lost.
    await exportFull(inspector, team.inspectionId);
    open.splice(open.indexOf(inspector), 1);
    inspector.close();
    inspector = await laptop(dir);
    expect(changesets()).toBe(before);
    expect(noteOps(inspector, id).drafts).toBeGreaterThan(0);
    expect((await inspector.call('evidence.get', { id })).text).toBe(typed);
  });
});
