/** Commands for the case list (import), the sample (draw, add, remove, allocate) and case audits. */
import * as z from 'zod';
import { CASE_LIST_FIELD_KEYS, type CaseListField } from '../case-list/fields.js';
import { AgeBand, Agreement, AuditPromptKey, CaseStatus, Grade, Id, Stage } from '../domain/schemas.js';
import { DIMENSION_ORDER, type StratumDimension } from '../sampling/strata.js';
import { Bytes } from './bytes.js';
import { mutation, query } from './command.js';

/** Files over this size are refused before they are read (the bridge refuses the upload too). */
export const MAX_CASE_LIST_BYTES = 50 * 1024 * 1024;
export const CASE_LIST_TOO_LARGE = `The file is larger than ${MAX_CASE_LIST_BYTES / 1024 / 1024} MB. Split the list or remove columns Fieldwork does not need.`;

/** The longest column name a mapping holds; a longer one in a file is shortened to fit (main/services/case-list-import.ts). */
export const MAX_HEADER_CHARS = 200;
const HeaderName = z.string().max(MAX_HEADER_CHARS).nullable();
export const ColumnMapping = z.object(
  Object.fromEntries(CASE_LIST_FIELD_KEYS.map((field) => [field, HeaderName])) as Record<CaseListField, typeof HeaderName>,
);

export const StratumDimensionSchema = z.enum(DIMENSION_ORDER as [StratumDimension, ...StratumDimension[]]);
const Dimensions = z.array(StratumDimensionSchema).max(4);
const CaseRef = z.string().trim().min(1, 'Enter a case reference').max(60, 'A case reference is at most 60 characters');
const Reason = (what: string) => z.string().trim().min(1, `Give a reason for ${what}`).max(500);

export const SampleCriteriaSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('per_stratum'),
    dimensions: Dimensions,
    counts: z.record(z.string().max(400), z.number().int().min(0).max(100_000)),
  }),
  z.object({
    mode: z.literal('proportional'),
    dimensions: Dimensions,
    total: z.number().int().min(1, 'Ask for at least one case').max(100_000),
  }),
]);

const ImportInput = z.object({
  inspectionId: Id,
  fileName: z.string().trim().min(1).max(260),
  bytes: Bytes(MAX_CASE_LIST_BYTES, CASE_LIST_TOO_LARGE),
  mapping: ColumnMapping.optional(),
  /** A workbook's sheet to read (the first visible one when not given). */
  sheet: z.string().max(200).optional(),
  /** The line (CSV) or row (workbook) that holds the column names, when the user picked one. */
  headerLine: z.number().int().min(1).max(10_000_000).optional(),
});

export const CaseListEntryView = z.object({
  line: z.number().int(),
  caseRef: z.string(),
  ageBand: AgeBand.nullable(),
  stage: Stage.nullable(),
  legalStatus: z.string().nullable(),
  agencies: z.array(z.string()),
  flags: z.array(z.string()),
});

export const ImportPreview = z.object({
  fileName: z.string(),
  sha256: z.string(),
  encoding: z.string(),
  delimiter: z.string(),
  headers: z.array(z.string()),
  suggestedMapping: ColumnMapping,
  rememberedMapping: ColumnMapping.nullable(),
  mapping: ColumnMapping,
  referenceDate: z.string(),
  rows: z.array(CaseListEntryView),
  problems: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  duplicates: z.array(z.object({ caseRef: z.string(), lines: z.array(z.number().int()) })),
  total: z.number().int(),
  valid: z.number().int(),
  /** 'csv' numbers by file line, 'xlsx' by the sheet's row number. */
  format: z.enum(['csv', 'xlsx']),
  sheets: z.array(z.string()),
  sheet: z.string().nullable(),
  /** The line or row read as the column names, and the first rows the user can pick instead. */
  headerLine: z.number().int(),
  headerCandidates: z.array(z.object({ line: z.number().int(), text: z.string() })),
  /** Where the mapping came from: the user's choice, an earlier import of the same headers, or a guess. */
  mappingSource: z.enum(['chosen', 'remembered', 'guessed']),
  /** Fields whose column was guessed from the header names (shown as guessed in the preview). */
  guessedFields: z.array(z.string()),
  /** Fields the file seems to hold (a column's name says so) that the mapping leaves out. */
  unmappedFields: z.array(z.object({ field: z.string(), header: z.string() })),
  /** Rows not checked yet because no case reference column is chosen. */
  notChecked: z.number().int(),
  /** Rows that repeat an earlier row's case reference (not imported). */
  repeats: z.number().int(),
  /** Set when nothing can be imported yet (e.g. no case reference column chosen). */
  blocker: z.string().nullable(),
});

