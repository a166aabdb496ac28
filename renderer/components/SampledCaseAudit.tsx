/**
 * The inspector's audit of one case: status, the area's own grade, the inspector's grade,
 * agreement with the area's audit (a reason is required for "partly" and "no"), and the theme
 * prompts. Everything saves itself within a second (at once on leaving a field) and says so,
 * through the renderer's one autosave (renderer/state/autosave.ts); typing never waits on a save.
 */
import { useId, useState } from 'react';
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
import { AUTOSAVE_DELAY_MS, type SaveStatus } from '../state/autosave.js';
import { useAutosave } from '../state/use-autosave.js';
import { SaveStatusLine } from './SaveStatusLine.js';

type Patch = z.input<typeof AuditFields>;

function merge(a: Patch, b: Patch): Patch {
  return { ...a, ...b, ...(a.prompts || b.prompts ? { prompts: { ...a.prompts, ...b.prompts } } : {}) };
}

/** The case's autosave (renderer/state/autosave.ts) through the api layer's command. */
function useAuditAutosave(caseId: string) {
  const { mutateAsync } = useCommand('cases.updateAudit');
  return useAutosave<Patch>(caseId, (id, fields) => mutateAsync({ id, fields }), merge);
}

const RANK: Record<SaveStatus['kind'], number> = { refused: 4, retrying: 3, saving: 2, saved: 1, idle: 0 };

/** One line for both channels; a refused answer on the area's audit outranks everything else. */
function combined(answer: SaveStatus, general: SaveStatus): SaveStatus {
  if (RANK[answer.kind] >= RANK[general.kind]) {
    return answer.kind === 'saved' && general.kind === 'saved' && general.at > answer.at ? general : answer;
  }
  return general;
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
  const general = useAuditAutosave(sampled.id);
  const answer = useAuditAutosave(sampled.id);
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
  const reasonError = answer.status.kind === 'refused' && answer.status.field === 'agreementReason' ? answer.status.reason : null;

  const chooseAgreement = (next: Agreement) => {
    setAgreement(next);
    if (status === 'not_started') setStatus('in_progress');
    answer.queue({ auditAgreement: next, agreementReason: reason }, 0);
  };
  const typeReason = (text: string) => {
    setReason(text);
    answer.queue({ agreementReason: text, ...(agreement ? { auditAgreement: agreement } : {}) }, AUTOSAVE_DELAY_MS);
  };

  return (
    <form className="case-audit" onSubmit={(e) => e.preventDefault()} aria-labelledby={`${id}-title`}>
      <div className="screen-header">
        <h2 id={`${id}-title`}>Audit</h2>
        <SaveStatusLine
          status={combined(answer.status, general.status)}
          idle="Changes save automatically"
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
          onBlur={() => void answer.flush()}
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
                queue({ prompts: { [key]: text } }, AUTOSAVE_DELAY_MS);
              }}
              onBlur={() => void general.flush()}
            />
          </div>
        ))}
      </fieldset>
    </form>
  );
}
