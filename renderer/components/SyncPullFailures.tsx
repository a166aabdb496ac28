/**
 * Team bundles on the sync location that could not be merged, with why, and a way to try
 * again. A bundle held back only because it deletes many records is merged when the lead
 * confirms those deletions (the same rule as importing by hand).
 */
import type { SyncStatusT } from '../../shared/api/sync.js';
import { useCommand } from '../api/hooks.js';
import { formatDateTime } from './dates.js';

function FailureRow({ inspectionId, failure }: { inspectionId: string; failure: SyncStatusT['pullFailures'][number] }) {
  const retry = useCommand('sync.retryPull');
  const run = (confirmDeletions: boolean) => retry.mutate({ inspectionId, sha256: failure.sha256, confirmDeletions });
  const from = failure.sender ? `From ${failure.sender}` : 'From a team member';
  return (
    <li aria-label={failure.held ? `Held: ${from}` : `Not merged: ${from}`}>
      <p>
        {failure.held && <strong>Held for your decision. </strong>}
        {from}: {failure.message} <span className="muted small">({formatDateTime(failure.at)})</span>
      </p>
      <div className="sync-actions">
        {failure.held ? (
          <>
            <button type="button" className="button-primary" onClick={() => run(true)} disabled={retry.isPending}>
              Merge it, including its deletions
            </button>
            <span className="small muted">
              Or leave it held: only its deletions wait until you decide; the rest is already merged.
            </span>
          </>
        ) : (
          <button type="button" onClick={() => run(false)} disabled={retry.isPending}>
            Try again
          </button>
        )}
      </div>
      <div role="status">{retry.data && !retry.isPending && <p className="small">{retry.data.message}</p>}</div>
    </li>
  );
}

export function SyncPullFailures({ inspectionId, failures }: { inspectionId: string; failures: SyncStatusT['pullFailures'] }) {
  if (failures.length === 0) return null;
  const held = failures.filter((f) => f.held);
  const refused = failures.filter((f) => !f.held);
  return (
    <>
      {held.length > 0 && (
        <section aria-labelledby="sync-held-title" className="sync-pull-failures">
          <h3 id="sync-held-title">Team bundles held for your decision</h3>
          <ul>
            {held.map((failure) => (
              <FailureRow key={failure.sha256} inspectionId={inspectionId} failure={failure} />
            ))}
          </ul>
        </section>
      )}
      {refused.length > 0 && (
        <section aria-labelledby="sync-pull-failures-title" className="sync-pull-failures">
          <h3 id="sync-pull-failures-title">Team bundles not merged</h3>
          <ul>
            {refused.map((failure) => (
              <FailureRow key={failure.sha256} inspectionId={inspectionId} failure={failure} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
