/**
 * Files that must survive a power cut, not just a crash. The operating system holds written
 * bytes and new names in memory until they are flushed: a process killed mid-write loses
 * nothing the OS already had, but a power cut loses everything not yet fsynced. So:
 *  - a file's bytes are durable only after fsync(file);
 *  - a new name (create, rename, mkdir, unlink) is durable only after fsync(its folder).
 * Every file Fieldwork writes under its final name (bundles, backups, key files, exports) is
 * written to a temporary name, fsynced, renamed, and then its folder is fsynced; a file is
 * never acknowledged before both. tests/powercut proves it on a filesystem that drops what
 * was not flushed.
 *
 * Files and folders are created owner-only (0600 / 0700): what they hold is about children.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Durability switches that ONLY the power-cut harness turns off, to prove it catches the
 * regression (tests/powercut). Nothing in the app calls `weakenDurabilityForTests`, and a layer
 * test checks that only the harness imports it.
 */
const weakened = { synchronousOff: false, skipFolderSync: false };

export function weakenDurabilityForTests(faults: { readonly synchronousOff?: boolean; readonly skipFolderSync?: boolean }): void {
  weakened.synchronousOff = faults.synchronousOff === true;
  weakened.skipFolderSync = faults.skipFolderSync === true;
}

/** SQLite's `synchronous` level for every writable store connection. */
export function synchronousLevel(): 'FULL' | 'OFF' {
  return weakened.synchronousOff ? 'OFF' : 'FULL';
}

export function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the names in a folder durable (after a create, rename or delete in it). */
export function syncFolder(folder: string): void {
  if (weakened.skipFolderSync) return;
  let fd: number;
  try {
    fd = openSync(folder, 'r');
  } catch (error) {
    // Windows cannot open a folder for fsync; there the rename is still atomic.
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some network filesystems refuse fsync on a folder; the rename still orders the writes.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a folder (and any missing parents) owner-only, each new one made durable in its
 * parent, so files later made durable inside it cannot vanish with it.
 */
export function ensureFolder(path: string): void {
  const absolute = resolve(path);
  if (existsSync(absolute)) return;
  ensureFolder(dirname(absolute));
  try {
    mkdirSync(absolute, { mode: PRIVATE_FOLDER_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return;
  }
  syncFolder(dirname(absolute));
}

/** Renames and makes the new name durable (in both folders when it moves between them). */
export function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  syncFolder(dirname(to));
  if (resolve(dirname(from)) !== resolve(dirname(to))) syncFolder(dirname(from));
}

/** Removes a file and makes its removal durable. */
export function removeDurably(path: string): void {
  if (!existsSync(path)) return;
  rmSync(path, { force: true });
  syncFolder(dirname(path));
}

/** Whole file or nothing under `path`, owner-only, durable when this returns. */
export function writeFileDurably(path: string, bytes: string | Uint8Array, mode = PRIVATE_FILE_MODE): void {
  ensureFolder(dirname(path));
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    for (let at = 0; at < buffer.length;) at += writeSync(fd, buffer, at, buffer.length - at);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  // The mode given to open() is masked by the umask; the file must be owner-only regardless.
  chmodSync(temp, mode);
  renameDurably(temp, path);
}

/** Owner-only, whatever the umask or an older version left (store files, backups, set-aside copies). */
export function makePrivate(path: string, mode = PRIVATE_FILE_MODE): void {
  if (process.platform === 'win32' || !existsSync(path)) return;
  chmodSync(path, mode);
}

/**
 * Overwrites a plain-text file with zeros (flushed) before removing it, so its text does not
 * linger in the freed blocks. Best effort: an SSD or a copy-on-write filesystem may keep the
 * old blocks elsewhere, which is why everything Fieldwork keeps long-term is encrypted.
 */
export function overwriteAndRemove(path: string): void {
  if (!existsSync(path)) return;
  zeroFile(path);
  removeDurably(path);
}

/** Replaces a plain-text file with new bytes and zeroes the old ones (see overwriteAndRemove). */
export function replaceOverwriting(path: string, bytes: string | Uint8Array): void {
  const old = openSync(path, 'r+');
  try {
    writeFileDurably(path, bytes);
    zeroDescriptor(old);
  } finally {
    closeSync(old);
  }
}

function zeroFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    zeroDescriptor(fd);
  } finally {
    closeSync(fd);
  }
}

function zeroDescriptor(fd: number): void {
  const size = fstatSync(fd).size;
  const zeros = Buffer.alloc(Math.min(size, 1 << 20));
  for (let at = 0; at < size;) at += writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
  fsyncSync(fd);
}
