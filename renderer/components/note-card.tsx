/** One evidence note as a card: text, where it came from, who wrote it, and its actions. */
import type { ReactNode } from 'react';
import type { EvidenceNote } from '../../shared/api/evidence.js';
import { AGENCIES, POLARITIES, SOURCES } from '../../shared/domain/vocabulary.js';
import { formatDateTime } from './dates.js';

export function noteMeta(note: Pick<EvidenceNote, 'source' | 'agency' | 'caseRef'>): string {
  return [note.caseRef && `Case ${note.caseRef}`, note.source && SOURCES[note.source], note.agency && AGENCIES[note.agency]]
    .filter(Boolean)
    .join(' · ');
}

export function PolarityTag({ polarity }: { polarity: EvidenceNote['polarity'] }) {
  if (!polarity) return null;
  return <span className={`tag polarity-tag polarity-${polarity}`}>{POLARITIES[polarity]}</span>;
}

export function NoteCard({ note, actions }: { note: EvidenceNote; actions?: ReactNode }) {
  return (
    <article
      className={`note-card polarity-${note.polarity ?? 'none'}${note.deleted ? ' note-deleted' : ''}`}
      aria-label={`Note by ${note.author.name}`}
    >
      <div className="note-card-top">
        <span className="note-meta small">{noteMeta(note) || 'No source or agency yet'}</span>
        <PolarityTag polarity={note.polarity} />
        {note.deleted && <span className="tag">Deleted</span>}
      </div>
      <p className="note-card-text">{note.text}</p>
      <div className="note-card-bottom small muted">
        <span>
          {note.author.name}, {formatDateTime(note.createdAt)}
        </span>
        {note.themes.length > 0 && (
          <span className="note-themes">
            {note.themes.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </span>
        )}
        {actions && <span className="note-actions">{actions}</span>}
      </div>
    </article>
  );
}
