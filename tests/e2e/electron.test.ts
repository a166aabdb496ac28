// The real desktop app in real Electron (Playwright's _electron): the window is served from
// app://, the page has no Node, the bridge is the only door, and an inspection created through
// the UI reaches the SQLite file with its ops. Runs wherever Electron's binary is installed;
// skipped (with the reason) on machines installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '../..');
const SCREENS_DIR = resolve(root, '.test-output/screens');

function electronPath(): string | null {
  try {
    const path: unknown = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronPath();
const SKIP_REASON =
  'Electron’s binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD); browser-mode e2e tests cover the UI';

let dataDir = '';
let app: ElectronApplication | null = null;

beforeAll(() => {
  if (electron === null) return;
  if (!existsSync(join(root, 'dist/main/main.cjs')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', 'main', 'renderer'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  // The Electron-ABI SQLite module (a no-op when already built for this Electron version).
  const native = spawnSync(process.execPath, ['scripts/native-electron.mjs', '--require'], { cwd: root, stdio: 'inherit' });
  if (native.status !== 0) throw new Error('npm run native:electron failed');
  dataDir = mkdtempSync(join(tmpdir(), 'fieldwork-electron-'));
}, 900_000);

afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the desktop app in Electron', () => {
  it('creates an inspection in the real app and it reaches the SQLite file', async (context) => {
    if (electron === null) {
      context.skip(SKIP_REASON);
      return;
    }
    app = await _electron.launch({
      executablePath: electron,
      args: [root, '--data', dataDir],
      cwd: root,
      env: { ...process.env, FIELDWORK_DATA: dataDir },
    });
    const page = await app.firstWindow();
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    expect(page.url()).toBe('app://fieldwork/index.html');

    // In the real renderer: no Node, only the two-function bridge.
    const surface = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { fieldwork?: object }).fieldwork ?? {}).sort(),
    }));
    expect(surface).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke', 'onProgress'] });
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences exists at run time on every Electron we support; older typings lack it.
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as
        { getLastWebPreferences?: () => Record<string, unknown> | null } | undefined;
      const p = contents?.getLastWebPreferences?.() ?? null;
      return {
        contextIsolation: p?.contextIsolation,
        sandbox: p?.sandbox,
        nodeIntegration: p?.nodeIntegration,
        webviewTag: p?.webviewTag,
      };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });

    const nameField = page.getByLabel('Your name');
    // Wait for the first screen to settle: a bare isVisible() would race the page's load.
    await nameField
      .or(page.getByRole('button', { name: 'New inspection' }))
      .first()
      .waitFor();
    if (await nameField.isVisible()) {
      await nameField.fill('Asha Patel');
      await page.getByRole('button', { name: 'Save name' }).click();
    }
    await page.getByRole('button', { name: 'New inspection' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Local authority').fill('Electron Borough Council');
    await dialog.getByLabel('Fieldwork starts').fill('2026-11-02');
    await dialog.getByLabel('Fieldwork ends').fill('2026-11-13');
    await dialog.getByRole('button', { name: 'Create inspection' }).click();
    await page.getByRole('heading', { name: 'Set-up and team' }).waitFor();
    mkdirSync(SCREENS_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENS_DIR, 'electron-inspection-setup.png') });

    await app.close();
    app = null;
    const db = new Database(join(dataDir, 'fieldwork.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT id, local_authority FROM inspection').get() as { id: string; local_authority: string };
      expect(row.local_authority).toBe('Electron Borough Council');
      const ops = db.prepare("SELECT field FROM op WHERE tbl = 'inspection' AND row_id = ?").all(row.id) as { field: string }[];
      expect(ops.map((o) => o.field)).toEqual(expect.arrayContaining(['local_authority', 'fieldwork_start']));
    } finally {
      db.close();
    }
    // The keys went to safeStorage, not a plain file.
    expect(existsSync(join(dataDir, 'device-keys.safe'))).toBe(true);
    expect(existsSync(join(dataDir, 'device-keys.json'))).toBe(false);
  });
});
