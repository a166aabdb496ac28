/** Merging duplicate findings: choose the one to keep and say why; the rest are withdrawn, their evidence kept. */
import { useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import type { CommandOutput } from '../../../shared/api/index.js';
import { useCommand } from '../../api/hooks.js';
import { Field, fieldErrors } from '../form.js';

type Finding = CommandOutput<'findings.list'>[number];

export function MergeFindingsDialog({ findings, onClose }: { findings: readonly Finding[]; onClose: (merged: boolean) => void }) {
  const merge = useCommand('moderation.merge');
  const [targetId, setTargetId] = useState(findings[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const errors = fieldErrors(merge.error?.details);
  return (
    <Modal isOpen onOpenChange={(open) => !open && onClose(false)} isDismissable className="modal">
      <Dialog className="dialog" aria-labelledby="merge-title">
        <Heading slot="title" id="merge-title">
          Merge {findings.length} findings
        </Heading>
        <form
          className="form-grid"
          onSubmit={(event) => {
            event.preventDefault();
            merge.mutate(
              { targetId, sourceIds: findings.filter((f) => f.id !== targetId).map((f) => f.id), reason },
              { onSuccess: () => onClose(true) },
            );
          }}
        >
          <fieldset className="radio-list">
            <legend>Keep this wording (the others are withdrawn; all their evidence moves to it)</legend>
            {findings.map((f) => (
              <label key={f.id} className="radio">
                <input type="radio" name="merge-target" checked={targetId === f.id} onChange={() => setTargetId(f.id)} />
                <span>
                  {f.statement} <span className="muted small">({f.triangulation.noteCount} notes)</span>
                </span>
              </label>
            ))}
          </fieldset>
          <Field label="Reason for merging" error={errors.reason}>
            {(p) => <input {...p} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          {merge.error && !merge.error.details && <p role="alert">{merge.error.message}</p>}
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={merge.isPending}>
              Merge findings
            </button>
            <button type="button" onClick={() => onClose(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </Modal>
  );
}
