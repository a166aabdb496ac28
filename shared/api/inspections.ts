/** Commands for inspections, the team roster and this device. */
import { z } from 'zod';
import { Id, Inspection, InspectionFields, InspectionStatus, TeamMember, TeamMemberFields } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const DeviceInfo = z.object({
  author: z.string(),
  fingerprint: z.string(),
  ageRecipient: z.string(),
  displayName: z.string().nullable(),
  keyProtection: z.string(),
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
} as const;
