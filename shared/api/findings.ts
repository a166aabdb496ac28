/** Commands for draft findings, their linked evidence and their triangulation. */
import * as z from 'zod';
import { Agency, FindingKind, FindingStatus, Id, ShortText, Theme } from '../domain/schemas.js';
import { Author, EvidenceNote } from './evidence.js';
import { mutation, query } from './command.js';

export const FindingFields = z.object({
  kind: FindingKind,
  statement: z.string().trim().min(1, 'Write the finding’s statement').max(5_000),
  agencies: z.array(Agency).min(1, 'Choose at least one agency, or the partnership').max(8),
  theme: Theme.nullable(),
});
export type FindingFields = z.infer<typeof FindingFields>;

export const TriangulationSummary = z.object({
  noteCount: z.number().int(),
  caseCount: z.number().int(),
  sources: z.array(z.string()),
  agencies: z.array(z.string()),
  inspectors: z.array(z.string()),
  thin: z.boolean(),
  reasons: z.array(z.string()),
});

export const Finding = z.object({
  id: Id,
  inspectionId: Id,
  kind: FindingKind,
  statement: z.string(),
  agencies: z.array(Agency),
  theme: z.string().nullable(),
  status: FindingStatus,
  statusReason: z.string().nullable(),
  author: Author,
  createdAt: z.string(),
  noteIds: z.array(Id),
  triangulation: TriangulationSummary,
});
export type Finding = z.infer<typeof Finding>;

export const FindingDetail = Finding.extend({
  notes: z.array(EvidenceNote),
  /** Inspector names for the triangulation's author keys. */
  inspectorNames: z.array(z.string()),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const FindingFilters = z.object({
  kind: FindingKind.optional(),
  status: FindingStatus.optional(),
  agency: Agency.optional(),
  theme: Theme.optional(),
});

export const findingCommands = {
  'findings.list': query(z.object({ inspectionId: Id, filters: FindingFilters.default({}) }), z.array(Finding)),
  'findings.get': query(z.object({ id: Id }), FindingDetail),
  'findings.create': mutation(z.object({ inspectionId: Id, fields: FindingFields }), FindingDetail),
  'findings.update': mutation(z.object({ id: Id, fields: FindingFields }), FindingDetail),
  'findings.setStatus': mutation(z.object({ id: Id, status: FindingStatus, reason: ShortText.optional() }), FindingDetail),
  /** `reason` is required (lead only) when the finding is agreed: docs/authority.md. */
  'findings.link': mutation(
    z.object({ findingId: Id, noteId: Id, reason: z.string().trim().max(2000).optional() }),
    FindingDetail,
  ),
  'findings.unlink': mutation(
    z.object({ findingId: Id, noteId: Id, reason: z.string().trim().max(2000).optional() }),
    FindingDetail,
  ),
} as const;
