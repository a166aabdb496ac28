/**
 * The lead's outputs. Each is built in memory (they are small: a letter, two CSVs) and either
 * returned as bytes (the UI downloads them; no file paths cross from the renderer) or written
 * by the CLI to a temp file, fsynced and renamed.
 */
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { syncFolder } from '../store/durable-file.js';
import {
  AGENCIES,
  AGREEMENT,
  CASE_STATUSES,
  GRADES,
  POLARITIES,
  SOURCES,
  STAGES,
  type Agency,
  type FindingKind,
} from '../../shared/domain/vocabulary.js';
import { buildLetterModel, SUMMARY_PLACEHOLDER, type LetterModel } from '../../shared/outputs/letter-model.js';
import { toCsv } from '../../shared/outputs/csv.js';
import type { ExportedFile } from '../../shared/api/outputs.js';
import { agreedFindings, evidenceLogRows, sampleSummaryRows } from '../store/outputs-repo.js';
import { readInspectionSummary } from '../store/inspections-repo.js';
import { writeEdits } from '../sync/local-write.js';
import { inTransaction, type CallContext, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

const label = <T extends Record<string, string>>(labels: T, key: string | null): string =>
  key !== null && Object.prototype.hasOwnProperty.call(labels, key) ? (labels[key] as string) : (key ?? '');

function parseArray(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'inspection'
  );
}

function fileBase(ctx: ServiceContext, inspectionId: string): string {
  const inspection = requireInspection(ctx, inspectionId);
  const day = new Date(ctx.now()).toISOString().slice(0, 10);
  return `${slug(inspection.localAuthority)}-${day}`;
}

export function letterModel(ctx: ServiceContext, inspectionId: string): LetterModel {
  const inspection = requireInspection(ctx, inspectionId);
  const findings = agreedFindings(ctx.db, inspectionId).map((row) => ({
    kind: (row.kind ?? 'strength') as FindingKind,
    statement: row.statement ?? '',
    agencies: parseArray(row.agencies) as Agency[],
    theme: row.theme,
  }));
  return buildLetterModel({ ...inspection, summary: readInspectionSummary(ctx.db, inspectionId) }, findings);
}

function asFile(fileName: string, mimeType: string, bytes: Buffer, count: number): ExportedFile {
  return { fileName, mimeType, bytesBase64: bytes.toString('base64'), size: bytes.length, count };
}

export async function buildLetter(ctx: CallContext, inspectionId: string): Promise<ExportedFile> {
  ctx.progress(0, 2, 'Reading agreed findings');
  const model = letterModel(ctx, inspectionId);
  ctx.progress(1, 2, 'Writing the letter');
  const { renderLetterDocx } = await import('./letter-docx.js');
  const bytes = await renderLetterDocx(model);
  ctx.progress(2, 2, 'Done');
  return asFile(
    `${fileBase(ctx, inspectionId)}-draft-letter.docx`,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    bytes,
    model.findingCount,
  );
}

export function buildEvidenceLog(ctx: ServiceContext, inspectionId: string): ExportedFile {
  const rows = evidenceLogRows(ctx.db, inspectionId);
  const csv = toCsv(
    ['Recorded at (UTC)', 'Case reference', 'Source', 'Agency', 'Themes', 'Polarity', 'Author', 'Note', 'Linked findings'],
    rows.map((row) => [
      row.created_at,
      row.case_ref,
      label(SOURCES, row.source),
      label(AGENCIES, row.agency),
      parseArray(row.themes).join('; '),
      label(POLARITIES, row.polarity),
      row.author_name ?? row.author?.slice(0, 10) ?? '',
      row.text,
      parseArray(row.finding_statements).join(' | '),
    ]),
  );
  return asFile(`${fileBase(ctx, inspectionId)}-evidence-log.csv`, 'text/csv', Buffer.from(csv, 'utf8'), rows.length);
}

export function buildSampleSummary(ctx: ServiceContext, inspectionId: string): ExportedFile {
  const rows = sampleSummaryRows(ctx.db, inspectionId);
  const csv = toCsv(
    [
      'Case reference',
      'Stage',
      'Age band',
      'Stratum',
      'How selected',
      'Reason for selection',
      'Sample seed',
      'Case list SHA-256',
      'Removed',
      'Reason removed',
      'Status',
      'Inspector',
      'Inspector evaluation',
      'Area audit grade',
      'Agrees with area audit',
      'Reason',
    ],
    rows.map((row) => [
      row.case_ref,
      label(STAGES, row.stage),
      row.age_band,
      row.stratum,
      row.sampling_method === 'manual' ? 'Added by hand' : row.sampling_method === 'random' ? 'Random draw' : row.sampling_method,
      row.selection_reason,
      row.seed,
      row.source_hash,
      row.removed === 1 ? 'Yes' : 'No',
      row.removal_reason,
      label(CASE_STATUSES, row.status),
      row.inspector_name,
      label(GRADES, row.inspector_grade),
      label(GRADES, row.la_audit_grade),
      label(AGREEMENT, row.audit_agreement),
      row.agreement_reason,
    ]),
  );
  return asFile(`${fileBase(ctx, inspectionId)}-case-sample.csv`, 'text/csv', Buffer.from(csv, 'utf8'), rows.length);
}

/**
 * For the CLI: write to a temporary name, fsync, then move into place, so a crash never leaves
 * half a file. An existing file is never replaced unless `overwrite` (a hard link, which fails
 * if the name is taken, rather than a rename, which would replace it).
 */
export function writeExportedFile(file: ExportedFile, path: string, options: { overwrite?: boolean } = {}): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, Buffer.from(file.bytesBase64, 'base64'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (options.overwrite) {
    renameSync(temp, path);
  } else {
    try {
      linkSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new AppError('conflict', `${path} already exists; it was left as it was (add --force to replace it).`);
      throw error;
    }
    rmSync(temp, { force: true });
  }
  syncFolder(dirname(path));
}

export const outputHandlers = {
  'outputs.letterPreview': (ctx, input) => {
    const model = letterModel(ctx, input.inspectionId);
    return {
      ...model,
      facts: [...model.facts],
      sections: model.sections.map((s) => ({
        heading: s.heading,
        groups: s.groups.map((g) => ({ heading: g.heading, statements: [...g.statements] })),
      })),
      summaryIsPlaceholder: model.summary === SUMMARY_PLACEHOLDER,
    };
  },
  'outputs.setSummary': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        { table: 'inspection', row: input.inspectionId, field: 'letter_summary', value: input.summary },
      ]),
    );
    return { saved: true as const };
  },
  'outputs.letter': (ctx, input) => buildLetter(ctx, input.inspectionId),
  'outputs.evidenceLog': (ctx, input) => buildEvidenceLog(ctx, input.inspectionId),
  'outputs.sampleSummary': (ctx, input) => buildSampleSummary(ctx, input.inspectionId),
} satisfies HandlerGroup<
  'outputs.letterPreview' | 'outputs.setSummary' | 'outputs.letter' | 'outputs.evidenceLog' | 'outputs.sampleSummary'
>;
