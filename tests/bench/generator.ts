/**
 * The seeded generator of a realistic inspection at a given scale. The lead sets up the
 * inspection, the roster (each inspector's real device key) and the sampled cases; every
 * inspector receives that set-up, audits their cases, writes evidence notes and draft findings
 * with linked evidence, revises some notes; 10 % of notes and findings are edited on the same
 * field by their author and by a colleague who had received them (a real conflict at the
 * lead); 2 % of notes are deleted. Everything is written through the op log (writeEdits).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingEvidenceId, sampledCaseId } from '../../shared/domain/ids.js';
import { AGE_BANDS, keysOf, AGENCIES, SOURCES, POLARITIES, STAGES, JTAI_THEMES } from '../../shared/domain/vocabulary.js';
import { invoke } from '../../main/services/dispatch.js';
import { writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import { findingStatement, inspectionProse } from './prose.js';
import { seededId } from './seeded.js';
import { dropBackups, handOver, openLaptop, type Laptop } from './team.js';

export interface Scale {
  readonly factor: number;
  readonly inspectors: number;
  readonly notesPerInspector: number;
  readonly casesPerInspector: number;
  readonly findingsPerInspector: number;
}

/** 1× ≈ 10 inspectors × 1,000 records (1,000 notes each plus their cases, findings and links). */
export function scaleOf(factor: number): Scale {
  return {
    factor,
    inspectors: 10,
    notesPerInspector: 1000 * factor,
    casesPerInspector: 20 * factor,
    findingsPerInspector: 30 * factor,
  };
}

export interface GenerationStats {
  notes: number;
  findings: number;
  links: number;
  cases: number;
  revisions: number;
  concurrentEdits: number;
  deletes: number;
  ops: number;
  seconds: number;
}

const THEMES = JTAI_THEMES.slice(0, 4);
const CHUNK = 250;

/** Runs `work` over items in transactions of CHUNK, so seeding does not fsync once per note. */
function inChunks<T>(laptop: Laptop, items: readonly T[], work: (item: T, index: number) => void): void {
  const { db } = laptop.runtime.ctx;
  for (let start = 0; start < items.length; start += CHUNK) {
    db.transaction(() => items.slice(start, start + CHUNK).forEach((item, i) => work(item, start + i)))();
  }
}

function write(laptop: Laptop, inspectionId: string, edits: FieldEdit[]): number {
  laptop.clock.advance(2_000, 90_000);
  return writeEdits(laptop.runtime.ctx, inspectionId, edits).length;
}

async function setUp(root: string, scale: Scale, seed: number, stats: GenerationStats) {
  const lead = await openLaptop(root, 'lead', seed);
  const inspectors: Laptop[] = [];
  for (let i = 0; i < scale.inspectors; i += 1) inspectors.push(await openLaptop(root, `inspector-${i + 1}`, seed + 1 + i));
  const inspection = await invoke(lead.runtime.ctx, 'inspections.create', {
    fields: {
      type: 'jtai_thematic',
      localAuthority: 'Northshire County Council',
      theme: THEMES[0],
      fieldworkStart: '2026-11-02',
      fieldworkEnd: '2026-11-13',
      inspectorates: ['ofsted', 'cqc', 'hmicfrs'],
    },
    leadName: 'Lead inspector',
  });
  for (const [i, laptop] of inspectors.entries()) {
    const member = await invoke(lead.runtime.ctx, 'team.add', {
      inspectionId: inspection.id,
      fields: {
        name: `Inspector ${i + 1}`,
        inspectorate: (['ofsted', 'cqc', 'hmicfrs'] as const)[i % 3],
        role: 'inspector',
        specialism: (['social_care', 'health', 'police'] as const)[i % 3],
        signingKey: laptop.runtime.ctx.device.author,
        boxKey: laptop.runtime.ctx.device.ageRecipient,
      },
    });
    laptop.memberId = member.id;
  }
  const caseRefs = inspectors.flatMap((laptop, i) =>
    Array.from({ length: scale.casesPerInspector }, (_, c) => ({
      ref: `NC-${String(i * 100_000 + c).padStart(6, '0')}`,
      laptop,
    })),
  );
  inChunks(lead, caseRefs, ({ ref, laptop }) => {
    const row = sampledCaseId(inspection.id, ref);
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'sampled_case', row, field, value });
    stats.ops += write(lead, inspection.id, [
      set('case_ref', ref),
      set('age_band', lead.rng.pick(AGE_BANDS)),
      set('stage', lead.rng.pick(keysOf(STAGES))),
      set('agencies', lead.rng.some(keysOf(AGENCIES), 1, 3)),
      set('sampling_method', 'random'),
      set('allocated_to', laptop.memberId),
      set('status', 'not_started'),
    ]);
  });
  stats.cases = caseRefs.length;
  for (const laptop of inspectors) handOver(lead, laptop, inspection.id);
  return { inspectionId: inspection.id, lead, inspectors, caseRefs };
}

