/**
 * Team bundles on the sync location that could not be merged, with why, and a way to try
 * again. A bundle held back only because it deletes many records is merged when the lead
 * confirms those deletions (the same rule as importing by hand).
 */
import { useState } from 'react';
import type { SyncStatusT } from '../../shared/api/sync.js';
import { useCommand } from '../api/hooks.js';
import { formatDateTime } from './dates.js';

function FailureRow({ inspectionId, failure }: { inspectionId: string; failure: SyncStatusT['pullFailures'][number] }) {
  const retry = useCommand('sync.retryPull');
  const [confirmable, setConfirmable] = useState(false);
  const run = (confirmDeletions: boolean) =>
    retry.mutate(
      { inspectionId, sha256: failure.sha256, confirmDeletions },
      { onSuccess: (result) => setConfirmable(result.needsConfirmation) },
    );
  return (
    <li>
      <p>
        {failure.message} <span className="muted small">({formatDateTime(failure.at)})</span>
      </p>
      <div className="sync-actions">
        <button type="button" onClick={() => run(false)} disabled={retry.isPending}>
          Try again
        </button>
        {confirmable && (
          <button type="button" className="button-primary" onClick={() => run(true)} disabled={retry.isPending}>
            Merge it, including its deletions
          </button>
        )}
      </div>
      <div role="status">{retry.data && !retry.isPending && <p className="small">{retry.data.message}</p>}</div>
    </li>
  );
}

export function SyncPullFailures({ inspectionId, failures }: { inspectionId: string; failures: SyncStatusT['pullFailures'] }) {
  if (failures.length === 0) return null;
  return (
    <section aria-labelledby="sync-pull-failures-title" className="sync-pull-failures">
      <h3 id="sync-pull-failures-title">Team bundles not merged</h3>
      <ul>
        {failures.map((failure) => (
          <FailureRow key={failure.sha256} inspectionId={inspectionId} failure={failure} />
        ))}
      </ul>
    </section>
  );
}
