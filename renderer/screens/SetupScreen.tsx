/** The inspection's set-up (lead) and its team roster with each member's device keys. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CommandInput, CommandOutput } from '../../shared/api/index.js';
import {
  INSPECTORATES,
  ROLES,
  SPECIALISMS,
  type Inspectorate,
  type Role,
  type Specialism,
} from '../../shared/domain/vocabulary.js';
import { useApi, useCommand } from '../api/hooks.js';
import { Field, fieldErrors, Select } from '../components/form.js';
import { InspectionForm } from '../components/InspectionForm.js';
import { LetterRecipients } from '../components/LetterDetails.js';
import { PurgeInspection } from '../components/PurgeInspection.js';
import { DeviceKeys } from '../components/DeviceKeys.js';
import { formatDateTime } from '../components/dates.js';
import { boxKeyProblem, normaliseBoxKey, signingKeyProblem } from '../components/member-keys.js';
import { useUi } from '../state/ui-store.js';

type MemberFields = CommandInput<'team.add'>['fields'];
type Member = CommandOutput<'team.list'>[number];
const emptyMember: MemberFields = { name: '', inspectorate: 'ofsted', role: 'inspector', specialism: 'social_care' };

/** Who last changed a roster row (null for rows no change has reached since the store began keeping it). */
type LastChange = NonNullable<Member['lastChange']>;
function lastChangeOf(member: Member): LastChange | null {
  return member.lastChange ?? null;
}
function lastChangeText(change: LastChange | null): string {
  if (!change) return '—';
  return `${change.by}, ${formatDateTime(change.at)}`;
}

/** Plain-word checks first; the store's own check answers only what these do not catch. */
function localErrors(fields: MemberFields): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.name.trim() === '') errors.name = 'Enter the team member’s name.';
  const signing = signingKeyProblem(fields.signingKey ?? '');
  if (signing) errors.signingKey = signing;
  const box = boxKeyProblem(fields.boxKey ?? '');
  if (box) errors.boxKey = box;
  return errors;
}

function cleanFields(fields: MemberFields): MemberFields {
  const cleaned: MemberFields = { ...fields, name: fields.name.trim() };
  const signing = (fields.signingKey ?? '').trim();
  const box = normaliseBoxKey(fields.boxKey ?? '');
  if (signing) cleaned.signingKey = signing;
  else delete cleaned.signingKey;
  if (box) cleaned.boxKey = box;
  else delete cleaned.boxKey;
  return cleaned;
}

