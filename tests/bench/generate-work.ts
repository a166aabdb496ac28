/**
 * What each laptop does in the generated inspection, one phase at a time, so that each
 * inspector's phase can run in its own process (generate-child.ts) or in this one (tests):
 *
 * - set-up (the lead): the inspection, the roster (each inspector's real device key) and the
 *   sampled cases, allocated to inspectors;
 * - fieldwork (each inspector, in parallel): receives the set-up, audits their cases, types
 *   evidence notes in autosave bursts through the composer's service calls, writes draft
 *   findings and links evidence, and plans their later edits with their own seeded generator;
 * - later edits (each inspector, in parallel): receives a colleague's work up to the end of
 *   the colleague's fieldwork (as the lead's mid-week published merge would bring it), edits
 *   the same field of 10 % of the colleague's notes and findings, then makes their own edits
 *   of those records (the real conflicts at the lead), revises 30 % of their notes and
 *   deletes 2 %.
 *
 * Everything an inspector does goes through the services (`invoke`, as the CLI and the app's
 * transports do) except creating a finding, whose service makes a random id: that one is
 * written with writeEdits (the same edits findings.create makes) under a seeded id.
 */
import { join } from 'node:path';
import type { NoteFields } from '../../shared/api/evidence.js';
import { sampledCaseId } from '../../shared/domain/ids.js';
import { AGE_BANDS, AGENCIES, JTAI_THEMES, keysOf, POLARITIES, SOURCES, STAGES } from '../../shared/domain/vocabulary.js';
import type { Polarity } from '../../shared/domain/vocabulary.js';
import { invoke } from '../../main/services/dispatch.js';
import { lastChangeset } from '../../main/store/op-log-repo.js';
import { writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import { countOwnWork, type OwnWork } from './bench-repo.js';
import { BURSTS, editNoteOnce, REVISION_BURSTS, reviseNote, typeNewNote } from './composer.js';
import { findingStatement, inspectionProse } from './prose.js';
import { seededId } from './seeded.js';
import { closeLaptop, handOver, laptopState, readChain, resumeLaptop, type Laptop, type LaptopState } from './team.js';

export interface Scale {
  readonly factor: number;
  readonly inspectors: number;
  readonly notesPerInspector: number;
  readonly casesPerInspector: number;
  readonly findingsPerInspector: number;
}

const THEMES = JTAI_THEMES.slice(0, 4);
/** Commands per SQLite transaction while generating: each command is still its own savepoint and changeset. */
const CHUNK = 1000;

/**
 * Runs `work` over items, CHUNK at a time inside one transaction, so generation does not
 * commit once per command. Each command's own transaction nests as a savepoint, so what it
 * writes (its ops, its signed changeset) is exactly what it writes alone.
 */
async function inBatches<T>(laptop: Laptop, items: readonly T[], work: (item: T, index: number) => Promise<unknown>) {
  const { db } = laptop.runtime.ctx;
  for (let start = 0; start < items.length; start += CHUNK) {
    db.exec('BEGIN');
    try {
      for (let i = start; i < Math.min(items.length, start + CHUNK); i += 1) await work(items[i] as T, i);
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A pause before the next thing the person does. */
const pause = (laptop: Laptop): void => laptop.clock.advance(2_000, 90_000);

// ---------------------------------------------------------------------------------------------
// Set-up, by the lead.

export interface Member {
  readonly state: LaptopState;
  readonly author: string;
  readonly ageRecipient: string;
}

export interface SetUp {
  readonly inspectionId: string;
  readonly lead: LaptopState;
  readonly inspectors: readonly LaptopState[];
  readonly caseIds: readonly (readonly string[])[];
  readonly cases: number;
}

export async function setUp(root: string, lead: LaptopState, members: readonly Member[], scale: Scale): Promise<SetUp> {
  const laptop = await resumeLaptop(root, lead);
  try {
    const { ctx } = laptop.runtime;
    const inspection = await invoke(ctx, 'inspections.create', {
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
    const inspectors: LaptopState[] = [];
    for (const [i, member] of members.entries()) {
      const row = await invoke(ctx, 'team.add', {
        inspectionId: inspection.id,
        fields: {
          name: `Inspector ${i + 1}`,
          inspectorate: (['ofsted', 'cqc', 'hmicfrs'] as const)[i % 3],
          role: 'inspector',
          specialism: (['social_care', 'health', 'police'] as const)[i % 3],
          signingKey: member.author,
          boxKey: member.ageRecipient,
        },
      });
      inspectors.push({ ...member.state, memberId: row.id });
    }
    const refs = inspectors.flatMap((inspector, i) =>
      range(scale.casesPerInspector).map((c) => ({ ref: `NC-${String(i * 100_000 + c).padStart(6, '0')}`, inspector, i })),
    );
    const caseIds: string[][] = inspectors.map(() => []);
    await inBatches(laptop, refs, async ({ ref, inspector, i }) => {
      const row = sampledCaseId(inspection.id, ref);
      const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'sampled_case', row, field, value });
      pause(laptop);
      writeEdits(ctx, inspection.id, [
        set('case_ref', ref),
        set('age_band', laptop.rng.pick(AGE_BANDS)),
        set('stage', laptop.rng.pick(keysOf(STAGES))),
        set('agencies', laptop.rng.some(keysOf(AGENCIES), 1, 3)),
        set('sampling_method', 'random'),
        set('allocated_to', inspector.memberId),
        set('status', 'not_started'),
      ]);
      caseIds[i]!.push(row);
    });
    return { inspectionId: inspection.id, lead: laptopState(laptop), inspectors, caseIds, cases: refs.length };
  } finally {
    closeLaptop(laptop);
  }
}

// ---------------------------------------------------------------------------------------------
// Fieldwork, by each inspector.

/** A later edit of one field of one record, chosen by the record's author. */
export interface ConcurrentEdit {
  readonly table: 'evidence_note' | 'finding';
  readonly id: string;
  readonly field: 'text' | 'polarity' | 'status';
  /** The two values author and colleague write: both differ from the current one and from each other. */
  readonly polarities?: readonly [Polarity, Polarity];
}

export interface LaterPlan {
  readonly concurrent: readonly ConcurrentEdit[];
  readonly revisions: readonly string[];
  readonly deletes: readonly string[];
}

export interface FieldworkJob {
  readonly phase: 'fieldwork';
  readonly root: string;
  readonly scale: Scale;
  readonly inspectionId: string;
  readonly laptop: LaptopState;
  readonly caseIds: readonly string[];
}

export interface PhaseCounts {
  notes: number;
  findings: number;
  links: number;
  autosaves: number;
  revisions: number;
  concurrentEdits: number;
  deletes: number;
}

export const noCounts = (): PhaseCounts => ({
  notes: 0,
  findings: 0,
  links: 0,
  autosaves: 0,
  revisions: 0,
  concurrentEdits: 0,
  deletes: 0,
});

export interface FieldworkResult {
  readonly laptop: LaptopState;
  readonly author: string;
  /** The last seq of this inspector's chain at the end of fieldwork: what a colleague receives. */
  readonly lastSeq: number;
  readonly plan: LaterPlan;
  readonly counts: PhaseCounts;
}

export async function fieldwork(job: FieldworkJob): Promise<FieldworkResult> {
  const { scale, inspectionId, caseIds } = job;
  const laptop = await resumeLaptop(job.root, job.laptop);
  const counts = noCounts();
  try {
    const { ctx } = laptop.runtime;
    const { rng } = laptop;
    handOver(laptop, readChain(join(job.root, 'lead'), inspectionId));
    await inBatches(laptop, caseIds, async (id) => {
      pause(laptop);
      await invoke(ctx, 'cases.updateAudit', { id, fields: { status: 'in_progress' } });
    });
    const notes: { id: string; polarity: Polarity }[] = [];
    await inBatches(laptop, range(scale.notesPerInspector), async () => {
      pause(laptop);
      const id = seededId(rng, laptop.clock.now());
      const polarity = rng.pick(keysOf(POLARITIES));
      const fields: NoteFields = {
        text: inspectionProse(rng),
        source: rng.pick(keysOf(SOURCES)),
        agency: rng.pick(keysOf(AGENCIES)),
        themes: rng.some(THEMES, 1, 2),
        polarity,
        caseId: rng.chance(0.75) && caseIds.length > 0 ? rng.pick(caseIds) : null,
      };
      counts.autosaves += await typeNewNote(laptop, inspectionId, id, fields, rng.int(BURSTS.min, BURSTS.max));
      notes.push({ id, polarity });
    });
    const findings: string[] = [];
    await inBatches(laptop, range(scale.findingsPerInspector), async () => {
      pause(laptop);
      const id = seededId(rng, laptop.clock.now());
      const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'finding', row: id, field, value });
      writeEdits(ctx, inspectionId, [
        set('kind', rng.pick(['strength', 'improvement', 'improvement', 'priority_action'])),
        set('statement', findingStatement(rng)),
        set('agencies', rng.some(keysOf(AGENCIES), 1, 2)),
        set('theme', rng.pick(THEMES)),
        set('status', 'draft'),
        set('author', ctx.device.author),
        set('created_at', new Date(laptop.clock.now()).toISOString()),
      ]);
      findings.push(id);
      for (const note of rng.some(notes, 2, 4)) {
        pause(laptop);
        await invoke(ctx, 'findings.link', { findingId: id, noteId: note.id });
        counts.links += 1;
      }
    });
    await inBatches(laptop, caseIds, async (id) => {
      pause(laptop);
      const auditAgreement = rng.pick(['yes', 'partly', 'no'] as const);
      await invoke(ctx, 'cases.updateAudit', {
        id,
        fields: {
          status: 'done',
          inspectorGrade: rng.pick(['good', 'requires_improvement', 'inadequate'] as const),
          auditAgreement,
          // The service asks why, unless the inspector agrees with the area's own audit.
          ...(auditAgreement === 'yes' ? {} : { agreementReason: inspectionProse(rng, 40, 300) }),
        },
      });
    });
    counts.notes = notes.length;
    counts.findings = findings.length;
    return {
      laptop: laptopState(laptop),
      author: ctx.device.author,
      lastSeq: lastChangeset(ctx.db, inspectionId, ctx.device.author)?.seq ?? 0,
      plan: planLaterEdits(laptop, notes, findings),
      counts,
    };
  } finally {
    closeLaptop(laptop);
  }
}

/** 10 % of notes and findings get a same-field edit by author and colleague; of the rest, 2 % deleted, 30 % revised. */
function planLaterEdits(laptop: Laptop, notes: readonly { id: string; polarity: Polarity }[], findings: readonly string[]) {
  const { rng } = laptop;
  const records = [
    ...notes.map((n) => ({ table: 'evidence_note' as const, ...n })),
    ...findings.map((id) => ({ table: 'finding' as const, id })),
  ];
  const concurrent: ConcurrentEdit[] = records
    .filter(() => rng.chance(0.1))
    .map((record) => {
      if (record.table === 'finding') return { table: 'finding', id: record.id, field: 'status' };
      const field = rng.pick(['polarity', 'text'] as const);
      if (field === 'text') return { table: 'evidence_note', id: record.id, field };
      const [first, second] = keysOf(POLARITIES).filter((p) => p !== record.polarity);
      return { table: 'evidence_note', id: record.id, field, polarities: [first as Polarity, second as Polarity] };
    });
  const concurrentIds = new Set(concurrent.map((r) => r.id));
  const rest = notes.filter((n) => !concurrentIds.has(n.id));
  const deletes = rest.filter(() => rng.chance(0.02)).map((n) => n.id);
  const revisions = rest.filter(() => rng.chance(0.3)).map((n) => n.id);
  return { concurrent, deletes, revisions };
}

// ---------------------------------------------------------------------------------------------
// Later edits, by each inspector, after receiving a colleague's fieldwork.

export interface LaterJob {
  readonly phase: 'later';
  readonly root: string;
  readonly inspectionId: string;
  readonly laptop: LaptopState;
  readonly plan: LaterPlan;
  /** The colleague whose fieldwork this inspector receives and edits. */
  readonly colleague: { readonly name: string; readonly author: string; readonly lastSeq: number; readonly plan: LaterPlan };
}

export interface LaterResult {
  readonly laptop: LaptopState;
  readonly counts: PhaseCounts;
  readonly work: OwnWork;
}

/** The same field of a record, edited by its author (`mine`) or by the colleague who received it. */
async function sameFieldEdit(laptop: Laptop, edit: ConcurrentEdit, mine: boolean): Promise<void> {
  const { ctx } = laptop.runtime;
  if (edit.table === 'finding') {
    pause(laptop);
    // The same finding's statement, reworded by both: settling a finding is the lead's alone
    // (docs/authority.md), so concurrent status changes are not what colleagues do.
    const current = await invoke(ctx, 'findings.get', { id: edit.id });
    const statement = `${current.statement} ${mine ? '(reworded by its author)' : '(reworded by a colleague)'}`;
    await invoke(ctx, 'findings.update', {
      id: edit.id,
      fields: { kind: current.kind, statement: statement.slice(0, 5_000), agencies: current.agencies, theme: current.theme },
    });
  } else if (edit.field === 'polarity') {
    await editNoteOnce(laptop, edit.id, { polarity: edit.polarities![mine ? 0 : 1] });
  } else {
    const current = await invoke(ctx, 'evidence.get', { id: edit.id });
    await editNoteOnce(laptop, edit.id, { text: `${current.text} ${inspectionProse(laptop.rng, 60, 300)}` });
  }
}

export async function laterEdits(job: LaterJob): Promise<LaterResult> {
  const { inspectionId, plan, colleague } = job;
  const laptop = await resumeLaptop(job.root, job.laptop);
  const counts = noCounts();
  try {
    const { ctx } = laptop.runtime;
    const { rng } = laptop;
    handOver(
      laptop,
      readChain(join(job.root, colleague.name), inspectionId, { author: colleague.author, maxSeq: colleague.lastSeq }),
    );
    await inBatches(laptop, colleague.plan.concurrent, (edit) => sameFieldEdit(laptop, edit, false));
    await inBatches(laptop, plan.concurrent, (edit) => sameFieldEdit(laptop, edit, true));
    await inBatches(laptop, plan.revisions, async (id) => {
      pause(laptop);
      counts.autosaves += await reviseNote(
        laptop,
        id,
        inspectionProse(rng, 60, 400),
        rng.int(REVISION_BURSTS.min, REVISION_BURSTS.max),
      );
    });
    await inBatches(laptop, plan.deletes, async (id) => {
      pause(laptop);
      await invoke(ctx, 'evidence.delete', { id });
    });
    counts.concurrentEdits = plan.concurrent.length;
    counts.revisions = plan.revisions.length;
    counts.deletes = plan.deletes.length;
    return { laptop: laptopState(laptop), counts, work: countOwnWork(ctx.db, inspectionId, ctx.device.author) };
  } finally {
    closeLaptop(laptop);
  }
}

export type GenerateJob = FieldworkJob | LaterJob;