export const CaseListSummary = z.object({
  importId: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  rowCount: z.number().int(),
  importedAt: z.string(),
  mapping: ColumnMapping,
});

export const SamplingMethod = z.enum(['random', 'manual']);

export const SampledCase = z.object({
  id: Id,
  inspectionId: Id,
  caseRef: z.string(),
  ageBand: z.string().nullable(),
  stage: z.string().nullable(),
  legalStatus: z.string().nullable(),
  agencies: z.array(z.string()),
  flags: z.array(z.string()),
  samplingMethod: SamplingMethod,
  sampleRunId: z.string().nullable(),
  stratum: z.string().nullable(),
  /** On the lead's case list: true, false, or null when this laptop holds no list to tell. */
  onList: z.boolean().nullable(),
  selectionReason: z.string().nullable(),
  removed: z.boolean(),
  removalReason: z.string().nullable(),
  allocatedTo: z.string().nullable(),
  allocatedToName: z.string().nullable(),
  status: CaseStatus,
  laAuditGrade: Grade.nullable(),
  inspectorGrade: Grade.nullable(),
  auditAgreement: Agreement.nullable(),
  agreementReason: z.string().nullable(),
  prompts: z.record(z.string(), z.string()),
});
export type SampledCase = z.infer<typeof SampledCase>;

export const SampleRun = z.object({
  id: Id,
  seed: z.string(),
  criteria: SampleCriteriaSchema.nullable(),
  criteriaText: z.string(),
  sourceHash: z.string(),
  drawnAt: z.string(),
  drawnBy: z.string(),
  drawnByName: z.string().nullable(),
  caseCount: z.number().int(),
});

const StratumView = z.object({ key: z.string(), label: z.string(), size: z.number().int() });

export const AuditFields = z.object({
  status: CaseStatus.optional(),
  laAuditGrade: Grade.nullable().optional(),
  inspectorGrade: Grade.nullable().optional(),
  auditAgreement: Agreement.nullable().optional(),
  agreementReason: z.string().trim().max(2_000).optional(),
  prompts: z.partialRecord(AuditPromptKey, z.string().max(20_000)).optional(),
});

export const caseCommands = {
  'cases.previewImport': query(ImportInput, ImportPreview),
  'cases.commitImport': mutation(
    ImportInput.extend({ mapping: ColumnMapping }),
    z.object({
      importId: z.string(),
      sha256: z.string(),
      imported: z.number().int(),
      skipped: z.number().int(),
      duplicates: z.number().int(),
    }),
  ),
  'cases.caseList': query(z.object({ inspectionId: Id }), CaseListSummary.nullable()),
  'cases.strata': query(z.object({ inspectionId: Id, dimensions: Dimensions }), z.array(StratumView)),
  'cases.drawSample': mutation(
    z.object({ inspectionId: Id, criteria: SampleCriteriaSchema, seed: z.string().trim().min(1).max(64).optional() }),
    z.object({
      run: SampleRun,
      caseRefs: z.array(z.string()),
      strata: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          size: z.number().int(),
          wanted: z.number().int(),
          drawn: z.number().int(),
        }),
      ),
      added: z.number().int(),
      removed: z.number().int(),
    }),
  ),
  'cases.runs': query(z.object({ inspectionId: Id }), z.array(SampleRun)),
  'cases.list': query(z.object({ inspectionId: Id }), z.array(SampledCase)),
  'cases.get': query(z.object({ id: Id }), SampledCase),
  'cases.add': mutation(z.object({ inspectionId: Id, caseRef: CaseRef, reason: Reason('adding the case') }), SampledCase),
  'cases.remove': mutation(z.object({ id: Id, reason: Reason('removing the case') }), SampledCase),
  'cases.restore': mutation(z.object({ id: Id }), SampledCase),
  'cases.allocate': mutation(z.object({ id: Id, memberId: Id.nullable() }), SampledCase),
  'cases.autoAllocate': mutation(
    z.object({ inspectionId: Id }),
    z.object({ allocated: z.number().int(), members: z.number().int() }),
  ),
  'cases.updateAudit': mutation(z.object({ id: Id, fields: AuditFields }), SampledCase),
} as const;
