/**
 * The bundles commands as the UI calls them (bytes in, bytes out, typed errors through
 * dispatch): export, preview before commit, join by confirming the lead's fingerprint,
 * import with progress, the deletion threshold, history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, invoke } from '../../../main/services/dispatch.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { DELETION_THRESHOLD } from '../../../shared/api/bundles.js';
import { canonicalDump, edit, fileHash, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';

let team: Team | undefined;
afterEach(() => team?.dispose());

describe('bundles API', () => {
  it('export → preview → join → import → history, as the UI drives it', async () => {
    team = await makeTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const progress: string[] = [];
    const setup = await invoke(
      lead.ctx,
      'bundles.export',
      { inspectionId, mode: 'full', recipients: 'team' },
      {
        onProgress: (done, total, stage) => progress.push(`${stage} ${done}/${total}`),
      },
    );
    expect(setup.fileName).toMatch(/^northshire-county-council-\d{8}-\d{4}-[0-9a-f]{8}-[0-9a-f]{12}\.fwbundle$/);
    expect(setup.size).toBe(Buffer.from(setup.bytes).length);
    expect(setup.changesets).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(`Exporting ${setup.changesets}/${setup.changesets}`);

    const upload = { fileName: setup.fileName, bytes: setup.bytes };
    const hash = fileHash(inspector.ctx.db, inspector.storePath);
    const preview = await inspector.call('bundles.preview', upload);
    expect(preview).toMatchObject({
      isJoin: true,
      alreadyImported: false,
      inspection: { id: inspectionId, localAuthority: 'Northshire County Council' },
      exporter: { author: lead.ctx.device.author, fingerprint: fingerprint(lead.ctx.device.author), name: 'Asha Patel' },
      unknownAuthors: [],
      needsConfirmation: false,
    });
    expect(preview.newOps).toBe(preview.ops);
    expect(fileHash(inspector.ctx.db, inspector.storePath)).toBe(hash);

    const refused = await dispatch(inspector.ctx, 'bundles.import', upload);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'bundle_invalid',
        details: { reason: 'unknown-author', isJoin: true, fingerprint: fingerprint(lead.ctx.device.author) },
      },
    });
    const stages = new Set<string>();
    const joined = await invoke(
      inspector.ctx,
      'bundles.import',
      { ...upload, trustLead: fingerprint(lead.ctx.device.author).toLowerCase() },
      { onProgress: (_done, _total, stage) => stages.add(stage) },
    );
    expect([...stages]).toEqual(['Checking', 'Merging']);
    expect(joined.deletions).toBe(0);
    expect(joined).toMatchObject({ status: 'imported', inspectionId, newOps: preview.newOps });
    expect(canonicalDump(inspector.ctx.db)).toEqual(canonicalDump(lead.ctx.db));
    expect((await inspector.call('inspections.get', { id: inspectionId })).myRole).toBe('inspector');

    const history = await inspector.call('bundles.history', { inspectionId });
    expect(history.total).toBe(1);
    expect(history.next).toBeNull();
    expect(history.bundles).toEqual([
      expect.objectContaining({
        bundleId: joined.bundleId,
        fileName: setup.fileName,
        newOps: joined.newOps,
        exporter: expect.objectContaining({ name: 'Asha Patel' }),
      }),
    ]);
    expect(await inspector.call('bundles.import', upload)).toMatchObject({ status: 'already_imported', newOps: 0 });
  });

  it('a delta skips what the lead acknowledged; deletions above the threshold need confirmation', async () => {
    team = await makeTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const setup = await lead.call('bundles.export', { inspectionId, mode: 'full', recipients: 'team' });
    await inspector.call('bundles.import', {
      fileName: 'setup.fwbundle',
      bytes: setup.bytes,
      trustLead: fingerprint(lead.ctx.device.author),
    });
    const notes = Array.from({ length: DELETION_THRESHOLD + 1 }, () => newNoteId());
    edit(
      inspector.ctx,
      inspectionId,
      notes.flatMap((id, i) => noteEdits(id, `Note ${i}`)),
    );
    const first = await inspector.call('bundles.export', { inspectionId, mode: 'delta', recipients: 'team' });
    await lead.call('bundles.import', { fileName: 'i1.fwbundle', bytes: first.bytes });
    const published = await lead.call('bundles.export', { inspectionId, mode: 'delta', recipients: 'team' });
    await inspector.call('bundles.import', { fileName: 'lead.fwbundle', bytes: published.bytes });

    edit(
      inspector.ctx,
      inspectionId,
      notes.map((row) => ({ table: 'evidence_note', row, field: '_deleted', value: true })),
    );
    const second = await inspector.call('bundles.export', { inspectionId, mode: 'delta', recipients: 'team' });
    expect(second.changesets).toBe(1); // only the delete: the lead acknowledged the rest
    const upload = { fileName: 'i2.fwbundle', bytes: second.bytes };
    const preview = await lead.call('bundles.preview', upload);
    expect(preview).toMatchObject({ deletions: DELETION_THRESHOLD + 1, needsConfirmation: true, isJoin: false });
    const liveNotes = () =>
      (lead.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number }).n;
    const before = liveNotes();
    const refused = await dispatch(lead.ctx, 'bundles.import', upload);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'needs-confirmation', deletions: DELETION_THRESHOLD + 1 } },
    });
    // Only the deletions wait (escalations never do: held-escalation.test.ts): no record is deleted yet.
    expect(liveNotes()).toBe(before);
    const confirmed = await lead.call('bundles.import', { ...upload, confirmDeletions: true });
    expect(confirmed).toMatchObject({ status: 'imported', deletions: DELETION_THRESHOLD + 1 });
    const full = await inspector.call('bundles.export', { inspectionId, mode: 'full', recipients: 'team' });
    expect(full.changesets).toBeGreaterThan(second.changesets);
  });

  it('a passphrase export needs a passphrase, and opens only with it', async () => {
    team = await makeTeam(1);
    const { lead, inspectionId } = team;
    const missing = await dispatch(lead.ctx, 'bundles.export', { inspectionId, mode: 'full', recipients: 'passphrase' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const usb = await lead.call('bundles.export', {
      inspectionId,
      mode: 'full',
      recipients: 'passphrase',
      passphrase: 'blue kettle mountain',
    });
    const upload = { fileName: usb.fileName, bytes: usb.bytes };
    const wrong = await dispatch(team.inspectors[0]!.ctx, 'bundles.preview', upload);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bundle_invalid', details: { reason: 'wrong-key' } } });
    const right = await team.inspectors[0]!.call('bundles.preview', { ...upload, passphrase: 'blue kettle mountain' });
    expect(right.isJoin).toBe(true);
  });
});
