/** Retention: purging an inspection from this laptop, and the record that it happened. */
import * as z from 'zod';
import { Id } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const PurgeRecord = z.object({ inspectionId: Id, purgedAt: z.string(), purgedBy: z.string() });

/** One file in the data folder a purge removed, or cleaned of the inspection (other inspections in it kept). */
export const PurgedFile = z.object({
  path: z.string(),
  action: z.enum(['removed', 'cleaned']),
  what: z.enum(['backup', 'setAside', 'readable', 'bundle', 'leftover']),
  note: z.string().optional(),
});

export const purgeCommands = {
  'inspections.purge': mutation(
    z.object({
      id: Id,
      /** The local authority's name typed by the user, so a purge is never one stray click. */
      confirmation: z.string().max(200),
      /**
       * The open escalations the user was shown and agreed may go too. A purge that would remove
       * an open escalation not named here (one that arrived after the dialog opened, or a caller
       * that never asked) is refused with a sentence listing them.
       */
      removeOpenEscalations: z.array(Id).max(10_000).default([]),
    }),
    z.object({
      purged: z.literal(true),
      filesRemoved: z.number().int(),
      files: z.array(PurgedFile),
      /** What was removed and what was cleaned, in one sentence for the user. */
      summary: z.string(),
    }),
  ),
  'inspections.purgeLog': query(z.object({}), z.array(PurgeRecord)),
} as const;
