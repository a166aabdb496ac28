/**
 * Test helper: moves every changeset one store has and the other lacks, the way a bundle
 * import would (verbatim bytes and signatures, applied in one transaction). Used until tests
 * can exchange real bundle files; it exercises the same applyOps merge the importer runs.
 */
import type { Op } from '../../shared/sync/op.js';
import type { ServiceContext } from '../../main/services/context.js';
import { hasChangeset, insertChangeset, iterateChangesets } from '../../main/store/op-log-repo.js';
import { applyOps } from '../../main/sync/apply-ops.js';
import type { ChangesetBody } from '../../main/sync/changeset.js';
import { observeRemoteHlc, writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import { findingEvidenceId, newId, sampledCaseId } from '../../shared/domain/ids.js';
import { sampleInspection, type TestRuntime } from './runtime.js';

interface Laptop {
  readonly ctx: ServiceContext;
}

/** Copies changesets of the inspection from `from` to `to`; returns how many were new. */
export function exchange(fromLaptop: Laptop, toLaptop: Laptop, inspectionId: string): number {
  const from = fromLaptop.ctx;
  const to = toLaptop.ctx;
  const changesets = [...iterateChangesets(from.db, inspectionId)];
  let copied = 0;
  to.db.transaction(() => {
    for (const changeset of changesets) {
      if (hasChangeset(to.db, changeset.id)) continue;
      const body = JSON.parse(changeset.body.toString('utf8')) as ChangesetBody;
      insertChangeset(to.db, { ...changeset, local: false }, new Date(to.now()).toISOString());
      applyOps(to.db, body.ops as Op[], changeset.id);
      for (const op of body.ops) observeRemoteHlc(to, op.hlc);
      copied += 1;
    }
  })();
  return copied;
}

/** Both ways, so the two stores end up holding the same ops. */
export function exchangeBoth(a: Laptop, b: Laptop, inspectionId: string): void {
  exchange(a, b, inspectionId);
  exchange(b, a, inspectionId);
}

export interface TeamFixture {
  readonly inspectionId: string;
  readonly caseId: string;
  readonly noteId: string;
  readonly findingId: string;
  readonly linkId: string;
}

/** Writes fields as this laptop's user would, in one transaction (one changeset). */
export function edit(laptop: Laptop, inspectionId: string, edits: readonly FieldEdit[]): Op[] {
  return laptop.ctx.db.transaction(() => writeEdits(laptop.ctx, inspectionId, edits))();
}

/**
 * A lead with an inspection, a case, a note on it, a finding citing the note, and an inspector
 * on the roster whose laptop has received all of it.
 */
export async function setUpTeam(lead: Pick<TestRuntime, 'ctx' | 'call'>, inspector: Laptop): Promise<TeamFixture> {
  const inspection = await lead.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    leadName: 'Asha Patel',
  });
  const inspectionId = inspection.id;
  await lead.call('team.add', {
    inspectionId,
    fields: {
      name: 'Ben Okafor',
      inspectorate: 'cqc',
      role: 'inspector',
      specialism: 'health',
      signingKey: inspector.ctx.device.author,
      boxKey: inspector.ctx.device.ageRecipient,
    },
  });
  const caseId = sampledCaseId(inspectionId, 'NS-0142');
  const noteId = newId();
  const findingId = newId();
  const linkId = findingEvidenceId(findingId, noteId);
  edit(lead, inspectionId, [
    { table: 'sampled_case', row: caseId, field: 'case_ref', value: 'NS-0142' },
    { table: 'sampled_case', row: caseId, field: 'stage', value: 'child_protection' },
    { table: 'evidence_note', row: noteId, field: 'case_id', value: caseId },
    { table: 'evidence_note', row: noteId, field: 'text', value: 'The strategy meeting was held within a day of the referral.' },
    { table: 'evidence_note', row: noteId, field: 'source', value: 'case_record' },
    { table: 'finding', row: findingId, field: 'kind', value: 'strength' },
    { table: 'finding', row: findingId, field: 'statement', value: 'Strategy meetings are timely and well attended.' },
    { table: 'finding_evidence', row: linkId, field: 'finding_id', value: findingId },
    { table: 'finding_evidence', row: linkId, field: 'note_id', value: noteId },
  ]);
  exchange(lead, inspector, inspectionId);
  return { inspectionId, caseId, noteId, findingId, linkId };
}
