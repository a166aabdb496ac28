/**
 * The desktop app's sync credential vault: each sync password or token encrypted with
 * Electron safeStorage (the operating system's keychain) and kept in
 * `<data folder>/sync-credentials.safe.json`. Install it at start-up, before any command runs:
 *   installCredentialVault(safeStorageCredentialFactory())
 * If the keychain is unavailable, saving a password is refused rather than written weakly.
 */
import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { CredentialVault, VaultFactory } from '../sync/sync-credentials.js';

export const SAFE_CREDENTIALS_FILE = 'sync-credentials.safe.json';

type SafeStorageApi = Pick<typeof safeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

function readEntries(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function writeEntries(path: string, entries: Record<string, string>): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(entries), { mode: 0o600 });
  renameSync(temp, path);
}

export function safeStorageCredentialVault(path: string, storage: SafeStorageApi = safeStorage): CredentialVault {
  return {
    description: 'Electron safeStorage (operating system keychain)',
    get(ref) {
      const sealed = readEntries(path)[ref];
      if (!sealed || !storage.isEncryptionAvailable()) return null;
      try {
        return storage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        return null;
      }
    },
    set(ref, secret) {
      if (!storage.isEncryptionAvailable()) {
        throw new AppError(
          'io_failed',
          'The password was not saved because the operating system’s secure storage (keychain) is not available.',
        );
      }
      writeEntries(path, { ...readEntries(path), [ref]: storage.encryptString(secret).toString('base64') });
    },
    remove(ref) {
      const { [ref]: _gone, ...rest } = readEntries(path);
      writeEntries(path, rest);
    },
  };
}

export function safeStorageCredentialFactory(storage: SafeStorageApi = safeStorage): VaultFactory {
  return (host) => safeStorageCredentialVault(join(host.dataDir, SAFE_CREDENTIALS_FILE), storage);
}
