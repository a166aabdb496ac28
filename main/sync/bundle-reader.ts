/**
 * Reading a bundle as a stream: outer header, age decryption, the signed manifest, then the
 * changeset records one at a time. Memory stays bounded by the largest single record; every
 * length is checked against BundleLimits before a buffer is allocated. This module checks the
 * framing, the manifest signature and the section hash; bundle-verify.ts checks each changeset.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Decrypter } from 'age-encryption';
import { canonicalJson } from '../../shared/sync/op.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.js';
import {
  BUNDLE_FORMAT,
  OUTER_HEADER_BYTES,
  SIGNATURE_BYTES,
  checkOuterHeader,
  isRejection,
  rejectBundle,
  u32,
  type BundleLimits,
  type BundleManifest,
} from './bundle-format.js';
import { parseManifest } from './bundle-manifest.js';
import { verifySignature } from './device-identity.js';
import { sha256Hex } from './op-id.js';
import { ScryptPassphraseIdentity } from './scrypt-passphrase.js';

export interface BundleSource {
  readonly size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

const CHUNK = 64 * 1024;

export function bytesSource(bytes: Uint8Array): BundleSource {
  return {
    size: bytes.length,
    async *chunks() {
      for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
    },
  };
}

export function fileSource(path: string): BundleSource {
  const size = statSync(path).size;
  return { size, chunks: () => createReadStream(path, { highWaterMark: CHUNK }) };
}

/** Exact-length reads over an async chunk stream; a failing stream is reported as `onError`. */
class ByteReader {
  private pending: Buffer[] = [];
  private buffered = 0;
  private done = false;

  constructor(
    private readonly iterator: AsyncIterator<Uint8Array>,
    private readonly onError: (error: unknown) => Error,
  ) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    let next: IteratorResult<Uint8Array>;
    try {
      next = await this.iterator.next();
    } catch (error) {
      throw isRejection(error) ? error : this.onError(error);
    }
    if (next.done) {
      this.done = true;
      return false;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    this.pending.push(chunk);
    this.buffered += chunk.length;
    return true;
  }

  /** Up to n bytes (fewer only at the end). */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n && (await this.fill()));
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.pending = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  async atEnd(): Promise<boolean> {
    while (this.buffered === 0) if (!(await this.fill())) return true;
    return false;
  }

  /** Whatever is left, as a web stream (for the age decrypter). */
  remainder(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (this.buffered === 0 && !(await this.fill())) {
          controller.close();
          return;
        }
        const out = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
        this.pending = [];
        this.buffered = 0;
        controller.enqueue(new Uint8Array(out));
      },
    });
  }
}

export interface BundleKeys {
  readonly ageIdentity?: string;
  readonly passphrase?: string;
}

export interface RawRecord {
  readonly body: Buffer;
  readonly signature: Buffer;
}

export interface OpenedBundle {
  readonly manifest: BundleManifest;
  readonly bundleId: string;
  /** The bundle file's size in bytes (absent for changesets handed over from another replica). */
  readonly size?: number;
  /** The records in file order; ends by checking the count and the section hash. */
  records(): AsyncGenerator<RawRecord>;
  /** Stops reading early (an import that needs no records) and releases the file. */
  close?(): Promise<void>;
}

function mapAgeError(error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  if (/no identity matched|passphrase|scrypt/i.test(text)) return rejectBundle('wrong-key');
  return rejectBundle('corrupt');
}

export async function openBundle(source: BundleSource, keys: BundleKeys, limits: BundleLimits): Promise<OpenedBundle> {
  if (source.size > limits.maxBundleBytes) {
    throw rejectBundle('too-large', { size: source.size, limit: limits.maxBundleBytes });
  }
  const outerIterator = source.chunks()[Symbol.asyncIterator]();
  const outer = new ByteReader(outerIterator, () => rejectBundle('corrupt'));
  const header = await outer.read(OUTER_HEADER_BYTES);
  checkOuterHeader(header, source.size, limits);

  const decrypter = new Decrypter();
  if (keys.ageIdentity) decrypter.addIdentity(keys.ageIdentity);
  if (keys.passphrase) decrypter.addIdentity(new ScryptPassphraseIdentity(keys.passphrase));
  if (!keys.ageIdentity && !keys.passphrase) throw rejectBundle('wrong-key');
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await decrypter.decrypt(outer.remainder());
  } catch (error) {
    throw isRejection(error) ? error : mapAgeError(error);
  }
  // A stream reader's read() has the iterator shape ({done, value}), so it can drive ByteReader.
  const plainReader = plain.getReader();
  const inner = new ByteReader({ next: () => plainReader.read() } as AsyncIterator<Uint8Array>, () => rejectBundle('corrupt'));
  const exact = async (n: number): Promise<Buffer> => {
    const bytes = await inner.read(n);
    if (bytes.length < n) throw rejectBundle('corrupt');
    return bytes;
  };

  const manifestLength = (await exact(4)).readUInt32BE(0);
  if (manifestLength > limits.maxManifestBytes) throw rejectBundle('too-large', { manifestLength });
  const manifestBytes = Buffer.from(await exact(manifestLength));
  const manifestSignature = Buffer.from(await exact(SIGNATURE_BYTES));
  const manifest = parseManifest(manifestBytes);
  if (manifest.format > BUNDLE_FORMAT || manifest.schema > LATEST_SCHEMA_VERSION) {
    throw rejectBundle('newer-format', { format: manifest.format, schema: manifest.schema });
  }
  if (manifest.format !== BUNDLE_FORMAT) throw rejectBundle('corrupt');
  if (canonicalJson(JSON.parse(manifestBytes.toString('utf8'))) !== manifestBytes.toString('utf8')) {
    throw rejectBundle('corrupt');
  }
  if (!verifySignature(manifest.exporter, manifestBytes, manifestSignature)) throw rejectBundle('bad-signature');
  const bundleId = sha256Hex(manifestBytes);

  async function* records(): AsyncGenerator<RawRecord> {
    const hash = createHash('sha256');
    let count = 0;
    for (;;) {
      const length = (await exact(4)).readUInt32BE(0);
      if (length === 0) break;
      if (length > limits.maxRecordBytes) throw rejectBundle('too-large', { recordLength: length });
      count += 1;
      if (count > manifest.changesets) throw rejectBundle('corrupt');
      const body = Buffer.from(await exact(length));
      const signature = Buffer.from(await exact(SIGNATURE_BYTES));
      hash.update(u32(length)).update(body).update(signature);
      yield { body, signature };
    }
    if (!(await inner.atEnd())) throw rejectBundle('corrupt');
    if (count !== manifest.changesets || hash.digest('hex') !== manifest.sha256.changesets) throw rejectBundle('corrupt');
  }
  // Cancelling the decrypter does not reach the file stream underneath, so both are closed.
  const close = async (): Promise<void> => {
    await plainReader.cancel().catch(() => undefined);
    await Promise.resolve(outerIterator.return?.()).catch(() => undefined);
  };
  return { manifest, bundleId, size: source.size, records, close };
}
