/**
 * Loro 1.17 as a peer: one LoroDoc per laptop; a root LoroMap per table, and under it a
 * LoroMap per record holding its fields as plain values (a note's text is a whole-field
 * string, not a LoroText). One Loro commit per Fieldwork changeset.
 */
import { LoroDoc, LoroMap, type VersionVector } from 'loro-crdt';
import type { OpValue } from '../../../shared/sync/op.js';
import { recordKey, type FieldWrite, type PeerLibrary, type PeerState } from './library.js';

/** Record maps already opened in a document, so a record's map is looked up once. */
const opened = new WeakMap<LoroDoc, Map<string, LoroMap>>();

function recordMap(doc: LoroDoc, table: string, row: string): LoroMap {
  let maps = opened.get(doc);
  if (!maps) opened.set(doc, (maps = new Map()));
  const key = recordKey(table, row);
  let map = maps.get(key);
  if (!map) {
    map = doc.getMap(table).getOrCreateContainer(row, new LoroMap());
    maps.set(key, map);
  }
  return map;
}

function withPeer(doc: LoroDoc, peer: number): LoroDoc {
  doc.setPeerId(BigInt(peer));
  return doc;
}

export const loro: PeerLibrary<LoroDoc> = {
  label: 'Loro 1.17 (LoroMap per record)',
  create: (_tables, peer) => withPeer(new LoroDoc(), peer),
  commit(doc, writes: readonly FieldWrite[]) {
    for (const w of writes) recordMap(doc, w.table, w.row).set(w.field, w.value as never);
    doc.commit();
    return doc;
  },
  version: (doc) => doc.oplogVersion(),
  exportSince: (doc, since) => doc.export({ mode: 'update', from: since as VersionVector }),
  receive(into, update) {
    into.import(update);
    return into;
  },
  save: (doc) => doc.export({ mode: 'snapshot' }),
  load(bytes, peer) {
    const doc = withPeer(new LoroDoc(), peer);
    doc.import(bytes);
    return doc;
  },
  importAll(doc, updates) {
    doc.importBatch([...updates]);
    return doc;
  },
  read(doc): PeerState {
    const json = doc.toJSON() as Record<string, Record<string, Record<string, OpValue>>>;
    const records = new Map<string, Map<string, OpValue>>();
    for (const [table, rows] of Object.entries(json)) {
      for (const [row, fields] of Object.entries(rows)) records.set(recordKey(table, row), new Map(Object.entries(fields)));
    }
    return { records, conflicts: null };
  },
  free: (doc) => doc.free(),
};
