/**
 * The inspector's audit of one case: status, the area's own grade, the inspector's grade,
 * agreement with the area's audit (a reason is required for "partly" and "no"), and the theme
 * prompts. Everything saves itself within a second and says so; typing never waits on a save.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import type { AuditFields, SampledCase } from '../../shared/api/cases.js';
import {
  AGREEMENT,
  AUDIT_PROMPTS,
  CASE_STATUSES,
  GRADES,
  type Agreement,
  type AuditPrompt,
  type CaseStatus,
  type Grade,
} from '../../shared/domain/vocabulary.js';
import { useCommand } from '../api/hooks.js';

type Patch = z.input<typeof AuditFields>;
type SaveState =
  { kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string } | { kind: 'blocked'; message: string };

const TYPING_DELAY_MS = 600;

function merge(a: Patch, b: Patch): Patch {
  return { ...a, ...b, ...(a.prompts || b.prompts ? { prompts: { ...a.prompts, ...b.prompts } } : {}) };
}

/** Collects edits and saves them in order: at once for choices, shortly after typing stops for text. */
function useAutosave(caseId: string) {
  const update = useCommand('cases.updateAudit');
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const pending = useRef<Patch | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef(false);
  const { mutateAsync } = update;

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (inFlight.current || !pending.current) return;
    const patch = pending.current;
    pending.current = null;
    inFlight.current = true;
    setState({ kind: 'saving' });
    let failed = false;
    try {
      await mutateAsync({ id: caseId, fields: patch });
      setState(pending.current ? { kind: 'saving' } : { kind: 'saved' });
    } catch (error) {
      // Keep the edit so the next change sends it again: nothing typed is dropped. No automatic
      // retry, so a refused change cannot loop.
      failed = true;
      pending.current = merge(patch, pending.current ?? {});
      setState({ kind: 'error', message: error instanceof Error ? error.message : 'The change was not saved.' });
    } finally {
      inFlight.current = false;
    }
    if (!failed && pending.current) void flush();
  }, [caseId, mutateAsync]);

  const queue = useCallback(
    (patch: Patch, delay: number) => {
      pending.current = merge(pending.current ?? {}, patch);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), delay);
    },
    [flush],
  );

  // Leaving the page saves what is waiting rather than dropping it.
  useEffect(() => () => void flush(), [flush]);
  return { state, setState, queue, flush };
}

