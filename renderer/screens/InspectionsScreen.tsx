/** The first screen: this device's inspections, and creating a new one. */
import { useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import { INSPECTION_TYPES, INSPECTION_STATUSES } from '../../shared/domain/vocabulary.js';
import { useApi, useCommand } from '../api/hooks.js';
import { fieldErrors } from '../components/form.js';
import { emptyInspection, InspectionForm } from '../components/InspectionForm.js';
import { formatDateRange } from '../components/dates.js';
import { DeviceName } from '../components/DeviceName.js';
import { DeviceKeys } from '../components/DeviceKeys.js';
import { useUi } from '../state/ui-store.js';
import { useBundleImports } from '../state/bundle-imports.js';

export function InspectionsScreen() {
  const inspections = useApi('inspections.list', {});
  const device = useApi('device.info', {});
  const create = useCommand('inspections.create');
  const opened = useUi((s) => s.inspectionOpened);
  const [creating, setCreating] = useState(false);
  const filesAdded = useBundleImports((s) => s.filesAdded);

  return (
    <section className="screen" aria-labelledby="inspections-title">
      <div className="screen-header">
        <h1 id="inspections-title">Inspections</h1>
        <div className="form-actions">
          <label className="button-like">
            Join an inspection…
            <input
              type="file"
              className="visually-hidden"
              accept=".fwbundle"
              multiple
              onChange={(event) => {
                const files = [...(event.target.files ?? [])];
                if (files.length > 0) filesAdded(files, null);
                event.target.value = '';
              }}
            />
          </label>
          <button type="button" className="button-primary" onClick={() => setCreating(true)}>
            New inspection
          </button>
        </div>
      </div>
      <DeviceName />
      {inspections.isPending && <p>Loading…</p>}
      {inspections.error && <p role="alert">{inspections.error.message}</p>}
      {inspections.data && inspections.data.length === 0 && (
        <div className="empty">
          <p>No inspections on this laptop yet.</p>
          <p className="muted" id="join-hint">
            Create one if you are the lead, or join a team by choosing (or dropping here) the set-up bundle your lead sent you. To
            be added to a team, send the lead the keys below.
          </p>
        </div>
      )}
      {inspections.data && inspections.data.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Inspections on this device</caption>
          <thead>
            <tr>
              <th scope="col">Local authority</th>
              <th scope="col">Type</th>
              <th scope="col">Fieldwork</th>
              <th scope="col">Status</th>
              <th scope="col">Your role</th>
              <th scope="col">Escalations</th>
            </tr>
          </thead>
          <tbody>
            {inspections.data.map((inspection) => (
              <tr key={inspection.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => opened(inspection.id)}>
                    {inspection.localAuthority}
                  </button>
                  {inspection.theme && <div className="muted small">{inspection.theme}</div>}
                </td>
                <td>{INSPECTION_TYPES[inspection.type]}</td>
                <td>{formatDateRange(inspection.fieldworkStart, inspection.fieldworkEnd)}</td>
                <td>{INSPECTION_STATUSES[inspection.status]}</td>
                <td>{inspection.myRole === 'lead' ? 'Lead' : inspection.myRole ? 'Team inspector' : '—'}</td>
                <td>
                  {inspection.openEscalations > 0 ? (
                    <span className="badge badge-danger">
                      {inspection.openEscalations} open {inspection.openEscalations === 1 ? 'escalation' : 'escalations'}
                    </span>
                  ) : (
                    <span className="muted">None open</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <DeviceKeys />
      <Modal isOpen={creating} onOpenChange={setCreating} isDismissable className="modal">
        <Dialog className="dialog" aria-labelledby="new-inspection-title">
          <Heading slot="title" id="new-inspection-title">
            New inspection
          </Heading>
          {create.error && !create.error.details && <p role="alert">{create.error.message}</p>}
          <InspectionForm
            initial={emptyInspection}
            errors={fieldErrors(create.error?.details)}
            submitLabel="Create inspection"
            busy={create.isPending}
            onCancel={() => setCreating(false)}
            onSubmit={(fields) =>
              create.mutate(
                { fields, ...(device.data?.displayName ? { leadName: device.data.displayName } : {}) },
                {
                  onSuccess: (inspection) => {
                    setCreating(false);
                    opened(inspection.id);
                  },
                },
              )
            }
          />
        </Dialog>
      </Modal>
    </section>
  );
}