interface NoteRecord {
  readonly id: string;
  /** The note's polarity as written, so a concurrent edit can pick two values that both change it. */
  readonly polarity?: string;
}

function fieldwork(laptop: Laptop, inspectionId: string, scale: Scale, caseIds: readonly string[], stats: GenerationStats) {
  const { rng } = laptop;
  const notes: NoteRecord[] = [];
  inChunks(laptop, caseIds, (caseId) => {
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'sampled_case', row: caseId, field, value });
    stats.ops += write(laptop, inspectionId, [set('status', 'in_progress')]);
  });
  inChunks(laptop, Array.from({ length: scale.notesPerInspector }), () => {
    const id = seededId(rng, laptop.clock.now());
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'evidence_note', row: id, field, value });
    const polarity = rng.pick(keysOf(POLARITIES));
    stats.ops += write(laptop, inspectionId, [
      set('text', inspectionProse(rng)),
      set('source', rng.pick(keysOf(SOURCES))),
      set('agency', rng.pick(keysOf(AGENCIES))),
      set('themes', rng.some(THEMES, 1, 2)),
      set('polarity', polarity),
      set('case_id', rng.chance(0.75) ? rng.pick(caseIds) : null),
      set('author', laptop.runtime.ctx.device.author),
      set('created_at', new Date(laptop.clock.now()).toISOString()),
    ]);
    notes.push({ id, polarity });
  });
  const findings: NoteRecord[] = [];
  inChunks(laptop, Array.from({ length: scale.findingsPerInspector }), () => {
    const id = seededId(rng, laptop.clock.now());
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'finding', row: id, field, value });
    stats.ops += write(laptop, inspectionId, [
      set('kind', rng.pick(['strength', 'improvement', 'improvement', 'priority_action'])),
      set('statement', findingStatement(rng)),
      set('agencies', rng.some(keysOf(AGENCIES), 1, 2)),
      set('theme', rng.pick(THEMES)),
      set('status', 'draft'),
      set('author', laptop.runtime.ctx.device.author),
      set('created_at', new Date(laptop.clock.now()).toISOString()),
    ]);
    findings.push({ id });
    for (const note of rng.some(notes, 2, 4)) {
      const link = findingEvidenceId(id, note.id);
      stats.ops += write(laptop, inspectionId, [
        { table: 'finding_evidence', row: link, field: 'finding_id', value: id },
        { table: 'finding_evidence', row: link, field: 'note_id', value: note.id },
      ]);
      stats.links += 1;
    }
  });
  inChunks(laptop, caseIds, (caseId) => {
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'sampled_case', row: caseId, field, value });
    stats.ops += write(laptop, inspectionId, [
      set('status', 'done'),
      set('inspector_grade', rng.pick(['good', 'requires_improvement', 'inadequate'])),
      set('audit_agreement', rng.pick(['yes', 'partly', 'no'])),
    ]);
  });
  stats.notes += notes.length;
  stats.findings += findings.length;
  return { notes, findings };
}

type Work = ReturnType<typeof fieldwork>;

