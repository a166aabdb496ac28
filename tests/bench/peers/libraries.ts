/** The peer libraries by the name used on the command line, in results and in cache folders. */
import { automerge } from './automerge.js';
import type { PeerLibrary } from './library.js';
import { loro } from './loro.js';

export type PeerName = 'loro' | 'automerge';
export const PEER_NAMES: readonly PeerName[] = ['loro', 'automerge'];

/** A library by name; each document type stays inside its own library's functions. */
export function peerLibrary(name: PeerName): PeerLibrary<unknown> {
  return (name === 'loro' ? loro : automerge) as unknown as PeerLibrary<unknown>;
}
