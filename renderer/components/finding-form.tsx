/** Writing a finding: kind, statement, agencies (one, several or the partnership) and theme. */
import { useState, type FormEvent } from 'react';
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover } from 'react-aria-components';
import type { FindingFields } from '../../shared/api/findings.js';
import { AGENCIES, FINDING_KINDS, type Agency, type FindingKind } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';
import { Field, Select } from './form.js';

interface FindingFormProps {
  inspectionId: string;
  initial: FindingFields;
  submitLabel: string;
  pending: boolean;
  errors: Record<string, string>;
  onSubmit: (fields: FindingFields) => void;
  onCancel?: () => void;
}

export function FindingForm({ inspectionId, initial, submitLabel, pending, errors, onSubmit, onCancel }: FindingFormProps) {
  const options = useApi('evidence.options', { inspectionId });
  const [fields, setFields] = useState<FindingFields>(initial);
  const set = <K extends keyof FindingFields>(key: K, value: FindingFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const toggle = (agency: Agency, on: boolean) =>
    set('agencies', on ? [...fields.agencies, agency] : fields.agencies.filter((a) => a !== agency));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ ...fields, theme: fields.theme?.trim() ? fields.theme.trim() : null });
  };
  const themes = (options.data?.themes ?? []).map((t) => ({ id: t, name: t }));
  return (
    <form className="form-grid finding-form" onSubmit={submit} noValidate>
      <Field label="Kind" error={errors.kind}>
        {(p) => <Select<FindingKind> {...p} value={fields.kind} onChange={(v) => set('kind', v)} options={FINDING_KINDS} />}
      </Field>
      <Field label="Statement" error={errors.statement}>
        {(p) => <textarea {...p} className="short" value={fields.statement} onChange={(e) => set('statement', e.target.value)} />}
      </Field>
      <fieldset className="checkbox-group" aria-describedby={errors.agencies ? 'finding-agencies-error' : undefined}>
        <legend>Agencies</legend>
        {(Object.entries(AGENCIES) as [Agency, string][]).map(([key, label]) => (
          <label key={key} className="checkbox">
            <input type="checkbox" checked={fields.agencies.includes(key)} onChange={(e) => toggle(key, e.target.checked)} />
            {label}
          </label>
        ))}
      </fieldset>
      {errors.agencies && (
        <span id="finding-agencies-error" className="field-error-text">
          {errors.agencies}
        </span>
      )}
      <ComboBox
        className="field"
        inputValue={fields.theme ?? ''}
        onInputChange={(v) => set('theme', v)}
        allowsCustomValue
        items={themes}
      >
        <Label>Theme</Label>
        <Input />
        <Popover className="combo-popover" placement="bottom start">
          <ListBox className="combo-list">
            {(item: { id: string; name: string }) => (
              <ListBoxItem className="combo-option" textValue={item.name}>
                {item.name}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={pending}>
          {submitLabel}
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
