/**
 * Shown instead of the app when the data file failed its check on start. Offers, in order of
 * preference: restore the newest good backup and re-apply the newer work still readable in
 * the damaged file; browse the damaged file read-only; export everything readable. The
 * damaged file itself is never changed or deleted.
 */
import { useState } from 'react';
import { useApi, useCommand, useLongCommand } from '../api/hooks.js';
import { formatDateTime } from '../components/dates.js';
import { useRecoveryUi, type RestoreSummary } from '../state/recovery-store.js';

const REASONS: Record<string, string> = {
  hourly: 'Hourly',
  quit: 'On quit',
  manual: 'Made by hand',
  'pre-migration': 'Before an upgrade',
  cli: 'Command line',
};

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function Summary({ summary }: { summary: RestoreSummary }) {
  const dismissed = useRecoveryUi((s) => s.recoveryDismissed);
  return (
    <section className="screen recovery" aria-labelledby="recovered-title">
      <h1 id="recovered-title">Your data has been recovered</h1>
      <div className="panel" role="status">
        <p>
          {summary.restoredFrom
            ? `Restored the backup from ${formatDateTime(summary.restoredFrom.createdAt)}.`
            : 'No good backup was found, so the data was rebuilt from the damaged file’s change log.'}{' '}
          {`Re-applied ${plural(summary.reappliedChangesets, 'newer change', 'newer changes')} from the damaged file.`}
        </p>
        {summary.skippedBackups.length > 0 && (
          <p>{`${plural(summary.skippedBackups.length, 'newer backup was', 'newer backups were')} damaged and passed over.`}</p>
        )}
        {summary.rejectedChangesets > 0 && (
          <p>{`${plural(summary.rejectedChangesets, 'change', 'changes')} could not be verified and were left out.`}</p>
        )}
        {summary.outboxBundlesFound > 0 && (
          <p>
            {`Re-imported ${summary.outboxBundlesApplied} of ${plural(summary.outboxBundlesFound, 'bundle', 'bundles')} waiting in the outbox.`}
          </p>
        )}
        {summary.setAsidePath && (
          <p className="small">
            The damaged file is kept, unchanged, at <span className="mono selectable">{summary.setAsidePath}</span>
          </p>
        )}
      </div>
      <button type="button" className="button-primary" onClick={dismissed}>
        Continue to Fieldwork
      </button>
    </section>
  );
}

export function RecoveryScreen() {
  const status = useApi('recovery.status', {});
  const restore = useLongCommand('recovery.restore');
  const readOnly = useCommand('recovery.openReadOnly');
  const exported = useCommand('recovery.exportReadable');
  const summary = useRecoveryUi((s) => s.summary);
  const restoreFinished = useRecoveryUi((s) => s.restoreFinished);
  const dismissed = useRecoveryUi((s) => s.recoveryDismissed);
  const [backupName, setBackupName] = useState('');

  if (summary) return <Summary summary={summary} />;
  const data = status.data;
  const busy = restore.isPending || readOnly.isPending || exported.isPending;
  const failure = restore.error ?? readOnly.error ?? exported.error;

  return (
    <section className="screen recovery" aria-labelledby="recovery-title">
      <h1 id="recovery-title">Fieldwork’s data file is damaged</h1>
      {status.isPending && <p>Checking what can be recovered…</p>}
      {status.error && <p role="alert">{status.error.message}</p>}
      {data && (
        <>
          <div className="error-box">
            <p>{data.problem}</p>
            <p className="small">Choose what to do below. Your backups and the damaged file are kept whatever you choose.</p>
          </div>
          {failure && (
            <p role="alert" className="error-box">
              {failure.message}
            </p>
          )}

          <div className="panel">
            <h2>Restore from a backup (recommended)</h2>
            <p>
              {data.backups.length > 0
                ? 'Fieldwork checks the backup before using it, then re-applies the newer work still readable in the damaged file.'
                : 'There are no backups yet. Fieldwork can rebuild your data from the change log still readable in the damaged file.'}
              {data.recoverableChangesets !== null &&
                ` ${plural(data.recoverableChangesets, 'saved change is', 'saved changes are')} still readable.`}
            </p>
            {data.backups.length > 0 && (
              <div className="recovery-field">
                <label htmlFor="recovery-backup">Backup to restore</label>
                <select id="recovery-backup" value={backupName} onChange={(e) => setBackupName(e.target.value)}>
                  <option value="">Newest backup that passes its check</option>
                  {data.backups.map((b) => (
                    <option key={b.name} value={b.name}>
                      {`${formatDateTime(b.createdAt)} · ${REASONS[b.reason] ?? b.reason} · ${size(b.bytes)}`}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <button
              type="button"
              className="button-primary"
              disabled={busy}
              onClick={() => restore.mutate(backupName ? { backupName } : {}, { onSuccess: (result) => restoreFinished(result) })}
            >
              {restore.isPending ? 'Restoring…' : 'Restore and recover my work'}
            </button>
            {restore.isPending && restore.progress && (
              <div role="status">
                <progress
                  className="progress"
                  max={restore.progress.total || 1}
                  value={restore.progress.done}
                  aria-label={restore.progress.stage}
                />
                <p className="small">{restore.progress.stage}…</p>
              </div>
            )}
            <p className="muted small">
              Backups live in <span className="mono selectable">{data.backupsFolder}</span>. The damaged file is moved to the
              set-aside folder, never deleted.
            </p>
          </div>

          <div className="panel">
            <h2>Look without changing anything</h2>
            <p>Open the damaged file read-only to see what is readable. Nothing can be saved until it is restored.</p>
            {data.state === 'readOnly' ? (
              <button type="button" onClick={dismissed}>
                Back to the read-only view
              </button>
            ) : (
              <button type="button" disabled={busy} onClick={() => readOnly.mutate({}, { onSuccess: dismissed })}>
                Open read-only
              </button>
            )}
          </div>

          <div className="panel">
            <h2>Export everything readable</h2>
            <p>
              Writes every change still readable (signed, as saved) and every readable record to a JSON file in the data folder,
              for support or a manual rescue.
            </p>
            <button type="button" disabled={busy} onClick={() => exported.mutate({})}>
              {exported.isPending ? 'Exporting…' : 'Export readable work'}
            </button>
            {exported.data && (
              <p role="status">
                {`Exported ${plural(exported.data.changesets, 'change', 'changes')} and ${plural(exported.data.rows, 'record', 'records')} to `}
                <span className="mono selectable">{exported.data.path}</span>
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** Above the app while a damaged store is open read-only. */
export function ReadOnlyBanner() {
  const opened = useRecoveryUi((s) => s.recoveryChoicesOpened);
  return (
    <div className="recovery-banner" role="status">
      <span>The damaged data file is open read-only: nothing can be saved.</span>
      <button type="button" className="button-primary" onClick={opened}>
        Recover my data
      </button>
    </div>
  );
}
