/**
 * The desktop app's lifecycle: one instance per user, the data folder, the core (store,
 * services, merges, backups) started in its own worker thread with the Electron-ABI native
 * module, the safeStorage-protected keys kept here and handed to the core when it asks, the
 * app:// protocol, the permission and navigation lock-down, the menu, the IPC relay, and a
 * clean shutdown. This thread never runs a command itself, so windows, menus and IPC answer
 * while a merge runs. main.ts calls startDesktopApp(); tests call it with a mocked `electron`.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { consoleLogger } from '../services/context.js';
import { DESKTOP_HOLDER, KEY_FILE, resolveDataDir } from '../services/runtime.js';
import { startCoreHost, type CoreHost } from '../host/core-host.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { registerIpc } from './ipc.js';
import { watchConnectivity } from './connectivity.js';
import { buildMenuTemplate } from './menu.js';
import { SAFE_KEY_FILE, safeStorageVault } from './safe-storage-vault.js';
import { SAFE_CREDENTIALS_FILE, safeStorageCredentialVault } from './sync-credentials.js';
import { createMainWindow, denyAllPermissions, lockDownWebContents } from './window.js';

export interface DesktopAppOptions {
  /** Folder holding dist/main and dist/renderer (the bundle's own folder's parent). */
  readonly distDir: string;
  /** Path of the Electron-ABI SQLite module; undefined means the default lookup (tests only). */
  readonly nativeBinding: () => string | undefined;
  /** The core's worker script; default `<distDir>/main/core-worker.cjs`. */
  readonly coreWorker?: string;
}

export interface DesktopApp {
  /** Resolves once the window is open (or the app has given up with a message). */
  readonly ready: Promise<void>;
}

function startupMessage(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return 'Fieldwork could not start because of an unexpected problem. Details have been written to the log.';
}

export function startDesktopApp(options: DesktopAppOptions): DesktopApp {
  // Both must happen before `ready`: privileged schemes and the sandbox for every renderer.
  registerAppScheme();
  app.enableSandbox();

  // One instance per data folder: Chromium keys the single-instance lock (and its own state) on
  // userData, so an explicit --data / FIELDWORK_DATA folder becomes userData too. Chromium's
  // caches and storage go in a subfolder, apart from our files.
  const dataDir = resolveDataDir(process.argv, process.env, app.getPath('userData'));
  app.setPath('userData', dataDir);
  app.setPath('sessionData', join(dataDir, 'session'));

  if (!app.requestSingleInstanceLock()) {
    // Another Fieldwork has this data folder open; it gets focus (see 'second-instance').
    app.quit();
    return { ready: Promise.resolve() };
  }

  let core: CoreHost | null = null;
  let mainWindow: BrowserWindow | null = null;
  let stopIpc: (() => void) | null = null;

  // Every webContents ever created (the window, anything a bug might open) is locked down.
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));

  app.on('second-instance', () => {
    if (mainWindow === null || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  const openWindow = (): void => {
    mainWindow = createMainWindow({
      preloadPath: join(options.distDir, 'main', 'preload.cjs'),
      title: app.name,
      devTools: !app.isPackaged,
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
      // The window took the composer with it: seal its note draft (on macOS the app stays open).
      void core?.dispatch('evidence.sealDraft', {});
    });
  };

  let stopConnectivity: (() => void) | null = null;
  /** Stops answering at once; resolves once the core has finished its queued writes and closed the store. */
  const shutDown = (): Promise<void> => {
    stopIpc?.();
    stopIpc = null;
    stopConnectivity?.();
    stopConnectivity = null;
    const closing = core?.close() ?? Promise.resolve();
    core = null;
    // Closing checkpoints the WAL; nothing is lost if this never runs (synchronous=FULL).
    return closing;
  };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core !== null && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('will-quit', (event?: { preventDefault(): void }) => {
    if (core === null) return;
    // Quit waits for the core: queued writes finish, the on-quit backup is taken, the store closes.
    event?.preventDefault();
    void shutDown().finally(() => app.quit());
  });

  const ready = app.whenReady().then(async () => {
    try {
      denyAllPermissions(session.defaultSession);
      // UK English. (On Linux Chromium fetches this Hunspell dictionary once from Google's CDN;
      // nothing typed is sent. Windows and macOS use the OS spellchecker.)
      session.defaultSession.setSpellCheckerLanguages(['en-GB']);
      serveRenderer(join(options.distDir, 'renderer'));
      const vault = safeStorageVault({
        path: join(dataDir, SAFE_KEY_FILE),
        legacyPlainPath: join(dataDir, KEY_FILE),
      });
      // Sync passwords and tokens go to the OS keychain too; the core asks for them through us.
      const credentials = safeStorageCredentialVault(join(dataDir, SAFE_CREDENTIALS_FILE));
      const nativeBinding = options.nativeBinding();
      // A damaged store opens in recovery mode (the recovery screen's commands), as in browser mode.
      core = await startCoreHost({
        workerScript: options.coreWorker ?? join(options.distDir, 'main', 'core-worker.cjs'),
        dataDir,
        holder: DESKTOP_HOLDER,
        secrets: { keys: vault, credentials },
        ...(nativeBinding === undefined ? {} : { nativeBinding }),
      });
      const host = core;
      const log = consoleLogger;
      if (host.mode === 'recovery') log.error(`The data file is damaged: ${host.problem} Opening the recovery screen.`);
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          buildMenuTemplate({
            appName: app.name,
            platform: process.platform,
            isPackaged: app.isPackaged,
            showDataFolder: () => void shell.openPath(dataDir),
          }),
        ),
      );
      stopIpc = registerIpc({
        ipcMain,
        log,
        window: () => mainWindow,
        dispatch: (name, input, callOptions) => host.dispatch(name, input, callOptions),
      });
      if (host.mode === 'ready') stopConnectivity = watchConnectivity((online) => host.notifyOnline(online));
      openWindow();
    } catch (error) {
      consoleLogger.error('Fieldwork could not start', { stack: error instanceof Error ? error.stack : String(error) });
      dialog.showErrorBox('Fieldwork cannot start', startupMessage(error));
      await shutDown();
      app.exit(1);
    }
  });
  return { ready };
}
