import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorDir } from '../../../main/sync/sync-target.js';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from '../../../main/sync/outbox.js';
import { edit, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { testRuntime, type TestRuntime } from '../../support/runtime.js';
import { DAV_PASSWORD, DAV_TOKEN, DAV_USER, isBundlePut, once, startWebdav, type DavFixture } from './support/webdav-fixture.js';
import { bundlesOnTarget, clock, syncTeam, type Clock } from './support/sync-team.js';

let team: Team | undefined;
let dav: DavFixture | undefined;
let reopened: TestRuntime | undefined;
afterEach(async () => {
  reopened?.close();
  team?.dispose();
  await dav?.close();
  team = undefined;
  dav = undefined;
  reopened = undefined;
});

async function setUp(options: { time?: Clock; bigNote?: boolean; password?: string } = {}) {
  dav = await startWebdav();
  team = await syncTeam(1, options.time);
  const inspector = team.inspectors[0]!;
  const text = options.bigNote ? randomBytes(900_000).toString('base64') : 'Child seen alone at every visit.';
  edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), text));
  await inspector.call('sync.saveTarget', {
    inspectionId: team.inspectionId,
    kind: 'webdav',
    location: dav.url,
    auth: 'password',
    username: DAV_USER,
    secret: options.password ?? DAV_PASSWORD,
  });
  return { inspector, inspectionId: team.inspectionId };
}

function onTarget(runtime: TestRuntime, inspectionId: string) {
  return bundlesOnTarget(dav!.root, inspectionId, runtime.ctx.device.author);
}

function pushedRows(runtime: TestRuntime) {
  return runtime.ctx.db.prepare('SELECT sha256, attempts FROM sync_pushed').all() as { sha256: string; attempts: number }[];
}

const puts = () => dav!.seen.filter(isBundlePut).length;

