/** Draft findings: list with triangulation at a glance; write, move through statuses, link evidence. */
import { useState } from 'react';
import type { Finding, FindingFields } from '../../shared/api/findings.js';
import { AGENCIES, FINDING_KINDS, FINDING_STATUSES, type FindingStatus } from '../../shared/domain/vocabulary.js';
import { useApi, useCommand } from '../api/hooks.js';
import { FindingEvidence } from '../components/finding-evidence.js';
import { FindingForm } from '../components/finding-form.js';
import { fieldErrors } from '../components/form.js';
import { useUi } from '../state/ui-store.js';

const STATUS_ACTIONS: Readonly<Record<FindingStatus, readonly { to: FindingStatus; label: string }[]>> = {
  draft: [
    { to: 'proposed', label: 'Propose' },
    { to: 'withdrawn', label: 'Withdraw' },
  ],
  proposed: [
    { to: 'agreed', label: 'Mark agreed' },
    { to: 'draft', label: 'Back to draft' },
    { to: 'withdrawn', label: 'Withdraw' },
  ],
  agreed: [
    { to: 'proposed', label: 'Reopen' },
    { to: 'withdrawn', label: 'Withdraw' },
  ],
  withdrawn: [{ to: 'draft', label: 'Reinstate as draft' }],
};

/**
 * Settling a finding (agreeing, reopening, withdrawing) is the lead's: the authority model
 * refuses it from anyone else when bundles are imported, so the controls are not offered.
 */
const LEAD_ONLY: ReadonlySet<FindingStatus> = new Set<FindingStatus>(['agreed', 'withdrawn']);
function leadOnlyMove(from: FindingStatus, to: FindingStatus): boolean {
  return LEAD_ONLY.has(to) || from === 'agreed' || from === 'withdrawn';
}

const blank: FindingFields = { kind: 'strength', statement: '', agencies: [], theme: null };

function NewFinding({ inspectionId, onDone }: { inspectionId: string; onDone: (id: string | null) => void }) {
  const create = useCommand('findings.create');
  return (
    <section className="panel" aria-labelledby="new-finding-title">
      <h2 id="new-finding-title">New finding</h2>
      {create.error && !create.error.details && <p className="error-box">{create.error.message}</p>}
      <FindingForm
        inspectionId={inspectionId}
        initial={blank}
        submitLabel="Save finding"
        pending={create.isPending}
        errors={fieldErrors(create.error?.details)}
        onSubmit={(fields) => create.mutate({ inspectionId, fields }, { onSuccess: (f) => onDone(f.id) })}
        onCancel={() => onDone(null)}
      />
    </section>
  );
}

