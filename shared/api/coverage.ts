/** The coverage dashboard: what the sample, the evidence and the findings cover so far. */
import * as z from 'zod';
import { Agency, CaseStatus, FindingKind, Id, Stage } from '../domain/schemas.js';
import { query } from './command.js';

export const Coverage = z.object({
  casesByStage: z.array(z.object({ stage: Stage.nullable(), status: CaseStatus, count: z.number().int() })),
  notesByThemeAgency: z.array(z.object({ theme: z.string(), agency: Agency.nullable(), count: z.number().int() })),
  findingsByKindAgency: z.array(z.object({ kind: FindingKind, agency: Agency, count: z.number().int() })),
  themes: z.array(
    z.object({
      theme: z.string(),
      noteCount: z.number().int(),
      caseCount: z.number().int(),
      sourceCount: z.number().int(),
      level: z.enum(['none', 'thin', 'covered']),
    }),
  ),
});
export type Coverage = z.infer<typeof Coverage>;

export const coverageCommands = {
  'coverage.summary': query(z.object({ inspectionId: Id }), Coverage),
} as const;