describe('sync when the WebDAV server misbehaves', () => {
  it('a wrong password (401) says so in plain words and sends nothing; the right one sends it', async () => {
    const { inspector, inspectionId } = await setUp({ password: 'wrong' });
    const result = await inspector.call('sync.now', { inspectionId, direction: 'both' });
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('did not accept the user name and password'),
    });
    const status = await inspector.call('sync.status', { inspectionId });
    expect(status.lastError?.kind).toBe('auth');
    expect(status.changesWaiting).toBeGreaterThan(0);
    expect(onTarget(inspector, inspectionId)).toEqual([]);
    const test = await inspector.call('sync.testConnection', {
      inspectionId,
      kind: 'webdav',
      location: dav!.url,
      auth: 'password',
      username: DAV_USER,
    });
    expect(test).toMatchObject({ ok: false, kind: 'auth' });

    await inspector.call('sync.saveTarget', {
      inspectionId,
      kind: 'webdav',
      location: dav!.url,
      auth: 'password',
      username: DAV_USER,
      secret: DAV_PASSWORD,
    });
    expect(
      (
        await inspector.call('sync.testConnection', {
          inspectionId,
          kind: 'webdav',
          location: dav!.url,
          auth: 'password',
          username: DAV_USER,
        })
      ).ok,
    ).toBe(true);
    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    expect(onTarget(inspector, inspectionId)).toHaveLength(1);
    expect((await inspector.call('sync.status', { inspectionId })).lastError).toBeNull();
  });

  it('an access token signs in instead of a password; a wrong token is refused', async () => {
    const { inspector, inspectionId } = await setUp();
    const useToken = (secret: string) =>
      inspector.call('sync.saveTarget', { inspectionId, kind: 'webdav', location: dav!.url, auth: 'token', secret });
    await useToken('fw-token-wrong');
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).error?.kind).toBe('auth');
    await useToken(DAV_TOKEN);
    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    expect(onTarget(inspector, inspectionId)).toHaveLength(1);
  });

  it('a share that is full (507) keeps the bundle in the outbox and sends it when there is room', async () => {
    const { inspector, inspectionId } = await setUp();
    dav!.fault(once(isBundlePut, { kind: 'status', status: 507 }));
    const first = await inspector.call('sync.now', { inspectionId, direction: 'both' });
    expect(first.error).toMatchObject({ kind: 'full', message: expect.stringContaining('is full') });
    expect(await inspector.call('sync.status', { inspectionId })).toMatchObject({ bundlesWaiting: 1, connection: 'online' });
    expect(onTarget(inspector, inspectionId)).toEqual([]);

    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    const files = onTarget(inspector, inspectionId);
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toBe(`${files[0]!.sha256}.fwbundle`);
    expect(pushedRows(inspector)).toEqual([{ sha256: files[0]!.sha256, attempts: 2 }]);
  });

  it('a server error (500) is retried with a capped, jittered backoff recorded in the store', async () => {
    const time = clock();
    const { inspector, inspectionId } = await setUp({ time });
    let broken = true;
    dav!.fault(() => (broken ? { kind: 'status', status: 500 } : null));

    expect(await inspector.call('sync.notifyOnline', { online: true, reason: 'online' })).toEqual({
      ran: 1,
      synced: 0,
      failed: 1,
    });
    const status = await inspector.call('sync.status', { inspectionId });
    expect(status.lastError).toMatchObject({ kind: 'server', message: expect.stringContaining('error 500') });
    const wait = Date.parse(status.nextAttemptAt!) - time.now;
    expect(wait).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2);
    expect(wait).toBeLessThanOrEqual(BACKOFF_BASE_MS);

    // Not due yet: an automatic round leaves it alone.
    expect(await inspector.call('sync.notifyOnline', { online: true, reason: 'timer' })).toEqual({
      ran: 0,
      synced: 0,
      failed: 0,
    });
    time.advance(wait);
    expect(await inspector.call('sync.notifyOnline', { online: true, reason: 'timer' })).toMatchObject({ ran: 1, failed: 1 });
    const second = await inspector.call('sync.status', { inspectionId });
    expect(Date.parse(second.nextAttemptAt!) - time.now).toBeGreaterThanOrEqual(BACKOFF_BASE_MS);
    expect(inspector.ctx.db.prepare('SELECT failures FROM sync_state').get()).toEqual({ failures: 2 });
    for (let n = 1; n <= 40; n += 1) {
      expect(backoffDelay(n, () => 1)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
      expect(backoffDelay(n, () => 0)).toBeGreaterThanOrEqual(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1)) / 2);
    }

    broken = false;
    time.advance(BACKOFF_CAP_MS);
    expect(await inspector.call('sync.notifyOnline', { online: true, reason: 'timer' })).toEqual({
      ran: 1,
      synced: 1,
      failed: 0,
    });
    expect(onTarget(inspector, inspectionId)).toHaveLength(1);
    expect(inspector.ctx.db.prepare('SELECT failures, next_attempt_at FROM sync_state').get()).toEqual({
      failures: 0,
      next_attempt_at: 0,
    });
  });

  it('the server going down mid-upload loses nothing and duplicates nothing', async () => {
    const { inspector, inspectionId } = await setUp({ bigNote: true });
    dav!.fault(once(isBundlePut, { kind: 'cut', fraction: 0.4 }));
    const first = await inspector.call('sync.now', { inspectionId, direction: 'both' });
    expect(first.error?.kind).toBe('unreachable');
    expect(await inspector.call('sync.status', { inspectionId })).toMatchObject({ connection: 'offline', bundlesWaiting: 1 });
    expect(onTarget(inspector, inspectionId).filter((f) => f.name.endsWith('.fwbundle'))).toEqual([]);

    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    const files = onTarget(inspector, inspectionId);
    expect(files.map((f) => f.name)).toEqual([`${files[0]!.sha256}.fwbundle`]);
    expect(await inspector.call('sync.status', { inspectionId })).toMatchObject({
      connection: 'online',
      bundlesWaiting: 0,
      changesWaiting: 0,
    });
  });

  it('a truncated upload is caught by reading it back, removed and sent again', async () => {
    const { inspector, inspectionId } = await setUp({ bigNote: true });
    dav!.fault(once(isBundlePut, { kind: 'truncate', fraction: 0.5 }));
    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({ outcome: 'synced', pushed: 1 });
    expect(puts()).toBe(2);
    const files = onTarget(inspector, inspectionId);
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toBe(`${files[0]!.sha256}.fwbundle`);
    expect(pushedRows(inspector)).toEqual([{ sha256: files[0]!.sha256, attempts: 2 }]);
  });

  it('the same bundle pushed twice leaves one file and is not uploaded again', async () => {
    const { inspector, inspectionId } = await setUp();
    // The upload lands but the read-back fails: the bundle stays in the outbox as if we had crashed.
    dav!.fault(once((r) => r.method === 'GET', { kind: 'status', status: 503 }));
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).error?.kind).toBe('server');
    expect((await inspector.call('sync.status', { inspectionId })).bundlesWaiting).toBe(1);
    expect(onTarget(inspector, inspectionId)).toHaveLength(1);

    expect(await inspector.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
      outcome: 'synced',
      pushed: 0,
      alreadyThere: 1,
    });
    expect(puts()).toBe(1);
    expect(onTarget(inspector, inspectionId)).toHaveLength(1);
    expect((await inspector.call('sync.status', { inspectionId })).bundlesWaiting).toBe(0);
  });

  it('items in the outbox survive closing and reopening the app, and go once the server is back', async () => {
    const { inspector, inspectionId } = await setUp();
    dav!.fault(once(isBundlePut, { kind: 'status', status: 500 }));
    expect((await inspector.call('sync.now', { inspectionId, direction: 'both' })).outcome).toBe('failed');
    const waiting = inspector.ctx.db.prepare('SELECT sha256 FROM sync_outbox').all() as { sha256: string }[];
    expect(waiting).toHaveLength(1);
    inspector.close();
    await dav!.down();

    reopened = await testRuntime({ dir: inspector.dir });
    expect(readdirSync(join(inspector.dir, 'outbox', inspectionId))).toEqual([`${waiting[0]!.sha256}.fwbundle`]);
    const offline = await reopened.call('sync.now', { inspectionId, direction: 'both' });
    expect(offline.error).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('cannot reach') });
    expect(await reopened.call('sync.status', { inspectionId })).toMatchObject({ connection: 'offline', bundlesWaiting: 1 });

    await dav!.up();
    expect(await reopened.call('sync.notifyOnline', { online: true, reason: 'online' })).toEqual({
      ran: 1,
      synced: 1,
      failed: 0,
    });
    expect(onTarget(reopened, inspectionId).map((f) => f.sha256)).toEqual([waiting[0]!.sha256]);
    expect(readdirSync(join(inspector.dir, 'outbox', inspectionId))).toEqual([]);

    // The lead gets the note that waited through the restart.
    await team!.lead.call('sync.saveTarget', {
      inspectionId,
      kind: 'webdav',
      location: dav!.url,
      auth: 'password',
      username: DAV_USER,
      secret: DAV_PASSWORD,
    });
    expect(await team!.lead.call('sync.now', { inspectionId, direction: 'both' })).toMatchObject({
      outcome: 'synced',
      pulled: 1,
    });
    expect(team!.lead.ctx.db.prepare("SELECT text FROM evidence_note WHERE text LIKE 'Child seen%'").all()).toHaveLength(1);
  });

  it('a location that does not exist (404) is "not found", in plain words', async () => {
    const { inspector, inspectionId } = await setUp();
    const missing = dav!.url.replace('/team/', '/no-such-folder/');
    const test = await inspector.call('sync.testConnection', {
      inspectionId,
      kind: 'webdav',
      location: missing,
      auth: 'password',
      username: DAV_USER,
      secret: DAV_PASSWORD,
    });
    expect(test).toMatchObject({ ok: false, kind: 'not_found', message: expect.stringContaining('was not found') });
    expect(authorDir(inspector.ctx.device.author)).toHaveLength(32);
  });
});
