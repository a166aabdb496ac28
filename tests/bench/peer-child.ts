/**
 * A peer library's side of the benchmark, in its own process so its peak memory is its own:
 * either one step of the replay of a generated team (peers/replay.ts, cached as files), or the lead's
 * merge — load the lead's saved state (not timed, like opening the lead's store), import every
 * inspector's update (timed: the figure beside Fieldwork's merge), then read every record back
 * as plain values (timed separately).
 */
import { readFileSync } from 'node:fs';
import { childMain, processCpuMs } from './child-process.js';
import type { TeamManifest } from './generator.js';
import { peerLibrary, type PeerName } from './peers/libraries.js';
import type { PeerLibrary } from './peers/library.js';
import { replayStep, type PeerFiles, type ReplayStep, type StepResult } from './peers/replay.js';

export type PeerJob =
  | {
      readonly kind: 'replay-step';
      readonly peer: PeerName;
      readonly team: TeamManifest;
      readonly dir: string;
      readonly step: ReplayStep;
    }
  | { readonly kind: 'merge'; readonly peer: PeerName; readonly files: PeerFiles };

export interface PeerMergeRun {
  readonly library: string;
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly readMs: number;
  readonly records: number;
  readonly fields: number;
  /** Resident memory once the library, the lead's state and the updates were loaded, before the import. */
  readonly rssBeforeMb: number;
  readonly maxRssMb: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function merge<Doc>(library: PeerLibrary<Doc>, files: PeerFiles): PeerMergeRun {
  const updates = files.updates.map((file) => readFileSync(file));
  let doc = library.load(readFileSync(files.lead), 1_000);
  const rssBeforeMb = process.memoryUsage().rss / 1048576;
  const started = nowMs();
  const cpuStarted = processCpuMs();
  doc = library.importAll(doc, updates);
  const importMs = nowMs() - started;
  const importCpuMs = processCpuMs() - cpuStarted;
  const readStarted = nowMs();
  const state = library.read(doc);
  const readMs = nowMs() - readStarted;
  let fields = 0;
  for (const record of state.records.values()) fields += record.size;
  return {
    library: library.label,
    importMs,
    importCpuMs,
    readMs,
    records: state.records.size,
    fields,
    rssBeforeMb,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

childMain(async (job: PeerJob) => {
  const library = peerLibrary(job.peer);
  if (job.kind === 'replay-step') {
    const result: StepResult = { commits: replayStep(library, job.team, job.dir, job.step), cpuMs: processCpuMs() };
    return Promise.resolve(result);
  }
  return Promise.resolve(merge(library, job.files));
});
