/**
 * The evidence part of a case's audit page: flag a child at immediate risk in one action,
 * this case's escalations, and its evidence notes with "Add note for this case".
 */
import { useState } from 'react';
import { useApi, useCommand } from '../api/hooks.js';
import { usePages } from '../api/pages.js';
import { useUi } from '../state/ui-store.js';
import { formatDateTime } from './dates.js';
import { EscalationDialog } from './EscalationBanner.js';
import { NoteCard } from './note-card.js';
import { openNewNote, openNoteForEdit } from './NoteComposer.js';

/** A case's notes are shown in full, this many at a time. */
const CASE_NOTES_PAGE = 50;

export function CaseEvidence({ caseId, inspectionId }: { caseId: string; inspectionId: string }) {
  const pages = usePages('evidence.list', { inspectionId, filters: { caseId }, limit: CASE_NOTES_PAGE });
  const notes = pages.data?.pages.flatMap((p) => p.notes) ?? [];
  const total = pages.data?.pages[0]?.total ?? notes.length;
  const escalations = useApi('escalations.list', { inspectionId });
  const raise = useCommand('escalations.raise');
  const notice = useUi((s) => s.noticeShown);
  const [openId, setOpenId] = useState<string | null>(null);
  const forCase = (escalations.data ?? []).filter((e) => e.caseId === caseId);
  const opened = (escalations.data ?? []).find((e) => e.id === openId);

  // One action: the escalation is saved first, then the inspector adds detail.
  const flag = () =>
    raise.mutate(
      { inspectionId, caseId },
      {
        onSuccess: (e) => {
          setOpenId(e.id);
          notice('info', 'Child at immediate risk flagged and saved.');
        },
        onError: (error) => notice('error', `The escalation could not be saved: ${error.message} Try again.`),
      },
    );
  return (
    <section className="case-evidence panel" aria-labelledby="case-evidence-title">
      <div className="screen-header">
        <h2 id="case-evidence-title">Evidence and escalation</h2>
        <div className="form-actions">
          <button type="button" onClick={() => void openNewNote(inspectionId, caseId)}>
            Add note for this case
          </button>
          <button type="button" className="button-danger" onClick={flag} disabled={raise.isPending}>
            Flag child at immediate risk
          </button>
        </div>
      </div>
      {forCase.length > 0 && (
        <ul className="case-escalations" aria-label="Escalations for this case">
          {forCase.map((e) => (
            <li key={e.id} className={e.closedAt ? 'escalation-closed' : 'escalation-open'}>
              <strong>{e.closedAt ? 'Closed' : 'Open'} escalation</strong> — {e.concern}{' '}
              <span className="muted small">({formatDateTime(e.identifiedAt)})</span>{' '}
              <button type="button" className="link-button" onClick={() => setOpenId(e.id)}>
                Open<span className="visually-hidden"> escalation</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Evidence notes for this case</h3>
      {pages.data && notes.length === 0 && <p className="muted">No notes for this case yet.</p>}
      <ul className="case-notes">
        {notes.map((note) => (
          <li key={note.id}>
            <NoteCard
              note={note}
              actions={
                <button type="button" className="link-button" onClick={() => void openNoteForEdit(note)}>
                  Edit<span className="visually-hidden"> note</span>
                </button>
              }
            />
          </li>
        ))}
      </ul>
      {pages.hasNextPage && (
        <p>
          <button
            type="button"
            onClick={() => void pages.fetchNextPage({ cancelRefetch: false })}
            disabled={pages.isFetchingNextPage}
          >
            {pages.isFetchingNextPage ? 'Loading more notes…' : `Show more notes (${notes.length} of ${total} shown)`}
          </button>
        </p>
      )}
      {opened && <EscalationDialog escalation={opened} onClose={() => setOpenId(null)} />}
    </section>
  );
}
