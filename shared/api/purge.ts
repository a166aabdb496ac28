/** Retention: purging an inspection from this laptop, and the record that it happened. */
import { z } from 'zod';
import { Id } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const PurgeRecord = z.object({ inspectionId: Id, purgedAt: z.string(), purgedBy: z.string() });

export const purgeCommands = {
  'inspections.purge': mutation(
    z.object({
      id: Id,
      /** The local authority's name typed by the user, so a purge is never one stray click. */
      confirmation: z.string().max(200),
    }),
    z.object({ purged: z.literal(true), filesRemoved: z.number().int() }),
  ),
  'inspections.purgeLog': query(z.object({}), z.array(PurgeRecord)),
} as const;
