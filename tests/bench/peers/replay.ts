/**
 * Replays a generated team into a peer CRDT library, exchanging work as the generator did:
 *
 * 1. the lead's document gets the lead's set-up changesets (one commit each);
 * 2. every inspector's document starts as a copy of the lead's set-up and gets that
 *    inspector's fieldwork changesets (their own chain up to `fieldworkLastSeq`);
 * 3. every inspector receives the update their colleague had written by the end of fieldwork
 *    (the generator's exchanges: the same sender, the same point in the chain);
 * 4. every inspector commits their later changesets (the same-field edits of the colleague's
 *    records and of their own, revisions, deletes);
 * 5. each inspector's update since the set-up is written to a file, as is the lead's state:
 *    the lead's merge (peer-child.ts) loads its state and imports every update.
 *
 * The changesets come from the inspectors' own stores, so every peer commit holds exactly the
 * field writes (and values) of one signed Fieldwork changeset, in the same order.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangesetBody } from '../../../main/sync/changeset.js';
import { SYNCED_TABLES } from '../../../shared/sync/tables.js';
import { processCpuMs } from '../child-process.js';
import type { TeamManifest } from '../generator.js';
import { visitChangesets } from '../team.js';
import type { FieldWrite, PeerLibrary } from './library.js';

export interface PeerFiles {
  readonly library: string;
  readonly lead: string;
  readonly updates: readonly string[];
  /** Commits made across all documents (one per changeset replayed, plus the lead's table maps). */
  readonly commits: number;
  readonly updateBytes: number;
  readonly buildSeconds: number;
  readonly buildCpuSeconds: number;
}

const writesOf = (body: Buffer): FieldWrite[] =>
  (JSON.parse(body.toString('utf8')) as ChangesetBody).ops.map((op) => ({
    table: op.table,
    row: op.row,
    field: op.field,
    value: op.value,
  }));

/** Where a replay puts the lead's state and each inspector's update (files, or memory in the smoke test). */
export interface ReplaySink {
  lead(bytes: Uint8Array): void;
  update(inspector: number, bytes: Uint8Array): void;
}

/**
 * The replay, two documents alive at most: each document is saved and freed between steps
 * (WebAssembly memory is bounded at 4 GB per process, and eleven Automerge documents of a 1×
 * team do not fit). Returns the number of commits made.
 */
export function replayTeam<Doc>(library: PeerLibrary<Doc>, team: TeamManifest, sink: ReplaySink): number {
  let commits = 1;
  let lead = library.create(Object.keys(SYNCED_TABLES), 1);
  visitChangesets(team.leadDir, team.inspectionId, (changeset) => {
    if (changeset.author !== team.leadAuthor) return;
    lead = library.commit(lead, writesOf(changeset.body));
    commits += 1;
  });
  const setUp = library.version(lead);
  const leadState = library.save(lead);
  library.free(lead);
  sink.lead(leadState);
  const own = (i: number, keep: (seq: number) => boolean, visit: (writes: FieldWrite[]) => void) => {
    const inspector = team.inspectors[i]!;
    visitChangesets(inspector.dataDir, team.inspectionId, (changeset) => {
      if (changeset.author === inspector.author && keep(changeset.seq)) visit(writesOf(changeset.body));
    });
  };
  // Fieldwork: every inspector starts from the set-up they received and commits their own chain.
  const afterFieldwork: Uint8Array[] = [];
  const fieldwork: Uint8Array[] = [];
  team.inspectors.forEach((inspector, i) => {
    let doc = library.load(leadState, i + 2);
    own(
      i,
      (seq) => seq <= inspector.fieldworkLastSeq,
      (writes) => {
        doc = library.commit(doc, writes);
        commits += 1;
      },
    );
    afterFieldwork.push(library.save(doc));
    fieldwork.push(library.exportSince(doc, setUp));
    library.free(doc);
  });
  // Later: each receives a colleague's fieldwork, then commits their later changesets.
  const index = new Map(team.inspectors.map((inspector, i) => [inspector.name, i]));
  team.inspectors.forEach((inspector, i) => {
    let doc = library.load(afterFieldwork[i]!, i + 2);
    for (const exchange of team.exchanges.filter((x) => x.to === inspector.name)) {
      const from = index.get(exchange.from)!;
      // The generator hands over the sender's fieldwork exactly; anything else would not be the same exchange.
      if (exchange.maxSeq !== team.inspectors[from]!.fieldworkLastSeq) throw new Error('Unexpected exchange point');
      doc = library.receive(doc, fieldwork[from]!);
    }
    own(
      i,
      (seq) => seq > inspector.fieldworkLastSeq,
      (writes) => {
        doc = library.commit(doc, writes);
        commits += 1;
      },
    );
    sink.update(i, library.exportSince(doc, setUp));
    library.free(doc);
  });
  return commits;
}

interface PeerMarker {
  /** The replay code's fingerprint and the library's installed version: either changing replays again. */
  readonly key: string;
  readonly files: PeerFiles;
}

/**
 * The lead's state and every inspector's update for this library, replayed once per generated
 * team and cached beside it (a new team wipes its folder) under `key`, which names the replay
 * code and the library's version.
 */
export function peerFiles<Doc>(
  library: PeerLibrary<Doc>,
  name: string,
  team: TeamManifest,
  teamRoot: string,
  key: string,
  say: (line: string) => void,
): PeerFiles {
  const dir = join(teamRoot, 'peers', name);
  const markerFile = join(dir, 'peer.json');
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as PeerMarker;
    if (marker.key === key) return marker.files;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  say(`  replaying the team into ${library.label}…`);
  const started = performance.now();
  const cpuStarted = processCpuMs();
  const lead = join(dir, 'lead.bin');
  const updates = team.inspectors.map((inspector) => join(dir, `${inspector.name}.bin`));
  let updateBytes = 0;
  const commits = replayTeam(library, team, {
    lead: (bytes) => writeFileSync(lead, bytes),
    update: (i, bytes) => {
      updateBytes += bytes.length;
      writeFileSync(updates[i]!, bytes);
    },
  });
  const files: PeerFiles = {
    library: library.label,
    lead,
    updates,
    commits,
    updateBytes,
    buildSeconds: (performance.now() - started) / 1000,
    buildCpuSeconds: (processCpuMs() - cpuStarted) / 1000,
  };
  const marker: PeerMarker = { key, files };
  writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  return files;
}
