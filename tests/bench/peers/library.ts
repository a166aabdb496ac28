/**
 * What the peer replays need of a CRDT library: a document per laptop, one local commit per
 * Fieldwork changeset (each op a whole-field write of one record's field), a copy of another
 * laptop's document received, the update a laptop sends the lead, and the lead's side (load
 * its own state, import every update, read the result). Automerge and Loro implement it.
 */
import type { OpValue } from '../../../shared/sync/op.js';

/** One field write, as a Fieldwork op carries it (deletion is the `_deleted` field, as in the op log). */
export interface FieldWrite {
  readonly table: string;
  readonly row: string;
  readonly field: string;
  readonly value: OpValue;
}

/** The final state as the peer sees it: table → row → field → value, plus each field's concurrent values where the library shows them. */
export interface PeerState {
  readonly records: ReadonlyMap<string, ReadonlyMap<string, OpValue>>;
  /** `table\0row\0field` → every concurrent value (Automerge's getConflicts); absent where the library keeps none. */
  readonly conflicts: ReadonlyMap<string, readonly OpValue[]> | null;
}

export const recordKey = (table: string, row: string): string => `${table}\u0000${row}`;

export interface PeerLibrary<Doc> {
  /** Library and version, as printed. */
  readonly label: string;
  /** The lead's empty document, holding one map per table (so no two laptops create the same map). */
  create(tables: readonly string[], peer: number): Doc;
  /** One local commit: the writes of one Fieldwork changeset. */
  commit(doc: Doc, writes: readonly FieldWrite[]): Doc;
  /** A version marker of `doc` (the lead's set-up), to export what was written since. */
  version(doc: Doc): unknown;
  /** What a laptop has written since `since` (the set-up): the update it sends the lead or a colleague. */
  exportSince(doc: Doc, since: unknown): Uint8Array;
  /** A laptop receives an update (a colleague's work). */
  receive(into: Doc, update: Uint8Array): Doc;
  /** A document's whole saved state, and a document loaded from one, writing as `peer` (a laptop's copy of the set-up it received, or its own document again). */
  save(doc: Doc): Uint8Array;
  load(bytes: Uint8Array, peer: number): Doc;
  /** The lead imports every inspector's update. */
  importAll(doc: Doc, updates: readonly Uint8Array[]): Doc;
  /** The merged document's records as plain values. */
  read(doc: Doc): PeerState;
  /** Releases the document's WebAssembly memory (a replay keeps two documents alive at most). */
  free(doc: Doc): void;
}
