/** Inspections, the team roster and this device's identity. */
import type { z } from 'zod';
import { newId } from '../../shared/domain/ids.js';
import type { Inspection, InspectionFields, TeamMember, TeamMemberFields } from '../../shared/domain/schemas.js';
import type { InspectionStatus, Inspectorate, InspectionType, Role, Specialism } from '../../shared/domain/vocabulary.js';
import { AppError } from '../../shared/errors.js';
import { readMeta, writeMeta } from '../store/meta-repo.js';
import {
  getInspection,
  getTeamMember,
  listInspections,
  listTeam,
  type InspectionRow,
  type TeamMemberRow,
} from '../store/inspections-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { confirmHeld, currentState } from '../sync/authority.js';
import { listVerdicts, rosterLastChanges } from '../store/authority-repo.js';
import { parseHlc } from '../../shared/sync/hlc.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';

const DISPLAY_NAME_KEY = 'device.displayName';

function parseList<T>(json: string | null): T[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function toInspection(row: InspectionRow): Inspection {
  return {
    id: row.id,
    type: (row.type ?? 'focused_visit') as InspectionType,
    localAuthority: row.local_authority ?? '',
    laCode: row.la_code,
    theme: row.theme,
    fieldworkStart: row.fieldwork_start ?? '',
    fieldworkEnd: row.fieldwork_end ?? '',
    reviewStart: row.review_start,
    reviewEnd: row.review_end,
    inspectorates: parseList<Inspectorate>(row.inspectorates),
    status: (row.status ?? 'setup') as InspectionStatus,
    conflictCount: row.conflict_count,
    openEscalations: row.open_escalations,
    myRole: (row.my_role as Role | null) ?? null,
  };
}

function toMember(row: TeamMemberRow, me: string, last?: { by: string; byKey: string; at: string } | null): TeamMember {
  return {
    lastChange: last ?? null,
    id: row.id,
    inspectionId: row.inspection_id,
    name: row.name ?? '',
    inspectorate: (row.inspectorate ?? 'ofsted') as Inspectorate,
    role: (row.role ?? 'inspector') as Role,
    specialism: (row.specialism ?? 'social_care') as Specialism,
    signingKey: row.signing_key,
    boxKey: row.box_key,
    isMe: row.signing_key !== null && row.signing_key === me,
  };
}

function listTeamWithChanges(ctx: ServiceContext, inspectionId: string): TeamMember[] {
  const rows = listTeam(ctx.db, inspectionId);
  const last = rosterLastChanges(ctx.db, inspectionId);
  const names = new Map(rows.filter((r) => r.signing_key).map((r) => [r.signing_key as string, r.name ?? '']));
  return rows.map((row) => {
    const change = last.get(row.id);
    return toMember(
      row,
      ctx.device.author,
      change
        ? {
            by: names.get(change.author) || `Inspector ${change.author.slice(0, 6)}`,
            byKey: change.author,
            at: new Date(parseHlc(change.hlc).wallMs).toISOString(),
          }
        : null,
    );
  });
}

function heldKeys(ctx: ServiceContext, inspectionId: string) {
  const names = new Map(
    listTeam(ctx.db, inspectionId)
      .filter((r) => r.signing_key)
      .map((r) => [r.signing_key as string, r.name ?? '']),
  );
  const held = listVerdicts(ctx.db, inspectionId, 'held');
  // A proposed new member's name is held with its keys: the list names it, and lists the keys.
  const heldNames = new Map(held.filter((v) => v.field === 'name').map((v) => [v.row, JSON.parse(v.value) as string]));
  const state = currentState(ctx.db, inspectionId);
  return held
    .filter((v) => ['signing_key', 'box_key', '_deleted'].includes(v.field))
    .map((v) => {
      const member = getTeamMember(ctx.db, v.row);
      const value = JSON.parse(v.value) as unknown;
      return {
        opId: v.opId,
        by: { key: v.member, name: names.get(v.member) || `Inspector ${v.member.slice(0, 6)}` },
        memberId: v.row,
        memberName: member?.name ?? heldNames.get(v.row) ?? state.rows.get(v.row)?.name ?? null,
        kind: v.field === '_deleted' ? ('restore' as const) : (v.field as 'signing_key' | 'box_key'),
        key: typeof value === 'string' ? value : null,
        message: v.message,
      };
    });
}

export function requireInspection(ctx: ServiceContext, id: string): Inspection {
  const row = getInspection(ctx.db, id, ctx.device.author);
  if (!row) throw notFound('The inspection', id);
  return toInspection(row);
}

function inspectionEdits(id: string, fields: z.output<typeof InspectionFields>): FieldEdit[] {
  const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'inspection', row: id, field, value });
  return [
    set('type', fields.type),
    set('local_authority', fields.localAuthority),
    set('la_code', fields.laCode ?? null),
    set('theme', fields.theme ? fields.theme : null),
    set('fieldwork_start', fields.fieldworkStart),
    set('fieldwork_end', fields.fieldworkEnd),
    set('review_start', fields.reviewStart ?? null),
    set('review_end', fields.reviewEnd ?? null),
    set('inspectorates', [...new Set(fields.inspectorates)]),
  ];
}

function memberEdits(id: string, fields: z.output<typeof TeamMemberFields>): FieldEdit[] {
  const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'team_member', row: id, field, value });
  const edits = [
    set('name', fields.name),
    set('inspectorate', fields.inspectorate),
    set('role', fields.role),
    set('specialism', fields.specialism),
  ];
  if (fields.signingKey !== undefined) edits.push(set('signing_key', fields.signingKey));
  if (fields.boxKey !== undefined) edits.push(set('box_key', fields.boxKey));
  return edits;
}

