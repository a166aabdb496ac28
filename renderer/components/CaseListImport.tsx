/**
 * Importing the area's case list: pick a CSV or an Excel workbook (its bytes travel, never a
 * path), check the sheet, the header row, the mapping and the preview, then confirm. Nothing is stored until "Import"; the import runs
 * as one transaction with a progress bar.
 */
import { useId, useState, type ChangeEvent } from 'react';
import type { z } from 'zod';
import { MAX_CASE_LIST_BYTES, type ColumnMapping } from '../../shared/api/cases.js';
import { useCommand, useLongCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';
import {
  CaseListHeaderChoice,
  CaseListMapping,
  CaseListPreviewRows,
  CaseListProblems,
  CaseListUnmappedWarning,
} from './CaseListImportPreview.js';

type Mapping = z.infer<typeof ColumnMapping>;

interface ChosenFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

export function CaseListImport({ inspectionId, onDone }: { inspectionId: string; onDone?: () => void }) {
  const inputId = useId();
  const preview = useCommand('cases.previewImport');
  const commit = useLongCommand('cases.commitImport');
  const notice = useUi((s) => s.noticeShown);
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  // Chosen by the user; undefined means "as detected" (first sheet, detected header row).
  const [sheet, setSheet] = useState<string | undefined>(undefined);
  const [headerLine, setHeaderLine] = useState<number | undefined>(undefined);
  const [fileError, setFileError] = useState<string | null>(null);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    event.target.value = '';
    setFileError(null);
    commit.reset();
    if (!chosen) return;
    if (chosen.size > MAX_CASE_LIST_BYTES) {
      setFileError(
        `${chosen.name} is ${(chosen.size / 1024 / 1024).toFixed(1)} MB; Fieldwork takes case lists up to ${MAX_CASE_LIST_BYTES / 1024 / 1024} MB. Remove columns Fieldwork does not need, or split the list.`,
      );
      return;
    }
    try {
      const next = { name: chosen.name, bytes: new Uint8Array(await chosen.arrayBuffer()) };
      setFile(next);
      setMapping(null);
      setSheet(undefined);
      setHeaderLine(undefined);
      preview.mutate(
        { inspectionId, fileName: next.name, bytes: next.bytes },
        { onSuccess: (result) => setMapping(result.mapping) },
      );
    } catch {
      setFileError(`${chosen.name} could not be read. Is it still on the disk?`);
    }
  };

  const where = (nextSheet: string | undefined, nextHeader: number | undefined) => ({
    ...(nextSheet === undefined ? {} : { sheet: nextSheet }),
    ...(nextHeader === undefined ? {} : { headerLine: nextHeader }),
  });

  const remap = (next: Mapping) => {
    if (!file) return;
    setMapping(next);
    preview.mutate({
      inspectionId,
      fileName: file.name,
      bytes: file.bytes,
      mapping: next,
      ...where(sheet, headerLine),
    });
  };

  /** Another sheet or header row means other column names: the mapping is guessed afresh. */
  const reread = (nextSheet: string | undefined, nextHeader: number | undefined) => {
    if (!file) return;
    setSheet(nextSheet);
    setHeaderLine(nextHeader);
    preview.mutate(
      { inspectionId, fileName: file.name, bytes: file.bytes, ...where(nextSheet, nextHeader) },
      { onSuccess: (result) => setMapping(result.mapping) },
    );
  };

  const cancel = () => {
    setFile(null);
    setMapping(null);
    preview.reset();
    onDone?.();
  };

  const confirm = () => {
    if (!file || !mapping) return;
    commit.mutate(
      { inspectionId, fileName: file.name, bytes: file.bytes, mapping, ...where(sheet, headerLine) },
      {
        onSuccess: (result) => {
          notice('info', `${result.imported} cases imported from ${file.name}.`);
          setFile(null);
          setMapping(null);
          preview.reset();
          onDone?.();
        },
      },
    );
  };

  const data = preview.data;
  const progress = commit.progress;
  return (
    <div className="case-import">
      <div className="field">
        <label htmlFor={inputId}>Case list file (CSV or Excel)</label>
        <span className="field-hint" id={`${inputId}-hint`}>
          An Excel workbook (.xlsx) or a CSV file (comma or semicolon). Up to {MAX_CASE_LIST_BYTES / 1024 / 1024} MB. Nothing is
          imported until you confirm.
        </span>
        <input
          id={inputId}
          type="file"
          accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby={`${inputId}-hint`}
          onChange={(e) => void choose(e)}
        />
      </div>
      {fileError && (
        <p className="error-box" role="alert">
          {fileError}
        </p>
      )}
      {preview.error && (
        <p className="error-box" role="alert">
          {preview.error.message}
        </p>
      )}
      {preview.isPending && <p role="status">Reading the file…</p>}
      {file && data && mapping && (
        <section className="case-import-preview" aria-labelledby="import-preview-title">
          <h3 id="import-preview-title">Check before importing: {data.fileName}</h3>
          <p className="case-import-summary" role="status">
            {data.total} {data.total === 1 ? 'row' : 'rows'} read · <strong>{data.valid} ready to import</strong> ·{' '}
            {data.problems.length} skipped
            {data.repeats > 0 && ` · ${data.repeats} ${data.repeats === 1 ? 'repeats' : 'repeat'} an earlier case reference`}
            {data.notChecked > 0 && ` · ${data.notChecked} not checked until you choose the case reference column`}
            <span className="muted small">
              {' '}
              (
              {data.format === 'xlsx'
                ? `Excel workbook, sheet "${data.sheet ?? ''}"`
                : `${data.encoding}, separated by ${DELIMITER_NAMES[data.delimiter] ?? data.delimiter}`}
              ; SHA-256 <span className="mono">{data.sha256.slice(0, 12)}…</span>)
            </span>
          </p>
          <CaseListUnmappedWarning preview={data} />
          <CaseListHeaderChoice
            preview={data}
            disabled={preview.isPending}
            onSheet={(name) => reread(name, undefined)}
            onHeaderLine={(line) => reread(sheet, line)}
          />
          <CaseListMapping preview={data} mapping={mapping} onChange={remap} />
          {data.blocker && (
            <p className="error-box" role="alert">
              {data.blocker}
            </p>
          )}
          <CaseListProblems preview={data} />
          <CaseListPreviewRows preview={data} />
          {commit.error && (
            <p className="error-box" role="alert">
              {commit.error.message}
            </p>
          )}
          {commit.isPending && (
            <div className="case-import-progress">
              <label htmlFor={`${inputId}-progress`}>{progress?.stage ?? 'Importing'}…</label>
              <progress
                id={`${inputId}-progress`}
                className="progress"
                max={progress?.total || 1}
                value={progress ? progress.done : undefined}
              />
            </div>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              onClick={confirm}
              disabled={commit.isPending || preview.isPending || data.blocker !== null}
            >
              Import {data.valid} {data.valid === 1 ? 'case' : 'cases'}
            </button>
            <button type="button" onClick={cancel} disabled={commit.isPending}>
              Cancel
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
