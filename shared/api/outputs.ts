/** The lead's outputs: the draft letter (.docx), the evidence log and the case sample summary (CSV). */
import { z } from 'zod';
import { Id } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const ExportedFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  bytesBase64: z.string(),
  size: z.number().int(),
  /** Findings in the letter, or rows in a CSV. */
  count: z.number().int(),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const LetterPreview = z.object({
  title: z.string(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  summary: z.string(),
  summaryIsPlaceholder: z.boolean(),
  sections: z.array(
    z.object({ heading: z.string(), groups: z.array(z.object({ heading: z.string(), statements: z.array(z.string()) })) }),
  ),
  findingCount: z.number().int(),
});

export const outputCommands = {
  'outputs.letterPreview': query(z.object({ inspectionId: Id }), LetterPreview),
  'outputs.setSummary': mutation(
    z.object({ inspectionId: Id, summary: z.string().trim().max(20_000) }),
    z.object({ saved: z.literal(true) }),
  ),
  'outputs.letter': query(z.object({ inspectionId: Id }), ExportedFile),
  'outputs.evidenceLog': query(z.object({ inspectionId: Id }), ExportedFile),
  'outputs.sampleSummary': query(z.object({ inspectionId: Id }), ExportedFile),
} as const;
