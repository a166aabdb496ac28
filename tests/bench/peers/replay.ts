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
 * Each step saves its document to a file and frees it, so each can run in its own process:
 * WebAssembly memory is limited to 4 GB per process, which ten Automerge documents of a 1×
 * team outgrow in one.
 *
 * The changesets come from the inspectors' own stores, so every peer commit holds exactly the
 * field writes (and values) of one signed Fieldwork changeset, in the same order.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** One step of a replay; each can run in its own process (WebAssembly memory is 4 GB at most per process). */
export type ReplayStep =
  | { readonly kind: 'lead' }
  | { readonly kind: 'fieldwork'; readonly inspector: number }
  | { readonly kind: 'later'; readonly inspector: number };

/** The files a replay writes in its folder: the lead's state, and per inspector three. */
export const replayFile = {
  lead: (dir: string) => join(dir, 'lead.bin'),
  /** An inspector's whole document at the end of fieldwork (read back by their later step). */
  afterFieldwork: (dir: string, name: string) => join(dir, `${name}.fieldwork-state.bin`),
  /** What the inspector had written by the end of fieldwork: what their colleague receives. */
  sent: (dir: string, name: string) => join(dir, `${name}.fieldwork-update.bin`),
  /** Everything the inspector has that the lead's set-up lacks: what the lead imports. */
  update: (dir: string, name: string) => join(dir, `${name}.bin`),
};

function commitOwn<Doc>(
  library: PeerLibrary<Doc>,
  team: TeamManifest,
  i: number,
  start: Doc,
  keep: (seq: number) => boolean,
): { doc: Doc; commits: number } {
  const inspector = team.inspectors[i]!;
  let doc = start;
  let commits = 0;
  visitChangesets(inspector.dataDir, team.inspectionId, (changeset) => {
    if (changeset.author !== inspector.author || !keep(changeset.seq)) return;
    doc = library.commit(doc, writesOf(changeset.body));
    commits += 1;
  });
  return { doc, commits };
}

/**
 * Runs one step, reading and writing the files in `dir`; returns the commits it made. The
 * lead step must run first, every fieldwork step before any later step.
 */
export function replayStep<Doc>(library: PeerLibrary<Doc>, team: TeamManifest, dir: string, step: ReplayStep): number {
  if (step.kind === 'lead') {
    let lead = library.create(Object.keys(SYNCED_TABLES), 1);
    let commits = 1;
    visitChangesets(team.leadDir, team.inspectionId, (changeset) => {
      if (changeset.author !== team.leadAuthor) return;
      lead = library.commit(lead, writesOf(changeset.body));
      commits += 1;
    });
    writeFileSync(replayFile.lead(dir), library.save(lead));
    library.free(lead);
    return commits;
  }
  const i = step.inspector;
  const inspector = team.inspectors[i]!;
  const setUpDoc = library.load(readFileSync(replayFile.lead(dir)), 1);
  const setUp = library.version(setUpDoc);
  let doc: Doc;
  let commits: number;
  if (step.kind === 'fieldwork') {
    // The inspector starts from the set-up they received and commits their own fieldwork.
    const start = library.load(readFileSync(replayFile.lead(dir)), i + 2);
    ({ doc, commits } = commitOwn(library, team, i, start, (seq) => seq <= inspector.fieldworkLastSeq));
    writeFileSync(replayFile.afterFieldwork(dir, inspector.name), library.save(doc));
    writeFileSync(replayFile.sent(dir, inspector.name), library.exportSince(doc, setUp));
  } else {
    // They receive their colleague's fieldwork (exactly what the generator handed over), then commit their later changesets.
    doc = library.load(readFileSync(replayFile.afterFieldwork(dir, inspector.name)), i + 2);
    for (const exchange of team.exchanges.filter((x) => x.to === inspector.name)) {
      const from = team.inspectors.find((x) => x.name === exchange.from)!;
      if (exchange.maxSeq !== from.fieldworkLastSeq) throw new Error('Unexpected exchange point');
      doc = library.receive(doc, readFileSync(replayFile.sent(dir, from.name)));
    }
    ({ doc, commits } = commitOwn(library, team, i, doc, (seq) => seq > inspector.fieldworkLastSeq));
    writeFileSync(replayFile.update(dir, inspector.name), library.exportSince(doc, setUp));
  }
  library.free(doc);
  library.free(setUpDoc);
  return commits;
}

/** Every step in order: the lead, every inspector's fieldwork, every inspector's later edits. */
export function replaySteps(team: TeamManifest): { first: ReplayStep[]; fieldwork: ReplayStep[]; later: ReplayStep[] } {
  return {
    first: [{ kind: 'lead' }],
    fieldwork: team.inspectors.map((_, inspector) => ({ kind: 'fieldwork', inspector })),
    later: team.inspectors.map((_, inspector) => ({ kind: 'later', inspector })),
  };
}

/** What a step did: its commits, and the CPU time of the process it ran in (0 when in this one). */
export interface StepResult {
  readonly commits: number;
  readonly cpuMs: number;
}

export type StepRunner = (steps: readonly ReplayStep[]) => Promise<StepResult[]>;

/**
 * The whole replay into `dir`, each step through `run` (in this process, or each in its own);
 * the steps of one phase may run at once. Removes the intermediate files at the end.
 */
export async function replayTeam(
  team: TeamManifest,
  dir: string,
  run: StepRunner,
): Promise<{ lead: string; updates: string[]; commits: number; childCpuMs: number }> {
  mkdirSync(dir, { recursive: true });
  const steps = replaySteps(team);
  let commits = 0;
  let childCpuMs = 0;
  for (const phase of [steps.first, steps.fieldwork, steps.later]) {
    for (const done of await run(phase)) {
      commits += done.commits;
      childCpuMs += done.cpuMs;
    }
  }
  for (const inspector of team.inspectors) {
    rmSync(replayFile.afterFieldwork(dir, inspector.name), { force: true });
    rmSync(replayFile.sent(dir, inspector.name), { force: true });
  }
  return {
    lead: replayFile.lead(dir),
    updates: team.inspectors.map((x) => replayFile.update(dir, x.name)),
    commits,
    childCpuMs,
  };
}

interface PeerMarker {
  /** The replay code's fingerprint and the library's installed version: either changing replays again. */
  readonly key: string;
  readonly files: PeerFiles;
}

/**
 * The lead's state and every inspector's update for this library, replayed once per generated
 * team and cached beside it (a new team wipes its folder) under `key`, which names the replay
 * code and the library's version. `run` runs a phase's steps (the bench: each in its own process).
 */
export async function peerFiles(
  library: { readonly label: string },
  name: string,
  team: TeamManifest,
  teamRoot: string,
  key: string,
  run: StepRunner,
): Promise<PeerFiles> {
  const dir = join(teamRoot, 'peers', name);
  const markerFile = join(dir, 'peer.json');
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as PeerMarker;
    if (marker.key === key) return marker.files;
  }
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const cpuStarted = processCpuMs();
  const replayed = await replayTeam(team, dir, run);
  const files: PeerFiles = {
    library: library.label,
    lead: replayed.lead,
    updates: replayed.updates,
    commits: replayed.commits,
    updateBytes: replayed.updates.reduce((sum, file) => sum + statSync(file).size, 0),
    buildSeconds: (performance.now() - started) / 1000,
    buildCpuSeconds: (processCpuMs() - cpuStarted + replayed.childCpuMs) / 1000,
  };
  const marker: PeerMarker = { key, files };
  writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  return files;
}
