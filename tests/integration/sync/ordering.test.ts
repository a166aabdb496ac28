import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bundlePortFor, syncNow } from '../../../main/services/sync.js';
import type { BundlePort } from '../../../main/sync/sync-engine.js';
import { edit, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir } from '../../support/runtime.js';
import { syncTeam } from './support/sync-team.js';

let team: Team | undefined;
const folders: string[] = [];
afterEach(() => {
  team?.dispose();
  team = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function share(): string {
  const folder = tempDir('fieldwork-share-');
  folders.push(folder);
  return folder;
}

describe('sync ordering', () => {
  it('a change saved while a bundle is being exported is sent next time, never lost', async () => {
    team = await syncTeam(1);
    const { lead, inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const folder = share();
    for (const member of [lead, inspector]) {
      await member.call('sync.saveTarget', { inspectionId, kind: 'folder', location: folder, auth: 'none' });
    }
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Before the export.'));
    const real = bundlePortFor(inspector.ctx);
    // The real port, with the inspector typing a note just as the export finishes.
    const typing: BundlePort = {
      ...real,
      exportBundle: async (request) => {
        const written = await real.exportBundle(request);
        edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Typed during the export.'));
        return written;
      },
    };
    expect(await syncNow(inspector.ctx, inspectionId, { bundles: typing })).toMatchObject({ outcome: 'synced', pushed: 1 });
    expect((await inspector.call('sync.status', { inspectionId })).changesWaiting).toBe(1);

    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    expect((await inspector.call('sync.status', { inspectionId })).changesWaiting).toBe(0);
    await lead.call('sync.now', { inspectionId, direction: 'both' });
    const texts = lead.ctx.db.prepare('SELECT text FROM evidence_note ORDER BY text').all();
    expect(texts).toEqual([{ text: 'Before the export.' }, { text: 'Typed during the export.' }]);
  });

  it('"Sync now" pressed during an automatic round still sends what is new', async () => {
    team = await syncTeam(1);
    const { inspectionId } = team;
    const inspector = team.inspectors[0]!;
    const folder = share();
    await inspector.call('sync.saveTarget', { inspectionId, kind: 'folder', location: folder, auth: 'none' });
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'First.'));
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).pushed).toBe(1);
    edit(inspector.ctx, inspectionId, noteEdits(newNoteId(), 'Second, just typed.'));
    // An automatic round that just exported is rate-limited; the forced run follows it and exports.
    const automatic = syncNow(inspector.ctx, inspectionId, { force: false, reason: 'timer' });
    const manual = syncNow(inspector.ctx, inspectionId, { force: true, reason: 'manual' });
    const [first, second] = await Promise.all([automatic, manual]);
    expect(first).toMatchObject({ outcome: 'synced', exported: false });
    expect(second).toMatchObject({ outcome: 'synced', exported: true, pushed: 1 });
    expect((await inspector.call('sync.status', { inspectionId })).changesWaiting).toBe(0);
  });
});
