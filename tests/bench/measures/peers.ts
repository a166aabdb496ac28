/**
 * The peers beside Fieldwork (`--peers`): the generated team replayed into each CRDT library
 * once (cached beside the team), then the lead's merge timed in a fresh process per run, so
 * each library's peak memory is its own, as Fieldwork's merge child's is.
 */
import { join } from 'node:path';
import { cpus } from 'node:os';
import { pool, runChild } from '../child-process.js';
import { codeFingerprint, type TeamManifest } from '../generator.js';
import { median } from '../numbers.js';
import type { PeerJob, PeerMergeRun } from '../peer-child.js';
import { libraryVersion, peerLibrary, type PeerName } from '../peers/libraries.js';
import { peerFiles, type StepResult } from '../peers/replay.js';

export interface PeerFigures {
  readonly name: PeerName;
  readonly library: string;
  /** The lead's import of every inspector's update: median wall, CPU, every run. */
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly runsMs: readonly number[];
  /** Reading every record back as plain values after the import (not in importMs). */
  readonly readMs: number;
  readonly records: number;
  readonly fields: number;
  readonly maxRssMb: number;
  readonly rssBeforeMb: number;
  readonly commits: number;
  readonly updateBytes: number;
  readonly replaySeconds: number;
  readonly replayCpuSeconds: number;
}

/** A peer that could not be measured (most likely out of memory at a large scale), and why. */
export interface PeerFailure {
  readonly name: PeerName;
  readonly failed: string;
}

export type PeerResult = PeerFigures | PeerFailure;

export const peerMeasured = (result: PeerResult | undefined): result is PeerFigures =>
  result !== undefined && !('failed' in result);

export async function measurePeer(
  name: PeerName,
  childScript: string,
  team: TeamManifest,
  teamRoot: string,
  workDir: string,
  runs: number,
  say: (line: string) => void,
): Promise<PeerResult> {
  try {
    say(`  ${name}: replaying the team, each step in its own process (cached after the first time)…`);
    const key = `${codeFingerprint(childScript)} ${name} ${libraryVersion(name)}`;
    const dir = join(teamRoot, 'peers', name);
    const files = await peerFiles({ label: peerLibrary(name).label }, name, team, teamRoot, key, (steps) =>
      pool(steps, cpus().length, (step, i) => {
        const job: PeerJob = { kind: 'replay-step', peer: name, team, dir, step };
        return runChild<StepResult>(childScript, job, join(workDir, `${name}-replay-${step.kind}-${i}.json`));
      }),
    );
    const merges: PeerMergeRun[] = [];
    for (let run = 0; run < runs; run += 1) {
      const job: PeerJob = { kind: 'merge', peer: name, files };
      merges.push(await runChild<PeerMergeRun>(childScript, job, join(workDir, `${name}-merge-${run}.json`)));
      const m = merges[run]!;
      say(
        `  ${name} run ${run + 1}: import ${m.importMs.toFixed(0)} ms (CPU ${m.importCpuMs.toFixed(0)} ms), read ${m.readMs.toFixed(0)} ms, peak RSS ${m.maxRssMb.toFixed(0)} MB`,
      );
    }
    return {
      name,
      library: files.library,
      importMs: median(merges.map((m) => m.importMs)),
      importCpuMs: median(merges.map((m) => m.importCpuMs)),
      runsMs: merges.map((m) => m.importMs),
      readMs: median(merges.map((m) => m.readMs)),
      records: merges[0]!.records,
      fields: merges[0]!.fields,
      maxRssMb: Math.max(...merges.map((m) => m.maxRssMb)),
      rssBeforeMb: merges[0]!.rssBeforeMb,
      commits: files.commits,
      updateBytes: files.updateBytes,
      replaySeconds: files.buildSeconds,
      replayCpuSeconds: files.buildCpuSeconds,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    say(`  ${name}: not measured — ${reason.slice(0, 300)}`);
    return { name, failed: reason.slice(0, 1000) };
  }
}
