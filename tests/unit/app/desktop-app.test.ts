// The desktop app started for real (real data folder, real SQLite store, real services) under
// a stand-in Electron: every window is hardened as DESIGN.md requires, navigation, new windows,
// webviews and permissions are refused, and a command from the window reaches the store.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleInspection } from '../../support/runtime.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { edit, exportTo, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { coreWorkerScript } from '../../support/core-worker.js';
import { app, FakeBrowserWindow, FakeEvent, FakeWebContents, recorded, resetFakeElectron } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const { startDesktopApp } = await import('../../../main/app/desktop-app.js');

/** What DESIGN.md ("Security") requires of every window's webPreferences. */
const REQUIRED = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
};

const inspectionFields = { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] };

let userData: string;
const savedEnv = process.env.FIELDWORK_DATA;

const coreWorker = await coreWorkerScript();

async function start(): Promise<void> {
  const desktop = startDesktopApp({ distDir: '/fake/app/dist', nativeBinding: () => undefined, coreWorker });
  app.becomeReady();
  await desktop.ready;
}

/** Quits as Electron does: will-quit waits (preventDefault) for the core to close, then quits again. */
async function quit(): Promise<void> {
  const event = new FakeEvent();
  const before = recorded.quitCalls;
  app.emit('will-quit', event);
  if (event.defaultPrevented) await vi.waitFor(() => expect(recorded.quitCalls).toBeGreaterThan(before), { timeout: 30_000 });
}

/** A lead elsewhere adds this desktop's device to the team, so bundles can be sent to it. */
async function addToTeam(team: Team, device: { author: string; ageRecipient: string }): Promise<void> {
  await team.lead.call('team.add', {
    inspectionId: team.inspectionId,
    fields: {
      name: 'Desktop Inspector',
      inspectorate: 'ofsted',
      role: 'inspector',
      specialism: 'social_care',
      signingKey: device.author,
      boxKey: device.ageRecipient,
    },
  });
}

function theWindow(): FakeBrowserWindow {
  expect(recorded.windows).toHaveLength(1);
  return recorded.windows[0] as FakeBrowserWindow;
}

beforeEach(() => {
  resetFakeElectron();
  userData = mkdtempSync(join(tmpdir(), 'fieldwork-desktop-'));
  recorded.paths.set('userData', userData);
  delete process.env.FIELDWORK_DATA;
});

afterEach(async () => {
  await quit();
  resetFakeElectron();
  if (savedEnv === undefined) delete process.env.FIELDWORK_DATA;
  else process.env.FIELDWORK_DATA = savedEnv;
  rmSync(userData, { recursive: true, force: true });
});

