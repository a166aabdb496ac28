/** Zod schemas for domain values that cross the API. Lengths bound every free text. */
import * as z from 'zod';
import {
  AGE_BANDS,
  AGENCIES,
  AGREEMENT,
  AUDIT_PROMPTS,
  CASE_STATUSES,
  FINDING_KINDS,
  FINDING_STATUSES,
  GRADES,
  INSPECTION_STATUSES,
  INSPECTION_TYPES,
  INSPECTORATES,
  POLARITIES,
  ROLES,
  SOURCES,
  SPECIALISMS,
  STAGES,
  keysOf,
} from './vocabulary.js';

export const Id = z.uuid();
export const IsoDate = z.iso.date();

const trimmed = (max: number) => z.string().trim().max(max);
export const ShortText = trimmed(200);
export const LongText = trimmed(20_000);

export const InspectionType = z.enum(keysOf(INSPECTION_TYPES));
export const Inspectorate = z.enum(keysOf(INSPECTORATES));
export const Role = z.enum(keysOf(ROLES));
export const Specialism = z.enum(keysOf(SPECIALISMS));
export const InspectionStatus = z.enum(keysOf(INSPECTION_STATUSES));
export const Stage = z.enum(keysOf(STAGES));
export const AgeBand = z.enum(AGE_BANDS);
export const Agency = z.enum(keysOf(AGENCIES));
export const Source = z.enum(keysOf(SOURCES));
export const Polarity = z.enum(keysOf(POLARITIES));
export const FindingKind = z.enum(keysOf(FINDING_KINDS));
export const FindingStatus = z.enum(keysOf(FINDING_STATUSES));
export const CaseStatus = z.enum(keysOf(CASE_STATUSES));
export const Grade = z.enum(keysOf(GRADES));
export const Agreement = z.enum(keysOf(AGREEMENT));
export const AuditPromptKey = z.enum(keysOf(AUDIT_PROMPTS));
export const Theme = trimmed(120).min(1);

export const InspectionFields = z
  .object({
    type: InspectionType,
    localAuthority: trimmed(120).min(1, 'Enter the local authority'),
    laCode: trimmed(10).optional(),
    theme: trimmed(200).optional(),
    fieldworkStart: IsoDate,
    fieldworkEnd: IsoDate,
    reviewStart: IsoDate.optional(),
    reviewEnd: IsoDate.optional(),
    inspectorates: z.array(Inspectorate).min(1, 'Choose at least one inspectorate').max(8),
  })
  .refine((v) => v.fieldworkEnd >= v.fieldworkStart, {
    message: 'Fieldwork must end on or after the day it starts',
    path: ['fieldworkEnd'],
  })
  .refine((v) => !v.reviewStart || !v.reviewEnd || v.reviewEnd >= v.reviewStart, {
    message: 'The period under review must end on or after it starts',
    path: ['reviewEnd'],
  });

export const Inspection = z.object({
  id: Id,
  type: InspectionType,
  localAuthority: z.string(),
  laCode: z.string().nullable(),
  theme: z.string().nullable(),
  fieldworkStart: z.string(),
  fieldworkEnd: z.string(),
  reviewStart: z.string().nullable(),
  reviewEnd: z.string().nullable(),
  inspectorates: z.array(Inspectorate),
  status: InspectionStatus,
  conflictCount: z.number().int(),
  openEscalations: z.number().int(),
  myRole: Role.nullable(),
});
export type Inspection = z.infer<typeof Inspection>;

export const TeamMemberFields = z.object({
  name: trimmed(120).min(1, 'Enter a name'),
  inspectorate: Inspectorate,
  role: Role,
  specialism: Specialism,
  signingKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'A device key is 43 characters')
    .optional(),
  boxKey: z
    .string()
    .regex(/^age1[02-9ac-hj-np-z]{58}$/, 'An encryption key starts with age1')
    .optional(),
});

export const TeamMember = z.object({
  id: Id,
  inspectionId: Id,
  name: z.string(),
  inspectorate: Inspectorate,
  role: Role,
  specialism: Specialism,
  signingKey: z.string().nullable(),
  boxKey: z.string().nullable(),
  isMe: z.boolean(),
  /** The latest roster change to this row that took effect: who signed it (name) and when. */
  lastChange: z.object({ by: z.string(), byKey: z.string(), at: z.string() }).nullable().optional(),
});
export type TeamMember = z.infer<typeof TeamMember>;
