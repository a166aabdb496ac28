/**
 * One conflict of the review queue as a card: the competing values side by side (a word diff
 * for text), who wrote each, when and where it came from, and the resolutions it allows. The
 * card only reports the choice (`onResolve`); the screen sends it.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Conflict, ConflictHead } from '../../shared/api/conflicts.js';
import type { CommandInput } from '../../shared/api/index.js';
import { formatDateTime } from './dates.js';
import { WordDiff } from './WordDiff.js';

export type Resolution = CommandInput<'conflicts.resolve'>;
export type Resolve = (conflict: Conflict, action: DistributiveOmit<Resolution>, done: string) => void;
type DistributiveOmit<T> = T extends unknown ? Omit<T, 'inspectionId' | 'table' | 'row' | 'field'> : never;

const authorName = (head: Pick<ConflictHead, 'by'>) => head.by.name ?? 'An unknown device';

function sourceText(head: ConflictHead): string {
  const { source } = head;
  if (source.bundleFileName) return `From bundle ${source.bundleFileName}, imported ${formatDateTime(source.bundleImportedAt)}`;
  if (source.local) return 'Written on this laptop';
  return `Received ${formatDateTime(source.receivedAt)} (change ${source.seq} from that laptop)`;
}

function HeadDetails({ head }: { head: ConflictHead }) {
  return (
    <dl className="conflict-meta small">
      <dt>By</dt>
      <dd>
        {authorName(head)} <span className="mono">{head.by.fingerprint}</span>
      </dd>
      <dt>When</dt>
      <dd>{formatDateTime(head.at)}</dd>
      <dt>Source</dt>
      <dd>{sourceText(head)}</dd>
    </dl>
  );
}

function Versions({ conflict, onResolve, busy }: { conflict: Conflict; onResolve: Resolve; busy: boolean }) {
  const first = conflict.heads[0];
  return (
    <div className="conflict-versions">
      {conflict.heads.map((head, index) => (
        <section key={head.opId} className="conflict-version" aria-label={`Version ${index + 1}, by ${authorName(head)}`}>
          <h4>
            Version {index + 1}: {authorName(head)}
            {head.shown && <span className="tag">shown now</span>}
          </h4>
          {conflict.kind === 'text' && head.text !== null ? (
            <WordDiff
              text={head.text}
              against={
                conflict.heads.length === 2
                  ? (conflict.heads[1 - index]?.text ?? null)
                  : index === 0
                    ? null
                    : (first?.text ?? null)
              }
              isLater={index > 0}
            />
          ) : (
            <p className="conflict-value">{head.display}</p>
          )}
          <HeadDetails head={head} />
          <button
            type="button"
            disabled={busy}
            onClick={() => onResolve(conflict, { action: 'keep', headOpId: head.opId }, `Kept ${authorName(head)}’s version.`)}
          >
            Keep version {index + 1}
            <span className="visually-hidden"> by {authorName(head)}</span>
          </button>
        </section>
      ))}
    </div>
  );
}

function MergedEditor({
  conflict,
  onResolve,
  onCancel,
  busy,
}: {
  conflict: Conflict;
  onResolve: Resolve;
  onCancel: () => void;
  busy: boolean;
}) {
  const shown = conflict.heads.find((h) => h.shown) ?? conflict.heads[0];
  const [text, setText] = useState(shown?.text ?? '');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onResolve(conflict, { action: 'edit', value: text }, 'Saved the merged text.');
  };
  return (
    <form className="conflict-editor" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label htmlFor={id}>Merged text for “{conflict.fieldLabel}”</label>
      <textarea id={id} rows={5} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Save merged text
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteDetails({ conflict, onResolve, busy }: { conflict: Conflict; onResolve: Resolve; busy: boolean }) {
  const noun = conflict.recordKind.toLowerCase();
  return (
    <div>
      {conflict.heads.map((head) => (
        <div key={head.opId} className="conflict-version">
          <p className="conflict-value">{head.display}</p>
          <HeadDetails head={head} />
        </div>
      ))}
      {conflict.concurrentEdits.length > 0 && (
        <>
          <h4>Changed at the same time, without seeing the deletion</h4>
          <ul className="conflict-edits">
            {conflict.concurrentEdits.map((e, i) => (
              <li key={i}>
                <strong>{e.fieldLabel}:</strong> {e.display}{' '}
                <span className="muted small">
                  ({e.by.name ?? 'an unknown device'}, {formatDateTime(e.at)})
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={busy}
          onClick={() => onResolve(conflict, { action: 'restore' }, `Restored the ${noun}.`)}
        >
          Restore the {noun}
        </button>
        <button
          type="button"
          className="button-danger"
          disabled={busy}
          onClick={() => onResolve(conflict, { action: 'confirm_delete' }, `Confirmed the deletion of the ${noun}.`)}
        >
          Confirm the deletion
        </button>
      </div>
    </div>
  );
}

export function ConflictCard({
  conflict,
  onResolve,
  busy,
  error,
}: {
  conflict: Conflict;
  onResolve: Resolve;
  busy: boolean;
  error: string | null;
}) {
  const [editing, setEditing] = useState(false);
  const headingId = useId();
  return (
    <article className="panel conflict-card" aria-labelledby={headingId}>
      <h3 id={headingId} tabIndex={-1} data-conflict-heading>
        {conflict.recordKind} {conflict.recordLabel}: {conflict.fieldLabel}
        {conflict.rowDeleted && conflict.kind !== 'deleted' && <span className="tag">deleted</span>}
      </h3>
      {error && (
        <p role="alert" className="error-box">
          {error}
        </p>
      )}
      {conflict.kind === 'deleted' ? (
        <DeleteDetails conflict={conflict} onResolve={onResolve} busy={busy} />
      ) : (
        <>
          {conflict.kind === 'text' && conflict.heads.length > 1 && (
            <p className="muted small">
              Struck-through words are only in the earlier version; underlined words are only in the later one.
            </p>
          )}
          <Versions conflict={conflict} onResolve={onResolve} busy={busy} />
          {conflict.kind === 'text' &&
            (editing ? (
              <MergedEditor conflict={conflict} onResolve={onResolve} onCancel={() => setEditing(false)} busy={busy} />
            ) : (
              <div className="form-actions">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => onResolve(conflict, { action: 'keep_both' }, 'Kept both versions, one after the other.')}
                >
                  Keep both
                </button>
                <button type="button" disabled={busy} onClick={() => setEditing(true)}>
                  Write a merged version
                </button>
              </div>
            ))}
        </>
      )}
    </article>
  );
}
