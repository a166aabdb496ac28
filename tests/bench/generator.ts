/**
 * The seeded generator of a realistic inspection at a given scale (what each laptop does is in
 * generate-work.ts). The lead's set-up runs here; then every inspector's fieldwork runs in its
 * own process, several at once, and after all have finished, every inspector's later edits
 * (which start from a colleague's finished fieldwork) the same way. Each laptop carries its own
 * seeded generator and clock from phase to phase, so the team is the same whatever the number
 * of processes. Generated teams are cached on disk by scale and seed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { countOwnWork } from './bench-repo.js';
import { pool, processCpuMs, runChild } from './child-process.js';
import {
  fieldwork,
  laterEdits,
  noCounts,
  setUp,
  type FieldworkJob,
  type FieldworkResult,
  type GenerateJob,
  type LaterJob,
  type LaterResult,
  type PhaseCounts,
  type Scale,
} from './generate-work.js';
import { createLaptop, openDataDir } from './team.js';

export type { Scale } from './generate-work.js';

/** 1× ≈ 10 inspectors × 1,000 notes (plus their cases, findings and links). */
export function scaleOf(factor: number): Scale {
  return {
    factor,
    inspectors: 10,
    notesPerInspector: Math.round(1000 * factor),
    casesPerInspector: Math.max(1, Math.round(20 * factor)),
    findingsPerInspector: Math.max(1, Math.round(30 * factor)),
  };
}

export interface GenerationStats extends PhaseCounts {
  cases: number;
  /** Ops and signed changesets written by everyone (lead and inspectors). */
  ops: number;
  changesets: number;
  /** Ops on evidence notes ÷ notes, and (changeset, note) pairs ÷ notes. */
  opsPerNote: number;
  changesetsPerNote: number;
  /** Wall time, and CPU time of this process and every generation child. */
  seconds: number;
  cpuSeconds: number;
  /** Inspectors generated at once (processes); 0 means all in this process. */
  jobs: number;
}

/** Who received whose work during generation, for the peer replays to exchange the same. */
export interface Exchange {
  /** The receiving inspector (folder name). */
  readonly to: string;
  readonly from: string;
  readonly author: string;
  /** The sender's chain up to this seq: their fieldwork, before their later edits. */
  readonly maxSeq: number;
}

/** What later measures need to know about a generated team; kept next to its data folders. */
export interface TeamManifest {
  readonly generator: number;
  /** Fingerprint of the bundled code that generated it (the app's services included), or null in-process. */
  readonly code: string | null;
  readonly factor: number;
  readonly seed: number;
  readonly scale: Scale;
  readonly inspectionId: string;
  readonly leadDir: string;
  readonly leadAuthor: string;
  readonly inspectors: readonly { name: string; dataDir: string; author: string; fieldworkLastSeq: number }[];
  readonly exchanges: readonly Exchange[];
  readonly stats: GenerationStats;
}

/** Bump when the generator's output changes, so cached teams are made again. */
export const GENERATOR_VERSION = 4;

/**
 * A short hash of a bundled script. The generation child bundles the generator with the app's
 * services, sync and store code, so a change to what an autosave writes (or anything else the
 * generator goes through) gives a new fingerprint, and the cached team is made again.
 */
export function codeFingerprint(script: string | undefined): string | null {
  return script ? createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16) : null;
}
const MANIFEST = 'team.json';

export interface GenerateOptions {
  /** The bundled generate-child script; without it every phase runs in this process (tests). */
  readonly childScript?: string;
  /** Inspectors at once (default: one per CPU). */
  readonly jobs?: number;
}

function addCounts(into: PhaseCounts, more: PhaseCounts): void {
  for (const key of Object.keys(into) as (keyof PhaseCounts)[]) into[key] += more[key];
}

async function runPhase<R>(
  jobs: readonly GenerateJob[],
  root: string,
  options: GenerateOptions,
  inProcess: (job: GenerateJob) => Promise<R>,
): Promise<{ results: R[]; childCpuMs: number }> {
  const script = options.childScript;
  if (!script) {
    const results: R[] = [];
    for (const job of jobs) results.push(await inProcess(job));
    return { results, childCpuMs: 0 };
  }
  let childCpuMs = 0;
  const results = await pool(jobs, options.jobs ?? cpus().length, async (job, i) => {
    const done = await runChild<{ result: R; cpuMs: number }>(script, job, join(root, `job-${job.phase}-${i}.json`));
    childCpuMs += done.cpuMs;
    return done.result;
  });
  return { results, childCpuMs };
}

