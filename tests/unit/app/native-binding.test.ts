// Where the desktop app looks for the Electron-ABI SQLite module, and the message when it is
// missing. (No Electron needed: this module does not import it.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeBindingPath, requireNativeBinding } from '../../../main/app/native-binding.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('native binding location', () => {
  it('uses native-electron/<platform>-<arch> in development and <resources>/native when installed', () => {
    const place = { appPath: '/repo', resourcesPath: '/opt/Fieldwork/resources', platform: 'linux' as const, arch: 'x64' };
    expect(nativeBindingPath({ ...place, isPackaged: false })).toBe(
      join('/repo', 'native-electron', 'linux-x64', 'better_sqlite3.node'),
    );
    expect(nativeBindingPath({ ...place, isPackaged: true })).toBe(
      join('/opt/Fieldwork/resources', 'native', 'better_sqlite3.node'),
    );
  });

  it('names the command to run when the development build is missing, and returns the path when present', () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldwork-native-path-'));
    const place = { isPackaged: false, appPath: dir, resourcesPath: '', platform: 'linux' as const, arch: 'x64' };
    expect(() => requireNativeBinding(place)).toThrow(/npm run native:electron/);
    mkdirSync(join(dir, 'native-electron', 'linux-x64'), { recursive: true });
    writeFileSync(join(dir, 'native-electron', 'linux-x64', 'better_sqlite3.node'), '');
    expect(requireNativeBinding(place)).toBe(join(dir, 'native-electron', 'linux-x64', 'better_sqlite3.node'));
  });

  it('tells an installed app’s user to reinstall', () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldwork-native-path-'));
    expect(() =>
      requireNativeBinding({ isPackaged: true, appPath: '', resourcesPath: dir, platform: 'win32', arch: 'x64' }),
    ).toThrow(/Reinstall Fieldwork/);
  });
});
