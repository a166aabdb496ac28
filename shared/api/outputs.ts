/**
 * The lead's outputs: the draft letter (.docx, and its internal evidence-appendix variant), the
 * letter's details (addressees, action deadline), the factual-accuracy round, the evidence log
 * and the case sample summary (CSV).
 */
import * as z from 'zod';
import { Id, IsoDate, LongText, ShortText } from '../domain/schemas.js';
import { LETTER_ROLES } from '../outputs/letter-model.js';
import { Bytes } from './bytes.js';
import { mutation, query } from './command.js';

export const ExportedFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  bytes: Bytes(),
  size: z.number().int(),
  /** Findings in the letter, or rows in a CSV. */
  count: z.number().int(),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const LetterVariant = z.enum(['letter', 'evidence-appendix']);
export const LetterRole = z.enum(Object.keys(LETTER_ROLES) as [keyof typeof LETTER_ROLES, ...(keyof typeof LETTER_ROLES)[]]);

const Statement = z.object({ text: z.string(), evidence: z.array(z.string()).optional() });

export const LetterPreview = z.object({
  variant: LetterVariant,
  shape: z.enum(['jtai', 'ilacs', 'visit']),
  marking: z.string(),
  addressees: z.array(z.string()),
  date: z.string(),
  salutation: z.string().nullable(),
  title: z.string(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  introduction: z.array(z.string()),
  summary: z.string(),
  summaryIsPlaceholder: z.boolean(),
  sections: z.array(
    z.object({ heading: z.string(), groups: z.array(z.object({ heading: z.string(), statements: z.array(Statement) })) }),
  ),
  nextSteps: z.array(z.string()),
  signOff: z.array(z.string()),
  findingCount: z.number().int(),
  version: z.string(),
  /** The roles this letter is addressed to, with the names set so far (for the details form). */
  roles: z.array(z.object({ role: LetterRole, label: z.string(), name: z.string() })),
  actionDeadline: z.string().nullable(),
});

export const ACCURACY_DECISIONS = {
  accepted: 'Accepted: the letter is changed',
  partly: 'Partly accepted',
  not_accepted: 'Not accepted',
} as const;
export const AccuracyDecision = z.enum(['accepted', 'partly', 'not_accepted']);

export const AccuracyComment = z.object({
  id: z.string(),
  passage: z.string(),
  comment: z.string(),
  raisedBy: z.string(),
  response: z.string().nullable(),
  decision: AccuracyDecision.nullable(),
  letterVersion: z.string(),
  createdAt: z.string(),
  respondedAt: z.string().nullable(),
});

const variantInput = z.object({ inspectionId: Id, variant: LetterVariant.default('letter') });

export const outputCommands = {
  'outputs.letterPreview': query(variantInput, LetterPreview),
  'outputs.setSummary': mutation(
    z.object({ inspectionId: Id, summary: z.string().trim().max(20_000) }),
    z.object({ saved: z.literal(true) }),
  ),
  /** Whom the letter is addressed to and when the statement of action is due. */
  'outputs.setLetterDetails': mutation(
    z.object({
      inspectionId: Id,
      addressees: z.array(z.object({ role: LetterRole, name: z.string().trim().max(200) })).max(10),
      actionDeadline: IsoDate.nullable(),
    }),
    z.object({ saved: z.literal(true) }),
  ),
  'outputs.letter': query(variantInput, ExportedFile),
  'outputs.evidenceLog': query(z.object({ inspectionId: Id }), ExportedFile),
  'outputs.sampleSummary': query(z.object({ inspectionId: Id }), ExportedFile),
  /** The factual-accuracy round: the area's comments against letter passages, and the lead's responses. */
  'outputs.accuracyList': query(
    z.object({ inspectionId: Id }),
    z.object({ letterVersion: z.string(), comments: z.array(AccuracyComment) }),
  ),
  'outputs.accuracyAdd': mutation(
    z.object({
      inspectionId: Id,
      passage: z.string().trim().min(1, 'Quote the passage the comment is about.').max(5_000),
      comment: LongText.pipe(z.string().min(1, 'Enter the area’s comment.')),
      raisedBy: ShortText.pipe(z.string().min(1, 'Say who raised it (for example, the director of children’s services).')),
    }),
    AccuracyComment,
  ),
  'outputs.accuracyRespond': mutation(
    z.object({
      id: Id,
      decision: AccuracyDecision,
      response: LongText.pipe(z.string().min(1, 'Enter the response to the comment.')),
    }),
    AccuracyComment,
  ),
  /** The accuracy round as a CSV, stamped with the letter version it was made on. */
  'outputs.accuracyLog': query(z.object({ inspectionId: Id }), ExportedFile),
} as const;
