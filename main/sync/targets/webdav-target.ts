/**
 * A WebDAV sync target (Nextcloud, SharePoint, nginx dav) over Node's own fetch: PROPFIND to
 * list, MKCOL for folders, PUT to a temp name, MOVE into place, HEAD/GET to verify, DELETE.
 *
 * SECURITY: credentials are only ever sent over https, or plain http to this computer's own
 * loopback address (a local proxy or test server). Redirects are not followed, so a password
 * is never replayed to a host the user did not type.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { classifyFailure, failureFromHttpStatus, SyncFailure } from '../sync-errors.js';
import { assertSafePath, type RemoteDigest, type RemotePath, type SyncTarget } from '../sync-target.js';
import { MAX_LISTING_BYTES, parseMultistatus } from '../sync-webdav-listing.js';

export type WebdavAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string };

export interface WebdavOptions {
  readonly url: string;
  readonly auth: WebdavAuth;
  /** A request that sends or receives nothing for this long is abandoned. */
  readonly idleTimeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function parseWebdavUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SyncFailure(
      'refused',
      'That is not a web address. It should look like https://cloud.example.org/remote.php/dav/files/team/.',
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new SyncFailure(
      'refused',
      'Use an https:// address: over plain http the password and the bundles’ names would travel unprotected.',
    );
  }
  if (url.username || url.password)
    throw new SyncFailure('refused', 'Put the user name and password in their own boxes, not in the address.');
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function authHeader(auth: WebdavAuth): Record<string, string> {
  switch (auth.kind) {
    case 'none':
      return {};
    case 'password':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
    case 'token':
      return { authorization: `Bearer ${auth.token}` };
  }
}

/** An abort signal that fires when nothing has moved for `ms`; touch() on every chunk. */
function idleAbort(ms: number): { signal: AbortSignal; touch: () => void; done: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout = setTimeout(fire, ms);
  function fire(): void {
    controller.abort(new DOMException('The sync server stopped answering', 'TimeoutError'));
  }
  return {
    signal: controller.signal,
    touch: () => {
      clearTimeout(timer);
      timer = setTimeout(fire, ms);
    },
    done: () => clearTimeout(timer),
  };
}

export function webdavTarget(options: WebdavOptions): SyncTarget {
  const base = parseWebdavUrl(options.url);
  const where = base.href;
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const urlOf = (path: RemotePath, dir: boolean): string => {
    assertSafePath(path);
    const tail = path.map(encodeURIComponent).join('/');
    return new URL(tail + (dir && tail ? '/' : ''), base).href;
  };

  async function send(
    method: string,
    path: RemotePath,
    init: {
      dir?: boolean;
      headers?: Record<string, string>;
      body?: Readable | string;
      onChunk?: (chunk: Uint8Array) => void;
      sink?: WriteStream;
      maxBytes?: number;
    } = {},
  ) {
    const idle = idleAbort(idleMs);
    try {
      let body: RequestInit['body'];
      if (init.body instanceof Readable) {
        init.body.on('data', idle.touch);
        body = Readable.toWeb(init.body) as unknown as ReadableStream<Uint8Array>;
      } else body = init.body;
      const response = await fetch(urlOf(path, init.dir === true), {
        method,
        headers: { ...authHeader(options.auth), ...init.headers },
        body,
        redirect: 'manual',
        signal: idle.signal,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
      const chunks: Buffer[] = [];
      let received = 0;
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          idle.touch();
          received += chunk.length;
          if (received > (init.maxBytes ?? MAX_LISTING_BYTES)) {
            throw new SyncFailure('refused', `An answer from ${where} was larger than any bundle can be, so it was not read.`);
          }
          if (init.onChunk) init.onChunk(chunk);
          else chunks.push(Buffer.from(chunk));
          const sink = init.sink;
          if (sink && !sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
        }
      }
      return { status: response.status, headers: response.headers, text: Buffer.concat(chunks).toString('utf8'), received };
    } catch (error) {
      throw classifyFailure(error, where);
    } finally {
      idle.done();
    }
  }

  const expect = (status: number, ok: readonly number[]): void => {
    if (ok.includes(status)) return;
    if (status >= 300 && status < 400) {
      throw new SyncFailure(
        'not_found',
        `${where} redirects elsewhere. Check the address (Nextcloud's ends in /remote.php/dav/files/<user>/).`,
        status,
      );
    }
    throw failureFromHttpStatus(status, where);
  };

  const propfind = (path: RemotePath, depth: '0' | '1') =>
    send('PROPFIND', path, {
      dir: true,
      headers: { depth, 'content-type': 'application/xml; charset=utf-8' },
      body: '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/><getcontentlength/></prop></propfind>',
    });

  return {
    where,
    probe: async () => {
      const answer = await propfind([], '0');
      expect(answer.status, [200, 207]);
    },
    list: async (dir) => {
      const answer = await propfind(dir, '1');
      if (answer.status === 404) return [];
      expect(answer.status, [200, 207]);
      return parseMultistatus(answer.text, new URL(urlOf(dir, true)).pathname);
    },
    ensureDir: async (dir) => {
      for (let depth = 1; depth <= dir.length; depth += 1) {
        const answer = await send('MKCOL', dir.slice(0, depth), { dir: true });
        // 405: it exists already. Some servers answer 301 to a folder URL that exists.
        if (answer.status === 405 || answer.status === 301) continue;
        expect(answer.status, [200, 201, 204]);
      }
    },
    upload: async (path, localFile, size) => {
      const answer = await send('PUT', path, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: createReadStream(localFile),
      });
      expect(answer.status, [200, 201, 204]);
    },
    move: async (from, to) => {
      const answer = await send('MOVE', from, { headers: { destination: urlOf(to, false), overwrite: 'T' } });
      expect(answer.status, [200, 201, 204]);
    },
    stat: async (path) => {
      const answer = await send('HEAD', path);
      if (answer.status === 404) return null;
      expect(answer.status, [200, 204]);
      const length = answer.headers.get('content-length');
      return length === null ? null : Number(length);
    },
    digest: async (path, maxBytes, localFile) => {
      const hash = createHash('sha256');
      const sink = localFile ? createWriteStream(localFile, { mode: 0o600 }) : undefined;
      try {
        const answer = await send('GET', path, { onChunk: (c) => hash.update(c), maxBytes, ...(sink ? { sink } : {}) });
        expect(answer.status, [200]);
        return { size: answer.received, sha256: hash.digest('hex') } satisfies RemoteDigest;
      } finally {
        if (sink) await new Promise<void>((resolve) => sink.end(() => resolve()));
      }
    },
    remove: async (path) => {
      const answer = await send('DELETE', path);
      expect(answer.status, [200, 202, 204, 404]);
    },
  };
}
