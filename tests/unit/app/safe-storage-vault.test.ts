// The desktop KeyVault: keys encrypted by safeStorage in a 0600 file written atomically; refused
// when the OS has no secure storage; a warning on Linux's basic_text backend; a plain key file
// from browser mode is moved in and deleted; a key file that will not decrypt is never replaced.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadOrCreateIdentity } from '../../../main/sync/device-identity.js';
import { recorded, resetFakeElectron, safeStorage } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const { safeStorageVault } = await import('../../../main/app/safe-storage-vault.js');

let dir: string;
let warnings: string[];
const vaultAt = (extra: { legacyPlainPath?: string; platform?: NodeJS.Platform } = {}) =>
  safeStorageVault({ path: join(dir, 'device-keys.safe'), warn: (m) => warnings.push(m), ...extra });

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'fieldwork-vault-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('safeStorage key vault', () => {
  it('stores the device keys encrypted, owner-only, and gives the same identity back', async () => {
    const first = await loadOrCreateIdentity(vaultAt());
    const file = join(dir, 'device-keys.safe');
    const bytes = readFileSync(file);
    expect(bytes.toString('utf8')).not.toContain('PRIVATE KEY');
    expect(bytes.toString('utf8')).not.toContain('AGE-SECRET-KEY');
    expect(safeStorage.decryptString(bytes)).toContain('PRIVATE KEY');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['device-keys.safe']); // no temp file left behind
    const again = await loadOrCreateIdentity(vaultAt());
    expect(again.author).toBe(first.author);
    expect(warnings).toEqual([]);
  });

  it('refuses, writing nothing, when the OS cannot encrypt', async () => {
    recorded.encryptionAvailable = false;
    await expect(loadOrCreateIdentity(vaultAt())).rejects.toMatchObject({ code: 'io_failed' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('warns, and says so in its description, on Linux without a keyring (basic_text)', () => {
    recorded.storageBackend = 'basic_text';
    const vault = vaultAt({ platform: 'linux' });
    expect(warnings.join(' ')).toMatch(/basic_text/);
    expect(vault.description).toMatch(/basic_text/);
    expect(vaultAt({ platform: 'darwin' }).description).toMatch(/keychain/);
  });

  it('moves a plain key file into secure storage and deletes the plaintext', async () => {
    const plain = join(dir, 'device-keys.json');
    const original = await loadOrCreateIdentity({
      description: 'test',
      load: () => null,
      save: (secrets) => writeFileSync(plain, JSON.stringify(secrets)),
    });
    const moved = await loadOrCreateIdentity(vaultAt({ legacyPlainPath: plain }));
    expect(moved.author).toBe(original.author);
    expect(existsSync(plain)).toBe(false);
    expect(existsSync(join(dir, 'device-keys.safe'))).toBe(true);
  });

  it('refuses clearly, and keeps the file, when the keys will not decrypt', async () => {
    const file = join(dir, 'device-keys.safe');
    writeFileSync(file, Buffer.from('garbage that decrypts to nonsense'));
    await expect(loadOrCreateIdentity(vaultAt())).rejects.toMatchObject({ code: 'store_corrupt' });
    expect(readFileSync(file, 'utf8')).toBe('garbage that decrypts to nonsense');
  });

  it('gives back every secret it was given, the store key included', async () => {
    const first = await loadOrCreateIdentity(vaultAt());
    expect(first.storeKey).toMatch(/^[0-9a-f]{64}$/);
    const again = await loadOrCreateIdentity(vaultAt());
    expect(again.storeKey).toBe(first.storeKey);
    expect(again.ageIdentity).toBe(first.ageIdentity);
    expect(again.author).toBe(first.author);
  });

  it('moves the store key from a plain key file, deleting the file only after reading the vault back', async () => {
    const plain = join(dir, 'device-keys.json');
    const original = await loadOrCreateIdentity({
      description: 'test',
      load: () => null,
      save: (secrets) => writeFileSync(plain, JSON.stringify(secrets)),
    });
    const moved = await loadOrCreateIdentity(vaultAt({ legacyPlainPath: plain }));
    expect(moved.storeKey).toBe(original.storeKey);
    expect(existsSync(plain)).toBe(false);
  });

  it('keeps the plain key file when the keychain gives back something else', async () => {
    const plain = join(dir, 'device-keys.json');
    await loadOrCreateIdentity({
      description: 'test',
      load: () => null,
      save: (secrets) => writeFileSync(plain, JSON.stringify(secrets)),
    });
    const before = readFileSync(plain, 'utf8');
    // A keychain that silently drops a field on the way back (what the old vault did to storeKey).
    const lossy = {
      ...safeStorage,
      getSelectedStorageBackend: () => 'gnome_libsecret' as const,
      decryptString: (cipher: Buffer) => {
        const value = JSON.parse(safeStorage.decryptString(cipher)) as Record<string, unknown>;
        delete value.storeKey;
        return JSON.stringify(value);
      },
    };
    const vault = safeStorageVault({
      path: join(dir, 'device-keys.safe'),
      legacyPlainPath: plain,
      storage: lossy,
      warn: () => undefined,
    });
    await expect(loadOrCreateIdentity(vault)).rejects.toMatchObject({ code: 'io_failed' });
    expect(readFileSync(plain, 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'device-keys.safe'))).toBe(false);
  });
});
