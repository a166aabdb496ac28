/**
 * Preview, then import, without merging twice: the preview decrypts and verifies the bundle
 * and keeps what it verified under a token; importing with the token runs only the write
 * transaction ('Checking' — decryption and the signature checks — happens once). The import
 * gives the preview's numbers and the same store as a plain import, also when another bundle
 * was imported in between; a token names only its own file, on its own store, once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch, invoke } from '../../../main/services/dispatch.js';
import {
  canonicalDump,
  edit,
  exportTo,
  fileHash,
  joinAll,
  makeTeam,
  newNoteId,
  noteEdits,
  type Team,
} from '../../fixtures/bundles.js';
import type { TestRuntime } from '../../support/runtime.js';

let team: Team;
let folder: string;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'fieldwork-preview-token-'));
  team = await makeTeam(3);
  await joinAll(team, folder);
});
afterEach(() => {
  team.dispose();
  rmSync(folder, { recursive: true, force: true });
});

/** An inspector's notes since their last export, as a bundle file's bytes. */
async function notesFrom(inspector: TestRuntime, name: string, count: number, mode: 'delta' | 'full' = 'delta') {
  edit(
    inspector.ctx,
    team.inspectionId,
    Array.from({ length: count }, (_, i) => noteEdits(newNoteId(), `${name}: child seen alone, visit ${i}.`)).flat(),
  );
  const path = join(folder, `${name}.fwbundle`);
  await exportTo(inspector.ctx, team.inspectionId, path, { mode });
  return { fileName: `${name}.fwbundle`, bytes: readFileSync(path) };
}

function stagesOf(runtime: TestRuntime) {
  const stages: string[] = [];
  return {
    stages,
    options: { onProgress: (_done: number, _total: number, stage: string) => void stages.push(stage) },
    runtime,
  };
}

describe('preview then import', () => {
  it('verifies once: the import runs only the merge, gives the preview’s numbers and the store a plain import gives', async () => {
    const [author, , twin] = team.inspectors as [TestRuntime, TestRuntime, TestRuntime];
    const upload = await notesFrom(author, 'a', 5);
    const lead = team.lead;
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(twin.ctx.db));

    const previewing = stagesOf(lead);
    const hash = fileHash(lead.ctx.db, lead.storePath);
    const preview = await invoke(lead.ctx, 'bundles.preview', upload, previewing.options);
    expect(preview.previewToken).toEqual(expect.any(String));
    expect(previewing.stages).toContain('Checking');
    expect(fileHash(lead.ctx.db, lead.storePath)).toBe(hash);

    const importing = stagesOf(lead);
    const result = await invoke(
      lead.ctx,
      'bundles.import',
      { fileName: upload.fileName, previewToken: preview.previewToken as string },
      importing.options,
    );
    expect(importing.stages).not.toContain('Checking');
    expect(importing.stages).toContain('Merging');
    expect(result).toMatchObject({
      status: 'imported',
      bundleId: preview.bundleId,
      newOps: preview.newOps,
      updatedFields: preview.updatedFields,
      newConflicts: preview.newConflicts,
      deletions: preview.deletions,
    });
    expect(result.newOps).toBeGreaterThan(0);

    const plain = stagesOf(twin);
    await invoke(twin.ctx, 'bundles.import', upload, plain.options);
    expect(plain.stages).toContain('Checking');
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(twin.ctx.db));
    expect(await lead.call('bundles.history', { inspectionId: team.inspectionId })).toEqual({
      bundles: [expect.objectContaining({ bundleId: preview.bundleId, fileName: upload.fileName, newOps: result.newOps })],
      next: null,
      total: 1,
    });
  });

  it('another bundle imported between preview and import: the same store as importing both plainly', async () => {
    const [first, second, twin] = team.inspectors as [TestRuntime, TestRuntime, TestRuntime];
    const a = await notesFrom(first, 'a', 4);
    // B carries A's changesets too (its author merged A), and notes of its own.
    await second.call('bundles.import', a);
    const b = await notesFrom(second, 'b', 3, 'full');
    const lead = team.lead;

    const preview = await lead.call('bundles.preview', a);
    const between = await lead.call('bundles.import', b);
    expect(between.newOps).toBeGreaterThan(preview.newOps);
    const confirmed = await lead.call('bundles.import', { fileName: a.fileName, previewToken: preview.previewToken as string });
    // What B already brought is known now, decided inside the import's transaction.
    expect(confirmed).toMatchObject({ status: 'imported', newOps: 0 });

    await twin.call('bundles.import', b);
    await twin.call('bundles.import', a);
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(twin.ctx.db));
    expect(
      (await lead.call('bundles.history', { inspectionId: team.inspectionId })).bundles.map((h) => h.fileName).sort(),
    ).toEqual(['a.fwbundle', 'b.fwbundle']);
  });

  it('a token imports only the file it previewed, on its own store, once', async () => {
    const [first, second, other] = team.inspectors as [TestRuntime, TestRuntime, TestRuntime];
    const a = await notesFrom(first, 'a', 2);
    const b = await notesFrom(second, 'b', 2);
    const lead = team.lead;
    const preview = await lead.call('bundles.preview', a);
    const previewToken = preview.previewToken as string;
    const hash = fileHash(lead.ctx.db, lead.storePath);

    const mismatch = { ok: false, error: { code: 'invalid_input', details: { reason: 'preview-mismatch' } } };
    // Another file's name and bytes with A's token.
    expect(await dispatch(lead.ctx, 'bundles.import', { ...b, previewToken })).toMatchObject(mismatch);
    // A's name with another file's bytes.
    expect(await dispatch(lead.ctx, 'bundles.import', { fileName: a.fileName, bytes: b.bytes, previewToken })).toMatchObject(
      mismatch,
    );
    expect(fileHash(lead.ctx.db, lead.storePath)).toBe(hash);

    // Another store knows nothing of this token, and is not changed.
    const otherHash = fileHash(other.ctx.db, other.storePath);
    expect(await dispatch(other.ctx, 'bundles.import', { fileName: a.fileName, previewToken })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'preview-expired' } },
    });
    expect(fileHash(other.ctx.db, other.storePath)).toBe(otherHash);

    // Refusals did not use the token up; the import does.
    expect(await lead.call('bundles.import', { fileName: a.fileName, previewToken })).toMatchObject({ status: 'imported' });
    expect(await dispatch(lead.ctx, 'bundles.import', { fileName: a.fileName, previewToken })).toMatchObject({
      ok: false,
      error: { details: { reason: 'preview-expired' } },
    });
    // With the bytes as well, a used token falls back to an ordinary import (already imported).
    expect(await lead.call('bundles.import', { ...a, previewToken })).toMatchObject({ status: 'already_imported' });
  });

  it('a purge forgets every kept preview', async () => {
    const [first] = team.inspectors as [TestRuntime];
    const a = await notesFrom(first, 'a', 2);
    const lead = team.lead;
    const preview = await lead.call('bundles.preview', a);
    const inspection = await lead.call('inspections.get', { id: team.inspectionId });
    await lead.call('inspections.purge', { id: team.inspectionId, confirmation: inspection.localAuthority });
    expect(
      await dispatch(lead.ctx, 'bundles.import', { fileName: a.fileName, previewToken: preview.previewToken as string }),
    ).toMatchObject({
      ok: false,
      error: { details: { reason: 'preview-expired' } },
    });
  });
});
