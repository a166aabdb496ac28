/**
 * The desktop app's lifecycle: one instance per user, the data folder, the store opened with
 * the Electron-ABI native module and safeStorage-protected keys, the app:// protocol, the
 * permission and navigation lock-down, the menu, the IPC transport, and a clean shutdown.
 * main.ts calls startDesktopApp(); tests call it with a mocked `electron` module.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { consoleLogger } from '../services/context.js';
import { dispatchToHost, type CommandHost } from '../services/recovery.js';
import { installCredentialVault } from '../sync/sync-credentials.js';
import { KEY_FILE, openRuntime, resolveDataDir, type RecoveryRuntime, type Runtime } from '../services/runtime.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { registerIpc } from './ipc.js';
import { watchConnectivity } from './connectivity.js';
import { buildMenuTemplate } from './menu.js';
import { SAFE_KEY_FILE, safeStorageVault } from './safe-storage-vault.js';
import { safeStorageCredentialFactory } from './sync-credentials.js';
import { createMainWindow, denyAllPermissions, lockDownWebContents } from './window.js';

export interface DesktopAppOptions {
  /** Folder holding dist/main and dist/renderer (the bundle's own folder's parent). */
  readonly distDir: string;
  /** Path of the Electron-ABI SQLite module; undefined means the default lookup (tests only). */
  readonly nativeBinding: () => string | undefined;
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

  let runtime: Runtime | RecoveryRuntime | null = null;
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
    });
  };

  let stopConnectivity: (() => void) | null = null;
  const shutDown = (): void => {
    stopIpc?.();
    stopIpc = null;
    stopConnectivity?.();
    stopConnectivity = null;
    if (runtime !== null) {
      // Closing checkpoints the WAL; nothing is lost if this never runs (synchronous=FULL).
      runtime.close();
      runtime = null;
    }
  };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (runtime !== null && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('will-quit', shutDown);

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
      // Sync passwords and tokens go to the OS keychain too, before any command can run.
      installCredentialVault(safeStorageCredentialFactory());
      const nativeBinding = options.nativeBinding();
      // A damaged store opens in recovery mode (the recovery screen's commands), as in browser mode.
      runtime = await openRuntime({
        dataDir,
        vault,
        recovery: true,
        store: nativeBinding === undefined ? {} : { nativeBinding },
      });
      const host: CommandHost = runtime.mode === 'recovery' ? { recovery: runtime.recovery } : { ctx: runtime.ctx };
      const log = runtime.mode === 'recovery' ? runtime.recovery.log : runtime.ctx.log;
      if (runtime.mode === 'recovery') log.error(`The data file is damaged: ${runtime.problem} Opening the recovery screen.`);
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
        dispatch: (name, input, callOptions) => dispatchToHost(host, name, input, callOptions),
      });
      if (runtime.mode === 'ready') stopConnectivity = watchConnectivity(runtime.ctx);
      openWindow();
    } catch (error) {
      consoleLogger.error('Fieldwork could not start', { stack: error instanceof Error ? error.stack : String(error) });
      dialog.showErrorBox('Fieldwork cannot start', startupMessage(error));
      shutDown();
      app.exit(1);
    }
  });
  return { ready };
}
