/** Removing a case from the sample asks why; the case stays in history and can be restored. */
import { useId, useState, type FormEvent } from 'react';
import { Dialog, Heading, Modal } from 'react-aria-components';
import type { SampledCase } from '../../shared/api/cases.js';
import { useCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';

export function SampledCaseRemove({ sampled, onClose }: { sampled: SampledCase; onClose: () => void }) {
  const id = useId();
  const remove = useCommand('cases.remove');
  const notice = useUi((s) => s.noticeShown);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Give a reason for removing the case.');
      return;
    }
    remove.mutate(
      { id: sampled.id, reason },
      {
        onSuccess: () => {
          notice('info', `Case ${sampled.caseRef} removed from the sample. Show removed cases to restore it.`);
          onClose();
        },
        onError: (e) => setError(e.message),
      },
    );
  };
  return (
    <Modal isOpen onOpenChange={(open) => !open && onClose()} isDismissable className="modal">
      <Dialog className="dialog dialog-narrow" aria-labelledby={`${id}-title`}>
        <Heading slot="title" id={`${id}-title`}>
          Remove case {sampled.caseRef} from the sample
        </Heading>
        <form onSubmit={submit} noValidate className="form-grid">
          <div className={`field${error ? ' field-error' : ''}`}>
            <label htmlFor={`${id}-reason`}>Reason</label>
            <textarea
              id={`${id}-reason`}
              className="short-textarea"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              autoFocus
            />
            {error && (
              <span id={`${id}-error`} className="field-error-text">
                {error}
              </span>
            )}
          </div>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={remove.isPending}>
              Remove case
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
