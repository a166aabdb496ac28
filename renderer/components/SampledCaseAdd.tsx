/** Adding a case to the sample by hand, from the list or a new reference, always with a reason. */
import { useId, useState, type FormEvent } from 'react';
import { useApi, useCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';
import { fieldErrors } from './form.js';

export function SampledCaseAdd({ inspectionId }: { inspectionId: string }) {
  const id = useId();
  const add = useCommand('cases.add');
  const notice = useUi((s) => s.noticeShown);
  const [caseRef, setCaseRef] = useState('');
  const [reason, setReason] = useState('');
  const [offList, setOffList] = useState<string | null>(null);
  const list = useApi('cases.caseList', { inspectionId });
  const errors = fieldErrors(add.error?.details);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOffList(null);
    add.mutate(
      { inspectionId, caseRef, reason },
      {
        onSuccess: (sampled) => {
          notice('info', `Case ${sampled.caseRef} added to the sample.`);
          // A reference the area's list does not have: a typo, or a child the list left out.
          if (sampled.onList === false) setOffList(sampled.caseRef);
          setCaseRef('');
          setReason('');
        },
      },
    );
  };
  const described = (key: string, error: string | undefined) =>
    error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${key}-error` } : {};
  return (
    <form className="sampled-case-add" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a case by hand</h3>
      {add.error && !add.error.details && (
        <p className="error-box" role="alert">
          {add.error.message}
        </p>
      )}
      {offList && list.data && (
        <p className="warning-box" role="alert">
          Case <span className="mono">{offList}</span> is not on the area’s case list ({list.data.fileName}). It was added without
          age, stage or agencies. Check the reference with the area: a typing slip, or a child the list left out.
        </p>
      )}
      <div className="sampled-case-add-row">
        <div className={`field${errors.caseRef ? ' field-error' : ''}`}>
          <label htmlFor={`${id}-ref`}>Case reference</label>
          <input
            id={`${id}-ref`}
            type="text"
            className="mono"
            value={caseRef}
            autoComplete="off"
            onChange={(e) => setCaseRef(e.target.value)}
            {...described('ref', errors.caseRef)}
          />
          {errors.caseRef && (
            <span id={`${id}-ref-error`} className="field-error-text">
              {errors.caseRef}
            </span>
          )}
        </div>
        <div className={`field sampled-case-add-reason${errors.reason ? ' field-error' : ''}`}>
          <label htmlFor={`${id}-reason`}>Reason for adding</label>
          <input
            id={`${id}-reason`}
            type="text"
            value={reason}
            autoComplete="off"
            onChange={(e) => setReason(e.target.value)}
            {...described('reason', errors.reason)}
          />
          {errors.reason && (
            <span id={`${id}-reason-error`} className="field-error-text">
              {errors.reason}
            </span>
          )}
        </div>
        <button type="submit" disabled={add.isPending}>
          Add case
        </button>
      </div>
    </form>
  );
}
