/**
 * A stand-in for the `electron` module, used ONLY through `vi.mock('electron', …)` in
 * tests/unit/app/. This is the one mock the project allows: Electron's binary cannot run in
 * CI, and everything behind it (store, services, files) stays real in these tests.
 * It records what the app asked of Electron so tests can check the security settings.
 */
import { EventEmitter } from 'node:events';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
}

type OpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame = { url: '' };
  windowOpenHandler: OpenHandler | null = null;
  readonly sent: [string, unknown][] = [];
  destroyed = false;
  setWindowOpenHandler(handler: OpenHandler): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Fires a navigation-style event the way Electron does; returns whether it was cancelled. */
  attempt(eventName: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    const event = new FakeEvent();
    this.emit(eventName, event, url);
    return event.defaultPrevented;
  }
}

export interface Recorded {
  windows: FakeBrowserWindow[];
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  ipcHandlers: Map<string, (...args: unknown[]) => unknown>;
  menuTemplates: unknown[];
  errorBoxes: [string, string][];
  exitCodes: number[];
  quitCalls: number;
  sandboxEnabled: boolean;
  singleInstance: boolean;
  paths: Map<string, string>;
  exposed: Map<string, unknown>;
  permissionRequestHandler: ((...args: unknown[]) => void) | null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | null;
  encryptionAvailable: boolean;
  storageBackend: string;
  spellCheckerLanguages: string[];
}

export const recorded: Recorded = freshRecord();

function freshRecord(): Recorded {
  return {
    windows: [],
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    menuTemplates: [],
    errorBoxes: [],
    exitCodes: [],
    quitCalls: 0,
    sandboxEnabled: false,
    singleInstance: true,
    paths: new Map(),
    exposed: new Map(),
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    devicePermissionHandler: null,
    encryptionAvailable: true,
    storageBackend: 'gnome_libsecret',
    spellCheckerLanguages: [],
  };
}

class FakeApp extends EventEmitter {
  name = 'Fieldwork';
  isPackaged = false;
  private readyResolve: (() => void) | null = null;
  private readyPromise: Promise<void> = new Promise((resolve) => (this.readyResolve = resolve));
  requestSingleInstanceLock(): boolean {
    return recorded.singleInstance;
  }
  enableSandbox(): void {
    recorded.sandboxEnabled = true;
  }
  getPath(name: string): string {
    const path = recorded.paths.get(name);
    if (path === undefined) throw new Error(`no fake path for ${name}`);
    return path;
  }
  setPath(name: string, value: string): void {
    recorded.paths.set(name, value);
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  becomeReady(): void {
    this.readyResolve?.();
  }
  quit(): void {
    recorded.quitCalls += 1;
  }
  exit(code: number): void {
    recorded.exitCodes.push(code);
  }
  getAppPath(): string {
    return '/fake/app';
  }
  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false;
    this.readyPromise = new Promise((resolve) => (this.readyResolve = resolve));
  }
}

export const app = new FakeApp();

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows(): FakeBrowserWindow[] {
    return recorded.windows.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown>;
  loadedUrl: string | null = null;
  destroyed = false;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    recorded.windows.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

export const BrowserWindow = FakeBrowserWindow;

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    recorded.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    recorded.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: (...args: unknown[]) => void): void {
      recorded.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
      recorded.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
      recorded.devicePermissionHandler = handler;
    },
    setSpellCheckerLanguages(languages: string[]): void {
      recorded.spellCheckerLanguages = languages;
    },
  },
};

export const ipcMain = {
  handle(channel: string, handler: (...args: unknown[]) => unknown): void {
    if (recorded.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    recorded.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    recorded.ipcHandlers.delete(channel);
  },
};

export const Menu = {
  buildFromTemplate(template: unknown): unknown {
    return { template };
  },
  setApplicationMenu(menu: { template: unknown }): void {
    recorded.menuTemplates.push(menu.template);
  },
};

export const dialog = {
  showErrorBox(title: string, message: string): void {
    recorded.errorBoxes.push([title, message]);
  },
};

export const shell = {
  openPath: (): Promise<string> => Promise.resolve(''),
};

/** Reversible but not plaintext, like the real thing from the caller's point of view. */
export const safeStorage = {
  isEncryptionAvailable: (): boolean => recorded.encryptionAvailable,
  getSelectedStorageBackend: (): string => recorded.storageBackend,
  encryptString: (plain: string): Buffer => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (cipher: Buffer): string => Buffer.from(cipher.map((b) => b ^ 0x5a)).toString('utf8'),
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    recorded.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invocations: [] as unknown[][],
  invoke(...args: unknown[]): Promise<unknown> {
    ipcRenderer.invocations.push(args);
    return Promise.resolve({ ok: true, value: null });
  },
});

export function resetFakeElectron(): void {
  Object.assign(recorded, freshRecord());
  app.reset();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invocations.length = 0;
}

/** `net.isOnline()`: the connectivity watch polls it; tests flip it through `fakeNet.online`. */
export const fakeNet = { online: true };
export const net = { isOnline: () => fakeNet.online };
