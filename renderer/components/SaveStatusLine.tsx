/**
 * What an autosave says, in one wording everywhere (the note composer, the case audit), read
 * out politely by screen readers as it changes: "Saving…", "Saved at 10:42", "Not saved —
 * retrying: why; your text is still here." or the service's refusal sentence.
 */
import { format } from 'date-fns';
import type { SaveStatus } from '../state/autosave.js';

const sentence = (reason: string) => reason.replace(/\.$/, '');

export function saveStatusText(status: SaveStatus, idle: string): string {
  switch (status.kind) {
    case 'idle':
      return idle;
    case 'saving':
      return 'Saving…';
    case 'saved':
      return `Saved at ${format(status.at, 'HH:mm')}`;
    case 'retrying':
      return `Not saved — retrying: ${sentence(status.reason)}; your text is still here.`;
    case 'refused':
      return `Not saved — ${sentence(status.reason)}; your text is still here.`;
  }
}

export function SaveStatusLine({
  status,
  idle,
  onRetry,
}: {
  status: SaveStatus;
  /** Said before anything is typed. */
  idle: string;
  /** Offers "Try again" on a failure that is not about one field. */
  onRetry?: () => void;
}) {
  const failed = status.kind === 'retrying' || status.kind === 'refused';
  const retry = onRetry && failed && !(status.kind === 'refused' && status.field !== null);
  return (
    <p className={`save-status save-${status.kind}`} role="status" aria-live="polite">
      <span>{saveStatusText(status, idle)}</span>
      {retry && (
        <>
          {' '}
          <button type="button" className="link-button" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </p>
  );
}