/** Later edits: revisions by the author, 10 % same-field edits by author and colleague, 2 % deletes. */
function laterEdits(
  team: { inspectionId: string; inspectors: readonly Laptop[] },
  work: readonly Work[],
  stats: GenerationStats,
) {
  const { inspectionId, inspectors } = team;
  const plans = inspectors.map((laptop, i) => {
    const { rng } = laptop;
    const records = [
      ...work[i]!.notes.map((r) => ({ ...r, table: 'evidence_note' as const })),
      ...work[i]!.findings.map((r) => ({ ...r, table: 'finding' as const })),
    ];
    const concurrent = records.filter(() => rng.chance(0.1));
    const concurrentIds = new Set(concurrent.map((r) => r.id));
    const notes = work[i]!.notes.filter((n) => !concurrentIds.has(n.id));
    const deletes = notes.filter(() => rng.chance(0.02));
    const revisions = notes.filter(() => rng.chance(0.3));
    return { laptop, partner: inspectors[(i + 1) % inspectors.length]!, concurrent, deletes, revisions };
  });
  // A colleague receives the author's work so far (as the lead's mid-week published merge would).
  for (const plan of plans) handOver(plan.laptop, plan.partner, inspectionId, plan.laptop.runtime.ctx.device.author);
  for (const plan of plans) {
    const { laptop, partner } = plan;
    // The field is chosen once per record, so both really write the same field; values differ.
    const fieldOf = new Map(
      plan.concurrent.map((r) => [r.id, r.table === 'finding' ? 'status' : laptop.rng.pick(['polarity', 'text'])]),
    );
    const sameField = (who: Laptop, record: (typeof plan.concurrent)[number]): FieldEdit => {
      const author = who === laptop;
      const field = fieldOf.get(record.id) as string;
      if (field === 'status') return { table: 'finding', row: record.id, field, value: author ? 'proposed' : 'withdrawn' };
      if (field === 'polarity') {
        // Both must change the value: writeEdits skips a write equal to the current one.
        const [first, second] = keysOf(POLARITIES).filter((p) => p !== ('polarity' in record ? record.polarity : undefined));
        return { table: 'evidence_note', row: record.id, field, value: (author ? first : second) as string };
      }
      return { table: 'evidence_note', row: record.id, field, value: inspectionProse(who.rng) };
    };
    inChunks(partner, plan.concurrent, (record) => (stats.ops += write(partner, inspectionId, [sameField(partner, record)])));
    inChunks(laptop, plan.concurrent, (record) => (stats.ops += write(laptop, inspectionId, [sameField(laptop, record)])));
    inChunks(laptop, plan.revisions, (note) => {
      stats.ops += write(laptop, inspectionId, [
        { table: 'evidence_note', row: note.id, field: 'text', value: inspectionProse(laptop.rng) },
      ]);
    });
    inChunks(laptop, plan.deletes, (note) => {
      stats.ops += write(laptop, inspectionId, [{ table: 'evidence_note', row: note.id, field: '_deleted', value: true }]);
    });
    stats.concurrentEdits += plan.concurrent.length;
    stats.deletes += plan.deletes.length;
    stats.revisions += plan.revisions.length;
  }
}

/** What later measures need to know about a generated team; kept next to its data folders. */
export interface TeamManifest {
  readonly generator: number;
  readonly factor: number;
  readonly seed: number;
  readonly inspectionId: string;
  readonly leadDir: string;
  readonly inspectors: readonly { name: string; dataDir: string; author: string }[];
  readonly stats: GenerationStats;
}

/** Bump when the generator's output changes, so cached teams are made again. */
const GENERATOR_VERSION = 3;
const MANIFEST = 'team.json';

async function generateTeam(root: string, scale: Scale, seed: number, say: (line: string) => void): Promise<TeamManifest> {
  rmSync(root, { recursive: true, force: true });
  const started = performance.now();
  const stats: GenerationStats = {
    notes: 0,
    findings: 0,
    links: 0,
    cases: 0,
    revisions: 0,
    concurrentEdits: 0,
    deletes: 0,
    ops: 0,
    seconds: 0,
  };
  const team = await setUp(root, scale, seed, stats);
  say(`  set-up: inspection, roster of ${team.inspectors.length}, ${stats.cases} sampled cases`);
  const work = team.inspectors.map((laptop, i) => {
    const caseIds = team.caseRefs.filter((c) => c.laptop === laptop).map((c) => sampledCaseId(team.inspectionId, c.ref));
    const done = fieldwork(laptop, team.inspectionId, scale, caseIds, stats);
    say(`  ${laptop.name}: ${done.notes.length} notes, ${done.findings.length} findings (${i + 1}/${team.inspectors.length})`);
    return done;
  });
  laterEdits(team, work, stats);
  stats.seconds = (performance.now() - started) / 1000;
  for (const laptop of [team.lead, ...team.inspectors]) {
    laptop.runtime.close();
    dropBackups(laptop.dataDir);
  }
  const manifest: TeamManifest = {
    generator: GENERATOR_VERSION,
    factor: scale.factor,
    seed,
    inspectionId: team.inspectionId,
    leadDir: team.lead.dataDir,
    inspectors: team.inspectors.map((l) => ({ name: l.name, dataDir: l.dataDir, author: l.runtime.ctx.device.author })),
    stats,
  };
  writeFileSync(join(root, MANIFEST), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * The team for this scale and seed: re-used from the cache folder when an earlier run made it
 * with the same generator (generating 10× takes minutes), otherwise generated afresh.
 */
export async function loadOrGenerateTeam(
  root: string,
  scale: Scale,
  seed: number,
  fresh: boolean,
  say: (line: string) => void,
): Promise<{ manifest: TeamManifest; reused: boolean }> {
  const file = join(root, MANIFEST);
  if (!fresh && existsSync(file)) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as TeamManifest;
    if (manifest.generator === GENERATOR_VERSION && manifest.factor === scale.factor && manifest.seed === seed) {
      return { manifest, reused: true };
    }
  }
  return { manifest: await generateTeam(root, scale, seed, say), reused: false };
}
