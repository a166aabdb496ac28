/**
 * Automerge 3 as a peer: one document per laptop; the root holds a map per table, each record
 * is a map of its fields, and every value is written whole (strings as ImmutableString, so a
 * note's text is a register like Fieldwork's field, not a character sequence; lists and
 * objects hold ImmutableStrings too). One Automerge change per Fieldwork changeset.
 */
import * as Automerge from '@automerge/automerge';
import type { OpValue } from '../../../shared/sync/op.js';
import { recordKey, type FieldWrite, type PeerLibrary, type PeerState } from './library.js';

type Value = Automerge.ImmutableString | number | boolean | null | Value[] | { [key: string]: Value };
type Tables = Record<string, Record<string, Record<string, Value>>>;
type Doc = Automerge.Doc<Tables>;

const actorOf = (peer: number): string => peer.toString(16).padStart(32, '0');

function toAutomerge(value: OpValue): Value {
  if (typeof value === 'string') return new Automerge.ImmutableString(value);
  if (Array.isArray(value)) return value.map((v: string) => new Automerge.ImmutableString(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, new Automerge.ImmutableString(v)]));
  }
  return value as number | boolean | null;
}

function fromAutomerge(value: unknown): OpValue {
  if (value instanceof Automerge.ImmutableString) return value.val;
  if (Array.isArray(value)) return value.map((v) => fromAutomerge(v) as string);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromAutomerge(v) as string]));
  }
  return value as OpValue;
}

export const automerge: PeerLibrary<Doc> = {
  label: 'Automerge 3.5 (whole-field strings)',
  create: (tables, peer) =>
    Automerge.change(Automerge.init<Tables>({ actor: actorOf(peer) }), (d) => {
      for (const table of tables) d[table] = {};
    }),
  commit: (doc, writes: readonly FieldWrite[]) =>
    Automerge.change(doc, (d) => {
      for (const w of writes) {
        const table = d[w.table] as Record<string, Record<string, Value>>;
        if (!(w.row in table)) table[w.row] = {};
        (table[w.row] as Record<string, Value>)[w.field] = toAutomerge(w.value);
      }
    }),
  version: (doc) => Automerge.getHeads(doc),
  exportSince: (doc, since) => Automerge.saveSince(doc, since as Automerge.Heads),
  receive: (into, update) => Automerge.loadIncremental(into, update),
  save: (doc) => Automerge.save(doc),
  load: (bytes, peer) => Automerge.load<Tables>(bytes, { actor: actorOf(peer) }),
  // One loadIncremental of every update at once: one pass and one patch of the JS document
  // (update by update, the lead's import of a 1× team ran out of WebAssembly's 4 GB).
  importAll: (doc, updates) =>
    Automerge.loadIncremental(doc, Buffer.concat(updates.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)))),
  read(doc): PeerState {
    const records = new Map<string, Map<string, OpValue>>();
    const conflicts = new Map<string, OpValue[]>();
    for (const [table, rows] of Object.entries(doc)) {
      for (const [row, fields] of Object.entries(rows)) {
        const values = new Map<string, OpValue>();
        for (const [field, value] of Object.entries(fields)) {
          values.set(field, fromAutomerge(value));
          const concurrent = Automerge.getConflicts(fields, field);
          if (concurrent && Object.keys(concurrent).length > 1) {
            conflicts.set(`${recordKey(table, row)}\u0000${field}`, Object.values(concurrent).map(fromAutomerge));
          }
        }
        records.set(recordKey(table, row), values);
      }
    }
    return { records, conflicts };
  },
  free: (doc) => Automerge.free(doc),
};