function deviceInfo(ctx: ServiceContext) {
  return {
    author: ctx.device.author,
    fingerprint: fingerprint(ctx.device.author),
    ageRecipient: ctx.device.ageRecipient,
    displayName: readMeta(ctx.db, DISPLAY_NAME_KEY),
    keyProtection: ctx.keyProtection,
  };
}

export const inspectionHandlers = {
  'device.info': (ctx) => deviceInfo(ctx),
  'device.setName': (ctx, input) => {
    writeMeta(ctx.db, DISPLAY_NAME_KEY, input.displayName);
    return deviceInfo(ctx);
  },
  'inspections.list': (ctx) => listInspections(ctx.db, ctx.device.author).map(toInspection),
  'inspections.get': (ctx, input) => requireInspection(ctx, input.id),
  'inspections.create': (ctx, input) => {
    const id = newId();
    const leadName = input.leadName ?? readMeta(ctx.db, DISPLAY_NAME_KEY) ?? 'Lead inspector';
    inTransaction(ctx, () => {
      writeEdits(ctx, id, [
        ...inspectionEdits(id, input.fields),
        { table: 'inspection', row: id, field: 'status', value: 'setup' },
      ]);
      const memberId = newId();
      writeEdits(
        ctx,
        id,
        memberEdits(memberId, {
          name: leadName,
          inspectorate: input.fields.inspectorates[0] ?? 'ofsted',
          role: 'lead',
          specialism: 'social_care',
          signingKey: ctx.device.author,
          boxKey: ctx.device.ageRecipient,
        }),
      );
    });
    return requireInspection(ctx, id);
  },
  'inspections.update': (ctx, input) => {
    requireInspection(ctx, input.id);
    inTransaction(ctx, () => {
      const edits = inspectionEdits(input.id, input.fields);
      if (input.status) edits.push({ table: 'inspection', row: input.id, field: 'status', value: input.status });
      writeEdits(ctx, input.id, edits);
    });
    return requireInspection(ctx, input.id);
  },
  'team.list': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return listTeamWithChanges(ctx, input.inspectionId);
  },
  'team.handOverLead': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const target = getTeamMember(ctx.db, input.memberId);
    if (!target || !listTeam(ctx.db, input.inspectionId).some((m) => m.id === target.id)) {
      throw notFound('The team member', input.memberId);
    }
    if (!target.signing_key) {
      throw new AppError(
        'invalid_input',
        `Add ${target.name ?? 'the member'}’s device key before handing the lead over to them.`,
      );
    }
    const mine = listTeam(ctx.db, input.inspectionId).find((m) => m.signing_key === ctx.device.author && m.role === 'lead');
    if (!mine) throw new AppError('forbidden', 'Only the lead can hand the lead over.');
    if (mine.id === target.id) return listTeamWithChanges(ctx, input.inspectionId);
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        { table: 'team_member', row: target.id, field: 'role', value: 'lead' },
        { table: 'team_member', row: mine.id, field: 'role', value: 'inspector' },
      ]),
    );
    return listTeamWithChanges(ctx, input.inspectionId);
  },
  'team.heldKeys': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return heldKeys(ctx, input.inspectionId);
  },
  'team.confirmKeys': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    if (currentState(ctx.db, input.inspectionId).lead() !== ctx.device.author) {
      throw new AppError('forbidden', 'Only the lead can confirm new keys for the team.');
    }
    const confirmed = inTransaction(ctx, () => {
      const done = confirmHeld(ctx.db, input.inspectionId, input.opIds);
      if (done.adopt.length > 0) writeEdits(ctx, input.inspectionId, done.adopt as FieldEdit[]);
      return done.confirmed;
    });
    return { confirmed };
  },
  'team.add': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const id = newId();
    inTransaction(ctx, () => {
      if (
        input.fields.signingKey &&
        listTeam(ctx.db, input.inspectionId).some((m) => m.signing_key === input.fields.signingKey)
      ) {
        throw new AppError('conflict', 'A team member already uses that device key.');
      }
      writeEdits(ctx, input.inspectionId, memberEdits(id, input.fields));
    });
    return toMember(getTeamMember(ctx.db, id) as TeamMemberRow, ctx.device.author);
  },
  'team.update': (ctx, input) => {
    const existing = getTeamMember(ctx.db, input.id);
    if (!existing) throw notFound('The team member', input.id);
    inTransaction(ctx, () => writeEdits(ctx, existing.inspection_id, memberEdits(input.id, input.fields)));
    return toMember(getTeamMember(ctx.db, input.id) as TeamMemberRow, ctx.device.author);
  },
  'team.remove': (ctx, input) => {
    const existing = getTeamMember(ctx.db, input.id);
    if (!existing) throw notFound('The team member', input.id);
    if (existing.signing_key === ctx.device.author && existing.role === 'lead') {
      throw new AppError('invalid_input', 'The lead inspector cannot remove themselves from the team.');
    }
    inTransaction(ctx, () =>
      writeEdits(ctx, existing.inspection_id, [{ table: 'team_member', row: input.id, field: '_deleted', value: true }]),
    );
    return { removed: true as const };
  },
} satisfies HandlerGroup<
  | 'device.info'
  | 'device.setName'
  | 'inspections.list'
  | 'inspections.get'
  | 'inspections.create'
  | 'inspections.update'
  | 'team.list'
  | 'team.add'
  | 'team.update'
  | 'team.remove'
  | 'team.handOverLead'
  | 'team.heldKeys'
  | 'team.confirmKeys'
>;
