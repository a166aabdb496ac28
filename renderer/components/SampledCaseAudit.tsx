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
import { ApiError, useCommand } from '../api/hooks.js';
import { registerPendingSave } from '../state/note-draft-lifecycle.js';

type Patch = z.input<typeof AuditFields>;
type SaveState =
  | { kind: 'idle' | 'saving' | 'saved' }
  /** Refused or failed; `field` names the field the service's message is about, if one. */
  | { kind: 'error'; message: string; field: string | null };

const TYPING_DELAY_MS = 600;

function merge(a: Patch, b: Patch): Patch {
  return { ...a, ...b, ...(a.prompts || b.prompts ? { prompts: { ...a.prompts, ...b.prompts } } : {}) };
}

function refusal(error: unknown): SaveState {
  if (error instanceof ApiError) {
    const issue = (error.details?.issues as { path?: unknown; message?: unknown }[] | undefined)?.find(
      (i) => Array.isArray(i.path) && typeof i.message === 'string',
    );
    if (issue) return { kind: 'error', message: String(issue.message), field: String((issue.path as unknown[])[0]) };
    return { kind: 'error', message: error.message, field: null };
  }
  return { kind: 'error', message: 'The change was not saved.', field: null };
}

/**
 * Collects edits and saves them in order: at once for choices, shortly after typing stops for
 * text. A refused edit is kept, so the next change sends it again and nothing typed is lost;
 * it is not retried on its own, so a refusal cannot loop.
 */
function useAutosave(caseId: string) {
  const update = useCommand('cases.updateAudit');
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const pending = useRef<Patch | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const { mutateAsync } = update;

  const flush = useCallback(
    async (leaving = false): Promise<boolean> => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      // Leaving the page: send now even if a save is on its way (the page may not see it answer).
      if (!leaving) while (inFlight.current) await inFlight.current;
      if (!pending.current) return true;
      const patch = pending.current;
      pending.current = null;
      setState({ kind: 'saving' });
      const sending = mutateAsync({ id: caseId, fields: patch }).then(
        () => true,
        (error: unknown) => {
          pending.current = merge(patch, pending.current ?? {});
          setState(refusal(error));
          return false;
        },
      );
      inFlight.current = sending;
      const saved = await sending;
      if (inFlight.current === sending) inFlight.current = null;
      if (!saved) return false;
      if (pending.current) return flush();
      setState({ kind: 'saved' });
      return true;
    },
    [caseId, mutateAsync],
  );

  const queue = useCallback(
    (patch: Patch, delay: number) => {
      pending.current = merge(pending.current ?? {}, patch);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), delay);
    },
    [flush],
  );

  // Leaving the screen, the page or the app saves what is waiting rather than dropping it.
  useEffect(() => registerPendingSave(({ leaving }) => flush(leaving)), [flush]);
  useEffect(() => () => void flush(), [flush]);
  return { state, queue, flush };
}

/** One line for both channels; a refused answer on the area's audit outranks everything else. */
function combined(answer: SaveState, general: SaveState): SaveState {
  if (answer.kind === 'error') return answer;
  if (general.kind === 'error') return general;
  if (answer.kind === 'saving' || general.kind === 'saving') return { kind: 'saving' };
  if (answer.kind === 'saved' || general.kind === 'saved') return { kind: 'saved' };
  return { kind: 'idle' };
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

function SaveStatus({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  const text =
    state.kind === 'saving'
      ? 'Saving…'
      : state.kind === 'saved'
        ? 'Saved'
        : state.kind === 'error'
          ? `Not saved: ${lowerFirst(state.message)}`
          : 'Changes save automatically';
  return (
    <p className={`save-status save-${state.kind}`} role="status" aria-live="polite">
      {text}
      {state.kind === 'error' && state.field === null && (
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
  // Two channels: the answer on the area's audit (which the service may refuse without a
  // reason) is saved apart from everything else, so a refusal there never holds up the rest.
  const general = useAutosave(sampled.id);
  const answer = useAutosave(sampled.id);
  const [status, setStatus] = useState<CaseStatus>(sampled.status);
  // Recording anything starts the case (the service does the same), so the list shows who is on it.
  const started = (patch: Patch): Patch => {
    if (status !== 'not_started' || patch.status !== undefined) return patch;
    setStatus('in_progress');
    return { ...patch, status: 'in_progress' };
  };
  const queue = (patch: Patch, delay: number) => general.queue(started(patch), delay);
  const [laGrade, setLaGrade] = useState<Grade | null>(sampled.laAuditGrade);
  const [grade, setGrade] = useState<Grade | null>(sampled.inspectorGrade);
  const [agreement, setAgreement] = useState<Agreement | null>(sampled.auditAgreement);
  const [reason, setReason] = useState(sampled.agreementReason ?? '');
  const [prompts, setPrompts] = useState<Record<string, string>>(sampled.prompts);
  // The rule (a reason for "partly" and "no") is the service's; its message is shown at the field.
  const reasonError = answer.state.kind === 'error' && answer.state.field === 'agreementReason' ? answer.state.message : null;

  const chooseAgreement = (next: Agreement) => {
    setAgreement(next);
    if (status === 'not_started') setStatus('in_progress');
    answer.queue({ auditAgreement: next, agreementReason: reason }, 0);
  };
  const typeReason = (text: string) => {
    setReason(text);
    answer.queue({ agreementReason: text, ...(agreement ? { auditAgreement: agreement } : {}) }, TYPING_DELAY_MS);
  };

  return (
    <form className="case-audit" onSubmit={(e) => e.preventDefault()} aria-labelledby={`${id}-title`}>
      <div className="screen-header">
        <h2 id={`${id}-title`}>Audit</h2>
        <SaveStatus
          state={combined(answer.state, general.state)}
          onRetry={() => {
            void general.flush();
            void answer.flush();
          }}
        />
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
      <div className={`field${reasonError ? ' field-error' : ''}`}>
        <label htmlFor={`${id}-reason`}>Reason{agreement === 'partly' || agreement === 'no' ? ' (required)' : ''}</label>
        <textarea
          id={`${id}-reason`}
          className="short-textarea"
          value={reason}
          onChange={(e) => typeReason(e.target.value)}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? `${id}-reason-error` : undefined}
        />
        {reasonError && (
          <span id={`${id}-reason-error`} className="field-error-text">
            {reasonError}
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