function SaveStatus({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  const text =
    state.kind === 'saving'
      ? 'Saving…'
      : state.kind === 'saved'
        ? 'Saved'
        : state.kind === 'error' || state.kind === 'blocked'
          ? `Not saved: ${state.message}`
          : 'Changes save automatically';
  return (
    <p className={`save-status save-${state.kind}`} role="status" aria-live="polite">
      {text}
      {state.kind === 'error' && (
        <>
          {' '}
          <button type="button" className="link-button" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </p>
  );
}

function RadioGroup<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  options: Readonly<Record<T, string>>;
  value: T | null;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="checkbox-group radio-group">
      <legend>{legend}</legend>
      {(Object.entries(options) as [T, string][]).map(([key, label]) => (
        <label key={key} className="checkbox">
          <input type="radio" name={name} value={key} checked={value === key} onChange={() => onChange(key)} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

export function SampledCaseAudit({ sampled, theme }: { sampled: SampledCase; theme: string | null }) {
  const id = useId();
  const autosave = useAutosave(sampled.id);
  const { state, setState } = autosave;
  const [status, setStatus] = useState<CaseStatus>(sampled.status);
  // Recording anything starts the case (the service does the same), so the list shows who is on it.
  const queue = (patch: Patch, delay: number) => {
    if (status === 'not_started' && patch.status === undefined) {
      setStatus('in_progress');
      autosave.queue({ ...patch, status: 'in_progress' }, delay);
    } else autosave.queue(patch, delay);
  };
  const [laGrade, setLaGrade] = useState<Grade | null>(sampled.laAuditGrade);
  const [grade, setGrade] = useState<Grade | null>(sampled.inspectorGrade);
  const [agreement, setAgreement] = useState<Agreement | null>(sampled.auditAgreement);
  const [reason, setReason] = useState(sampled.agreementReason ?? '');
  const [prompts, setPrompts] = useState<Record<string, string>>(sampled.prompts);
  const needsReason = (a: Agreement | null, r: string) => (a === 'partly' || a === 'no') && r.trim() === '';
  const reasonMissing = needsReason(agreement, reason);

  const chooseAgreement = (next: Agreement) => {
    setAgreement(next);
    if (needsReason(next, reason)) {
      setState({ kind: 'blocked', message: 'give a reason for your answer on the area’s audit.' });
      return;
    }
    queue({ auditAgreement: next, agreementReason: reason }, 0);
  };
  const typeReason = (text: string) => {
    setReason(text);
    if (needsReason(agreement, text)) {
      setState({ kind: 'blocked', message: 'give a reason for your answer on the area’s audit.' });
      return;
    }
    queue({ agreementReason: text, ...(agreement ? { auditAgreement: agreement } : {}) }, TYPING_DELAY_MS);
  };

  return (
    <form className="case-audit" onSubmit={(e) => e.preventDefault()} aria-labelledby={`${id}-title`}>
      <div className="screen-header">
        <h2 id={`${id}-title`}>Audit</h2>
        <SaveStatus state={state} onRetry={() => void autosave.flush()} />
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as CaseStatus);
              queue({ status: e.target.value as CaseStatus }, 0);
            }}
          >
            {Object.entries(CASE_STATUSES).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-la`}>The area’s own audit grade</label>
          <select
            id={`${id}-la`}
            value={laGrade ?? ''}
            onChange={(e) => {
              const next = e.target.value === '' ? null : (e.target.value as Grade);
              setLaGrade(next);
              queue({ laAuditGrade: next }, 0);
            }}
          >
            <option value="">No audit grade</option>
            {Object.entries(GRADES).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <RadioGroup<Grade>
        legend="Your evaluation of the case"
        name={`${id}-grade`}
        options={GRADES}
        value={grade}
        onChange={(next) => {
          setGrade(next);
          queue({ inspectorGrade: next }, 0);
        }}
      />
      <RadioGroup<Agreement>
        legend="Do you agree with the area’s audit?"
        name={`${id}-agree`}
        options={AGREEMENT}
        value={agreement}
        onChange={chooseAgreement}
      />
      <div className={`field${reasonMissing ? ' field-error' : ''}`}>
        <label htmlFor={`${id}-reason`}>Reason{agreement === 'partly' || agreement === 'no' ? ' (required)' : ''}</label>
        <textarea
          id={`${id}-reason`}
          className="short-textarea"
          value={reason}
          onChange={(e) => typeReason(e.target.value)}
          aria-invalid={reasonMissing || undefined}
          aria-describedby={reasonMissing ? `${id}-reason-error` : undefined}
        />
        {reasonMissing && (
          <span id={`${id}-reason-error`} className="field-error-text">
            Say why you {agreement === 'no' ? 'do not agree' : 'only partly agree'} with the area’s audit.
          </span>
        )}
      </div>
      <fieldset className="audit-prompts">
        <legend>Prompts for the theme{theme ? `: ${theme}` : ''}</legend>
        {(Object.entries(AUDIT_PROMPTS) as [AuditPrompt, string][]).map(([key, label]) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-prompt-${key}`}>{label}</label>
            <textarea
              id={`${id}-prompt-${key}`}
              className="short-textarea"
              value={prompts[key] ?? ''}
              onChange={(e) => {
                const text = e.target.value;
                setPrompts((p) => ({ ...p, [key]: text }));
                queue({ prompts: { [key]: text } }, TYPING_DELAY_MS);
              }}
            />
          </div>
        ))}
      </fieldset>
    </form>
  );
}
