/**
 * Bundles: export this laptop's work (a delta or everything, to the team or with a passphrase)
 * as a download; import bundle files picked or dropped on the window, several at once, each
 * previewed, confirmed where needed and imported with progress; and the import history.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useLongCommand } from '../api/hooks.js';
import { usePages } from '../api/pages.js';
import { BUNDLE_EXTENSION } from '../../shared/api/bundles.js';
import { BundleImportList, changeCounts } from '../components/BundleImportList.js';
import { bytesToBlob, formatSize } from '../components/bundle-bytes.js';
import { formatDateTime } from '../components/dates.js';
import { fieldErrors } from '../components/form.js';
import { useBundleImports } from '../state/bundle-imports.js';

interface Download {
  readonly url: string;
  readonly fileName: string;
  readonly summary: string;
}

function ExportPanel({ inspectionId }: { inspectionId: string }) {
  const exporter = useLongCommand('bundles.export');
  const [mode, setMode] = useState<'delta' | 'full'>('delta');
  const [recipients, setRecipients] = useState<'team' | 'passphrase'>('team');
  const [passphrase, setPassphrase] = useState('');
  const [download, setDownload] = useState<Download | null>(null);
  const linkRef = useRef<HTMLAnchorElement>(null);
  const passphraseId = useId();
  const errors = fieldErrors(exporter.error?.details);

  useEffect(() => () => void (download && URL.revokeObjectURL(download.url)), [download]);
  useEffect(() => linkRef.current?.focus(), [download]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDownload(null);
    exporter.mutate(
      { inspectionId, mode, recipients, ...(recipients === 'passphrase' ? { passphrase } : {}) },
      {
        onSuccess: (result) =>
          setDownload({
            url: URL.createObjectURL(bytesToBlob(result.bytes)),
            fileName: result.fileName,
            summary: `${result.changesets} change sets, ${result.ops} changes, ${formatSize(result.size)}`,
          }),
      },
    );
  };
  const progress = exporter.progress;
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export a bundle</h2>
      <form className="form-grid" onSubmit={submit} noValidate>
        <fieldset className="checkbox-group">
          <legend>What to include</legend>
          <label className="checkbox">
            <input type="radio" name="mode" checked={mode === 'delta'} onChange={() => setMode('delta')} />
            Changes the team has not had yet
          </label>
          <label className="checkbox">
            <input type="radio" name="mode" checked={mode === 'full'} onChange={() => setMode('full')} />
            Everything (a full export, for recovery)
          </label>
        </fieldset>
        <fieldset className="checkbox-group">
          <legend>Who can open it</legend>
          <label className="checkbox">
            <input type="radio" name="recipients" checked={recipients === 'team'} onChange={() => setRecipients('team')} />
            The team (encrypted to each member’s device)
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="recipients"
              checked={recipients === 'passphrase'}
              onChange={() => setRecipients('passphrase')}
            />
            Anyone with a passphrase (for a USB stick hand-off)
          </label>
        </fieldset>
        {recipients === 'passphrase' && (
          <div className={`field${errors.passphrase ? ' field-error' : ''}`}>
            <label htmlFor={passphraseId}>Passphrase</label>
            <span id={`${passphraseId}-hint`} className="field-hint">
              At least 8 characters. Tell it to the recipient separately, never with the stick.
            </span>
            <input
              id={passphraseId}
              type="password"
              autoComplete="new-password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              aria-describedby={`${passphraseId}-hint${errors.passphrase ? ` ${passphraseId}-error` : ''}`}
              aria-invalid={errors.passphrase ? true : undefined}
            />
            {errors.passphrase && (
              <span id={`${passphraseId}-error`} className="field-error-text">
                {errors.passphrase}
              </span>
            )}
          </div>
        )}
        {exporter.error && !errors.passphrase && (
          <p role="alert" className="error-box">
            {exporter.error.message}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={exporter.isPending}>
            Export bundle
          </button>
        </div>
        {exporter.isPending && (
          <div>
            <label htmlFor={`${passphraseId}-progress`} className="small muted">
              {progress?.stage ?? 'Preparing the bundle'}
            </label>
            <progress
              id={`${passphraseId}-progress`}
              className="progress"
              max={progress?.total || 1}
              value={progress?.done ?? 0}
            />
          </div>
        )}
      </form>
      {download && (
        <p role="status" className="bundle-download">
          Bundle ready ({download.summary}):{' '}
          <a ref={linkRef} href={download.url} download={download.fileName}>
            Save {download.fileName}
          </a>
        </p>
      )}
    </section>
  );
}

function ImportPanel({ inspectionId }: { inspectionId: string }) {
  const filesAdded = useBundleImports((s) => s.filesAdded);
  const inputId = useId();
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import bundles</h2>
      <p className="muted">Choose one or more bundle files, or drop them anywhere on this window.</p>
      <div className="field">
        <label htmlFor={inputId}>Bundle files</label>
        <input
          id={inputId}
          type="file"
          multiple
          accept={`${BUNDLE_EXTENSION},application/octet-stream`}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            if (files.length > 0) filesAdded(files, inspectionId);
            event.target.value = '';
          }}
        />
      </div>
      <BundleImportList />
    </section>
  );
}

/** Bundles read per page of the history. */
const HISTORY_PAGE = 50;

function History({ inspectionId }: { inspectionId: string }) {
  const history = usePages('bundles.history', { inspectionId, limit: HISTORY_PAGE });
  const bundles = useMemo(() => history.data?.pages.flatMap((p) => p.bundles) ?? [], [history.data]);
  const total = history.data?.pages[history.data.pages.length - 1]?.total ?? null;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  const body = useRef<HTMLTableSectionElement>(null);
  // The next page's first bundle takes the focus (the button may be gone), so a keyboard user reads on from there.
  const showMore = () => {
    const shown = bundles.length;
    void fetchNextPage({ cancelRefetch: false }).then(() => body.current?.querySelectorAll<HTMLElement>('tr')[shown]?.focus());
  };
  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">Imported bundles</h2>
      {history.error && <p className="error-box">{history.error.message}</p>}
      {total === 0 && <p className="muted">No bundles imported yet.</p>}
      {bundles.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">From</th>
              <th scope="col">Imported</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody ref={body}>
            {bundles.map((bundle) => (
              <tr key={bundle.bundleId} tabIndex={-1}>
                <td className="mono small">{bundle.fileName}</td>
                <td>
                  {bundle.exporter.name ?? 'Unknown device'} <span className="mono small">{bundle.exporter.fingerprint}</span>
                </td>
                <td>{formatDateTime(bundle.importedAt)}</td>
                <td>{changeCounts(bundle)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total !== null && total > 0 && (
        <div className="list-pager">
          <p className="muted small" role="status" aria-live="polite">
            {isFetchingNextPage
              ? 'Loading more bundles…'
              : `Showing ${bundles.length.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} ${total === 1 ? 'bundle' : 'bundles'}`}
          </p>
          {hasNextPage && (
            <button type="button" onClick={showMore} disabled={isFetchingNextPage}>
              Show more bundles
            </button>
          )}
        </div>
      )}
    </section>
  );
}

export function BundlesScreen({ inspectionId }: { inspectionId: string }) {
  return (
    <section className="screen" aria-labelledby="bundles-title">
      <div className="screen-header">
        <h1 id="bundles-title">Bundles and sync</h1>
      </div>
      <ExportPanel inspectionId={inspectionId} />
      <ImportPanel inspectionId={inspectionId} />
      <History inspectionId={inspectionId} />
    </section>
  );
}
