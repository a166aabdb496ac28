/** Filters over evidence notes (case, agency, theme, polarity, author), shared by notes and search. */
import { useId } from 'react';
import type { NoteFilters } from '../../shared/api/evidence.js';
import { AGENCIES, POLARITIES, type Agency, type Polarity } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';

interface NoteFilterBarProps {
  inspectionId: string;
  value: NoteFilters;
  onChange: (value: NoteFilters) => void;
}

function without<K extends keyof NoteFilters>(filters: NoteFilters, key: K, value: string): NoteFilters {
  const next = { ...filters };
  if (value) Object.assign(next, { [key]: value });
  else delete next[key];
  return next;
}

export function NoteFilterBar({ inspectionId, value, onChange }: NoteFilterBarProps) {
  const options = useApi('evidence.options', { inspectionId });
  const data = options.data;
  const id = useId();
  const set = (key: keyof NoteFilters) => (e: { target: { value: string } }) => onChange(without(value, key, e.target.value));
  return (
    <div className="filter-bar" role="group" aria-label="Filter notes">
      <div className="filter">
        <label htmlFor={`${id}-caseId`}>Case</label>
        <select id={`${id}-caseId`} value={value.caseId ?? ''} onChange={set('caseId')}>
          <option value="">All cases</option>
          {(data?.cases ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.caseRef}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-agency`}>Agency</label>
        <select id={`${id}-agency`} value={value.agency ?? ''} onChange={set('agency')}>
          <option value="">All agencies</option>
          {(Object.entries(AGENCIES) as [Agency, string][]).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-theme`}>Theme</label>
        <select id={`${id}-theme`} value={value.theme ?? ''} onChange={set('theme')}>
          <option value="">All themes</option>
          {(data?.themes ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-polarity`}>Points to</label>
        <select id={`${id}-polarity`} value={value.polarity ?? ''} onChange={set('polarity')}>
          <option value="">Any</option>
          {(Object.entries(POLARITIES) as [Polarity, string][]).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-author`}>Author</label>
        <select id={`${id}-author`} value={value.author ?? ''} onChange={set('author')}>
          <option value="">Anyone</option>
          {(data?.authors ?? []).map((a) => (
            <option key={a.key} value={a.key}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
