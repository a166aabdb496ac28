/** Moderation at the team meeting: agreed findings are locked, duplicates are merged. */
import * as z from 'zod';
import { Id, ShortText } from '../domain/schemas.js';
import { FindingFields } from './findings.js';
import { mutation } from './command.js';

const Reason = ShortText.min(1, 'Give a reason: it is recorded with the change');

export const moderationCommands = {
  /** Changing an agreed finding needs a reason, recorded with the edit in the same changeset. */
  'moderation.editAgreed': mutation(z.object({ id: Id, fields: FindingFields, reason: Reason }), z.object({ id: Id })),
  /** Merges duplicates into one finding, keeping every evidence link; the others are withdrawn. */
  'moderation.merge': mutation(
    z.object({ targetId: Id, sourceIds: z.array(Id).min(1, 'Choose the duplicates to merge').max(50), reason: Reason }),
    z.object({ targetId: Id, linksAdded: z.number().int(), withdrawn: z.number().int() }),
  ),
} as const;