function MemberFieldsForm({
  title,
  titleId,
  initial,
  submitLabel,
  pending,
  serverError,
  onSubmit,
  onCancel,
}: {
  title: string;
  titleId: string;
  initial: MemberFields;
  submitLabel: string;
  pending: boolean;
  serverError: { message: string; details?: Readonly<Record<string, unknown>> | undefined } | null;
  onSubmit: (fields: MemberFields, reset: () => void) => void;
  onCancel?: () => void;
}) {
  const [fields, setFields] = useState<MemberFields>(initial);
  const [checked, setChecked] = useState<Record<string, string> | null>(null);
  const errors = { ...fieldErrors(serverError?.details), ...(checked ?? {}) };
  const set = <K extends keyof MemberFields>(key: K, value: MemberFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = localErrors(fields);
    setChecked(problems);
    if (Object.keys(problems).length > 0) return;
    onSubmit(cleanFields(fields), () => {
      setFields(emptyMember);
      setChecked(null);
    });
  };
  return (
    <form className="form-grid form-compact" onSubmit={submit} noValidate aria-labelledby={titleId}>
      <h3 id={titleId} tabIndex={-1}>
        {title}
      </h3>
      {serverError && !serverError.details && <p role="alert">{serverError.message}</p>}
      <div className="form-row">
        <Field label="Name" error={errors.name}>
          {(p) => (
            <input {...p} type="text" value={fields.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" />
          )}
        </Field>
        <Field label="Inspectorate" error={errors.inspectorate}>
          {(p) => (
            <Select<Inspectorate>
              {...p}
              value={fields.inspectorate}
              onChange={(v) => set('inspectorate', v)}
              options={INSPECTORATES}
            />
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Role" error={errors.role}>
          {(p) => <Select<Role> {...p} value={fields.role} onChange={(v) => set('role', v)} options={ROLES} />}
        </Field>
        <Field label="Specialism" error={errors.specialism}>
          {(p) => (
            <Select<Specialism> {...p} value={fields.specialism} onChange={(v) => set('specialism', v)} options={SPECIALISMS} />
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field
          label="Device signing key"
          hint="From the inspector’s “Your keys” panel. Can be added later: choose Edit on their row."
          error={errors.signingKey}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              className="mono"
              spellCheck={false}
              value={fields.signingKey ?? ''}
              onChange={(e) => set('signingKey', e.target.value)}
            />
          )}
        </Field>
        <Field label="Device encryption key" hint="Starts with age1; 62 characters" error={errors.boxKey}>
          {(p) => (
            <input
              {...p}
              type="text"
              className="mono"
              spellCheck={false}
              value={fields.boxKey ?? ''}
              onChange={(e) => set('boxKey', e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={pending}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function AddMember({ inspectionId }: { inspectionId: string }) {
  const add = useCommand('team.add');
  const notice = useUi((s) => s.noticeShown);
  return (
    <MemberFieldsForm
      title="Add a team member"
      titleId="add-member-title"
      initial={emptyMember}
      submitLabel="Add to team"
      pending={add.isPending}
      serverError={add.error}
      onSubmit={(fields, reset) =>
        add.mutate(
          { inspectionId, fields },
          {
            onSuccess: (member) => {
              reset();
              notice('info', `${member.name} added to the team.`);
            },
          },
        )
      }
    />
  );
}

function EditMember({ member, onDone }: { member: Member; onDone: () => void }) {
  const update = useCommand('team.update');
  const notice = useUi((s) => s.noticeShown);
  useEffect(() => document.getElementById('edit-member-title')?.focus(), [member.id]);
  return (
    <div className="member-edit">
      <MemberFieldsForm
        key={member.id}
        title={`Edit ${member.name}`}
        titleId="edit-member-title"
        initial={{
          name: member.name,
          inspectorate: member.inspectorate,
          role: member.role,
          specialism: member.specialism,
          ...(member.signingKey ? { signingKey: member.signingKey } : {}),
          ...(member.boxKey ? { boxKey: member.boxKey } : {}),
        }}
        submitLabel="Save changes"
        pending={update.isPending}
        serverError={update.error}
        onCancel={onDone}
        onSubmit={(fields) =>
          update.mutate(
            { id: member.id, fields },
            {
              onSuccess: (saved) => {
                notice('info', `${saved.name}’s details saved.`);
                onDone();
              },
            },
          )
        }
      />
    </div>
  );
}

function ConfirmRemove({ member, caseCount, onDone }: { member: Member; caseCount: number; onDone: (removed: boolean) => void }) {
  const remove = useCommand('team.remove');
  const notice = useUi((s) => s.noticeShown);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const cases =
    caseCount === 0
      ? 'They hold no cases.'
      : `The ${caseCount === 1 ? 'case' : `${caseCount} cases`} allocated to them will show as unallocated, ready to give to someone else (Cases, “Allocate evenly”).`;
  return (
    <div
      ref={ref}
      className="confirm-box"
      role="alertdialog"
      aria-labelledby="remove-member-title"
      aria-describedby="remove-member-text"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone(false);
      }}
    >
      <h3 id="remove-member-title">Remove {member.name} from the team?</h3>
      <p id="remove-member-text">
        {cases} Notes and findings they wrote stay in the evidence, under their name. Bundles sent from now on are not encrypted
        to their device, and bundles they sign from now on are refused.
      </p>
      {remove.error && <p className="error-box">{remove.error.message}</p>}
      <div className="form-actions">
        <button
          type="button"
          className="button-danger"
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(
              { id: member.id },
              {
                onSuccess: () => {
                  notice('info', `${member.name} removed from the team.`);
                  onDone(true);
                },
              },
            )
          }
        >
          Remove {member.name}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Keep {member.name}
        </button>
      </div>
    </div>
  );
}

function Team({ inspectionId, isLead }: { inspectionId: string; isLead: boolean }) {
  const team = useApi('team.list', { inspectionId });
  const cases = useApi('cases.list', { inspectionId });
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const members = team.data ?? [];
  const showChanges = isLead && members.some((m) => lastChangeOf(m) !== null);
  const editingMember = members.find((m) => m.id === editing) ?? null;
  const removingMember = members.find((m) => m.id === removing) ?? null;
  const caseCount = (memberId: string) => (cases.data ?? []).filter((c) => c.allocatedTo === memberId && !c.removed).length;
  const backToRow = (memberId: string, action: 'edit' | 'remove') =>
    requestAnimationFrame(() => document.getElementById(`${action}-${memberId}`)?.focus());
  return (
    <section aria-labelledby="team-title" className="panel">
      <h2 id="team-title" tabIndex={-1}>
        Team
      </h2>
      {!isLead && (
        <p className="muted small">Only the lead inspector can add, edit or remove team members and change their keys.</p>
      )}
      {team.data && (
        <table className="table">
          <caption className="visually-hidden">Team members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Inspectorate</th>
              <th scope="col">Role</th>
              <th scope="col">Specialism</th>
              <th scope="col">Device keys</th>
              {showChanges && <th scope="col">Last changed by</th>}
              {isLead && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id}>
                <td>
                  {member.name}
                  {member.isMe && <span className="tag">you</span>}
                </td>
                <td>{INSPECTORATES[member.inspectorate]}</td>
                <td>{ROLES[member.role]}</td>
                <td>{SPECIALISMS[member.specialism]}</td>
                <td className="small">
                  {member.signingKey && member.boxKey ? (
                    <span className="mono">{member.signingKey.slice(0, 10)}…</span>
                  ) : member.signingKey ? (
                    'Signing key only: add the encryption key'
                  ) : (
                    'No keys yet'
                  )}
                </td>
                {showChanges && <td className="small">{lastChangeText(lastChangeOf(member))}</td>}
                {isLead && (
                  <td className="row-actions">
                    <button
                      type="button"
                      id={`edit-${member.id}`}
                      className="link-button"
                      onClick={() => {
                        setRemoving(null);
                        setEditing(member.id);
                      }}
                    >
                      Edit<span className="visually-hidden"> {member.name}</span>
                    </button>
                    {!member.isMe && (
                      <button
                        type="button"
                        id={`remove-${member.id}`}
                        className="link-button"
                        onClick={() => {
                          setEditing(null);
                          setRemoving(member.id);
                        }}
                      >
                        Remove<span className="visually-hidden"> {member.name}</span>
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isLead && removingMember && (
        <ConfirmRemove
          member={removingMember}
          caseCount={caseCount(removingMember.id)}
          onDone={(removed) => {
            setRemoving(null);
            if (removed) requestAnimationFrame(() => document.getElementById('team-title')?.focus());
            else backToRow(removingMember.id, 'remove');
          }}
        />
      )}
      {isLead && editingMember && (
        <EditMember
          member={editingMember}
          onDone={() => {
            setEditing(null);
            backToRow(editingMember.id, 'edit');
          }}
        />
      )}
      {isLead && !editingMember && <AddMember inspectionId={inspectionId} />}
    </section>
  );
}

export function SetupScreen({ inspectionId }: { inspectionId: string }) {
  const inspection = useApi('inspections.get', { id: inspectionId });
  const update = useCommand('inspections.update');
  const notice = useUi((s) => s.noticeShown);
  const data = inspection.data;
  if (!data) return <p>{inspection.error?.message ?? 'Loading…'}</p>;
  const isLead = data.myRole === 'lead';
  return (
    <section className="screen" aria-labelledby="setup-title">
      <h1 id="setup-title">Set-up and team</h1>
      <section aria-labelledby="details-title" className="panel">
        <h2 id="details-title">Inspection details</h2>
        <InspectionForm
          key={`${data.id}-${data.fieldworkStart}-${data.localAuthority}`}
          initial={{
            type: data.type,
            localAuthority: data.localAuthority,
            fieldworkStart: data.fieldworkStart,
            fieldworkEnd: data.fieldworkEnd,
            inspectorates: data.inspectorates,
            ...(data.theme ? { theme: data.theme } : {}),
            ...(data.reviewStart ? { reviewStart: data.reviewStart } : {}),
            ...(data.reviewEnd ? { reviewEnd: data.reviewEnd } : {}),
          }}
          errors={fieldErrors(update.error?.details)}
          submitLabel="Save details"
          busy={update.isPending}
          onSubmit={(fields) =>
            update.mutate({ id: inspectionId, fields }, { onSuccess: () => notice('info', 'Inspection details saved.') })
          }
        />
      </section>
      {isLead && <LetterRecipients inspectionId={inspectionId} />}
      <Team inspectionId={inspectionId} isLead={isLead} />
      <DeviceKeys />
      <PurgeInspection inspectionId={inspectionId} localAuthority={data.localAuthority} />
    </section>
  );
}
