/** One finding at the team meeting: statement, triangulation, status change with a reason, reasoned edit when agreed. */
import { useId, useState, type FormEvent } from 'react';
import type { CommandOutput } from '../../../shared/api/index.js';
import { FINDING_STATUSES, SOURCES, type FindingStatus } from '../../../shared/domain/vocabulary.js';
import { STATUS_MOVES } from '../../../shared/domain/finding-status.js';
import { useCommand } from '../../api/hooks.js';
import { EditAgreedDialog } from './EditAgreedDialog.js';

type Finding = CommandOutput<'findings.list'>[number];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ModerationCard({
  finding,
  kindLabel,
  selected,
  onSelect,
}: {
  finding: Finding;
  kindLabel: string;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const id = useId();
  const setStatus = useCommand('findings.setStatus');
  const moves = STATUS_MOVES[finding.status];
  const [status, setStatusChoice] = useState<FindingStatus>(moves[0] ?? 'draft');
  const [reason, setReason] = useState('');
  const [editing, setEditing] = useState(false);
  const t = finding.triangulation;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return;
    setStatus.mutate({ id: finding.id, status, reason: reason.trim() }, { onSuccess: () => setReason('') });
  };
  return (
    <article className={`moderation-card moderation-${finding.status}`} aria-labelledby={`${id}-statement`}>
      <div className="moderation-card-head">
        <label className="checkbox">
          <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} />
          <span className="visually-hidden">Select for merging: </span>
          <span className="tag">{kindLabel}</span>
        </label>
        <span className={`badge ${finding.status === 'agreed' ? 'badge-success' : 'badge-neutral'}`}>
          {FINDING_STATUSES[finding.status]}
          {finding.status === 'agreed' && ' · locked'}
        </span>
      </div>
      <p id={`${id}-statement`} className="moderation-statement">
        {finding.statement}
      </p>
      <p className="small muted">
        {plural(t.noteCount, 'note')} · {plural(t.caseCount, 'case')} · {plural(t.sources.length, 'source type')} ·{' '}
        {plural(t.agencies.length, 'agency').replace('agencys', 'agencies')} · {plural(t.inspectors.length, 'inspector')}
        {t.sources.length > 0 && ` (${t.sources.map((s) => SOURCES[s as keyof typeof SOURCES] ?? s).join(', ')})`}
      </p>
      {t.thin && finding.status !== 'withdrawn' && (
        <p className="thin-warning" role="note">
          Thinly evidenced: {t.reasons.join(' ')}
        </p>
      )}
      {finding.statusReason && <p className="small">Last status change: {finding.statusReason}</p>}
      {finding.status !== 'withdrawn' || moves.length > 0 ? (
        <form className="moderation-status" onSubmit={submit} aria-label={`Change status of: ${finding.statement.slice(0, 60)}`}>
          <label htmlFor={`${id}-status`}>Change status to</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatusChoice(e.target.value as FindingStatus)}>
            {moves.map((m) => (
              <option key={m} value={m}>
                {FINDING_STATUSES[m]}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} type="text" value={reason} onChange={(e) => setReason(e.target.value)} required />
          <button type="submit" disabled={!reason.trim() || setStatus.isPending}>
            Apply
          </button>
          {finding.status === 'agreed' && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit with a reason…
            </button>
          )}
        </form>
      ) : null}
      {setStatus.error && (
        <p role="alert" className="field-error-text">
          {setStatus.error.message}
        </p>
      )}
      {editing && <EditAgreedDialog finding={finding} onClose={() => setEditing(false)} />}
    </article>
  );
}
