/**
 * The desktop app's KeyVault: this device's private keys encrypted with Electron safeStorage
 * (macOS Keychain, Windows DPAPI, Linux Secret Service / KWallet) in the data folder.
 *
 * Decision when the OS cannot protect the keys:
 * - safeStorage unavailable (`isEncryptionAvailable()` false): REFUSE with a clear message.
 *   Writing the keys in the clear from the desktop app would be a silent downgrade; the user
 *   can still run browser mode, whose key file is documented as protected by permissions only.
 * - Linux `basic_text` backend (no keyring running): Electron encrypts with a fixed, public
 *   password, which is obfuscation, not protection. We WARN (log + `description`, which the
 *   app shows as the key protection) rather than refuse, because many Linux laptops without a
 *   desktop keyring would otherwise not run Fieldwork at all; the file is still 0600.
 */
import { safeStorage } from 'electron';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { AppError } from '../../shared/errors.js';
import { writeFileDurably } from '../store/durable-file.js';
import type { DeviceSecrets, KeyVault } from '../sync/device-identity.js';

export const SAFE_KEY_FILE = 'device-keys.safe';

/** The part of Electron's safeStorage we use (the real one in the app, a stand-in in tests). */
export type SafeStorageApi = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

export interface SafeStorageVaultOptions {
  /** Where the encrypted keys live: `<data folder>/device-keys.safe`. */
  readonly path: string;
  /** A plain key file left by browser mode or the CLI; imported once, then removed. */
  readonly legacyPlainPath?: string;
  readonly storage?: SafeStorageApi;
  readonly platform?: NodeJS.Platform;
  readonly warn?: (message: string) => void;
}

function requireEncryption(storage: SafeStorageApi): void {
  if (!storage.isEncryptionAvailable()) {
    throw new AppError(
      'io_failed',
      'Fieldwork cannot protect this device’s keys because the operating system’s secure storage (keychain) is not available. Sign in to a desktop session with a keyring, or use browser mode (npm run start:web). Nothing has been written.',
    );
  }
}

/**
 * Every secret a device holds, read back field by field. The store key is one of them: without
 * it the store and every backup are unreadable, so a vault that drops it loses the user's work.
 */
function parseSecrets(text: string): DeviceSecrets {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.signingPrivatePem === 'string' && typeof v.ageIdentity === 'string') {
      if (v.storeKey !== undefined && typeof v.storeKey !== 'string') throw new Error('storeKey is not text');
      return {
        signingPrivatePem: v.signingPrivatePem,
        ageIdentity: v.ageIdentity,
        ...(typeof v.storeKey === 'string' ? { storeKey: v.storeKey } : {}),
      };
    }
  }
  throw new Error('missing fields');
}

function serialiseSecrets(secrets: DeviceSecrets): string {
  return JSON.stringify({
    signingPrivatePem: secrets.signingPrivatePem,
    ageIdentity: secrets.ageIdentity,
    ...(secrets.storeKey !== undefined ? { storeKey: secrets.storeKey } : {}),
  });
}

function sameSecrets(a: DeviceSecrets, b: DeviceSecrets): boolean {
  return serialiseSecrets(a) === serialiseSecrets(b);
}

export function safeStorageVault(options: SafeStorageVaultOptions): KeyVault {
  const storage = options.storage ?? safeStorage;
  const platform = options.platform ?? process.platform;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const weakBackend = platform === 'linux' && storage.getSelectedStorageBackend() === 'basic_text';
  if (weakBackend) {
    warn(
      'Fieldwork: no desktop keyring was found, so Electron safeStorage is using its basic_text backend. The device keys are only obfuscated, protected by file permissions (0600). Run a keyring (GNOME Keyring or KWallet) to protect them properly.',
    );
  }
  const save = (secrets: DeviceSecrets): void => {
    requireEncryption(storage);
    // Temp file, fsync, rename, folder fsync: a crash leaves the old file or the new one.
    writeFileDurably(options.path, storage.encryptString(serialiseSecrets(secrets)));
  };
  const readBack = (): DeviceSecrets => parseSecrets(storage.decryptString(readFileSync(options.path)));
  return {
    description: weakBackend
      ? 'Electron safeStorage (basic_text: no keyring, file permissions only)'
      : 'Electron safeStorage (operating system keychain)',
    load() {
      if (!existsSync(options.path)) return importLegacy();
      requireEncryption(storage);
      try {
        return readBack();
      } catch {
        // Never make new keys here: that would silently give this device a new identity.
        throw new AppError(
          'store_corrupt',
          'Fieldwork could not unlock this device’s keys with the operating system’s keychain. If you changed your login password or keyring, restore it and start Fieldwork again. Nothing has been changed.',
          { path: options.path },
        );
      }
    },
    save,
  };

  function importLegacy(): DeviceSecrets | null {
    const legacy = options.legacyPlainPath;
    if (!legacy || !existsSync(legacy)) return null;
    const secrets = parseSecrets(readFileSync(legacy, 'utf8'));
    save(secrets);
    // The plain file may be the only copy of the store key: delete it only once the vault gives
    // back exactly what it holds. Then the plaintext copy is exactly what we must not keep.
    let stored: DeviceSecrets | null = null;
    try {
      stored = readBack();
    } catch {
      stored = null;
    }
    if (stored === null || !sameSecrets(stored, secrets)) {
      rmSync(options.path, { force: true });
      throw new AppError(
        'io_failed',
        `Fieldwork could not move this device’s keys into the operating system’s secure storage: what it read back did not match. The key file ${legacy} has been kept and nothing else has changed.`,
        { path: legacy },
      );
    }
    rmSync(legacy, { force: true });
    warn(`Fieldwork: moved this device's keys from ${legacy} into the operating system's secure storage.`);
    return secrets;
  }
}
