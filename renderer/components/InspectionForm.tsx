/** The fields of an inspection, used to create one and to edit its set-up. */
import { useState, type FormEvent } from 'react';
import type { CommandInput } from '../../shared/api/index.js';
import {
  INSPECTION_TYPES,
  INSPECTORATES,
  JTAI_THEMES,
  type InspectionType,
  type Inspectorate,
} from '../../shared/domain/vocabulary.js';
import { Field, Select } from './form.js';

export type InspectionFieldsInput = CommandInput<'inspections.create'>['fields'];

export const emptyInspection: InspectionFieldsInput = {
  type: 'jtai_thematic',
  localAuthority: '',
  theme: JTAI_THEMES[0],
  fieldworkStart: '',
  fieldworkEnd: '',
  inspectorates: ['ofsted'],
};

interface Props {
  initial: InspectionFieldsInput;
  errors: Record<string, string>;
  submitLabel: string;
  busy: boolean;
  onSubmit: (fields: InspectionFieldsInput) => void;
  onCancel?: () => void;
}

export function InspectionForm({ initial, errors, submitLabel, busy, onSubmit, onCancel }: Props) {
  const [fields, setFields] = useState<InspectionFieldsInput>(initial);
  const set = <K extends keyof InspectionFieldsInput>(key: K, value: InspectionFieldsInput[K]) =>
    setFields((f) => ({ ...f, [key]: value }));
  const isJtai = fields.type.startsWith('jtai');
  const themeIsCustom = fields.theme !== undefined && !(JTAI_THEMES as readonly string[]).includes(fields.theme);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cleaned: InspectionFieldsInput = { ...fields };
    if (!cleaned.reviewStart) delete cleaned.reviewStart;
    if (!cleaned.reviewEnd) delete cleaned.reviewEnd;
    if (!isJtai && !cleaned.theme) delete cleaned.theme;
    onSubmit(cleaned);
  };
  const toggleInspectorate = (key: Inspectorate, on: boolean) =>
    set('inspectorates', on ? [...fields.inspectorates, key] : fields.inspectorates.filter((i) => i !== key));

  return (
    <form className="form-grid" onSubmit={submit} noValidate>
      <Field label="Type of inspection" error={errors.type}>
        {(p) => <Select<InspectionType> {...p} value={fields.type} onChange={(v) => set('type', v)} options={INSPECTION_TYPES} />}
      </Field>
      <Field label="Local authority" error={errors.localAuthority}>
        {(p) => (
          <input
            {...p}
            type="text"
            value={fields.localAuthority}
            onChange={(e) => set('localAuthority', e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Theme" hint={isJtai ? 'Choose the deep-dive theme or type your own' : 'Optional'} error={errors.theme}>
        {(p) => (
          <>
            <input
              {...p}
              type="text"
              list="jtai-themes"
              value={fields.theme ?? ''}
              onChange={(e) => set('theme', e.target.value)}
            />
            <datalist id="jtai-themes">
              {JTAI_THEMES.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            {themeIsCustom && <span className="field-hint">Your own theme</span>}
          </>
        )}
      </Field>
      <div className="form-row">
        <Field label="Fieldwork starts" error={errors.fieldworkStart}>
          {(p) => (
            <input {...p} type="date" value={fields.fieldworkStart} onChange={(e) => set('fieldworkStart', e.target.value)} />
          )}
        </Field>
        <Field label="Fieldwork ends" error={errors.fieldworkEnd}>
          {(p) => <input {...p} type="date" value={fields.fieldworkEnd} onChange={(e) => set('fieldworkEnd', e.target.value)} />}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Period under review from" error={errors.reviewStart}>
          {(p) => (
            <input {...p} type="date" value={fields.reviewStart ?? ''} onChange={(e) => set('reviewStart', e.target.value)} />
          )}
        </Field>
        <Field label="Period under review to" error={errors.reviewEnd}>
          {(p) => <input {...p} type="date" value={fields.reviewEnd ?? ''} onChange={(e) => set('reviewEnd', e.target.value)} />}
        </Field>
      </div>
      <fieldset className="checkbox-group">
        <legend>Inspectorates</legend>
        {(Object.entries(INSPECTORATES) as [Inspectorate, string][]).map(([key, label]) => (
          <label key={key} className="checkbox">
            <input
              type="checkbox"
              checked={fields.inspectorates.includes(key)}
              onChange={(e) => toggleInspectorate(key, e.target.checked)}
            />
            {label}
          </label>
        ))}
        {errors.inspectorates && <span className="field-error-text">{errors.inspectorates}</span>}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
