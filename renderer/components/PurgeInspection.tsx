/**
 * Retention: purge an inspection from this laptop. Destructive and irreversible, so the user
 * types the local authority's name to confirm; the button stays disabled until it matches.
 */
import { useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import { useApi, useCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';
import { Field } from './form.js';

export function PurgeInspection({ inspectionId, localAuthority }: { inspectionId: string; localAuthority: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const purge = useCommand('inspections.purge');
  const closeInspection = useUi((s) => s.inspectionClosed);
  const notice = useUi((s) => s.noticeShown);
  // The ids ticked, not a flag: an escalation that arrives by sync after the tick is unticked.
  const [acknowledged, setAcknowledged] = useState<readonly string[]>([]);
  const openEscalations = useApi('escalations.list', { inspectionId, openOnly: true });
  const open_ = openEscalations.data ?? [];
  const escalationsAcknowledged = open_.every((e) => acknowledged.includes(e.id));
  // Open escalations are children at risk still being followed up: the purge lists them and asks.
  const matches =
    typed.trim().toLowerCase() === localAuthority.trim().toLowerCase() && (open_.length === 0 || escalationsAcknowledged);
  return (
    <section aria-labelledby="purge-title" className="panel panel-danger">
      <h2 id="purge-title">Purge this inspection</h2>
      <p className="muted small">
        When the retention period ends, remove every trace of this inspection from this laptop: notes, cases, findings, the case
        list, bundles waiting to be sent, and its copies in local backups and set-aside data files (other inspections in them are
        kept). Only a record that a purge happened is kept. This cannot be undone.
      </p>
      <button type="button" className="button-danger" onClick={() => setOpen(true)}>
        Purge inspection…
      </button>
      <Modal isOpen={open} onOpenChange={setOpen} isDismissable className="modal">
        <Dialog className="dialog" aria-labelledby="purge-dialog-title">
          <Heading slot="title" id="purge-dialog-title">
            Purge {localAuthority}?
          </Heading>
          <p>
            Everything about this inspection will be removed from this laptop. Make sure the team’s work has been merged and
            published first.
          </p>
          {open_.length > 0 && (
            <div className="error-box" role="group" aria-labelledby="purge-escalations-title">
              <p id="purge-escalations-title">
                <strong>
                  {open_.length === 1 ? '1 escalation is still open' : `${open_.length} escalations are still open`}
                </strong>{' '}
                and would be removed with everything else:
              </p>
              <ul>
                {open_.map((e) => (
                  <li key={e.id}>
                    {e.caseRef ? `${e.caseRef}: ` : ''}
                    {e.concern}
                  </li>
                ))}
              </ul>
              <label>
                <input
                  type="checkbox"
                  checked={escalationsAcknowledged}
                  onChange={(event) => setAcknowledged(event.target.checked ? open_.map((e) => e.id) : [])}
                />{' '}
                I have checked these escalations are closed or handed over elsewhere; remove them too
              </label>
            </div>
          )}
          {purge.error && (
            <p role="alert" className="error-box">
              {purge.error.message}
            </p>
          )}
          <form
            className="form-grid"
            onSubmit={(event) => {
              event.preventDefault();
              if (!matches) return;
              purge.mutate(
                {
                  id: inspectionId,
                  confirmation: typed,
                  // Only those shown and ticked: one that arrives meanwhile makes the service refuse.
                  removeOpenEscalations: open_.filter((e) => acknowledged.includes(e.id)).map((e) => e.id),
                },
                {
                  onSuccess: (result) => {
                    setOpen(false);
                    closeInspection();
                    notice('info', `${localAuthority} was purged from this laptop. ${result.summary}`);
                  },
                },
              );
            }}
          >
            <Field label={`Type “${localAuthority}” to confirm`}>
              {(p) => <input {...p} type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />}
            </Field>
            <div className="form-actions">
              <button type="submit" className="button-danger" disabled={!matches || purge.isPending}>
                {purge.isPending ? 'Purging…' : 'Purge permanently'}
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </form>
        </Dialog>
      </Modal>
    </section>
  );
}