function FindingPanel({ id }: { id: string }) {
  const finding = useApi('findings.get', { id });
  const inspection = useApi('inspections.get', { id: finding.data?.inspectionId ?? '' }, { enabled: Boolean(finding.data) });
  const update = useCommand('findings.update');
  const setStatus = useCommand('findings.setStatus');
  const notice = useUi((s) => s.noticeShown);
  const [editing, setEditing] = useState(false);
  const [pendingMove, setPendingMove] = useState<FindingStatus | null>(null);
  const [moveReason, setMoveReason] = useState('');
  const f = finding.data;
  if (!f) return <p className="muted">{finding.error ? finding.error.message : 'Loading…'}</p>;
  const isLead = inspection.data?.myRole === 'lead';
  const actions = STATUS_ACTIONS[f.status].filter((action) => isLead || !leadOnlyMove(f.status, action.to));
  const heldBack = STATUS_ACTIONS[f.status].length > actions.length;
  return (
    <section className="panel finding-panel" aria-labelledby="finding-title">
      <div className="screen-header">
        <h2 id="finding-title">
          {FINDING_KINDS[f.kind]} <span className={`badge status-${f.status}`}>{FINDING_STATUSES[f.status]}</span>
        </h2>
        <div className="form-actions" role="group" aria-label="Status">
          {actions.map((action) => (
            <button
              key={action.to}
              type="button"
              onClick={() => {
                // Agreeing or reopening is recorded with a reason (agreed findings are locked).
                if (action.to === 'agreed' || f.status === 'agreed') {
                  setPendingMove(action.to);
                  return;
                }
                setStatus.mutate(
                  { id: f.id, status: action.to },
                  { onSuccess: () => notice('info', `Finding is now ${FINDING_STATUSES[action.to].toLowerCase()}.`) },
                );
              }}
            >
              {action.label}
            </button>
          ))}
        </div>
      </div>
      {heldBack && (
        <p className="small muted">
          Only the lead inspector can agree, reopen or withdraw a finding. Propose it, and the lead settles it.
        </p>
      )}
      {pendingMove && (
        <form
          className="form-row reason-row"
          onSubmit={(event) => {
            event.preventDefault();
            setStatus.mutate(
              { id: f.id, status: pendingMove, reason: moveReason },
              {
                onSuccess: () => {
                  notice('info', `Finding is now ${FINDING_STATUSES[pendingMove].toLowerCase()}.`);
                  setPendingMove(null);
                  setMoveReason('');
                },
              },
            );
          }}
        >
          <label>
            Reason for the change
            <input type="text" value={moveReason} onChange={(e) => setMoveReason(e.target.value)} autoFocus />
          </label>
          <div className="form-actions form-actions-end">
            <button type="submit" className="button-primary" disabled={!moveReason.trim() || setStatus.isPending}>
              Make {FINDING_STATUSES[pendingMove].toLowerCase()}
            </button>
            <button type="button" onClick={() => setPendingMove(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {setStatus.error && <p className="error-box">{setStatus.error.message}</p>}
      {editing ? (
        <FindingForm
          inspectionId={f.inspectionId}
          initial={{ kind: f.kind, statement: f.statement, agencies: f.agencies, theme: f.theme }}
          submitLabel="Save changes"
          pending={update.isPending}
          errors={fieldErrors(update.error?.details)}
          onSubmit={(fields) => update.mutate({ id: f.id, fields }, { onSuccess: () => setEditing(false) })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <p className="finding-statement">{f.statement}</p>
          <p className="small muted">
            {f.agencies.map((a) => AGENCIES[a]).join(', ')}
            {f.theme ? ` · ${f.theme}` : ''} · drafted by {f.author.name}
          </p>
          {f.status === 'agreed' ? (
            <p className="small muted">Agreed findings are locked. Change the wording from Moderation, giving a reason.</p>
          ) : (
            <button type="button" className="link-button" onClick={() => setEditing(true)}>
              Edit finding
            </button>
          )}
        </>
      )}
      <FindingEvidence finding={f} canUnlink={isLead || f.status !== 'agreed'} />
    </section>
  );
}

function FindingRow({ finding, selected, onSelect }: { finding: Finding; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <button type="button" className="finding-row" aria-current={selected ? 'true' : undefined} onClick={onSelect}>
        <span className={`finding-kind kind-${finding.kind}`}>{FINDING_KINDS[finding.kind]}</span>
        <span className="finding-row-statement">{finding.statement}</span>
        <span className="finding-row-meta small">
          {FINDING_STATUSES[finding.status]} · {finding.triangulation.noteCount} notes, {finding.triangulation.caseCount} cases
          {finding.triangulation.thin && <span className="badge badge-warning">Thinly evidenced</span>}
        </span>
      </button>
    </li>
  );
}

export function FindingsScreen({ inspectionId }: { inspectionId: string }) {
  const findings = useApi('findings.list', { inspectionId });
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const list = findings.data ?? [];
  const current = selected ?? list[0]?.id ?? null;
  return (
    <section aria-labelledby="findings-title" className="screen findings-screen">
      <div className="screen-header">
        <h1 id="findings-title">Findings</h1>
        <button type="button" className="button-primary" onClick={() => setSelected('new')}>
          New finding
        </button>
      </div>
      <div className="findings-layout">
        <nav aria-label="Findings list" className="findings-list">
          {list.length === 0 && <p className="empty">No findings yet.</p>}
          <ul>
            {list.map((f) => (
              <FindingRow key={f.id} finding={f} selected={f.id === current} onSelect={() => setSelected(f.id)} />
            ))}
          </ul>
        </nav>
        <div className="findings-detail">
          {current === 'new' ? (
            <NewFinding inspectionId={inspectionId} onDone={(id) => setSelected(id)} />
          ) : current ? (
            <FindingPanel key={current} id={current} />
          ) : (
            <p className="muted">Choose “New finding” to draft the first one.</p>
          )}
        </div>
      </div>
    </section>
  );
}