export async function generateTeam(
  root: string,
  scale: Scale,
  seed: number,
  say: (line: string) => void,
  options: GenerateOptions = {},
): Promise<TeamManifest> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const started = performance.now();
  const cpuStarted = processCpuMs();
  const lead = await createLaptop(root, 'lead', seed);
  const members = [];
  for (let i = 0; i < scale.inspectors; i += 1) members.push(await createLaptop(root, `inspector-${i + 1}`, seed + 1 + i));
  const team = await setUp(root, lead.state, members, scale);
  say(`  set-up: inspection, roster of ${members.length}, ${team.cases} sampled cases`);

  const fieldworkJobs: FieldworkJob[] = team.inspectors.map((laptop, i) => ({
    phase: 'fieldwork',
    root,
    scale,
    inspectionId: team.inspectionId,
    laptop,
    caseIds: team.caseIds[i] ?? [],
  }));
  const jobs = options.childScript ? (options.jobs ?? cpus().length) : 0;
  const first = await runPhase<FieldworkResult>(fieldworkJobs, root, options, (job) => fieldwork(job as FieldworkJob));
  const done = first.results;
  say(
    `  fieldwork: ${done.length} inspectors (${((performance.now() - started) / 1000).toFixed(1)} s so far, ${jobs || 1} at once)`,
  );

  const exchanges: Exchange[] = [];
  const laterJobs: LaterJob[] = done.map((mine, i) => {
    const colleague = done[(i - 1 + done.length) % done.length] as FieldworkResult;
    exchanges.push({ to: mine.laptop.name, from: colleague.laptop.name, author: colleague.author, maxSeq: colleague.lastSeq });
    return {
      phase: 'later',
      root,
      inspectionId: team.inspectionId,
      laptop: mine.laptop,
      plan: mine.plan,
      colleague: { name: colleague.laptop.name, author: colleague.author, lastSeq: colleague.lastSeq, plan: colleague.plan },
    };
  });
  const second = await runPhase<LaterResult>(laterJobs, root, options, (job) => laterEdits(job as LaterJob));
  const later = second.results;
  say(`  later edits: ${later.length} inspectors (${((performance.now() - started) / 1000).toFixed(1)} s so far)`);

  const counts = noCounts();
  for (const result of done) addCounts(counts, result.counts);
  for (const result of later) addCounts(counts, result.counts);
  const leadRuntime = await openDataDir(join(root, 'lead'));
  const leadWork = countOwnWork(leadRuntime.ctx.db, team.inspectionId, lead.author);
  leadRuntime.close();
  const work = later.map((r) => r.work);
  const sum = (pick: (w: (typeof work)[number]) => number) => work.reduce((total, w) => total + pick(w), 0);
  const stats: GenerationStats = {
    ...counts,
    cases: team.cases,
    ops: leadWork.ops + sum((w) => w.ops),
    changesets: leadWork.changesets + sum((w) => w.changesets),
    opsPerNote: sum((w) => w.noteOps) / Math.max(1, counts.notes),
    changesetsPerNote: sum((w) => w.noteChangesets) / Math.max(1, counts.notes),
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (processCpuMs() - cpuStarted + first.childCpuMs + second.childCpuMs) / 1000,
    jobs,
  };
  const manifest: TeamManifest = {
    generator: GENERATOR_VERSION,
    code: codeFingerprint(options.childScript),
    factor: scale.factor,
    seed,
    scale,
    inspectionId: team.inspectionId,
    leadDir: join(root, 'lead'),
    leadAuthor: lead.author,
    inspectors: done.map((r) => ({
      name: r.laptop.name,
      dataDir: join(root, r.laptop.name),
      author: r.author,
      fieldworkLastSeq: r.lastSeq,
    })),
    exchanges,
    stats,
  };
  writeFileSync(join(root, MANIFEST), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The manifest in a team folder, whatever made it (null if there is none). */
export function readManifest(root: string): TeamManifest | null {
  const file = join(root, MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TeamManifest) : null;
}

/** The manifest of a cached team, if the folder holds one made by this same code for this scale and seed. */
export function cachedTeam(root: string, scale: Scale, seed: number, code: string | null): TeamManifest | null {
  const file = join(root, MANIFEST);
  if (!existsSync(file)) return null;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as TeamManifest;
  const same =
    manifest.generator === GENERATOR_VERSION &&
    manifest.code === code &&
    manifest.seed === seed &&
    JSON.stringify(manifest.scale) === JSON.stringify(scale);
  return same ? manifest : null;
}

/**
 * The team for this scale and seed: re-used from the cache folder when an earlier run made it
 * with the same code (generator and app alike), otherwise generated afresh.
 */
export async function loadOrGenerateTeam(
  root: string,
  scale: Scale,
  seed: number,
  fresh: boolean,
  say: (line: string) => void,
  options: GenerateOptions = {},
): Promise<{ manifest: TeamManifest; reused: boolean }> {
  const cached = fresh ? null : cachedTeam(root, scale, seed, codeFingerprint(options.childScript));
  if (cached) return { manifest: cached, reused: true };
  if (existsSync(join(root, MANIFEST)) && !fresh)
    say('  the cached team was made by other code (or another scale): making it again');
  return { manifest: await generateTeam(root, scale, seed, say, options), reused: false };
}
