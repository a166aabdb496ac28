/**
 * Test helper: two laptops exchange their work through real bundle files on disk, exported
 * and imported by the same code the app runs (signed, encrypted to the team, verified, merged
 * in one transaction). The first import into a laptop that does not know the inspection joins
 * it, trusting the exporter's fingerprint as the user would after comparing it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Op } from '../../shared/sync/op.js';
import type { ServiceContext } from '../../main/services/context.js';
import { exportBundleToFile, importBundleFile, type ImportSummary } from '../../main/services/bundles.js';
import { fingerprint } from '../../main/sync/device-identity.js';
import { writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import { findingEvidenceId, newId, sampledCaseId } from '../../shared/domain/ids.js';
import { sampleInspection, type TestRuntime } from './runtime.js';

interface Laptop {
  readonly ctx: ServiceContext;
}

const folder = mkdtempSync(join(tmpdir(), 'fieldwork-exchange-'));
let counter = 0;

/** Exports everything `from` holds for the inspection to a new bundle file; returns its path. */
export async function exportFull(from: Laptop, inspectionId: string): Promise<string> {
  counter += 1;
  const path = join(folder, `bundle-${counter}.fwbundle`);
  await exportBundleToFile(from.ctx, { inspectionId, mode: 'full', recipients: { kind: 'team' } }, path);
  return path;
}

export async function importInto(to: Laptop, path: string, exporter: Laptop): Promise<ImportSummary> {
  return importBundleFile(to.ctx, path, {
    fileName: path.split('/').pop() ?? path,
    trustLead: fingerprint(exporter.ctx.device.author),
  });
}

/** `from` exports a bundle file and `to` imports it; returns the import summary. */
export async function exchange(from: Laptop, to: Laptop, inspectionId: string): Promise<ImportSummary> {
  return importInto(to, await exportFull(from, inspectionId), from);
}

/** Both ways, so the two laptops end up holding the same ops. */
export async function exchangeBoth(a: Laptop, b: Laptop, inspectionId: string): Promise<void> {
  await exchange(a, b, inspectionId);
  await exchange(b, a, inspectionId);
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
  await exchange(lead, inspector, inspectionId);
  return { inspectionId, caseId, noteId, findingId, linkId };
}
