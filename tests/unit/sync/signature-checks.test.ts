/**
 * The import's signature checks on the thread pool (main/sync/signature-checks.ts): a bad
 * signature is found wherever it is and named by its author, the first in the bundle's order
 * wins, and the checks waiting never hold more than their limits (in count and in bytes), so
 * large changesets are not all kept in memory at once while their checks run.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { authorFromPublicKey } from '../../../main/sync/device-identity.js';
import { SignatureChecks } from '../../../main/sync/signature-checks.js';

function signer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const author = authorFromPublicKey(publicKey);
  return { author, signed: (body: Buffer) => ({ body, signature: sign(null, body, privateKey) }) };
}

const reasonOf = (promise: Promise<void>) =>
  promise.then(
    () => 'settled',
    (error: unknown) =>
      error instanceof AppError ? `${error.details?.reason as string} ${error.details?.author as string}` : 'other',
  );

describe('signature checks on the thread pool', () => {
  it('settles good signatures and names the author of the first bad one, wherever it is', async () => {
    const alice = signer();
    const bob = signer();
    const bodies = Array.from({ length: 200 }, (_, i) => Buffer.from(`changeset ${i}`));
    const good = new SignatureChecks();
    for (const body of bodies) {
      const { signature } = alice.signed(body);
      good.check(alice.author, body, signature);
      await good.admit();
    }
    expect(await reasonOf(good.settle())).toBe('settled');

    for (const bad of [0, 63, 64, 199]) {
      const checks = new SignatureChecks();
      let admitted = 'settled';
      for (const [i, body] of bodies.entries()) {
        const by = i % 2 === 0 ? alice : bob;
        const { signature } = by.signed(body);
        // Changeset `bad` carries a signature of other bytes; a later one is also bad (Bob's key, Alice's name).
        if (i === bad) checks.check(by.author, body, by.signed(Buffer.from('other bytes')).signature);
        else if (i === bad + 2) checks.check(alice.author, body, bob.signed(body).signature);
        else checks.check(by.author, body, signature);
        admitted = await reasonOf(checks.admit());
        if (admitted !== 'settled') break;
      }
      const first = bad % 2 === 0 ? alice.author : bob.author;
      const answer = admitted === 'settled' ? await reasonOf(checks.settle()) : admitted;
      expect(answer, `bad at ${bad}`).toBe(`bad-signature ${first}`);
    }
  });

  it('a key that is not a key, or a signature of the wrong length, is a bad signature, not a crash', async () => {
    const alice = signer();
    const body = Buffer.from('changeset');
    const checks = new SignatureChecks();
    checks.check('A'.repeat(43), body, alice.signed(body).signature);
    expect(await reasonOf(checks.settle())).toBe(`bad-signature ${'A'.repeat(43)}`);
    const short = new SignatureChecks();
    short.check(alice.author, body, Buffer.alloc(12));
    expect(await reasonOf(short.settle())).toBe(`bad-signature ${alice.author}`);
  });

  it('never holds more than its limits while checks wait: in count, and in bytes (one check of any size)', async () => {
    const alice = signer();
    const limits = { checks: 8, bytes: 4 * 2 ** 20 };
    const checks = new SignatureChecks(limits);
    const sizes = [10, 3 * 2 ** 20, 3 * 2 ** 20, 100, 5 * 2 ** 20, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 2 * 2 ** 20];
    let most = { checks: 0, bytes: 0 };
    for (const size of sizes) {
      const { body, signature } = alice.signed(Buffer.alloc(size, 7));
      checks.check(alice.author, body, signature);
      await checks.admit();
      const now = checks.holding;
      expect(now.checks).toBeLessThanOrEqual(limits.checks);
      if (now.checks > 1) expect(now.bytes).toBeLessThanOrEqual(limits.bytes);
      most = { checks: Math.max(most.checks, now.checks), bytes: Math.max(most.bytes, now.bytes) };
    }
    // The limits were reached, so the test tells a bound from no bound.
    expect(most.checks).toBe(limits.checks);
    expect(most.bytes).toBe(5 * 2 ** 20);
    expect(await reasonOf(checks.settle())).toBe('settled');
    expect(checks.holding).toEqual({ checks: 0, bytes: 0 });
  });
});
