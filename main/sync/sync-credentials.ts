/**
 * Where sync passwords and tokens live. The desktop app installs an Electron safeStorage vault
 * (main/app/sync-credentials.ts) at start-up; browser mode, the CLI and tests fall back to a
 * file encrypted with AES-256-GCM under a key derived from this laptop's device key, with a
 * logged warning, because that file is only as safe as the key file beside it.
 * Secrets never go into the SQLite store and never cross the API back to the renderer.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../store/durable-file.js';

export interface CredentialVault {
  readonly description: string;
  get(ref: string): string | null;
  set(ref: string, secret: string): void;
  remove(ref: string): void;
}

export interface VaultHost {
  readonly dataDir: string;
  readonly signingKey: KeyObject;
  readonly warn: (message: string) => void;
}

export type VaultFactory = (host: VaultHost) => CredentialVault;

export const CREDENTIALS_FILE = 'sync-credentials.enc.json';
const INFO = Buffer.from('fieldwork/sync-credentials/v1');

interface SealedEntry {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

interface SealedFile {
  readonly v: 1;
  readonly salt: string;
  readonly entries: Record<string, SealedEntry>;
}

function readSealed(path: string): SealedFile {
  if (!existsSync(path)) return { v: 1, salt: randomBytes(16).toString('base64'), entries: {} };
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const file = parsed as Partial<SealedFile> | null;
  if (!file || file.v !== 1 || typeof file.salt !== 'string' || typeof file.entries !== 'object' || file.entries === null) {
    throw new Error('The sync credentials file is not in a format this version understands');
  }
  return file as SealedFile;
}

function writeSealed(path: string, file: SealedFile): void {
  writeFileDurably(path, JSON.stringify(file));
}

/** Browser mode, CLI and tests: an encrypted file keyed from the device's signing key. */
export function fileCredentialVault(path: string, signingKey: KeyObject, warn: (message: string) => void): CredentialVault {
  const ikm = signingKey.export({ type: 'pkcs8', format: 'der' });
  const keyFor = (salt: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.from(salt, 'base64'), INFO, 32));
  let warned = false;
  return {
    description: `encrypted file ${path}`,
    get(ref) {
      const file = readSealed(path);
      const entry = file.entries[ref];
      if (!entry) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyFor(file.salt), Buffer.from(entry.iv, 'base64'));
        decipher.setAAD(Buffer.from(ref));
        decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // Made with another device key (a copied data folder): treat as not saved, so the user is asked again.
        return null;
      }
    },
    set(ref, secret) {
      if (!warned) {
        warned = true;
        warn(
          `Fieldwork: sync passwords are kept in ${path}, encrypted with this laptop's device key but not by the operating system's keychain. The desktop app uses the keychain instead.`,
        );
      }
      const file = readSealed(path);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyFor(file.salt), iv);
      cipher.setAAD(Buffer.from(ref));
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      const entry: SealedEntry = {
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      writeSealed(path, { ...file, entries: { ...file.entries, [ref]: entry } });
    },
    remove(ref) {
      if (!existsSync(path)) return;
      const file = readSealed(path);
      const { [ref]: _gone, ...rest } = file.entries;
      writeSealed(path, { ...file, entries: rest });
    },
  };
}

let installedFactory: VaultFactory | null = null;
const vaults = new Map<string, CredentialVault>();

/** The desktop shell calls this once at start-up with its safeStorage vault. */
export function installCredentialVault(factory: VaultFactory): void {
  installedFactory = factory;
  vaults.clear();
}

export function credentialVaultFor(host: VaultHost): CredentialVault {
  const cached = vaults.get(host.dataDir);
  if (cached) return cached;
  const vault = installedFactory
    ? installedFactory(host)
    : fileCredentialVault(join(host.dataDir, CREDENTIALS_FILE), host.signingKey, host.warn);
  vaults.set(host.dataDir, vault);
  return vault;
}

export function credentialRef(inspectionId: string): string {
  return `sync-target:${inspectionId}`;
}
