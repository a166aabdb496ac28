/**
 * A bundle's changeset signatures, checked on libuv's thread pool while the import reads,
 * parses and stages the changesets that follow (crypto.verify with a callback runs off the
 * JavaScript thread). In the profile of a lead's 1× merge the checks were 2.9 s of the 7.1 s
 * spent verifying, all of it on the one thread that also decrypts and stages.
 *
 * Nothing is trusted early: every check is settled, in the bundle's order, before verifying
 * ends (`settle`), and a failed one rejects the whole bundle as `bad-signature` naming its
 * author, ahead of any later fault. At most 64 checks, holding at most 4 MiB of bodies, wait
 * at once (`admit`), so the bodies they hold stay bounded by the largest changeset.
 */
import { rejectBundle } from './bundle-format.js';
import { verifySignatureOffThread } from './device-identity.js';

/** How one changeset's signature is checked: now (throwing) or queued (SignatureChecks.check). */
export type SignatureCheck = (author: string, body: Uint8Array, signature: Uint8Array) => void;

/**
 * How many checks may wait at once, and how many bytes of bodies they may hold (a check holds
 * its body and the pool's copy of it): enough to keep the pool busy, few enough that the
 * import's memory stays bounded by its largest changeset, not by the bundle.
 */
const DEFAULT_LIMITS = { checks: 64, bytes: 4 * 2 ** 20 };

export class SignatureChecks {
  /** The checks not yet settled, oldest first: each resolves to its author if it failed. */
  private readonly waiting: { readonly failed: Promise<string | null>; readonly bytes: number }[] = [];
  private waitingBytes = 0;

  constructor(private readonly limits: { readonly checks: number; readonly bytes: number } = DEFAULT_LIMITS) {}

  /** How many checks wait now, and the bytes of the bodies they hold. */
  get holding(): { readonly checks: number; readonly bytes: number } {
    return { checks: this.waiting.length, bytes: this.waitingBytes };
  }

  /** Queues one changeset's check (a SignatureCheck). */
  readonly check: SignatureCheck = (author, body, signature) => {
    const failed = verifySignatureOffThread(author, body, signature).then((valid) => (valid ? null : author));
    this.waiting.push({ failed, bytes: body.byteLength });
    this.waitingBytes += body.byteLength;
  };

  /**
   * Settles the oldest checks until at most `limits.checks` wait, holding at most
   * `limits.bytes` (one check of any size may always wait); throws if one of them failed.
   */
  async admit(): Promise<void> {
    while (this.waiting.length > this.limits.checks || (this.waiting.length > 1 && this.waitingBytes > this.limits.bytes)) {
      await this.settleOldest();
    }
  }

  /** Settles every check, oldest first; throws `bad-signature` for the first that failed. */
  async settle(): Promise<void> {
    while (this.waiting.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.waiting.shift() as (typeof this.waiting)[number];
    this.waitingBytes -= oldest.bytes;
    const author = await oldest.failed;
    if (author !== null) {
      this.waiting.length = 0;
      this.waitingBytes = 0;
      throw rejectBundle('bad-signature', { author });
    }
  }
}

/**
 * Runs `work`, which reads the bundle and queues its checks, then settles them all. If `work`
 * throws, its checks are settled first: a failed signature, in an earlier changeset or in the
 * one at fault, is the answer, since until it holds nothing else in that body means anything.
 */
export async function withSignatureChecks<T>(work: (checks: SignatureChecks) => Promise<T>): Promise<T> {
  const checks = new SignatureChecks();
  let result: T;
  try {
    result = await work(checks);
  } catch (error) {
    await checks.settle();
    throw error;
  }
  await checks.settle();
  return result;
}
