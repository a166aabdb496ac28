/**
 * What a sync target can do (a folder or a WebDAV server), and the layout of bundles on it.
 *
 * LAYOUT INVARIANT: a complete bundle lives at `<inspection>/<author dir>/<sha256>.fwbundle`
 * where the name is the SHA-256 of the file's bytes. Uploads go to a dot-prefixed `.part`
 * name first and are moved into place only when whole, so a listing never shows a partial
 * upload under a final name, and pushing the same bytes twice can only ever make one file.
 */
import { randomBytes } from 'node:crypto';

export interface RemoteEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly size: number | null;
}

export interface RemoteDigest {
  readonly size: number;
  readonly sha256: string;
}

/** Paths are lists of segments below the target's root; targets never go above the root. */
export type RemotePath = readonly string[];

export interface SyncTarget {
  /** Where this is, for messages ("the folder /mnt/share", "https://dav.example/team/"). */
  readonly where: string;
  /** A cheap check that the root is there and usable with these credentials. */
  probe(): Promise<void>;
  /** Entries of a folder; a folder that does not exist yet lists as empty. */
  list(dir: RemotePath): Promise<RemoteEntry[]>;
  /** Creates the folders below the root as needed (never the root itself). */
  ensureDir(dir: RemotePath): Promise<void>;
  upload(path: RemotePath, localFile: string, size: number): Promise<void>;
  /** Renames within the target, replacing what is there. */
  move(from: RemotePath, to: RemotePath): Promise<void>;
  /** Size of a file, or null when there is none. */
  stat(path: RemotePath): Promise<number | null>;
  /** Reads a file back, hashing as it goes; writes it to localFile when given. At most maxBytes. */
  digest(path: RemotePath, maxBytes: number, localFile?: string): Promise<RemoteDigest>;
  /** Removes a file; a missing file is not an error. */
  remove(path: RemotePath): Promise<void>;
}

export const BUNDLE_SUFFIX = '.fwbundle';
const FINAL_NAME = /^([0-9a-f]{64})\.fwbundle$/;
const SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;

/** The folder of one author's bundles: a hex prefix of their key (safe on case-insensitive shares). */
export function authorDir(author: string): string {
  return Buffer.from(author, 'base64url').toString('hex').slice(0, 32);
}

export function bundleName(sha256: string): string {
  return `${sha256}${BUNDLE_SUFFIX}`;
}

/** The hash a final bundle name promises, or null for anything else (temp files, strays). */
export function shaFromName(name: string): string | null {
  return FINAL_NAME.exec(name)?.[1] ?? null;
}

export function tempNameFor(sha256: string): string {
  return `.${sha256}.${randomBytes(6).toString('hex')}.part`;
}

export function isTempFor(name: string, sha256: string): boolean {
  return name.startsWith(`.${sha256}.`) && name.endsWith('.part');
}

/** Guards every path a target touches: plain names only, no "..", no separators. */
export function assertSafePath(path: RemotePath): void {
  for (const segment of path) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new Error(`Refusing an unsafe sync path segment: ${JSON.stringify(segment)}`);
    }
  }
}
