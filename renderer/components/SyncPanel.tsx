/**
 * Sync for one inspection: the status (online or not, last synced, changes waiting, the last
 * problem in plain words), "Sync now" with progress, and the sync location. Used in the
 * header's sync dialog; any screen may embed it too.
 */
import type { SyncRunResultT, SyncStatusT } from '../../shared/api/sync.js';
import { useApi, useLongCommand } from '../api/hooks.js';
import { formatDateTime } from './dates.js';
import { SyncPullFailures } from './SyncPullFailures.js';
import { SyncTargetForm } from './SyncTargetForm.js';

const CONNECTION: Readonly<Record<SyncStatusT['connection'], string>> = {
  online: 'Online: the sync location answered',
  offline: 'Offline: the sync location cannot be reached',
  unknown: 'Not tried yet',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function runSummary(result: SyncRunResultT): string {
  if (result.error) return result.error.message;
  if (result.outcome === 'waiting') return 'Sync will try again shortly.';
  const parts = [
    result.pushed + result.alreadyThere > 0 ? `sent ${plural(result.pushed + result.alreadyThere, 'bundle', 'bundles')}` : null,
    result.pulled > 0
      ? `merged ${plural(result.pulled, 'bundle', 'bundles')} (${plural(result.newOps, 'new change', 'new changes')})`
      : null,
    result.failedPulls > 0 ? `${plural(result.failedPulls, 'bundle', 'bundles')} could not be merged` : null,
  ].filter(Boolean);
  return parts.length ? `Synced: ${parts.join(', ')}.` : 'Synced: everything was already up to date.';
}

function StatusList({ status }: { status: SyncStatusT }) {
  return (
    <dl className="details sync-status">
      <dt>Connection</dt>
      <dd>{CONNECTION[status.connection]}</dd>
      <dt>Last synced</dt>
      <dd>{status.lastSyncedAt ? formatDateTime(status.lastSyncedAt) : 'Never'}</dd>
      <dt>Changes waiting</dt>
      <dd>
        {status.changesWaiting === 0 && status.bundlesWaiting === 0 && 'None: everything on this laptop has been sent'}
        {status.changesWaiting === 0 &&
          status.bundlesWaiting > 0 &&
          `${plural(status.bundlesWaiting, 'bundle', 'bundles')} exported and waiting to be sent`}
        {status.changesWaiting > 0 &&
          `${plural(status.changesWaiting, 'change', 'changes')}${
            status.bundlesWaiting > 0 ? `, in ${plural(status.bundlesWaiting, 'bundle', 'bundles')} waiting to be sent` : ''
          }`}
      </dd>
      <dt>Team bundles merged</dt>
      <dd>
        {status.pulledBundles}
        {status.pullFailures.some((f) => f.held) &&
          `, ${plural(status.pullFailures.filter((f) => f.held).length, 'bundle', 'bundles')} held for your decision`}
        {status.pullFailures.some((f) => !f.held) &&
          `, ${plural(status.pullFailures.filter((f) => !f.held).length, 'bundle', 'bundles')} could not be merged`}
      </dd>
      <dt>Last problem</dt>
      <dd>
        {status.lastError ? (
          <>
            {status.lastError.message} <span className="muted small">({formatDateTime(status.lastError.at)})</span>
            {status.nextAttemptAt && <span className="muted small"> Next try {formatDateTime(status.nextAttemptAt)}.</span>}
          </>
        ) : (
          'None'
        )}
      </dd>
    </dl>
  );
}

export function SyncPanel({ inspectionId, headingId }: { inspectionId: string; headingId: string }) {
  const status = useApi('sync.status', { inspectionId });
  const target = useApi('sync.getTarget', { inspectionId });
  const run = useLongCommand('sync.now');
  const progress = run.progress;
  return (
    <section className="sync-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Sync</h2>
      {status.data && <StatusList status={status.data} />}
      <div className="sync-actions">
        <button
          type="button"
          className="button-primary"
          disabled={!status.data?.configured || run.isPending}
          onClick={() => run.mutate({ inspectionId, direction: 'both' })}
        >
          {run.isPending ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      {run.isPending && progress && (
        <div>
          <progress className="progress" value={progress.done} max={Math.max(progress.total, 1)} aria-label="Sync progress" />
          <p className="muted small">{progress.stage}</p>
        </div>
      )}
      <div role="status">
        {run.data && !run.isPending && <p className={run.data.error ? 'error-box' : 'sync-ok'}>{runSummary(run.data)}</p>}
      </div>
      {status.data && <SyncPullFailures inspectionId={inspectionId} failures={status.data.pullFailures} />}
      {run.error && (
        <p role="alert" className="error-box">
          {run.error.message}
        </p>
      )}
      {target.isSuccess && status.data && (
        <SyncTargetForm inspectionId={inspectionId} initial={target.data} isLead={status.data.role === 'lead'} />
      )}
    </section>
  );
}
