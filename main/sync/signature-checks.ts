/**
 * A bundle's changeset signatures, checked on libuv's thread pool while the import reads,
 * parses and stages the changesets that follow (crypto.verify with a callback runs off the
 * JavaScript thread). In the profile of a lead's 1× merge the checks were 2.9 s of the 7.1 s
 * spent verifying, all of it on the one thread that also decrypts and stages.
 *
 * Nothing is trusted early: every check is settled, in the bundle's order, before verifying
 * ends (`settle`), and a failed one rejects the whole bundle as `bad-signature` naming its
 * author, ahead of any later fault. At most `limit` checks wait at once, so the bodies they
 * hold stay a bounded number of changesets (`admit`).
 */
import { rejectBundle } from './bundle-format.js';
import { verifySignatureOffThread } from './device-identity.js';

/** How one changeset's signature is checked: now (throwing) or queued (SignatureChecks.check). */
export type SignatureCheck = (author: string, body: Uint8Array, signature: Uint8Array) => void;

/** How many checks may wait at once: enough to keep the pool busy, few enough to bound memory. */
const DEFAULT_LIMIT = 64;

export class SignatureChecks {
  /** The checks not yet settled, oldest first: each resolves to its author if it failed. */
  private readonly waiting: Promise<string | null>[] = [];

  constructor(private readonly limit: number = DEFAULT_LIMIT) {}

  /** Queues one changeset's check (a SignatureCheck). */
  readonly check: SignatureCheck = (author, body, signature) => {
    this.waiting.push(verifySignatureOffThread(author, body, signature).then((valid) => (valid ? null : author)));
  };

  /** Settles the oldest checks until at most `limit` wait; throws if one of them failed. */
  async admit(): Promise<void> {
    while (this.waiting.length > this.limit) await this.settleOldest();
  }

  /** Settles every check, oldest first; throws `bad-signature` for the first that failed. */
  async settle(): Promise<void> {
    while (this.waiting.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const author = await (this.waiting.shift() as Promise<string | null>);
    if (author !== null) {
      this.waiting.length = 0;
      throw rejectBundle('bad-signature', { author });
    }
  }
}
