/**
 * Our passphrase stanza (main/sync/scrypt-passphrase.ts) is age's: age-encryption decrypts what
 * it wraps and it decrypts what age-encryption wraps; a wrong passphrase opens neither; every
 * malformed or hostile stanza age refuses is refused before any key is derived for it; and the
 * derivation runs off the thread, so the core answers other work meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, Stanza } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_LOG_N,
  ScryptPassphraseIdentity,
  ScryptPassphraseRecipient,
} from '../../../main/sync/scrypt-passphrase.js';

const PASSPHRASE = 'correct horse battery staple – ünïcode';
const MESSAGE = new TextEncoder().encode('Evidence note: the child was seen alone.');
const LOG_N = 10;

async function ours(passphrase: string, logN = LOG_N): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(new ScryptPassphraseRecipient(passphrase, logN));
  return encrypter.encrypt(MESSAGE);
}

async function ages(passphrase: string, logN = LOG_N): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  encrypter.setScryptWorkFactor(logN);
  return encrypter.encrypt(MESSAGE);
}

const openWithOurs = async (file: Uint8Array, passphrase: string) => {
  const decrypter = new Decrypter();
  decrypter.addIdentity(new ScryptPassphraseIdentity(passphrase));
  return decrypter.decrypt(file, 'uint8array');
};
const openWithAges = async (file: Uint8Array, passphrase: string) => {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  return decrypter.decrypt(file, 'uint8array');
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const saltText = (bytes = 16) => randomBytes(bytes).toString('base64').replace(/=+$/, '');
const stanza = (args: string[], body = new Uint8Array(32)) => new Stanza(args, body);

describe('the passphrase stanza', () => {
  it('age-encryption opens what it wraps, and it opens what age-encryption wraps', async () => {
    expect(await openWithAges(await ours(PASSPHRASE), PASSPHRASE)).toEqual(MESSAGE);
    expect(await openWithOurs(await ages(PASSPHRASE), PASSPHRASE)).toEqual(MESSAGE);
  });

  it('a wrong passphrase opens neither way', async () => {
    await expect(openWithAges(await ours(PASSPHRASE), 'wrong')).rejects.toThrow(/no identity matched/);
    await expect(openWithOurs(await ages(PASSPHRASE), 'wrong')).rejects.toThrow(/no identity matched/);
  });

  it(`wraps at age's work factor (${DEFAULT_SCRYPT_LOG_N}) unless told otherwise, with a fresh 16-byte salt`, async () => {
    const recipient = new ScryptPassphraseRecipient(PASSPHRASE);
    const fileKey = randomBytes(16);
    const [first] = await recipient.wrapFileKey(fileKey);
    expect(first?.args[0]).toBe('scrypt');
    expect(first?.args[2]).toBe(String(DEFAULT_SCRYPT_LOG_N));
    expect(Buffer.from(first?.args[1] ?? '', 'base64')).toHaveLength(16);
    expect(first?.body).toHaveLength(32);
    const [second] = await new ScryptPassphraseRecipient(PASSPHRASE, LOG_N).wrapFileKey(fileKey);
    expect(second?.args[1]).not.toBe(first?.args[1]);
  });

  it('refuses what age refuses, before deriving any key', async () => {
    const identity = new ScryptPassphraseIdentity(PASSPHRASE);
    const refused = async (stanzas: Stanza[]) =>
      identity.unwrapFileKey(stanzas).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    const good = saltText();
    expect(await refused([stanza(['scrypt', good, '21'])])).toBe('scrypt work factor is too high');
    expect(await refused([stanza(['scrypt', good, '99999999999999999999'])])).toBe('scrypt work factor is too high');
    expect(await refused([stanza(['scrypt', good, String(LOG_N)]), stanza(['X25519', good])])).toBe(
      'scrypt recipient is not the only one in the header',
    );
    for (const args of [
      ['scrypt', good],
      ['scrypt', good, '10', 'extra'],
      ['scrypt', good, '010'],
      ['scrypt', good, '0'],
      ['scrypt', good, '-1'],
      ['scrypt', good, '1e1'],
      ['scrypt', saltText(15), '10'],
      ['scrypt', saltText(17), '10'],
      ['scrypt', `${good}==`, '10'],
      ['scrypt', `${good.slice(0, -1)}%`, '10'],
      // The same 16 bytes spelt with non-zero padding bits: not age's one spelling.
      ['scrypt', `${good.slice(0, -1)}${B64[B64.indexOf(good.slice(-1)) | 1]}`, '10'],
    ]) {
      expect(await refused([stanza(args)]), args.join(' ')).toBe('invalid scrypt stanza');
    }
    expect(await refused([stanza(['scrypt', good, '10'], new Uint8Array(31))])).toBe('invalid stanza');
    // Stanzas of other kinds are not its business.
    expect(await identity.unwrapFileKey([stanza(['X25519', good])])).toBeNull();
  });

  it('derives off the thread: the event loop turns while the key is derived', async () => {
    const [wrapped] = await new ScryptPassphraseRecipient(PASSPHRASE, 15).wrapFileKey(randomBytes(16));
    let done = false;
    const unwrapping = new ScryptPassphraseIdentity(PASSPHRASE).unwrapFileKey([wrapped as Stanza]).then((key) => {
      done = true;
      return key;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(await unwrapping).toHaveLength(16);
  });
});
