/** A finding's triangulation, its linked evidence, and search-and-pick to link more notes. */
import { useDeferredValue, useState } from 'react';
import type { FindingDetail } from '../../shared/api/findings.js';
import { AGENCIES, SOURCES, type Agency, type Source } from '../../shared/domain/vocabulary.js';
import { useApi, useCommand } from '../api/hooks.js';
import { NoteCard } from './note-card.js';
import { Snippet } from './note-snippet.js';

export function TriangulationPanel({ finding }: { finding: FindingDetail }) {
  const t = finding.triangulation;
  return (
    <section className={`triangulation${t.thin ? ' triangulation-thin' : ''}`} aria-labelledby="triangulation-title">
      <h3 id="triangulation-title">
        Triangulation{' '}
        {t.thin ? (
          <span className="badge badge-warning">Thinly evidenced</span>
        ) : (
          <span className="badge badge-ok">Well supported</span>
        )}
      </h3>
      <dl className="details">
        <dt>Linked notes</dt>
        <dd>{t.noteCount}</dd>
        <dt>Distinct cases</dt>
        <dd>{t.caseCount}</dd>
        <dt>Source types</dt>
        <dd>{t.sources.length === 0 ? 'None' : t.sources.map((s) => SOURCES[s as Source] ?? s).join(', ')}</dd>
        <dt>Agencies</dt>
        <dd>{t.agencies.length === 0 ? 'None' : t.agencies.map((a) => AGENCIES[a as Agency] ?? a).join(', ')}</dd>
        <dt>Inspectors</dt>
        <dd>{finding.inspectorNames.length === 0 ? 'None' : finding.inspectorNames.join(', ')}</dd>
      </dl>
      {t.thin && (
        <ul className="small triangulation-reasons">
          {t.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EvidencePicker({ finding }: { finding: FindingDetail }) {
  const [text, setText] = useState('');
  const query = useDeferredValue(text);
  const link = useCommand('findings.link');
  const hits = useApi(
    'search.query',
    { inspectionId: finding.inspectionId, text: query, kinds: ['evidence_note'], limit: 20 },
    { enabled: query.trim() !== '' },
  );
  const recent = useApi('evidence.list', { inspectionId: finding.inspectionId, limit: 20 }, { enabled: query.trim() === '' });
  const linked = new Set(finding.noteIds);
  const rows =
    query.trim() === ''
      ? (recent.data?.notes ?? []).map((n) => ({ id: n.id, pieces: [{ text: n.text, match: false }], meta: n.caseRef }))
      : (hits.data?.hits ?? []).map((h) => ({
          id: h.id,
          pieces: h.snippet,
          meta: h.kind === 'evidence_note' ? h.caseRef : null,
        }));
  return (
    <section aria-labelledby="picker-title" className="evidence-picker">
      <h3 id="picker-title">Link evidence</h3>
      <label className="field">
        <span className="visually-hidden">Find evidence notes to link</span>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Find notes to link…" />
      </label>
      <ul className="picker-results" aria-label="Notes you can link">
        {rows.map((row) => (
          <li key={row.id}>
            <span className="picker-text">
              {row.meta && <span className="tag">Case {row.meta}</span>} <Snippet pieces={row.pieces} />
            </span>
            {linked.has(row.id) ? (
              <span className="muted small">Linked</span>
            ) : (
              <button type="button" onClick={() => link.mutate({ findingId: finding.id, noteId: row.id })}>
                Link<span className="visually-hidden"> this note</span>
              </button>
            )}
          </li>
        ))}
        {rows.length === 0 && <li className="muted small">{query ? 'No notes match.' : 'No notes yet.'}</li>}
      </ul>
    </section>
  );
}

export function FindingEvidence({ finding, canUnlink = true }: { finding: FindingDetail; canUnlink?: boolean }) {
  const unlink = useCommand('findings.unlink');
  // Taking evidence away from an agreed finding is the lead's, with a reason (docs/authority.md).
  const agreed = finding.status === 'agreed';
  const [reason, setReason] = useState('');
  const reasonMissing = agreed && reason.trim() === '';
  return (
    <div className="finding-evidence">
      <TriangulationPanel finding={finding} />
      <section aria-labelledby="linked-title">
        <h3 id="linked-title">Supporting evidence ({finding.notes.length})</h3>
        {finding.notes.length === 0 && <p className="muted small">No evidence linked yet.</p>}
        {!canUnlink && finding.notes.length > 0 && (
          <p className="muted small">The finding is agreed: only the lead inspector can take evidence away from it.</p>
        )}
        {canUnlink && agreed && finding.notes.length > 0 && (
          <label className="field">
            <span>Reason for taking evidence away from this agreed finding</span>
            <input type="text" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
          </label>
        )}
        <ul className="linked-notes" aria-label="Linked notes">
          {finding.notes.map((note) => (
            <li key={note.id}>
              <NoteCard
                note={note}
                actions={
                  canUnlink && (
                    <button
                      type="button"
                      className="link-button"
                      disabled={reasonMissing}
                      title={reasonMissing ? 'Give a reason first: the finding is agreed.' : undefined}
                      onClick={() =>
                        unlink.mutate({ findingId: finding.id, noteId: note.id, ...(agreed ? { reason: reason.trim() } : {}) })
                      }
                    >
                      Unlink<span className="visually-hidden"> note</span>
                    </button>
                  )
                }
              />
            </li>
          ))}
        </ul>
      </section>
      <EvidencePicker finding={finding} />
    </div>
  );
}
