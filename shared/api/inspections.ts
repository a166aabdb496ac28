/** Commands for inspections, the team roster and this device. */
import * as z from 'zod';
import { Id, Inspection, InspectionFields, InspectionStatus, TeamMember, TeamMemberFields } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const DeviceInfo = z.object({
  author: z.string(),
  fingerprint: z.string(),
  ageRecipient: z.string(),
  displayName: z.string().nullable(),
  keyProtection: z.string(),
});

/** A key or a member's return that an import would add, held until the lead confirms it. */
export const HeldKey = z.object({
  opId: z.string(),
  /** Whose change it is. */
  by: z.object({ key: z.string(), name: z.string() }),
  /** The roster row it changes, and its name if known. */
  memberId: z.string(),
  memberName: z.string().nullable(),
  kind: z.enum(['signing_key', 'box_key', 'restore']),
  /** The key it would add (null for a member's return). */
  key: z.string().nullable(),
  /** One sentence: who wants to add what. */
  message: z.string(),
});

export const inspectionCommands = {
  'device.info': query(z.object({}), DeviceInfo),
  'device.setName': mutation(z.object({ displayName: z.string().trim().min(1).max(120) }), DeviceInfo),
  'inspections.list': query(z.object({}), z.array(Inspection)),
  'inspections.get': query(z.object({ id: Id }), Inspection),
  'inspections.create': mutation(
    z.object({ fields: InspectionFields, leadName: z.string().trim().min(1).max(120).optional() }),
    Inspection,
  ),
  'inspections.update': mutation(z.object({ id: Id, fields: InspectionFields, status: InspectionStatus.optional() }), Inspection),
  'team.list': query(z.object({ inspectionId: Id }), z.array(TeamMember)),
  'team.add': mutation(z.object({ inspectionId: Id, fields: TeamMemberFields }), TeamMember),
  'team.update': mutation(z.object({ id: Id, fields: TeamMemberFields }), TeamMember),
  'team.remove': mutation(z.object({ id: Id }), z.object({ removed: z.literal(true) })),
  /**
   * Hands the lead role to another member (lead only): their row becomes `lead`, the old
   * lead's row `inspector`, in one changeset. Refusals are `forbidden` with a sentence.
   */
  'team.handOverLead': mutation(z.object({ inspectionId: Id, memberId: Id }), z.array(TeamMember)),
  /** Keys that imports would add, waiting for the lead's confirmation (docs/authority.md). */
  'team.heldKeys': query(z.object({ inspectionId: Id }), z.array(HeldKey)),
  /** The lead confirms held keys (all, or the listed ops); they then take effect. */
  'team.confirmKeys': mutation(
    z.object({ inspectionId: Id, opIds: z.array(z.string()).optional() }),
    z.object({ confirmed: z.number().int() }),
  ),
} as const;