describe('desktop app start-up', () => {
  it('opens one window whose webPreferences are what DESIGN.md requires, on app://', async () => {
    await start();
    const window = theWindow();
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject(REQUIRED);
    expect(prefs.preload).toBe(join('/fake/app/dist', 'main', 'preload.cjs'));
    expect(window.loadedUrl).toBe('app://fieldwork/index.html');
    expect(prefs.devTools).toBe(true); // a development build
    expect(recorded.sandboxEnabled).toBe(true);
    expect(recorded.spellCheckerLanguages).toEqual(['en-GB']);
    expect(recorded.errorBoxes).toEqual([]);
  });

  it('has no developer tools at all in an installed build', async () => {
    app.isPackaged = true;
    await start();
    expect((theWindow().options.webPreferences as Record<string, unknown>).devTools).toBe(false);
    const roles = JSON.stringify(recorded.menuTemplates[0]);
    expect(roles).not.toContain('toggleDevTools');
  });

  it('registers app:// as a secure standard scheme that does not bypass the CSP, and serves it', async () => {
    await start();
    expect(recorded.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    const privileges = (recorded.privilegedSchemes[0] as { privileges: Record<string, unknown> }).privileges;
    expect(privileges.bypassCSP).not.toBe(true);
    expect(recorded.protocolHandlers.has('app')).toBe(true);
  });

  it('denies navigation away from the app, redirects, window.open and webviews in every webContents', async () => {
    await start();
    const contents = [theWindow().webContents, new FakeWebContents()];
    app.emit('web-contents-created', {}, contents[1]); // any later webContents gets the same rules
    for (const wc of contents) {
      expect(wc.attempt('will-navigate', 'https://evil.example/')).toBe(true);
      expect(wc.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
      expect(wc.attempt('will-redirect', 'https://evil.example/')).toBe(true);
      expect(wc.attempt('will-attach-webview', 'https://evil.example/')).toBe(true);
      expect(wc.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(wc.windowOpenHandler?.({ url: 'app://fieldwork/index.html' })).toEqual({ action: 'deny' });
      // Reloading the app's own page is not navigation away.
      expect(wc.attempt('will-navigate', 'app://fieldwork/index.html')).toBe(false);
    }
  });

  it('refuses every permission request and check', async () => {
    await start();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      recorded.permissionRequestHandler?.(theWindow().webContents, permission, (granted: boolean) => answers.push(granted), {});
      answers.push(recorded.permissionCheckHandler?.(theWindow().webContents, permission, 'app://fieldwork', {}) ?? true);
    }
    answers.push(recorded.devicePermissionHandler?.({ deviceType: 'usb' }) ?? true);
    expect(answers).toHaveLength(13);
    expect(answers.every((granted) => granted === false)).toBe(true);
  });

  it('keeps its data in the user-data folder with keys protected by safeStorage', async () => {
    await start();
    expect(existsSync(join(userData, 'fieldwork.db'))).toBe(true);
    const keys = join(userData, 'device-keys.safe');
    expect(existsSync(keys)).toBe(true);
    expect(readFileSync(keys, 'utf8')).not.toContain('PRIVATE KEY');
    expect(existsSync(join(userData, 'device-keys.json'))).toBe(false);
    // Chromium's own files go elsewhere.
    expect(recorded.paths.get('sessionData')).toBe(join(userData, 'session'));
    // Sync passwords use safeStorage as well: the core asks the shell for them.
    const window = theWindow();
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const created = (await handler?.(
      event,
      'inspections.create',
      { fields: inspectionFields, leadName: 'Asha Patel' },
      'c1',
    )) as {
      ok: true;
      value: { id: string };
    };
    expect(created.ok).toBe(true);
    const saved = await handler?.(
      event,
      'sync.saveTarget',
      {
        inspectionId: created.value.id,
        kind: 'webdav',
        location: 'https://dav.example.org/team/',
        auth: 'password',
        username: 'asha',
        secret: 'hunter2-secret',
      },
      's1',
    );
    expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
    const sealed = join(userData, 'sync-credentials.safe.json');
    expect(existsSync(sealed)).toBe(true);
    expect(readFileSync(sealed, 'utf8')).not.toContain('hunter2-secret');
    expect(existsSync(join(userData, 'sync-credentials.enc.json'))).toBe(false);
  });

  it('uses FIELDWORK_DATA when set, and makes it the single-instance scope', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'fieldwork-desktop-env-'));
    process.env.FIELDWORK_DATA = elsewhere;
    try {
      await start();
      expect(existsSync(join(elsewhere, 'fieldwork.db'))).toBe(true);
      expect(readdirSync(userData)).not.toContain('fieldwork.db');
      // Chromium keys the lock on userData: another data folder is another instance.
      expect(recorded.paths.get('userData')).toBe(elsewhere);
      expect(recorded.paths.get('sessionData')).toBe(join(elsewhere, 'session'));
    } finally {
      await quit();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('answers a command from its window through the real services and store', async () => {
    await start();
    const window = theWindow();
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const result = await handler?.(event, 'inspections.list', {}, 'r1');
    expect(result).toMatchObject({ ok: true });
    const bad = await handler?.(event, 'inspections.create', { nonsense: true }, 'r2');
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  /** Issue 12.1: the store key lived only in memory, so the second start could not open the store. */
  async function invoke(command: string, input: unknown): Promise<unknown> {
    const window = recorded.windows.at(-1) as FakeBrowserWindow;
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    return handler?.(event, command, input, `r${Math.random()}`);
  }
  const anInspection = {
    fields: {
      type: 'jtai_thematic',
      localAuthority: 'Survives restarts',
      fieldworkStart: '2026-11-02',
      fieldworkEnd: '2026-11-13',
      inspectorates: ['ofsted'],
    },
  };
  async function restart(): Promise<void> {
    app.emit('will-quit');
    resetFakeElectron();
    recorded.paths.set('userData', userData);
    await start();
  }

  it('opens the same encrypted store on its second and third start, with the inspector’s work in it', async () => {
    await start();
    const created = (await invoke('inspections.create', anInspection)) as { ok: boolean };
    expect(created).toMatchObject({ ok: true });
    for (let round = 0; round < 2; round += 1) {
      await restart();
      expect(recorded.errorBoxes).toEqual([]);
      expect(await invoke('recovery.status', {})).toMatchObject({ ok: true, value: { state: 'ok' } });
      const listed = (await invoke('inspections.list', {})) as { ok: boolean; value: { localAuthority: string }[] };
      expect(listed.ok).toBe(true);
      expect(listed.value.map((i) => i.localAuthority)).toEqual(['Survives restarts']);
    }
    // The store on disk really is encrypted (not readable as plain SQLite).
    expect(readFileSync(join(userData, 'fieldwork.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
  });

  it('keeps a note draft typed before quitting, sealed once at quit, through a second and third start', async () => {
    await start();
    const created = (await invoke('inspections.create', anInspection)) as { ok: true; value: { id: string } };
    const inspectionId = created.value.id;
    const waiting = async () =>
      ((await invoke('sync.status', { inspectionId })) as { ok: true; value: { changesWaiting: number } }).value.changesWaiting;
    const before = await waiting();
    const id = newNoteId();
    const text = 'Typed just before the laptop was shut: the child was seen alone.';
    const saved = await invoke('evidence.create', {
      inspectionId,
      id,
      fields: { text, source: 'case_record', agency: 'social_care', themes: [], polarity: 'weakness', caseId: null },
    });
    expect(saved).toMatchObject({ ok: true, value: { text } });
    // An autosave is a draft: durable, shown, but not yet a signed changeset.
    expect(await waiting()).toBe(before);
    for (let round = 0; round < 2; round += 1) {
      await restart();
      expect(recorded.errorBoxes).toEqual([]);
      expect(await invoke('evidence.get', { id })).toMatchObject({ ok: true, value: { text } });
      // Sealed at the first quit into exactly one changeset; later starts seal nothing more.
      expect(await waiting()).toBe(before + 1);
    }
  });

  it('moves a browser-mode folder’s key file into the keychain, store key included, and opens its store', async () => {
    const { openRuntime } = await import('../../../main/services/runtime.js');
    const { dispatch } = await import('../../../main/services/dispatch.js');
    const web = await openRuntime({
      dataDir: userData,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    if (web.mode !== 'ready') throw new Error('expected a ready runtime');
    const made = await dispatch(web.ctx, 'inspections.create', anInspection);
    expect(made).toMatchObject({ ok: true });
    web.close();
    const plainKey = JSON.parse(readFileSync(join(userData, 'device-keys.json'), 'utf8')) as { storeKey: string };
    expect(plainKey.storeKey).toMatch(/^[0-9a-f]{64}$/);

    await start();
    expect(existsSync(join(userData, 'device-keys.json'))).toBe(false);
    expect(existsSync(join(userData, 'device-keys.safe'))).toBe(true);
    const listed = (await invoke('inspections.list', {})) as { ok: boolean; value: { localAuthority: string }[] };
    expect(listed).toMatchObject({ ok: true });
    expect(listed.value.map((i) => i.localAuthority)).toEqual(['Survives restarts']);
    await restart();
    const again = (await invoke('inspections.list', {})) as { ok: boolean; value: { localAuthority: string }[] };
    expect(again.value.map((i) => i.localAuthority)).toEqual(['Survives restarts']);
  });

  it('answers a ping while a long merge runs in the core, and the merge’s progress reaches the window as it runs', async () => {
    await start();
    const window = theWindow();
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const me = (await handler?.(event, 'device.info', {}, 'd1')) as { ok: true; value: { author: string; ageRecipient: string } };
    // A lead elsewhere (a real store in another folder) with a big inspection to send us.
    const team = await makeTeam(0);
    try {
      await addToTeam(team, me.value);
      edit(
        team.lead.ctx,
        team.inspectionId,
        Array.from({ length: 4000 }, (_, i) =>
          noteEdits(newNoteId(), `Evidence note ${i} about a child’s plan and the agencies around it`),
        ).flat(),
      );
      const bundle = join(team.lead.dir, 'lead.fwbundle');
      await exportTo(team.lead.ctx, team.inspectionId, bundle, { mode: 'full' });
      let settled = false;
      const merge = Promise.resolve(
        handler?.(
          event,
          'bundles.import',
          {
            fileName: 'lead.fwbundle',
            bytes: readFileSync(bundle),
            trustLead: fingerprint(team.lead.ctx.device.author),
          },
          'm1',
        ),
      ).finally(() => (settled = true));
      // The merge is under way in the core once its first progress event has reached the window.
      await vi.waitFor(() => expect(window.webContents.sent.some(([channel]) => channel === 'fieldwork:progress')).toBe(true), {
        timeout: 30_000,
        interval: 5,
      });
      const pong = await handler?.(event, 'app.ping', {}, 'p1');
      expect(pong).toEqual({ ok: true, value: 'pong' });
      expect(settled).toBe(false); // answered while the merge was still running
      expect(await merge).toMatchObject({ ok: true, value: { status: 'imported' } });
      const progress = window.webContents.sent
        .filter(([channel]) => channel === 'fieldwork:progress')
        .map(([, p]) => p as { requestId: string; stage: string });
      expect(progress.every((p) => p.requestId === 'm1')).toBe(true);
      expect(progress.map((p) => p.stage)).toContain('Merging');
      const notes = (await handler?.(event, 'evidence.list', { inspectionId: team.inspectionId }, 'l1')) as {
        ok: true;
        value: { total: number };
      };
      expect(notes.value.total).toBe(4000);
    } finally {
      team.dispose();
    }
  }, 120_000);

  it('carries a bundle’s bytes through IPC and the core as bytes, and imports a preview without checking it again', async () => {
    await start();
    const window = theWindow();
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    // Electron's IPC structured-clones what the page sends; so does this stand-in call.
    const call = (command: string, input: unknown, id: string) => handler?.(event, command, structuredClone(input), id);
    const me = (await call('device.info', {}, 'd1')) as { ok: true; value: { author: string; ageRecipient: string } };
    const team = await makeTeam(0);
    try {
      await addToTeam(team, me.value);
      edit(team.lead.ctx, team.inspectionId, noteEdits(newNoteId(), 'A note that crosses as bytes'));
      const path = join(team.lead.dir, 'lead.fwbundle');
      await exportTo(team.lead.ctx, team.inspectionId, path, { mode: 'full' });
      const file = { fileName: 'lead.fwbundle', bytes: new Uint8Array(readFileSync(path)) };
      const preview = (await call('bundles.preview', file, 'p1')) as {
        ok: true;
        value: { previewToken: string; newOps: number };
      };
      expect(preview).toMatchObject({ ok: true, value: { isJoin: true, previewToken: expect.any(String) } });
      const imported = await call(
        'bundles.import',
        {
          fileName: 'lead.fwbundle',
          previewToken: preview.value.previewToken,
          trustLead: fingerprint(team.lead.ctx.device.author),
        },
        'i1',
      );
      expect(imported).toMatchObject({ ok: true, value: { status: 'imported', newOps: preview.value.newOps } });
      const stages = (requestId: string) =>
        window.webContents.sent
          .filter(([channel, p]) => channel === 'fieldwork:progress' && (p as { requestId: string }).requestId === requestId)
          .map(([, p]) => (p as { stage: string }).stage);
      expect(stages('p1')).toContain('Checking');
      expect(stages('i1')).not.toContain('Checking');
      expect(stages('i1')).toContain('Merging');

      const exported = (await call('bundles.export', { inspectionId: team.inspectionId, mode: 'full' }, 'e1')) as {
        ok: true;
        value: { bytes: unknown; size: number };
      };
      expect(exported.value.bytes).toBeInstanceOf(Uint8Array);
      expect((exported.value.bytes as Uint8Array).byteLength).toBe(exported.value.size);
    } finally {
      team.dispose();
    }
  }, 120_000);

  it('closes the store and stops answering on quit', async () => {
    await start();
    expect(existsSync(join(userData, 'fieldwork.db-wal'))).toBe(true);
    await quit();
    expect(recorded.ipcHandlers.has('fieldwork:invoke')).toBe(false);
    // The last connection closing checkpoints and removes the WAL: the store was closed cleanly.
    expect(existsSync(join(userData, 'fieldwork.db-wal'))).toBe(false);
  });

  it('builds the standard menu, with developer tools only in development', async () => {
    await start();
    const labels = (recorded.menuTemplates[0] as { label?: string }[]).map((m) => m.label?.replace('&', ''));
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
  });

  it('opens the recovery screen’s commands, not an error, when the data file is damaged', async () => {
    const damaged = Buffer.from('SQLite format 3\u0000' + 'this is not a database '.repeat(400));
    writeFileSync(join(userData, 'fieldwork.db'), damaged);
    await start();
    const window = theWindow();
    expect(recorded.errorBoxes).toEqual([]);
    const handler = recorded.ipcHandlers.get('fieldwork:invoke');
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect(await handler?.(event, 'recovery.status', {}, 'r1')).toMatchObject({ ok: true, value: { state: 'damaged' } });
    expect(await handler?.(event, 'inspections.list', {}, 'r2')).toMatchObject({ ok: false, error: { code: 'store_corrupt' } });
    expect(readFileSync(join(userData, 'fieldwork.db')).equals(damaged)).toBe(true);
  });

  it('gives up with a clear message, and no window, when the keychain is unavailable', async () => {
    recorded.encryptionAvailable = false;
    await start();
    expect(recorded.windows).toHaveLength(0);
    expect(recorded.exitCodes).toEqual([1]);
    expect(recorded.errorBoxes[0]?.[1]).toMatch(/secure storage \(keychain\) is not available/);
    expect(existsSync(join(userData, 'device-keys.safe'))).toBe(false);
  });

  it('lets a second instance only focus the first', async () => {
    recorded.singleInstance = false;
    await start();
    expect(recorded.quitCalls).toBe(1);
    expect(recorded.windows).toHaveLength(0);
    expect(existsSync(join(userData, 'fieldwork.db'))).toBe(false);
  });
});
