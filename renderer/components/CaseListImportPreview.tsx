/**
 * What an import would do: the sheet and header row, the column mapping (and what it would
 * leave out), the first rows, every problem row by line, duplicates.
 */
import { useId, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { z } from 'zod';
import type { ColumnMapping, ImportPreview } from '../../shared/api/cases.js';
import { CASE_LIST_FIELD_KEYS, CASE_LIST_FIELDS, type CaseListField } from '../../shared/case-list/fields.js';
import { legalStatusLabel } from '../../shared/case-list/normalise.js';
import { AGENCIES, STAGES } from '../../shared/domain/vocabulary.js';

type Preview = z.infer<typeof ImportPreview>;
type Mapping = z.infer<typeof ColumnMapping>;

const NOT_IN_FILE = '';

/** "Line" for a CSV file (as a text editor numbers it), "Row" for a sheet (as Excel numbers it). */
export const unitWord = (preview: Preview) => (preview.format === 'xlsx' ? 'Row' : 'Line');

const fieldLabel = (field: string) => (CASE_LIST_FIELDS as Record<string, string>)[field]?.toLowerCase() ?? field;

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The trap: rows stored without strata that the file has. Said loudly, above the mapping. */
export function CaseListUnmappedWarning({ preview }: { preview: Preview }) {
  if (preview.unmappedFields.length === 0 || preview.mapping.caseRef === null) return null;
  const fields = preview.unmappedFields.map((u) => fieldLabel(u.field));
  const columns = preview.unmappedFields.map((u) => `"${u.header}"`);
  return (
    <div className="warning-box" role="alert">
      <strong>
        Rows would be stored without {joinWords(fields)}, although the file has {columns.length === 1 ? 'a column' : 'columns'}{' '}
        {joinWords(columns)}.
      </strong>{' '}
      The sample could then not be drawn by {fields.length === 1 ? 'that' : 'those'}. Choose the{' '}
      {columns.length === 1 ? 'column' : 'columns'} below, or import without {fields.length === 1 ? 'it' : 'them'} if that is what
      you mean.
    </div>
  );
}

/** Which sheet (a workbook with several) and which row holds the column names. */
export function CaseListHeaderChoice({
  preview,
  disabled,
  onSheet,
  onHeaderLine,
}: {
  preview: Preview;
  disabled: boolean;
  onSheet: (sheet: string) => void;
  onHeaderLine: (line: number) => void;
}) {
  const id = useId();
  const unit = unitWord(preview);
  return (
    <div className="case-import-where">
      {preview.sheets.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-sheet`}>Sheet</label>
          <select id={`${id}-sheet`} value={preview.sheet ?? ''} disabled={disabled} onChange={(e) => onSheet(e.target.value)}>
            {preview.sheets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      )}
      {preview.headerCandidates.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-header`}>Column names are on</label>
          <select
            id={`${id}-header`}
            value={preview.headerLine}
            disabled={disabled}
            aria-describedby={`${id}-header-hint`}
            onChange={(e) => onHeaderLine(Number(e.target.value))}
          >
            {preview.headerCandidates.map((candidate) => (
              <option key={candidate.line} value={candidate.line}>
                {unit} {candidate.line}: {candidate.text || '(empty)'}
              </option>
            ))}
          </select>
          <span className="field-hint" id={`${id}-header-hint`}>
            {preview.headerCandidates[0] && preview.headerLine > preview.headerCandidates[0].line
              ? `${unit === 'Row' ? 'Rows' : 'Lines'} above ${preview.headerLine} (a title, for example) are not read as cases.`
              : 'Found by the column names; choose another if this is not the header.'}
          </span>
        </div>
      )}
    </div>
  );
}

export function CaseListMapping({
  preview,
  mapping,
  onChange,
}: {
  preview: Preview;
  mapping: Mapping;
  onChange: (mapping: Mapping) => void;
}) {
  const guessed = new Set(preview.guessedFields);
  const source =
    preview.mappingSource === 'remembered'
      ? 'Your mapping from the last import of a file with exactly these columns is filled in.'
      : preview.mappingSource === 'chosen'
        ? 'Your choices are shown; fields marked "guessed" were matched by their column names.'
        : 'Guessed from the column names: check each field marked "guessed".';
  return (
    <fieldset className="case-import-mapping">
      <legend>Which column holds what</legend>
      <p className="muted small">
        {source} Age bands are worked out on {preview.referenceDate}; a date of birth is used before an age when both are mapped.
      </p>
      <div className="case-import-mapping-grid">
        {CASE_LIST_FIELD_KEYS.map((field: CaseListField) => (
          <label key={field} className="field">
            <span>
              {CASE_LIST_FIELDS[field]}
              {guessed.has(field) && <span className="tag tag-guessed">guessed</span>}
            </span>
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
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Cases as they will be imported">
      <table className="table case-import-rows">
        <caption className="visually-hidden">First {preview.rows.length} cases as they will be imported</caption>
        <thead>
          <tr>
            <th scope="col">{unitWord(preview)}</th>
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
                    <span className="problem-line">
                      {unitWord(preview)} {problem.line}
                    </span>{' '}
                    {problem.reason}
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
                <span className="mono">{d.caseRef}</span> on {unitWord(preview).toLowerCase()}s {d.lines.join(', ')}:{' '}
                {unitWord(preview).toLowerCase()} {d.lines[0]} kept
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
