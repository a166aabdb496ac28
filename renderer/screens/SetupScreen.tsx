/** The inspection's set-up (lead) and its team roster with each member's device keys. */
import { useState, type FormEvent } from 'react';
import type { CommandInput } from '../../shared/api/index.js';
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
import { PurgeInspection } from '../components/PurgeInspection.js';
import { useUi } from '../state/ui-store.js';

type MemberFields = CommandInput<'team.add'>['fields'];
const emptyMember: MemberFields = { name: '', inspectorate: 'ofsted', role: 'inspector', specialism: 'social_care' };

function MemberForm({ inspectionId }: { inspectionId: string }) {
  const add = useCommand('team.add');
  const notice = useUi((s) => s.noticeShown);
  const [fields, setFields] = useState<MemberFields>(emptyMember);
  const errors = fieldErrors(add.error?.details);
  const set = <K extends keyof MemberFields>(key: K, value: MemberFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cleaned = { ...fields };
    if (!cleaned.signingKey) delete cleaned.signingKey;
    if (!cleaned.boxKey) delete cleaned.boxKey;
    add.mutate(
      { inspectionId, fields: cleaned },
      {
        onSuccess: (member) => {
          setFields(emptyMember);
          notice('info', `${member.name} added to the team.`);
        },
      },
    );
  };
  return (
    <form className="form-grid form-compact" onSubmit={submit} noValidate aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add a team member</h3>
      {add.error && !add.error.details && <p role="alert">{add.error.message}</p>}
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
        <Field label="Device signing key" hint="From the inspector’s Fieldwork; can be added later" error={errors.signingKey}>
          {(p) => (
            <input
              {...p}
              type="text"
              className="mono"
              value={fields.signingKey ?? ''}
              onChange={(e) => set('signingKey', e.target.value.trim())}
            />
          )}
        </Field>
        <Field label="Device encryption key" hint="Starts with age1" error={errors.boxKey}>
          {(p) => (
            <input
              {...p}
              type="text"
              className="mono"
              value={fields.boxKey ?? ''}
              onChange={(e) => set('boxKey', e.target.value.trim())}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={add.isPending}>
          Add to team
        </button>
      </div>
    </form>
  );
}

function Team({ inspectionId, isLead }: { inspectionId: string; isLead: boolean }) {
  const team = useApi('team.list', { inspectionId });
  const remove = useCommand('team.remove');
  return (
    <section aria-labelledby="team-title" className="panel">
      <h2 id="team-title">Team</h2>
      {team.data && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Inspectorate</th>
              <th scope="col">Role</th>
              <th scope="col">Specialism</th>
              <th scope="col">Device</th>
              {isLead && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {team.data.map((member) => (
              <tr key={member.id}>
                <td>
                  {member.name}
                  {member.isMe && <span className="tag">you</span>}
                </td>
                <td>{INSPECTORATES[member.inspectorate]}</td>
                <td>{ROLES[member.role]}</td>
                <td>{SPECIALISMS[member.specialism]}</td>
                <td className="mono small">{member.signingKey ? `${member.signingKey.slice(0, 10)}…` : 'not yet linked'}</td>
                {isLead && (
                  <td>
                    {!member.isMe && (
                      <button type="button" className="link-button" onClick={() => remove.mutate({ id: member.id })}>
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
      {isLead && <MemberForm inspectionId={inspectionId} />}
    </section>
  );
}

export function SetupScreen({ inspectionId }: { inspectionId: string }) {
  const inspection = useApi('inspections.get', { id: inspectionId });
  const device = useApi('device.info', {});
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
      <Team inspectionId={inspectionId} isLead={isLead} />
      {device.data && (
        <section aria-labelledby="device-title" className="panel">
          <h2 id="device-title">This device</h2>
          <p className="muted small">Give these to the lead so they can add you to the team.</p>
          <dl className="details">
            <dt>Signing key</dt>
            <dd className="mono selectable">{device.data.author}</dd>
            <dt>Encryption key</dt>
            <dd className="mono selectable">{device.data.ageRecipient}</dd>
            <dt>Fingerprint</dt>
            <dd className="mono">{device.data.fingerprint}</dd>
          </dl>
        </section>
      )}
      <PurgeInspection inspectionId={inspectionId} localAuthority={data.localAuthority} />
    </section>
  );
}
