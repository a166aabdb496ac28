/** What an import would do: the column mapping, the first rows, every problem row by line, duplicates. */
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { z } from 'zod';
import type { ColumnMapping, ImportPreview } from '../../shared/api/cases.js';
import { CASE_LIST_FIELD_KEYS, CASE_LIST_FIELDS, type CaseListField } from '../../shared/case-list/fields.js';
import { legalStatusLabel } from '../../shared/case-list/normalise.js';
import { AGENCIES, STAGES } from '../../shared/domain/vocabulary.js';

type Preview = z.infer<typeof ImportPreview>;
type Mapping = z.infer<typeof ColumnMapping>;

const NOT_IN_FILE = '';

export function CaseListMapping({
  preview,
  mapping,
  onChange,
}: {
  preview: Preview;
  mapping: Mapping;
  onChange: (mapping: Mapping) => void;
}) {
  const remembered = preview.rememberedMapping !== null;
  return (
    <fieldset className="case-import-mapping">
      <legend>Which column holds what</legend>
      <p className="muted small">
        {remembered ? 'Your mapping from the last import is filled in.' : 'Guessed from the column names.'} Age bands are worked
        out on {preview.referenceDate}; a date of birth is used before an age when both are mapped.
      </p>
      <div className="case-import-mapping-grid">
        {CASE_LIST_FIELD_KEYS.map((field: CaseListField) => (
          <label key={field} className="field">
            <span>{CASE_LIST_FIELDS[field]}</span>
            <select
              value={mapping[field] ?? NOT_IN_FILE}
              onChange={(e) => onChange({ ...mapping, [field]: e.target.value === NOT_IN_FILE ? null : e.target.value })}
            >
              <option value={NOT_IN_FILE}>{field === 'caseRef' ? 'Choose a column' : 'Not in this file'}</option>
              {preview.headers.map((header) => (
                <option key={header} value={header}>
                  {header}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const agencyLabel = (value: string) => (AGENCIES as Record<string, string>)[value] ?? value;

export function CaseListPreviewRows({ preview }: { preview: Preview }) {
  if (preview.rows.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="table case-import-rows">
        <caption className="visually-hidden">First {preview.rows.length} cases as they will be imported</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Case reference</th>
            <th scope="col">Age band</th>
            <th scope="col">Stage</th>
            <th scope="col">Legal status</th>
            <th scope="col">Agencies</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row) => (
            <tr key={row.line}>
              <td className="mono">{row.line}</td>
              <td className="mono">{row.caseRef}</td>
              <td>{row.ageBand ?? '—'}</td>
              <td>{row.stage ? STAGES[row.stage] : '—'}</td>
              <td>{row.legalStatus ? legalStatusLabel(row.legalStatus) : '—'}</td>
              <td>{row.agencies.map(agencyLabel).join(', ') || '—'}</td>
              <td>{row.flags.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every problem row; a wrong mapping can make thousands, so only the visible ones are drawn. */
export function CaseListProblems({ preview }: { preview: Preview }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: preview.problems.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 26,
    overscan: 10,
  });
  if (preview.problems.length === 0 && preview.duplicates.length === 0) return null;
  return (
    <div className="case-import-problems">
      {preview.problems.length > 0 && (
        <section aria-labelledby="import-problems-title">
          <h4 id="import-problems-title">
            {preview.problems.length === 1 ? '1 row will be skipped' : `${preview.problems.length} rows will be skipped`}
          </h4>
          <div ref={parent} className="problem-scroll" tabIndex={0} role="region" aria-labelledby="import-problems-title">
            <ul style={{ height: virtualizer.getTotalSize(), position: 'relative' }} aria-label="Rows that will be skipped">
              {virtualizer.getVirtualItems().map((item) => {
                const problem = preview.problems[item.index];
                if (!problem) return null;
                return (
                  <li
                    key={item.key}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    className="problem-row"
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
                  >
                    <span className="problem-line">Line {problem.line}</span> {problem.reason}
                  </li>
                );
              })}
            </ul>
          </div>
        </section>
      )}
      {preview.duplicates.length > 0 && (
        <section aria-labelledby="import-duplicates-title">
          <h4 id="import-duplicates-title">Repeated case references (the first is kept)</h4>
          <ul className="duplicate-list">
            {preview.duplicates.map((d) => (
              <li key={d.caseRef}>
                <span className="mono">{d.caseRef}</span> on lines {d.lines.join(', ')}: line {d.lines[0]} kept
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
