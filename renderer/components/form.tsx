/** Labelled form controls with error text wired by aria-describedby. */
import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}

export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {error && (
        <span id={`${id}-error`} className="field-error-text">
          {error}
        </span>
      )}
    </div>
  );
}

export function Select<T extends string>({
  value,
  onChange,
  options,
  ...rest
}: {
  value: T;
  onChange: (value: T) => void;
  options: Readonly<Record<T, string>>;
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as T)} {...rest}>
      {(Object.entries(options) as [T, string][]).map(([key, label]) => (
        <option key={key} value={key}>
          {label}
        </option>
      ))}
    </select>
  );
}

/** Maps an API validation error's issues to field paths. */
export function fieldErrors(details: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const issues = (details?.issues ?? []) as { path: string[]; message: string }[];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path[issue.path.length - 1] ?? '';
    errors[key] ??= plainMessage(issue.message);
  }
  return errors;
}

/** The schema library's own wording, where a field has no message of its own, in plain words. */
const PLAIN_MESSAGES: readonly [RegExp, string][] = [
  [/^Invalid ISO date$/i, 'Enter a date (day, month and year).'],
  [/^Invalid ISO datetime$/i, 'Enter a date and time.'],
  [/^Invalid (input|option)/i, 'Choose one of the options.'],
  [/^Too small: expected string to have >=1 characters?$/i, 'This cannot be left empty.'],
  [/^Too big: expected string to have <=(\d+) characters?$/i, 'This is too long: at most $1 characters.'],
];

export function plainMessage(message: string): string {
  for (const [pattern, plain] of PLAIN_MESSAGES) {
    const match = pattern.exec(message);
    if (match) return plain.replace('$1', match[1] ?? '');
  }
  return message;
}
