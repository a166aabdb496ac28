/**
 * `npm run bench`: generates (or re-uses) a seeded inspection at each requested scale, runs
 * every measure several times, prints the table with issue 14's targets for the merge (and,
 * with `--peers`, the same team merged by Loro and Automerge), and writes JSON to
 * bench-results/. Reports; never fails on a missed target. See docs/benchmarks.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadOrGenerateTeam, readManifest, scaleOf } from './generator.js';
import { measureExports, measureVerify, type ExportFigures } from './measures/export.js';
import { measureFloors, runMergeChild, type FloorRun } from './measures/merge.js';
import { measureNoteSaves } from './measures/note-save.js';
import { measurePingDuringMerge } from './measures/ping.js';
import { measurePeer, type PeerResult } from './measures/peers.js';
import { measureConflictCorpus } from './measures/conflict-corpus.js';
import { measureConflictList, measureSearch } from './measures/queries.js';
import { searchAtSizes, searchFigures, searchOnly } from './search-scales.js';
import type { MergeJob, MergeRun } from './merge-protocol.js';
import { median, medianOf, repeat } from './numbers.js';
import { PEER_NAMES, type PeerName } from './peers/libraries.js';
import { summariseProfile } from './profile.js';
import {
  growthLines,
  otherTargetsFor,
  printGrowth,
  printResult,
  targetsFor,
  writeResult,
  type FloorFigures,
  type ScaleResult,
  type SearchFigures,
} from './report.js';
import { openDataDir } from './team.js';

interface Options {
  scales: number[];
  runs: number;
  seed: number;
  searchNotes: number[];
  searchOnly: boolean;
  profile: boolean;
  fresh: boolean;
  notes: number;
  queries: number;
  generateOnly: boolean;
  jobs: number;
  peers: PeerName[];
  peerRuns: number | null;
  peersOnly: boolean;
  conflicts: number;
}

const HELP = `npm run bench -- [options]
  --scale 1|10|100|1,10   scales to run (1× ≈ 10 inspectors × 1,000 notes; default 1)
  --runs N                runs per measure, the median is reported (default 3)
  --peers [loro,automerge] also replay the team into Loro and Automerge and time their lead's merge
  --peer-runs N           runs of each peer's merge (default: --runs for Loro, 1 for Automerge)
  --peers-only            only the peers (with --peers), added to the latest full result of the scale
  --seed N                generator seed (default 20261102)
  --search-notes N[,N]    also time search on search-only stores of N notes (e.g. 100000,1000000)
  --search-only           only the search-only stores (with --search-notes; default 10000,100000)
  --profile               CPU-profile one extra merge run and summarise where the time goes
  --fresh                 regenerate the team even if bench-results/.cache has it
  --generate-only         generate (or find cached) teams and stop
  --jobs N                inspectors generated at once, each in its own process (default: CPUs; 0: all in this one)
  --notes N               notes saved per note-save run (3 saves each; default 100)
  --queries N             search queries per run (default 200)
  --conflicts N           only conflicts.list on a lead store holding N conflicts made by a real merge (e.g. 1000)`;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    scales: [1],
    runs: 3,
    seed: 20261102,
    searchNotes: [],
    searchOnly: false,
    profile: false,
    fresh: false,
    notes: 100,
    queries: 200,
    generateOnly: false,
    jobs: cpus().length,
    peers: [],
    peerRuns: null,
    peersOnly: false,
    conflicts: 0,
  };
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isFinite(n) && n > 0);
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--scale') options.scales = list(value());
    else if (flag === '--runs') options.runs = Math.max(1, Number(value()));
    else if (flag === '--seed') options.seed = Number(value());
    else if (flag === '--search-notes') options.searchNotes = list(value());
    else if (flag === '--search-only') options.searchOnly = true;
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--fresh') options.fresh = true;
    else if (flag === '--generate-only') options.generateOnly = true;
    else if (flag === '--jobs') options.jobs = Math.max(0, Number(value()));
    else if (flag === '--notes') options.notes = Math.max(1, Number(value()));
    else if (flag === '--queries') options.queries = Math.max(1, Number(value()));
    else if (flag === '--peer-runs') options.peerRuns = Math.max(1, Number(value()));
    else if (flag === '--peers-only') options.peersOnly = true;
    else if (flag === '--conflicts') options.conflicts = Math.max(1, Number(value()));
    else if (flag === '--peers') {
      // `--peers` alone means both; `--peers loro` (or `--peers=loro,automerge`) names them.
      const named = inline ?? (argv[i + 1]?.startsWith('--') === false ? argv[++i] : undefined);
      const names = named ? named.split(',').filter((n): n is PeerName => (PEER_NAMES as string[]).includes(n)) : [];
      options.peers = named ? names : [...PEER_NAMES];
      if (named && names.length === 0) {
        console.log(`--peers takes ${PEER_NAMES.join(', ')} (or nothing, for both).`);
        process.exit(2);
      }
    } else {
      console.log(HELP);
      process.exit(flag === '--help' || flag === '-h' ? 0 : 2);
    }
  }
  if (options.scales.length === 0) options.scales = [1];
  return options;
}

const say = (line: string): void => console.log(line);
const RESULTS = resolve('bench-results');
const CACHE = join(RESULTS, '.cache');
const BUNDLED = dirname(process.argv[1] as string);
const CHILD = join(BUNDLED, 'merge-child.cjs');
const GENERATE_CHILD = join(BUNDLED, 'generate-child.cjs');
const PEER_CHILD = join(BUNDLED, 'peer-child.cjs');
const CORE_WORKER = join(BUNDLED, 'core-worker.cjs');

const loadNow = (): number[] => loadavg().map((n) => Math.round(n * 100) / 100);

function floorFigures(runs: readonly FloorRun[]): FloorFigures {
  return {
    ms: medianOf(runs, (x) => x.ms),
    cpuMs: medianOf(runs, (x) => x.cpuMs),
    runsMs: runs.map((x) => x.ms),
    rows: runs[0]!.rows,
  };
}

async function runScale(factor: number, options: Options): Promise<void> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadStart = loadNow();
  say(`\n=== Fieldwork benchmark at ${factor}× (seed ${options.seed}, ${options.runs} runs per measure) ===`);
  say(`Load average now ${loadStart.join(' / ')} (1 / 5 / 15 min) on ${cpus().length} CPUs.`);
  const teamRoot = join(CACHE, `team-x${factor}-seed${options.seed}`);
  const { manifest: team, reused } = await loadOrGenerateTeam(
    teamRoot,
    scaleOf(factor),
    options.seed,
    options.fresh,
    (l) => say(l),
    options.jobs > 0 ? { childScript: GENERATE_CHILD, jobs: options.jobs } : {},
  );
  const g = team.stats;
  say(
    `${reused ? 'Re-used' : 'Generated'} team (made in ${g.seconds.toFixed(1)} s wall, ${g.cpuSeconds.toFixed(1)} s CPU, ${g.jobs || 1} at once): ${g.notes} notes, ${g.findings} findings, ${g.links} links, ${g.cases} cases, ${g.revisions} revisions, ${g.concurrentEdits} concurrent same-field edits, ${g.deletes} deletes, ${g.ops} ops in ${g.changesets} changesets; ${g.autosaves} autosaves, ${g.opsPerNote.toFixed(1)} ops and ${g.changesetsPerNote.toFixed(1)} changesets per note`,
  );
  if (options.generateOnly) return;
  const work = join(tmpdir(), `fieldwork-bench-${process.pid}`, `x${factor}`);
  mkdirSync(work, { recursive: true });
  const phase = (what: string) => say(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${what}`);
  try {
    phase('Note saves…');
    const saves = await repeat(options.runs, (r) =>
      measureNoteSaves(team.inspectors[0]!.dataDir, join(work, 'note-save'), team.inspectionId, options.notes, options.seed + r),
    );
    phase('Exports and verify…');
    const exports: ExportFigures[] = await measureExports(team.inspectors, team.inspectionId, work, options.runs);
    // Each bundle verified once: the figure is the median over the inspectors' bundles (verify
    // costs seconds per bundle today, and three passes over ten bundles were a third of the run).
    const verify = await measureVerify(
      team.leadDir,
      exports.map((e) => e.file),
      work,
      1,
    );
    const job = (dir: string): MergeJob => ({
      leadTemplateDir: team.leadDir,
      workDir: dir,
      inspectionId: team.inspectionId,
      path: 'bundles',
      bundleFiles: exports.map((e) => e.file),
    });
    phase('Merges (each in its own process)…');
    const merges: MergeRun[] = [];
    for (let r = 0; r < options.runs; r += 1) {
      merges.push(await runMergeChild(CHILD, job(join(work, `merge-${r}`))));
      say(
        `  run ${r + 1}: merge ${merges[r]!.mergeMs.toFixed(0)} ms (CPU ${merges[r]!.mergeCpuMs.toFixed(0)} ms), re-import ${merges[r]!.reimportMs.toFixed(0)} ms, peak RSS ${merges[r]!.maxRssMb.toFixed(0)} MB`,
      );
    }
    phase('A merge through the core host while the shell is pinged every 10 ms…');
    const ping = await measurePingDuringMerge(
      CORE_WORKER,
      team.leadDir,
      join(work, 'merge-ping'),
      team.inspectionId,
      exports.map((e) => e.file),
    );
    say(
      `  slowest ping ${ping.maxMs.toFixed(1)} ms (p99 ${ping.p99Ms.toFixed(1)} ms) over ${ping.pings} pings in ${ping.mergeMs.toFixed(0)} ms`,
    );
    const merged = join(work, `merge-${options.runs - 1}`);
    phase('Floors (raw bulk insert of the same final rows, with and without the received ops)…');
    const floors = await measureFloors(merged, team.inspectionId, join(work, 'floor'), options.runs);
    phase('Search and conflict list on the merged lead store…');
    const lead = await openDataDir(merged);
    const search: SearchFigures[] = [];
    let conflictList;
    try {
      const runs = await repeat(options.runs, (r) =>
        measureSearch(lead.ctx, team.inspectionId, options.queries, options.seed + r),
      );
      search.push(searchFigures(runs, 'merged lead store'));
      const ranked = await repeat(options.runs, (r) =>
        measureSearch(lead.ctx, team.inspectionId, options.queries, options.seed + r, 'ranked'),
      );
      search.push(searchFigures(ranked, 'merged lead store'));
      conflictList = await measureConflictList(lead.ctx, team.inspectionId, 2 * options.runs + 1);
    } finally {
      lead.close();
    }
    search.push(...(await searchAtSizes(CACHE, options.searchNotes, options, say)));
    let peers: PeerResult[] | null = null;
    if (options.peers.length > 0) {
      phase('Peers: the same team merged by CRDT libraries (each run in its own process)…');
      peers = [];
      for (const name of options.peers) {
        const runs = options.peerRuns ?? (name === 'automerge' ? 1 : options.runs);
        peers.push(await measurePeer(name, PEER_CHILD, team, teamRoot, work, runs, say));
      }
    }
    let profile: ScaleResult['profile'] = null;
    if (options.profile) {
      phase('Profiling one more merge (node --cpu-prof)…');
      const profileDir = join(RESULTS, 'profiles', `x${factor}-${startedAt.replace(/[:.]/g, '-')}`);
      mkdirSync(profileDir, { recursive: true });
      await runMergeChild(CHILD, job(join(work, 'merge-profile')), { profileDir });
      const file = readdirSync(profileDir).find((n) => n.endsWith('.cpuprofile'));
      if (file) profile = { file: join(profileDir, file), ...summariseProfile(join(profileDir, file), CHILD) };
    }
    const mergeMs = medianOf(merges, (m) => m.mergeMs);
    const mergeCpuMs = medianOf(merges, (m) => m.mergeCpuMs);
    const reimportMs = medianOf(merges, (m) => m.reimportMs);
    const reimportCpuMs = medianOf(merges, (m) => m.reimportCpuMs);
    const rowsOnly = floorFigures(floors.rowsOnly);
    const opsAndRows = { ...floorFigures(floors.opsAndRows), changesets: floors.changesets, ops: floors.ops };
    const ops = merges[0]!.newOps;
    const loadEnd = loadNow();
    const result: ScaleResult = {
      scale: factor,
      seed: options.seed,
      runs: options.runs,
      startedAt,
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
      load: { start: loadStart, end: loadEnd },
      generation: { ...g, reused },
      paths: {
        noteSave: 'evidence.create + evidence.update (service; each an open draft), then evidence.sealDraft timed apart',
        search: 'search.query (service): typing = newest first, no bm25; ranked = bm25 (Enter)',
        ping: 'bundles.import of every bundle through the core host (worker thread); the shell thread pinged every 10 ms over a MessageChannel',
        conflicts: 'conflicts.list (service): the first page at the default size; and every page walked by cursor',
        export: 'exportBundleToFile, delta to the team (bundles service, as the CLI)',
        verify:
          'checkBundleStandalone (as `bundle verify` without a store): decrypt, every signature (on the thread pool) and hash',
        merge: 'importBundleFile of each inspector’s bundle (bundles service, as the CLI)',
        reimport: 'importBundleFile again: already imported (bundles service)',
        peers: 'peers/replay.ts: one commit per Fieldwork changeset; the lead loads its state, then imports every update (timed)',
      },
      noteSave: {
        saves: saves[0]!.saves,
        p50Ms: medianOf(saves, (s) => s.p50Ms),
        p99Ms: medianOf(saves, (s) => s.p99Ms),
        createP99Ms: medianOf(saves, (s) => s.createP99Ms),
        updateP99Ms: medianOf(saves, (s) => s.updateP99Ms),
        cpuP50Ms: medianOf(saves, (s) => s.cpuP50Ms),
        cpuP99Ms: medianOf(saves, (s) => s.cpuP99Ms),
        sealP99Ms: medianOf(saves, (s) => s.sealP99Ms),
        sealCpuP99Ms: medianOf(saves, (s) => s.sealCpuP99Ms),
      },
      search,
      export: {
        bundles: exports.length,
        medianMs: median(exports.map((e) => e.ms)),
        maxMs: Math.max(...exports.map((e) => e.ms)),
        cpuMs: median(exports.map((e) => e.cpuMs)),
        medianBytes: median(exports.map((e) => e.bytes)),
        totalBytes: exports.reduce((sum, e) => sum + e.bytes, 0),
      },
      verify: {
        medianMs: median(verify.map((v) => v.ms)),
        cpuMs: median(verify.map((v) => v.cpuMs)),
        maxMs: Math.max(...verify.map((v) => v.ms)),
        totalMs: verify.reduce((a, v) => a + v.ms, 0),
      },
      merge: {
        ms: mergeMs,
        cpuMs: mergeCpuMs,
        runsMs: merges.map((m) => m.mergeMs),
        ops,
        usPerOp: (mergeMs * 1000) / Math.max(1, ops),
        cpuUsPerOp: (mergeCpuMs * 1000) / Math.max(1, ops),
        conflicts: merges[0]!.conflicts,
        maxRssMb: Math.max(...merges.map((m) => m.maxRssMb)),
      },
      reimport: { ms: reimportMs, cpuMs: reimportCpuMs, medianPerBundleMs: median(merges.flatMap((m) => m.reimportPerBundleMs)) },
      floors: { rowsOnly, opsAndRows },
      peers,
      conflictList: conflictList ?? { ms: Number.NaN, conflicts: 0 },
      ping,
      ratios: {
        mergeOverFloor: mergeMs / rowsOnly.ms,
        mergeOverOpsFloor: mergeMs / opsAndRows.ms,
        reimportOverFloor: reimportMs / rowsOnly.ms,
        reimportOverOpsFloor: reimportMs / opsAndRows.ms,
        mergeCpuOverFloorCpu: mergeCpuMs / rowsOnly.cpuMs,
        mergeCpuOverOpsFloorCpu: mergeCpuMs / opsAndRows.cpuMs,
        reimportCpuOverOpsFloorCpu: reimportCpuMs / opsAndRows.cpuMs,
      },
      targets: [],
      otherTargets: [],
      profile,
      totalSeconds: 0,
    };
    const growth = growthLines(RESULTS, result);
    result.targets = targetsFor(result, growth);
    result.otherTargets = otherTargetsFor(result);
    result.totalSeconds = (performance.now() - started) / 1000;
    say('');
    // Not a test, but the figures mean nothing if the merge lost work: say so loudly if it did.
    const liveNotes = g.notes - g.deletes;
    const leadNotes = search[0]?.notes ?? 0;
    say(
      `Check: the merged lead store has ${leadNotes} searchable notes (expected ${liveNotes} = ${g.notes} − ${g.deletes} deleted)` +
        ` and ${result.merge.conflicts} conflicts from ${g.concurrentEdits} concurrent same-field edits${leadNotes === liveNotes ? '.' : ' — MISMATCH, figures suspect.'}`,
    );
    say(
      `Load average ${loadStart.join(' / ')} at the start, ${loadEnd.join(' / ')} at the end (1 / 5 / 15 min, ${cpus().length} CPUs)` +
        (Math.max(...loadStart, ...loadEnd) > cpus().length ? ': the machine was busy, so read the CPU times.' : '.'),
    );
    printResult(result, say);
    say('');
    printGrowth(growth, say);
    if (profile) {
      say(`\nWhere the merge's time goes (self time, ${profile.totalMs.toFixed(0)} ms profiled; ${profile.file}):`);
      for (const line of profile.functions)
        say(`  ${(line.share * 100).toFixed(1).padStart(5)} %  ${line.selfMs.toFixed(0).padStart(7)} ms  ${line.name}`);
      say('By source file:');
      for (const line of profile.files.slice(0, 10))
        say(`  ${(line.share * 100).toFixed(1).padStart(5)} %  ${line.selfMs.toFixed(0).padStart(7)} ms  ${line.name}`);
    }
    say(`\nWrote ${writeResult(RESULTS, result)} (${result.totalSeconds.toFixed(0)} s for this scale)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `--peers-only`: measures the peers alone on the team the latest full result at this scale was
 * measured on, and adds them to that result (Automerge's replay and merge take long enough that
 * re-running every Fieldwork measure for them is a waste).
 */
