/**
 * age's passphrase recipient (the `scrypt` stanza of age v1), with Node's own scrypt and
 * ChaCha20-Poly1305. age-encryption derives the key with a JavaScript scrypt on the calling
 * thread: 1.9 s at age's work factor of 18 here, during which the core answered nothing else.
 * Node's runs in its thread pool, in 1.0 s. The stanza is the same bytes either way, and every
 * check age-encryption makes of a stanza is made here in the same order with the same words
 * (tests/unit/sync/scrypt-passphrase.test.ts decrypts each with the other).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { Stanza, type Identity, type Recipient } from 'age-encryption';

const LABEL = 'age-encryption.org/v1/scrypt';
/** age-encryption's own limit: a file may not ask for more (2^20 is 1 GiB of scrypt memory). */
export const MAX_SCRYPT_LOG_N = 20;
/** age's default work factor for a passphrase it encrypts to. */
export const DEFAULT_SCRYPT_LOG_N = 18;
const SALT_BYTES = 16;
const NONCE = Buffer.alloc(12);

function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const labelAndSalt = Buffer.concat([Buffer.from(LABEL, 'utf8'), salt]);
  const N = 2 ** logN;
  // scrypt needs 128 * r * N bytes; Node refuses above maxmem (32 MiB by default).
  const maxmem = 128 * 8 * N + 2 ** 20;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(passphrase, 'utf8'), labelAndSalt, 32, { N, r: 8, p: 1, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function wrap(fileKey: Uint8Array, key: Buffer): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
  return new Uint8Array(Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]));
}

/** The file key, or null when the key does not open the body (a wrong passphrase). */
function unwrap(body: Uint8Array, key: Buffer): Uint8Array | null {
  if (body.length !== 32) throw Error('invalid stanza');
  const decipher = createDecipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
  decipher.setAuthTag(body.subarray(16));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body.subarray(0, 16)), decipher.final()]));
  } catch {
    return null;
  }
}

/** Unpadded standard base64, canonical only (age's encoding: one spelling per value). */
function decodeSalt(text: string): Uint8Array {
  const bytes = /^[A-Za-z0-9+/]*$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.toString('base64').replace(/=+$/, '') !== text || bytes.length !== SALT_BYTES) {
    throw Error('invalid scrypt stanza');
  }
  return bytes;
}

export class ScryptPassphraseRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN: number = DEFAULT_SCRYPT_LOG_N,
  ) {}

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(SALT_BYTES);
    const key = await deriveKey(this.passphrase, salt, this.logN);
    const saltText = salt.toString('base64').replace(/=+$/, '');
    return [new Stanza(['scrypt', saltText, String(this.logN)], wrap(fileKey, key))];
  }
}

export class ScryptPassphraseIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args.length < 1 || s.args[0] !== 'scrypt') continue;
      if (stanzas.length !== 1) throw Error('scrypt recipient is not the only one in the header');
      if (s.args.length !== 3) throw Error('invalid scrypt stanza');
      const [, saltText, logNText] = s.args as [string, string, string];
      if (!/^[1-9][0-9]*$/.test(logNText)) throw Error('invalid scrypt stanza');
      const salt = decodeSalt(saltText);
      const logN = Number(logNText);
      if (logN > MAX_SCRYPT_LOG_N) throw Error('scrypt work factor is too high');
      const fileKey = unwrap(s.body, await deriveKey(this.passphrase, salt, logN));
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}
