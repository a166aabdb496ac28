import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorDir } from '../../../main/sync/sync-target.js';
import { canonicalDump, edit, importFile, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import type { TestRuntime } from '../../support/runtime.js';
import { DAV_PASSWORD, DAV_USER, startWebdav, type DavFixture } from './support/webdav-fixture.js';
import { allBundleFiles, bundlesOnTarget, cloneRuntime, syncTeam } from './support/sync-team.js';

let team: Team | undefined;
let dav: DavFixture | undefined;
let extra: TestRuntime[] = [];
afterEach(async () => {
  team?.dispose();
  for (const r of extra) r.dispose();
  await dav?.close();
  team = undefined;
  dav = undefined;
  extra = [];
});

async function pointAt(runtime: TestRuntime, inspectionId: string, url: string, password = DAV_PASSWORD) {
  return runtime.call('sync.saveTarget', {
    inspectionId,
    kind: 'webdav',
    location: url,
    auth: 'password',
    username: DAV_USER,
    secret: password,
  });
}

describe('sync with a real WebDAV server', () => {
  it('inspectors push, the lead pulls and publishes, inspectors pull: everyone matches a direct merge', async () => {
    dav = await startWebdav();
    team = await syncTeam(2);
    const { lead, inspectors, inspectionId } = team;
    for (const member of [lead, ...inspectors]) await pointAt(member, inspectionId, dav.url);

    const shared = newNoteId();
    edit(inspectors[0]!.ctx, inspectionId, noteEdits(shared, 'Strategy meeting held within a day.'));
    edit(inspectors[1]!.ctx, inspectionId, noteEdits(shared, 'Strategy meeting delayed by a week.'));
    edit(inspectors[1]!.ctx, inspectionId, noteEdits(newNoteId(), 'Health visitor attended every review.'));
    const before = await cloneRuntime(lead);
    extra.push(before);

    for (const inspector of inspectors) {
      expect((await inspector.call('sync.status', { inspectionId })).changesWaiting).toBeGreaterThan(0);
      const pushed = await inspector.call('sync.now', { inspectionId, direction: 'both' });
      expect(pushed).toMatchObject({ outcome: 'synced', pushed: 1, error: null });
      const files = bundlesOnTarget(dav.root, inspectionId, inspector.ctx.device.author);
      expect(files).toHaveLength(1);
      expect(files[0]!.name).toBe(`${files[0]!.sha256}.fwbundle`);
      const status = await inspector.call('sync.status', { inspectionId });
      expect(status).toMatchObject({ connection: 'online', changesWaiting: 0, bundlesWaiting: 0, lastError: null });
      expect(status.lastSyncedAt).not.toBeNull();
    }

    const pulled = await lead.call('sync.now', { inspectionId, direction: 'both' });
    expect(pulled).toMatchObject({ outcome: 'synced', pulled: 2, failedPulls: 0, exported: true, pushed: 1 });
    expect(pulled.newOps).toBeGreaterThan(0);
    expect(lead.ctx.db.prepare('SELECT count(*) AS n FROM conflict').get()).toEqual({ n: 1 });

    // The same bundle files merged directly into a copy of the lead give the same store.
    for (const inspector of inspectors) {
      for (const file of bundlesOnTarget(dav.root, inspectionId, inspector.ctx.device.author)) {
        await importFile(before.ctx, join(dav.root, inspectionId, authorDir(inspector.ctx.device.author), file.name));
      }
    }
    expect(canonicalDump(lead.ctx.db)).toEqual(canonicalDump(before.ctx.db));

    // The lead's published bundle is on the target; inspectors pull it and match the lead.
    expect(bundlesOnTarget(dav.root, inspectionId, lead.ctx.device.author)).toHaveLength(1);
    for (const inspector of inspectors) {
      const result = await inspector.call('sync.now', { inspectionId, direction: 'both' });
      expect(result).toMatchObject({ outcome: 'synced', pulled: 1, failedPulls: 0 });
      expect(canonicalDump(inspector.ctx.db)).toEqual(canonicalDump(lead.ctx.db));
    }

    // A second round changes nothing and sends nothing: no duplicates anywhere.
    const again = await lead.call('sync.now', { inspectionId, direction: 'both' });
    expect(again).toMatchObject({ outcome: 'synced', pulled: 0, pushed: 0 });
    expect(allBundleFiles(dav.root, inspectionId)).toHaveLength(3);
  });
});
