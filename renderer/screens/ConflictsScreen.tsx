/**
 * The lead's conflict review: the queue grouped by case and by finding, a page at a time (a
 * group that runs on into the next page is shown as one), each conflict as a card with its
 * resolutions. Every resolution is an ordinary op that supersedes all values; the values not
 * kept stay in the op log, and the screen says so.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Conflict } from '../../shared/api/conflicts.js';
import { useCommand } from '../api/hooks.js';
import { usePages } from '../api/pages.js';
import { ConflictCard, type Resolution, type Resolve } from '../components/conflict-card.js';
import { conflictKey, joinConflictPages } from '../components/conflict-pages.js';

/** Conflicts read per page: enough to work through, few enough to show at once. */
const CONFLICTS_PAGE = 50;

const count = (n: number) => n.toLocaleString('en-GB');

export function ConflictsScreen({ inspectionId }: { inspectionId: string }) {
  const list = usePages('conflicts.list', { inspectionId, limit: CONFLICTS_PAGE });
  const resolve = useCommand('conflicts.resolve');
  const [status, setStatus] = useState('');
  const [failed, setFailed] = useState<{ key: string; message: string } | null>(null);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const container = useRef<HTMLElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const groups = useMemo(() => joinConflictPages(list.data?.pages ?? []), [list.data]);
  const cards: Conflict[] = useMemo(() => groups.flatMap((g) => g.conflicts), [groups]);
  // Every page carries the count as it was read; the last one read is the newest.
  const total = list.data?.pages[list.data.pages.length - 1]?.total ?? null;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;

  useEffect(() => {
    if (focusIndex === null || list.isFetching) return;
    const headings = container.current?.querySelectorAll<HTMLElement>('[data-conflict-heading]') ?? [];
    const target = headings[Math.min(focusIndex, headings.length - 1)] ?? titleRef.current;
    target?.focus();
    setFocusIndex(null);
  }, [focusIndex, list.isFetching, list.data]);

  // The next page's first conflict takes the focus, so a keyboard user reads on from there.
  const showMore = useCallback(() => {
    const shown = cards.length;
    void fetchNextPage({ cancelRefetch: false }).then(() => setFocusIndex(shown));
  }, [cards.length, fetchNextPage]);

  const onResolve: Resolve = (conflict, action, done) => {
    const index = cards.findIndex((c) => conflictKey(c) === conflictKey(conflict));
    setFailed(null);
    resolve.mutate({ inspectionId, table: conflict.table, row: conflict.row, field: conflict.field, ...action } as Resolution, {
      onSuccess: (result) => {
        setStatus(`${done} ${result.remaining === 0 ? 'No conflicts left.' : `${result.remaining} left to review.`}`);
        setFocusIndex(Math.max(index, 0));
      },
      onError: (error) => {
        if (error.code !== 'conflict') {
          setFailed({ key: conflictKey(conflict), message: error.message });
          return;
        }
        // Stale (resolved elsewhere, or changed by an import): say so and show it as it is now.
        setStatus(error.message);
        void list.refetch();
      },
    });
  };

  return (
    <section className="screen" aria-labelledby="conflicts-title" ref={container}>
      <div className="screen-header">
        <h1 id="conflicts-title" ref={titleRef} tabIndex={-1}>
          Conflicts
        </h1>
        {total !== null && total > 0 && (
          <span className="muted">{total === 1 ? '1 to review' : `${count(total)} to review`}</span>
        )}
      </div>
      <p className="conflict-status" role="status">
        {status}
      </p>
      {list.error && <p className="error-box">{list.error.message}</p>}
      {total === null && !list.error && <p>Loading…</p>}
      {total === 0 && (
        <p className="empty">No conflicts to review. When two people change the same thing at the same time, it appears here.</p>
      )}
      {total !== null && total > 0 && (
        <p className="muted">
          Whatever you choose, the other values stay in the history: nothing is lost. Your choice travels to the team in your next
          bundle.
        </p>
      )}
      {groups.map((group) => (
        <section key={group.key} aria-labelledby={`group-${group.key}`} className="conflict-group">
          <h2 id={`group-${group.key}`}>{group.title}</h2>
          {group.conflicts.map((conflict) => (
            <ConflictCard
              key={conflictKey(conflict)}
              conflict={conflict}
              onResolve={onResolve}
              busy={resolve.isPending}
              error={failed?.key === conflictKey(conflict) ? failed.message : null}
            />
          ))}
        </section>
      ))}
      {total !== null && total > 0 && (
        <div className="list-pager">
          <p className="muted small" role="status" aria-live="polite">
            {isFetchingNextPage
              ? 'Loading more conflicts…'
              : `Showing ${count(cards.length)} of ${count(total)} ${total === 1 ? 'conflict' : 'conflicts'}`}
          </p>
          {hasNextPage && (
            <button type="button" onClick={showMore} disabled={isFetchingNextPage}>
              Show more conflicts
            </button>
          )}
        </div>
      )}
    </section>
  );
}
