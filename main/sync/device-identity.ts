/**
 * This device's keys: Ed25519 for signing changesets and bundles, X25519 (age) for receiving
 * encrypted bundles. The private halves are kept by a KeyVault: Electron safeStorage in the
 * desktop app, a 0600 file elsewhere (with a warning, because that file is only as safe as
 * the account that owns it).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileDurably } from '../store/durable-file.js';

export interface DeviceSecrets {
  readonly signingPrivatePem: string;
  readonly ageIdentity: string;
  /** 32 random bytes (hex) that encrypt the store at rest; added to older key files on first load. */
  readonly storeKey?: string;
}

export interface DeviceIdentity {
  /** base64url of the raw 32-byte Ed25519 public key: the author id on every op. */
  readonly author: string;
  readonly ageRecipient: string;
  readonly ageIdentity: string;
  readonly signingKey: KeyObject;
  /** The store's encryption key (hex), or null for stores kept unencrypted (tests, benchmarks). */
  readonly storeKey: string | null;
}

export interface KeyVault {
  load(): DeviceSecrets | null;
  save(secrets: DeviceSecrets): void;
  readonly description: string;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function authorFromPublicKey(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return der.subarray(ED25519_SPKI_PREFIX.length).toString('base64url');
}

export function publicKeyFromAuthor(author: string): KeyObject {
  const raw = Buffer.from(author, 'base64url');
  if (raw.length !== 32) throw new Error('An author key must be 32 bytes');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * Public keys already built, by author: a merge checks thousands of signatures from a handful of
 * authors, and rebuilding the KeyObject for each was a tenth of the merge's time. Bounded, so a
 * hostile bundle naming endless authors cannot grow it without limit.
 */
const PUBLIC_KEY_CACHE_LIMIT = 4096;
const publicKeys = new Map<string, KeyObject>();

function cachedPublicKey(author: string): KeyObject {
  const known = publicKeys.get(author);
  if (known) return known;
  const key = publicKeyFromAuthor(author);
  if (publicKeys.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeys.clear();
  publicKeys.set(author, key);
  return key;
}

/** A short, readable fingerprint of an author key for people to compare. */
export function fingerprint(author: string): string {
  const hex = Buffer.from(author, 'base64url').toString('hex').toUpperCase();
  return (hex.slice(0, 20).match(/.{4}/g) ?? []).join(' ');
}

export function signBytes(identity: DeviceIdentity, bytes: Uint8Array): Buffer {
  return sign(null, bytes, identity.signingKey);
}

export function verifySignature(author: string, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, cachedPublicKey(author), signature);
  } catch {
    return false;
  }
}

/**
 * verifySignature on libuv's thread pool (crypto.verify with a callback), so the JavaScript
 * thread goes on while it runs. Resolves false for a key or signature that cannot be read.
 */
export function verifySignatureOffThread(author: string, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify(null, bytes, cachedPublicKey(author), signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}

export async function loadOrCreateIdentity(vault: KeyVault): Promise<DeviceIdentity> {
  let secrets = vault.load();
  if (secrets === null) {
    const { privateKey } = generateKeyPairSync('ed25519');
    secrets = {
      signingPrivatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ageIdentity: await generateX25519Identity(),
      storeKey: randomBytes(32).toString('hex'),
    };
    vault.save(secrets);
  } else if (!secrets.storeKey) {
    // A key file from before encryption at rest: add the store key; the store is encrypted on open.
    secrets = { ...secrets, storeKey: randomBytes(32).toString('hex') };
    vault.save(secrets);
  }
  return identityFromSecrets(secrets);
}

export async function identityFromSecrets(secrets: DeviceSecrets): Promise<DeviceIdentity> {
  const signingKey = createPrivateKey(secrets.signingPrivatePem);
  return {
    author: authorFromPublicKey(createPublicKey(signingKey)),
    ageRecipient: await identityToRecipient(secrets.ageIdentity),
    ageIdentity: secrets.ageIdentity,
    signingKey,
    storeKey: secrets.storeKey ?? null,
  };
}

/** Key file with owner-only permissions, for browser mode, the CLI and tests. */
export function fileKeyVault(path: string, warn: (message: string) => void = console.warn): KeyVault {
  return {
    description: `key file ${path}`,
    load() {
      if (!existsSync(path)) return null;
      return JSON.parse(readFileSync(path, 'utf8')) as DeviceSecrets;
    },
    save(secrets) {
      warn(
        `Fieldwork: device keys are stored in ${path} protected only by file permissions (0600). The desktop app uses the operating system's keychain instead.`,
      );
      // DURABILITY: fsynced and its name fsynced: the store key lives only here.
      writeFileDurably(path, JSON.stringify(secrets));
    },
  };
}
