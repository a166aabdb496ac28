/**
 * Drawing the sample from the imported case list: strata sizes, the seeded stratified draw
 * recorded as a sample run (seed, criteria, the list's SHA-256, who, when), and the sampled
 * cases written through the op log with ids derived from their case references.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { SampleRun } from '../../shared/api/cases.js';
import { sampledCaseId, newId } from '../../shared/domain/ids.js';
import { decodeCriteria, describeCriteria, encodeCriteria } from '../../shared/sampling/criteria.js';
import { drawSample } from '../../shared/sampling/draw.js';
import { seedFromWords } from '../../shared/sampling/prng.js';
import { groupStrata, STRATUM_DIMENSIONS, stratumLabel } from '../../shared/sampling/strata.js';
import { AppError } from '../../shared/errors.js';
import { latestCaseList, listCaseListRows, type CaseListRowValues } from '../store/case-list-repo.js';
import { listSampledCases, listSampleRuns, type SampleRunRow } from '../store/cases-repo.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { inTransaction, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

/** Marks cases a later draw left out, so a further redraw may bring them back. */
export const REDRAW_REASON_PREFIX = 'Not in the redraw';

function requireFrame(ctx: ServiceContext, inspectionId: string): { sha256: string; rows: CaseListRowValues[] } {
  requireInspection(ctx, inspectionId);
  const latest = latestCaseList(ctx.db, inspectionId);
  if (!latest) throw new AppError('invalid_input', "Import the area's case list before drawing a sample.");
  return { sha256: latest.sha256, rows: listCaseListRows(ctx.db, latest.id) };
}

function toRun(row: SampleRunRow): z.infer<typeof SampleRun> {
  let criteria = null;
  try {
    criteria = decodeCriteria(row.criteria ? (JSON.parse(row.criteria) as unknown) : null);
  } catch {
    criteria = null;
  }
  return {
    id: row.id,
    seed: row.seed ?? '',
    criteria: criteria ? { ...criteria, dimensions: [...criteria.dimensions] } : null,
    criteriaText: criteria ? describeCriteria(criteria, (d) => STRATUM_DIMENSIONS[d]) : 'Criteria could not be read',
    sourceHash: row.source_hash ?? '',
    drawnAt: row.drawn_at ?? '',
    drawnBy: row.drawn_by ?? '',
    drawnByName: row.drawn_by_name,
    caseCount: row.case_count ?? 0,
  };
}

export function newSeed(): string {
  return seedFromWords([...randomBytes(10)]);
}

export const caseSampleHandlers = {
  'cases.strata': (ctx, input) => {
    const { rows } = requireFrame(ctx, input.inspectionId);
    return groupStrata(rows, input.dimensions).map((s) => ({
      key: s.key,
      label: stratumLabel(s.key, input.dimensions),
      size: s.members.length,
    }));
  },
  'cases.runs': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return listSampleRuns(ctx.db, input.inspectionId).map(toRun);
  },
  'cases.drawSample': (ctx, input) => {
    const { sha256, rows } = requireFrame(ctx, input.inspectionId);
    const seed = input.seed ?? newSeed();
    const result = drawSample(rows, input.criteria, seed);
    if (result.cases.length === 0) {
      throw new AppError(
        'invalid_input',
        'These criteria choose no cases. Ask for at least one case from a stratum that has some.',
      );
    }
    const runId = newId();
    const drawnIds = new Set(result.cases.map((c) => sampledCaseId(input.inspectionId, c.entry.caseRef)));
    let added = 0;
    let removed = 0;
    inTransaction(ctx, () => {
      const existing = new Map(listSampledCases(ctx.db, input.inspectionId).map((c) => [c.id, c]));
      const edits: FieldEdit[] = [];
      const set = (row: string, field: string, value: FieldEdit['value']) =>
        edits.push({ table: 'sampled_case', row, field, value });
      const runSet = (field: string, value: FieldEdit['value']) => edits.push({ table: 'sample_run', row: runId, field, value });
      runSet('seed', seed);
      runSet('criteria', encodeCriteria(input.criteria));
      runSet('source_hash', sha256);
      runSet('drawn_at', new Date(ctx.now()).toISOString());
      runSet('drawn_by', ctx.device.author);
      runSet('case_count', result.cases.length);
      for (const drawn of result.cases) {
        const id = sampledCaseId(input.inspectionId, drawn.entry.caseRef);
        const before = existing.get(id);
        // A case added by hand keeps its reason; the draw does not take it over.
        if (before && before.sampling_method === 'manual' && before.removed !== 1) continue;
        set(id, 'case_ref', drawn.entry.caseRef);
        set(id, 'age_band', drawn.entry.ageBand);
        set(id, 'stage', drawn.entry.stage);
        set(id, 'legal_status', drawn.entry.legalStatus);
        set(id, 'agencies', [...drawn.entry.agencies]);
        set(id, 'flags', [...drawn.entry.flags]);
        set(id, 'sampling_method', 'random');
        set(id, 'sample_run_id', runId);
        set(id, 'stratum', stratumLabel(drawn.stratum, input.criteria.dimensions));
        if (!before) {
          added += 1;
          set(id, 'status', 'not_started');
          set(id, 'removed', false);
        } else if (before.removed === 1 && (before.removal_reason ?? '').startsWith(REDRAW_REASON_PREFIX)) {
          set(id, 'removed', false);
          set(id, 'removal_reason', null);
        }
      }
      // Randomly drawn cases this draw left out are removed with a reason (kept and restorable).
      for (const before of existing.values()) {
        if (before.sampling_method !== 'random' || before.removed === 1 || drawnIds.has(before.id)) continue;
        set(before.id, 'removed', true);
        set(before.id, 'removal_reason', `${REDRAW_REASON_PREFIX} with seed ${seed}`);
        removed += 1;
      }
      writeEdits(ctx, input.inspectionId, edits);
    });
    const run = listSampleRuns(ctx.db, input.inspectionId).find((r) => r.id === runId);
    if (!run) throw new AppError('internal', 'The sample run was not recorded.');
    return {
      run: toRun(run),
      caseRefs: result.cases.map((c) => c.entry.caseRef),
      strata: result.strata.map((s) => ({ ...s, label: stratumLabel(s.key, input.criteria.dimensions) })),
      added,
      removed,
    };
  },
} satisfies HandlerGroup<'cases.strata' | 'cases.runs' | 'cases.drawSample'>;
