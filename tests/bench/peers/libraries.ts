/** The peer libraries by the name used on the command line, in results and in cache folders. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { automerge } from './automerge.js';
import type { PeerLibrary } from './library.js';
import { loro } from './loro.js';

export type PeerName = 'loro' | 'automerge';
export const PEER_NAMES: readonly PeerName[] = ['loro', 'automerge'];

/** A library by name; each document type stays inside its own library's functions. */
export function peerLibrary(name: PeerName): PeerLibrary<unknown> {
  return (name === 'loro' ? loro : automerge) as unknown as PeerLibrary<unknown>;
}

const PACKAGES: Readonly<Record<PeerName, string>> = { loro: 'loro-crdt', automerge: '@automerge/automerge' };

/** The installed version of a peer's package (its package.json, found from its entry point). */
export function libraryVersion(name: PeerName): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(PACKAGES[name]));
  for (let depth = 0; depth < 5; depth += 1, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGES[name] && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown';
}
