/** The fields of an evidence note: text, source, agency, themes, polarity and case. */
import { useId } from 'react';
import { AGENCIES, POLARITIES, SOURCES, type Agency, type Polarity, type Source } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';
import type { NoteDraftFields } from '../state/note-draft-store.js';
import { Field } from './form.js';
import { ThemeTags } from './ThemeTags.js';

interface NoteFieldsProps {
  inspectionId: string;
  fields: NoteDraftFields;
  onChange: <K extends keyof NoteDraftFields>(key: K, value: NoteDraftFields[K]) => void;
}

function OptionalSelect<T extends string>(props: {
  id: string;
  value: T | null;
  options: Readonly<Record<T, string>>;
  onChange: (value: T | null) => void;
  none: string;
}) {
  return (
    <select id={props.id} value={props.value ?? ''} onChange={(e) => props.onChange((e.target.value || null) as T | null)}>
      <option value="">{props.none}</option>
      {(Object.entries(props.options) as [T, string][]).map(([key, label]) => (
        <option key={key} value={key}>
          {label}
        </option>
      ))}
    </select>
  );
}

export function NoteFieldsForm({ inspectionId, fields, onChange }: NoteFieldsProps) {
  const options = useApi('evidence.options', { inspectionId });
  const polarityName = useId();
  const cases = options.data?.cases ?? [];
  const caseOptions = Object.fromEntries(cases.map((c) => [c.id, c.caseRef])) as Record<string, string>;
  return (
    <div className="note-fields">
      <Field label="What did you see or hear?">
        {(p) => (
          <textarea
            {...p}
            className="note-text"
            value={fields.text}
            onChange={(e) => onChange('text', e.target.value)}
            autoFocus
            spellCheck
          />
        )}
      </Field>
      <div className="form-row">
        <Field label="Source">
          {(p) => (
            <OptionalSelect<Source>
              id={p.id}
              value={fields.source}
              options={SOURCES}
              onChange={(v) => onChange('source', v)}
              none="Not chosen"
            />
          )}
        </Field>
        <Field label="Agency">
          {(p) => (
            <OptionalSelect<Agency>
              id={p.id}
              value={fields.agency}
              options={AGENCIES}
              onChange={(v) => onChange('agency', v)}
              none="Not chosen"
            />
          )}
        </Field>
      </div>
      <ThemeTags themes={fields.themes} suggestions={options.data?.themes ?? []} onChange={(t) => onChange('themes', t)} />
      <fieldset className="radio-group">
        <legend>Points to</legend>
        <span className="field-hint">{fields.polarity === null ? 'Not chosen yet: choose one, or leave it for later.' : ''}</span>
        {(Object.entries(POLARITIES) as [Polarity, string][]).map(([key, label]) => (
          <label key={key} className="radio">
            <input
              type="radio"
              name={polarityName}
              value={key}
              checked={fields.polarity === key}
              onChange={() => onChange('polarity', key)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <Field label="Case" hint={cases.length === 0 ? 'No sampled cases yet' : undefined}>
        {(p) => (
          <select
            id={p.id}
            {...(p['aria-describedby'] ? { 'aria-describedby': p['aria-describedby'] } : {})}
            value={fields.caseId ?? ''}
            onChange={(e) => onChange('caseId', e.target.value || null)}
          >
            <option value="">No case (general evidence)</option>
            {Object.entries(caseOptions).map(([id, ref]) => (
              <option key={id} value={id}>
                {ref}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
