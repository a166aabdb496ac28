/**
 * What the CLI does to a data file without opening it as a store (so there is no store to
 * dispatch a command to): a checked backup, a full integrity check, a restore under the data
 * folder's lock. The store key comes from the device key file beside the data file.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { backupStoreFile, restoreStoreFile } from '../store/backup.js';
import { checkStoreFile, type FileCheck } from '../store/integrity.js';
import { fileKeyVault } from '../sync/device-identity.js';
import { acquireDataLock } from './data-lock.js';
import { CLI_HOLDER, KEY_FILE } from './runtime.js';

/**
 * The store key for a data file or a backup of it, from the device key file in its folder (or
 * the folder above, for `backups/`). Stores made by the desktop app keep their key in the OS
 * keychain instead, which plain Node cannot read: those files are refused with a clear message.
 */
export function storeKeyFor(storePath: string): string | undefined {
  for (const dir of [dirname(storePath), dirname(dirname(storePath))]) {
    const keyFile = join(dir, KEY_FILE);
    if (!existsSync(keyFile)) continue;
    const secrets = fileKeyVault(keyFile, () => undefined).load();
    if (secrets?.storeKey) return secrets.storeKey;
  }
  return undefined;
}

/** A consistent copy of the data file at `target`, which passes `integrity_check`. */
export async function backupStoreAt(storePath: string, target: string): Promise<void> {
  await backupStoreFile(storePath, target, { key: storeKeyFor(storePath) });
}

/** The full integrity check of a data file, on a read-only handle. */
export function checkStoreAt(storePath: string): FileCheck {
  return checkStoreFile(storePath, 'full', { key: storeKeyFor(storePath) });
}

/**
 * Replaces the data file with a checked backup, keeping the old file aside (its path is
 * returned). Never swaps the file under a running Fieldwork: the data folder's lock says who has it.
 */
export function restoreStoreFrom(storePath: string, source: string): string | null | undefined {
  const key = storeKeyFor(storePath) ?? storeKeyFor(source);
  const lock = existsSync(dirname(storePath)) ? acquireDataLock(dirname(storePath), CLI_HOLDER) : null;
  try {
    return restoreStoreFile(storePath, source, { label: 'before-restore', ...(key ? { store: { key } } : {}) }).setAsidePath;
  } finally {
    lock?.release();
  }
}
