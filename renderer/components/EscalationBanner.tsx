/**
 * Children at immediate risk, shown prominently on every screen until each escalation is
 * closed, with its checklist (lead told, area told, police told if needed) and their times.
 */
import { useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import { CONCERN_PLACEHOLDER, ESCALATION_STEPS, type Escalation, type EscalationStep } from '../../shared/api/escalations.js';
import { useApi, useCommand } from '../api/hooks.js';
import { formatDateTime } from './dates.js';

function stepTime(e: Escalation, step: EscalationStep): string | null {
  switch (step) {
    case 'lead_told':
      return e.leadToldAt;
    case 'area_told':
      return e.areaToldAt;
    case 'police_told':
      return e.policeToldAt;
  }
}

/** The checklist: each step is a checkbox that records the time it was ticked. */
export function EscalationChecklist({ escalation }: { escalation: Escalation }) {
  const step = useCommand('escalations.step');
  const update = useCommand('escalations.update');
  return (
    <fieldset className="escalation-checklist">
      <legend className="visually-hidden">Escalation steps for {escalation.caseRef ?? 'this child'}</legend>
      {(Object.keys(ESCALATION_STEPS) as EscalationStep[]).map((key) => {
        const at = stepTime(escalation, key);
        if (key === 'police_told' && escalation.policeNeeded === false) return null;
        return (
          <label key={key} className="checkbox">
            <input
              type="checkbox"
              checked={at !== null}
              onChange={(e) => step.mutate({ id: escalation.id, step: key, done: e.target.checked })}
            />
            {ESCALATION_STEPS[key]}
            {key === 'police_told' && escalation.policeNeeded === null ? ' (if needed)' : ''}
            {at && <span className="step-time">{formatDateTime(at)}</span>}
          </label>
        );
      })}
      {escalation.policeToldAt === null && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={escalation.policeNeeded === false}
            onChange={(e) => update.mutate({ id: escalation.id, policeNeeded: !e.target.checked })}
          />
          Police not needed
        </label>
      )}
    </fieldset>
  );
}

/** Describe the concern and work through the checklist. Saving never refuses the content. */
export function EscalationDialog({ escalation, onClose }: { escalation: Escalation; onClose: () => void }) {
  const update = useCommand('escalations.update');
  const close = useCommand('escalations.close');
  const [concern, setConcern] = useState(escalation.concern === CONCERN_PLACEHOLDER ? '' : escalation.concern);
  const [response, setResponse] = useState(escalation.laResponse ?? '');
  const saveAndClose = () => update.mutate({ id: escalation.id, concern, laResponse: response }, { onSuccess: () => onClose() });
  return (
    <Modal isOpen onOpenChange={(open) => !open && saveAndClose()} isDismissable className="modal">
      <Dialog className="dialog escalation-dialog" aria-labelledby="escalation-title">
        <Heading slot="title" id="escalation-title">
          Child at immediate risk{escalation.caseRef ? `: case ${escalation.caseRef}` : ''}
        </Heading>
        <p className="muted">
          Flagged by {escalation.identifiedBy.name} at {formatDateTime(escalation.identifiedAt)}. This is saved already.
        </p>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="escalation-concern">What was found</label>
            <textarea
              id="escalation-concern"
              value={concern}
              onChange={(e) => setConcern(e.target.value)}
              placeholder="The minimum needed: what you found and why the child is at risk now"
              autoFocus
            />
          </div>
          <EscalationChecklist escalation={escalation} />
          <div className="field">
            <label htmlFor="escalation-response">The area’s response</label>
            <textarea id="escalation-response" className="short" value={response} onChange={(e) => setResponse(e.target.value)} />
          </div>
          {update.error && <p className="error-box">{update.error.message}</p>}
          <div className="form-actions">
            <button type="button" className="button-primary" onClick={saveAndClose} disabled={update.isPending}>
              Save
            </button>
            {!escalation.closedAt && (
              <button
                type="button"
                onClick={() =>
                  update.mutate(
                    { id: escalation.id, concern, laResponse: response },
                    { onSuccess: () => close.mutate({ id: escalation.id }, { onSuccess: onClose }) },
                  )
                }
              >
                Close escalation
              </button>
            )}
          </div>
        </div>
      </Dialog>
    </Modal>
  );
}

export function EscalationBanner({ inspectionId }: { inspectionId: string }) {
  const open = useApi('escalations.list', { inspectionId, openOnly: true });
  const [editing, setEditing] = useState<string | null>(null);
  const escalations = open.data ?? [];
  const current = escalations.find((e) => e.id === editing);
  if (escalations.length === 0) return null;
  return (
    <section className="escalation-banner" aria-labelledby="escalation-banner-title">
      <h2 id="escalation-banner-title">
        {escalations.length === 1 ? 'A child is at immediate risk' : `${escalations.length} children are at immediate risk`}
      </h2>
      <ul>
        {escalations.map((e) => (
          <li key={e.id} className="escalation-row">
            <div className="escalation-what">
              <strong>{e.caseRef ? `Case ${e.caseRef}` : 'No case recorded'}</strong>
              <span className="escalation-concern">{e.concern}</span>
              <span className="small">
                {e.identifiedBy.name}, {formatDateTime(e.identifiedAt)}
              </span>
            </div>
            <EscalationChecklist escalation={e} />
            <button type="button" onClick={() => setEditing(e.id)}>
              Open<span className="visually-hidden"> escalation for {e.caseRef ?? 'this child'}</span>
            </button>
          </li>
        ))}
      </ul>
      {current && <EscalationDialog escalation={current} onClose={() => setEditing(null)} />}
    </section>
  );
}
