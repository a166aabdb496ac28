/**
 * Commands for escalations: a child found at immediate risk. Raising one is never refused for
 * its content (an empty concern is stored with a placeholder); escalations are never deleted.
 */
import * as z from 'zod';
import { Id } from '../domain/schemas.js';
import { Author } from './evidence.js';
import { mutation, query } from './command.js';

/** Stored when an escalation is raised before anyone has described the concern. */
export const CONCERN_PLACEHOLDER = 'Concern not yet described. Flagged as a child at immediate risk.';

export const ESCALATION_STEPS = {
  lead_told: 'Lead inspector told',
  area_told: 'Area told',
  police_told: 'Police told',
} as const;
export type EscalationStep = keyof typeof ESCALATION_STEPS;
export const EscalationStep = z.enum(['lead_told', 'area_told', 'police_told']);

export const Escalation = z.object({
  id: Id,
  inspectionId: Id,
  caseId: z.string().nullable(),
  caseRef: z.string().nullable(),
  concern: z.string(),
  identifiedBy: Author,
  identifiedAt: z.string(),
  leadToldAt: z.string().nullable(),
  areaToldAt: z.string().nullable(),
  policeNeeded: z.boolean().nullable(),
  policeToldAt: z.string().nullable(),
  laResponse: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedBy: Author.nullable(),
});
export type Escalation = z.infer<typeof Escalation>;

// Deliberately loose: nothing about the content may stop an escalation being recorded.
const LooseText = z.string().optional();

export const escalationCommands = {
  'escalations.list': query(z.object({ inspectionId: Id, openOnly: z.boolean().default(false) }), z.array(Escalation)),
  'escalations.raise': mutation(
    z.object({ inspectionId: Id, caseId: z.string().max(100).nullable().optional(), concern: LooseText }),
    Escalation,
  ),
  'escalations.update': mutation(
    z.object({ id: Id, concern: LooseText, policeNeeded: z.boolean().optional(), laResponse: LooseText }),
    Escalation,
  ),
  /** Records a checklist step as done now (or clears it with done: false). */
  'escalations.step': mutation(z.object({ id: Id, step: EscalationStep, done: z.boolean().default(true) }), Escalation),
  'escalations.close': mutation(z.object({ id: Id }), Escalation),
} as const;
