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
import {
  buildLetterModel,
  LETTER_ROLES,
  letterText,
  rolesFor,
  SUMMARY_PLACEHOLDER,
  type LetterEvidence,
  type LetterModel,
  type LetterRole,
  type LetterVariant,
} from '../../shared/outputs/letter-model.js';
import { ACCURACY_DECISIONS } from '../../shared/api/outputs.js';
import { newId } from '../../shared/domain/ids.js';
import { toCsv } from '../../shared/outputs/csv.js';
import type { ExportedFile } from '../../shared/api/outputs.js';
import {
  accuracyComment,
  accuracyComments,
  agreedFindings,
  evidenceLogRows,
  letterDetails,
  letterEvidence,
  sampleFacts,
  sampleSummaryRows,
  type AccuracyCommentRow,
} from '../store/outputs-repo.js';
import { readInspectionSummary } from '../store/inspections-repo.js';
import { writeEdits } from '../sync/local-write.js';
import { inTransaction, type CallContext, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';
import { sha256Hex } from '../sync/op-id.js';

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

function letterInputs(ctx: ServiceContext, inspectionId: string) {
  const inspection = requireInspection(ctx, inspectionId);
  const details = letterDetails(ctx.db, inspectionId);
  const addressees = Object.entries(parseObject(details.letter_addressees))
    .filter(
      (entry): entry is [LetterRole, string] =>
        Object.prototype.hasOwnProperty.call(LETTER_ROLES, entry[0]) && typeof entry[1] === 'string',
    )
    .map(([role, name]) => ({ role, name }));
  return { inspection, details, addressees };
}

function parseObject(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A short stamp of the letter's text: the accuracy round records which version each comment was made on. */
export function letterVersion(model: LetterModel): string {
  return sha256Hex(letterText(model).join('\n')).slice(0, 12).toUpperCase();
}

export function letterModel(ctx: ServiceContext, inspectionId: string, variant: LetterVariant = 'letter'): LetterModel {
  const { inspection, details, addressees } = letterInputs(ctx, inspectionId);
  const evidence = new Map<string, LetterEvidence[]>();
  if (variant === 'evidence-appendix') {
    for (const row of letterEvidence(ctx.db, inspectionId)) {
      evidence.set(row.finding_id, [
        ...(evidence.get(row.finding_id) ?? []),
        { caseRef: row.case_ref, source: label(SOURCES, row.source), text: row.text },
      ]);
    }
  }
  const findings = agreedFindings(ctx.db, inspectionId).map((row) => ({
    kind: (row.kind ?? 'strength') as FindingKind,
    statement: row.statement ?? '',
    agencies: parseArray(row.agencies) as Agency[],
    theme: row.theme,
    evidence: evidence.get(row.id) ?? [],
  }));
  const base = buildLetterModel(
    {
      ...inspection,
      summary: readInspectionSummary(ctx.db, inspectionId),
      addressees,
      actionDeadline: details.letter_action_deadline,
      leadName: details.lead_name,
      teamNames: parseArray(details.team_names),
    },
    findings,
    { date: new Date(ctx.now()), sample: sampleFacts(ctx.db, inspectionId), variant },
  );
  // The version is that of the letter the area sees, whichever variant is built.
  const sent = variant === 'letter' ? base : letterModel(ctx, inspectionId, 'letter');
  return { ...base, version: letterVersion(sent) };
}

function asFile(fileName: string, mimeType: string, bytes: Buffer, count: number): ExportedFile {
  return { fileName, mimeType, bytes, size: bytes.length, count };
}

export async function buildLetter(
  ctx: CallContext,
  inspectionId: string,
  variant: LetterVariant = 'letter',
): Promise<ExportedFile> {
  ctx.progress(0, 2, 'Reading agreed findings');
  const model = letterModel(ctx, inspectionId, variant);
  ctx.progress(1, 2, 'Writing the letter');
  const { renderLetterDocx } = await import('./letter-docx.js');
  const bytes = await renderLetterDocx(model);
  ctx.progress(2, 2, 'Done');
  return asFile(
    `${fileBase(ctx, inspectionId)}-${variant === 'evidence-appendix' ? 'evidence-appendix-INTERNAL' : 'draft-letter'}.docx`,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    bytes,
    model.findingCount,
  );
}

/** A case's stage and on-list flag read the same in every output (the rule is in store/case-facts.ts). */
const caseStage = (stage: string | null): string => (stage === null ? 'Not recorded' : label(STAGES, stage));
const onListLabel = (onList: number | null): string =>
  onList === 1 ? 'Yes' : onList === 0 ? 'No' : 'Not known here (no case list on this laptop)';

export function buildEvidenceLog(ctx: ServiceContext, inspectionId: string): ExportedFile {
  const rows = evidenceLogRows(ctx.db, inspectionId);
  const csv = toCsv(
    [
      'Recorded at (UTC)',
      'Case reference',
      'Case stage',
      'Case on the list',
      'Source',
      'Agency',
      'Themes',
      'Polarity',
      'Author',
      'Note',
      'Linked findings',
    ],
    rows.map((row) => [
      row.created_at,
      row.case_ref,
      row.case_ref === null ? '' : caseStage(row.case_stage),
      row.case_ref === null ? '' : onListLabel(row.case_on_list),
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
      caseStage(row.stage),
      row.age_band ?? 'Not recorded',
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
    writeSync(fd, file.bytes);
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

function toComment(row: AccuracyCommentRow) {
  return {
    id: row.id,
    passage: row.passage ?? '',
    comment: row.comment ?? '',
    raisedBy: row.raised_by ?? '',
    response: row.response,
    decision: (row.decision as 'accepted' | 'partly' | 'not_accepted' | null) ?? null,
    letterVersion: row.letter_version ?? '',
    createdAt: row.created_at ?? '',
    respondedAt: row.responded_at,
  };
}

function requireComment(ctx: ServiceContext, id: string) {
  const row = accuracyComment(ctx.db, id);
  if (!row) throw new AppError('not_found', 'That accuracy comment was not found. It may have been removed on another laptop.');
  return row;
}

export function buildAccuracyLog(ctx: ServiceContext, inspectionId: string): ExportedFile {
  const model = letterModel(ctx, inspectionId);
  const rows = accuracyComments(ctx.db, inspectionId);
  const csv = toCsv(
    [
      'Letter version',
      'Comment made on version',
      'Raised by',
      'Passage',
      'Comment',
      'Decision',
      'Response',
      'Recorded at (UTC)',
      'Responded at (UTC)',
    ],
    rows.map((row) => [
      model.version,
      row.letter_version,
      row.raised_by,
      row.passage,
      row.comment,
      label(ACCURACY_DECISIONS, row.decision),
      row.response,
      row.created_at,
      row.responded_at,
    ]),
  );
  return asFile(
    `${fileBase(ctx, inspectionId)}-accuracy-round-v${model.version}.csv`,
    'text/csv',
    Buffer.from(csv, 'utf8'),
    rows.length,
  );
}

export const outputHandlers = {
  'outputs.letterPreview': (ctx, input) => {
    const model = letterModel(ctx, input.inspectionId, input.variant);
    const { inspection, details, addressees } = letterInputs(ctx, input.inspectionId);
    const names = new Map(addressees.map((a) => [a.role, a.name]));
    return {
      ...model,
      version: model.version ?? '',
      addressees: [...model.addressees],
      facts: [...model.facts],
      introduction: [...model.introduction],
      nextSteps: [...model.nextSteps],
      signOff: [...model.signOff],
      sections: model.sections.map((s) => ({
        heading: s.heading,
        groups: s.groups.map((g) => ({
          heading: g.heading,
          statements: g.statements.map((st) => ({ text: st.text, ...(st.evidence ? { evidence: [...st.evidence] } : {}) })),
        })),
      })),
      summaryIsPlaceholder: model.summary === SUMMARY_PLACEHOLDER,
      roles: rolesFor(inspection).map((role) => ({ role, label: LETTER_ROLES[role], name: names.get(role) ?? '' })),
      actionDeadline: details.letter_action_deadline,
    };
  },
  'outputs.setLetterDetails': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const addressees = input.addressees.filter((a) => a.name !== '');
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        {
          table: 'inspection',
          row: input.inspectionId,
          field: 'letter_addressees',
          value: Object.fromEntries(addressees.map((a) => [a.role, a.name])),
        },
        { table: 'inspection', row: input.inspectionId, field: 'letter_action_deadline', value: input.actionDeadline },
      ]),
    );
    return { saved: true as const };
  },
  'outputs.accuracyList': (ctx, input) => {
    const model = letterModel(ctx, input.inspectionId);
    return { letterVersion: model.version ?? '', comments: accuracyComments(ctx.db, input.inspectionId).map(toComment) };
  },
  'outputs.accuracyAdd': (ctx, input) => {
    const model = letterModel(ctx, input.inspectionId);
    const id = newId();
    const edit = (field: string, value: string | null) => ({ table: 'accuracy_comment' as const, row: id, field, value });
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        edit('passage', input.passage),
        edit('comment', input.comment),
        edit('raised_by', input.raisedBy),
        edit('letter_version', model.version ?? ''),
        edit('created_at', new Date(ctx.now()).toISOString()),
      ]),
    );
    return toComment(requireComment(ctx, id));
  },
  'outputs.accuracyRespond': (ctx, input) => {
    const row = requireComment(ctx, input.id);
    const edit = (field: string, value: string | null) => ({ table: 'accuracy_comment' as const, row: row.id, field, value });
    inTransaction(ctx, () =>
      writeEdits(ctx, row.inspection_id, [
        edit('decision', input.decision),
        edit('response', input.response),
        edit('responded_at', new Date(ctx.now()).toISOString()),
      ]),
    );
    return toComment(requireComment(ctx, row.id));
  },
  'outputs.accuracyLog': (ctx, input) => buildAccuracyLog(ctx, input.inspectionId),
  'outputs.setSummary': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        { table: 'inspection', row: input.inspectionId, field: 'letter_summary', value: input.summary },
      ]),
    );
    return { saved: true as const };
  },
  'outputs.letter': (ctx, input) => buildLetter(ctx, input.inspectionId, input.variant),
  'outputs.evidenceLog': (ctx, input) => buildEvidenceLog(ctx, input.inspectionId),
  'outputs.sampleSummary': (ctx, input) => buildSampleSummary(ctx, input.inspectionId),
} satisfies HandlerGroup<
  | 'outputs.letterPreview'
  | 'outputs.setSummary'
  | 'outputs.setLetterDetails'
  | 'outputs.letter'
  | 'outputs.evidenceLog'
  | 'outputs.sampleSummary'
  | 'outputs.accuracyList'
  | 'outputs.accuracyAdd'
  | 'outputs.accuracyRespond'
  | 'outputs.accuracyLog'
>;
