/**
 * The one application window and the rules every web page in the app lives under: the
 * hardened webPreferences DESIGN.md requires, no navigation away from the app, no new windows,
 * no webviews, and every permission (camera, notifications, clipboard read, …) refused.
 */
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { APP_ENTRY_URL, isAppUrl } from './app-protocol.js';

/**
 * Keeps a webContents on the app: any attempt to navigate or be redirected elsewhere is
 * cancelled, `window.open` and target=_blank are refused, and <webview> can never attach.
 * Applied to every webContents the app creates (see `app.on('web-contents-created')`).
 */
export function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    // Reloading our own page is fine; anything else (a dropped file, a pasted link) is not.
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Refuses every permission request and check. Fieldwork needs no camera, microphone,
 * location, notifications, clipboard reading, USB, serial or HID access.
 */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly title: string;
  /** False in installed builds: no developer tools at all, not just no menu item. */
  readonly devTools: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    title: options.title,
    show: false,
    backgroundColor: '#ffffff',
    // The security settings of the window, each spelled out even where it is Electron's default,
    // so a future default change or a careless edit is caught (tests/unit/app/desktop-app.test.ts)
    // and Electronegativity can read them here.
    webPreferences: {
      // Reviewed preload: it exposes only window.fieldwork.invoke/onProgress (main/app/preload.ts).
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK (reviewed, see the line above)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: options.devTools,
      // Middle-click would try to open a new window; that is denied anyway, but stop it at source.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  lockDownWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