async function peersOnly(factor: number, options: Options): Promise<void> {
  const latest = join(RESULTS, `latest-x${factor}.json`);
  const teamRoot = join(CACHE, `team-x${factor}-seed${options.seed}`);
  const team = readManifest(teamRoot);
  if (!existsSync(latest) || !team)
    throw new Error(`--peers-only needs a full run at ${factor}× first (npm run bench -- --scale ${factor}).`);
  const previous = JSON.parse(readFileSync(latest, 'utf8')) as ScaleResult;
  if (
    previous.seed !== options.seed ||
    previous.generation.ops !== team.stats.ops ||
    previous.generation.changesets !== team.stats.changesets
  ) {
    throw new Error(
      `The cached ${factor}× team is not the one latest-x${factor}.json was measured on: run the full bench again.`,
    );
  }
  const names = options.peers.length > 0 ? options.peers : [...PEER_NAMES];
  say(`\n=== Peers at ${factor}×, added to the result of ${previous.startedAt} ===`);
  const work = join(tmpdir(), `fieldwork-bench-${process.pid}`, `peers-x${factor}`);
  mkdirSync(work, { recursive: true });
  try {
    const peers = (previous.peers ?? []).filter((p) => !names.includes(p.name));
    for (const name of names) {
      const runs = options.peerRuns ?? (name === 'automerge' ? 1 : options.runs);
      peers.push(await measurePeer(name, PEER_CHILD, team, teamRoot, work, runs, say));
    }
    const addedAt = new Date().toISOString();
    const result: ScaleResult = { ...previous, peers, peersAddedAt: addedAt };
    result.targets = targetsFor(result, growthLines(RESULTS, result));
    result.otherTargets = otherTargetsFor(result);
    say(`Load average now ${loadNow().join(' / ')} (1 / 5 / 15 min) on ${cpus().length} CPUs.`);
    printResult(result, say);
    say(`\nWrote ${writeResult(RESULTS, result, addedAt)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `--conflicts N`: the conflict queue alone, on a lead store whose N conflicts a real merge made. */
async function conflictsOnly(conflicts: number, runs: number): Promise<void> {
  say(`\n=== Fieldwork conflict list at ${conflicts} conflicts (median of ${2 * runs + 1}) ===`);
  say(`Load average now ${loadNow().join(' / ')} (1 / 5 / 15 min) on ${cpus().length} CPUs.`);
  const run = await measureConflictCorpus(CACHE, conflicts, 2 * runs + 1, say);
  if (run.buildSeconds !== null) say(`  built the lead store in ${run.buildSeconds.toFixed(0)} s`);
  say(
    `conflicts.list first page: ${run.ms.toFixed(1)} ms wall (CPU ${run.cpuMs.toFixed(1)} ms) for ${run.conflicts} conflicts; target < 100 ms for 1,000`,
  );
  say(
    `conflicts.list all ${run.pages} pages in turn: ${run.allPagesMs.toFixed(1)} ms wall (CPU ${run.allPagesCpuMs.toFixed(1)} ms) (not judged; the screen reads a page at a time)`,
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync('package.json')) throw new Error('Run the benchmark from the repository root (npm run bench).');
  if (options.conflicts > 0) {
    await conflictsOnly(options.conflicts, options.runs);
    if (!options.searchOnly) return;
  }
  if (options.searchOnly) {
    const sizes = options.searchNotes.length > 0 ? options.searchNotes : [10_000, 100_000];
    await searchOnly(RESULTS, sizes, options, say);
    return;
  }
  for (const factor of options.scales) await (options.peersOnly ? peersOnly(factor, options) : runScale(factor, options));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
