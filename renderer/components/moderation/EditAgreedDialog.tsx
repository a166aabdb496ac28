/** Changing an agreed finding: the new wording and a reason, recorded together. */
import { useState } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import type { CommandOutput } from '../../../shared/api/index.js';
import { useCommand } from '../../api/hooks.js';
import { Field, fieldErrors } from '../form.js';

type Finding = CommandOutput<'findings.list'>[number];

export function EditAgreedDialog({ finding, onClose }: { finding: Finding; onClose: () => void }) {
  const edit = useCommand('moderation.editAgreed');
  const [statement, setStatement] = useState(finding.statement);
  const [reason, setReason] = useState('');
  const errors = fieldErrors(edit.error?.details);
  return (
    <Modal isOpen onOpenChange={(open) => !open && onClose()} isDismissable className="modal">
      <Dialog className="dialog" aria-labelledby="edit-agreed-title">
        <Heading slot="title" id="edit-agreed-title">
          Edit an agreed finding
        </Heading>
        <p className="muted">This finding was agreed by the team. Your change and its reason are recorded.</p>
        <form
          className="form-grid"
          onSubmit={(event) => {
            event.preventDefault();
            edit.mutate(
              {
                id: finding.id,
                fields: { kind: finding.kind, statement, agencies: finding.agencies, theme: finding.theme },
                reason,
              },
              { onSuccess: onClose },
            );
          }}
        >
          <Field label="Statement" error={errors.statement}>
            {(p) => <textarea {...p} value={statement} onChange={(e) => setStatement(e.target.value)} />}
          </Field>
          <Field label="Reason for the change" error={errors.reason}>
            {(p) => <input {...p} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          {edit.error && !edit.error.details && <p role="alert">{edit.error.message}</p>}
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={edit.isPending}>
              Save change
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </Modal>
  );
}
