/**
 * Where the SQLite native module built for Electron's ABI lives. node_modules keeps the Node
 * build (tests, CLI, browser mode); the desktop app loads a second copy:
 * - development: `native-electron/<platform>-<arch>/better_sqlite3.node`, made by
 *   `npm run native:electron` (run by `npm start`);
 * - installed: `<resources>/native/better_sqlite3.node`, shipped by electron-builder's
 *   extraResources (see electron-builder.yml).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';

export const NATIVE_FILE = 'better_sqlite3.node';

export interface NativeBindingPlace {
  readonly isPackaged: boolean;
  readonly appPath: string;
  readonly resourcesPath: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
}

export function nativeBindingPath(place: NativeBindingPlace): string {
  return place.isPackaged
    ? join(place.resourcesPath, 'native', NATIVE_FILE)
    : join(place.appPath, 'native-electron', `${place.platform}-${place.arch}`, NATIVE_FILE);
}

/** The path, or a clear error naming the command that makes it. */
export function requireNativeBinding(place: NativeBindingPlace): string {
  const path = nativeBindingPath(place);
  if (!existsSync(path)) {
    throw new AppError(
      'internal',
      place.isPackaged
        ? 'This installation of Fieldwork is incomplete: its database module is missing. Reinstall Fieldwork.'
        : `The database module built for Electron is missing (${path}). Run "npm run native:electron", then start again.`,
      { path },
    );
  }
  return path;
}
