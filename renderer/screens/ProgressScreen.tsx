/**
 * Team progress: per inspector, the cases allocated by status, the evidence notes written and
 * the findings drafted; cases nobody holds are shown on their own row. A table, with bars
 * drawn from the same numbers.
 */
import { CASE_STATUSES, type CaseStatus } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';

interface Row {
  readonly key: string;
  readonly name: string;
  readonly cases: Record<CaseStatus, number>;
  readonly total: number;
  readonly notes: number;
  readonly findings: number;
}

const STATUSES = Object.keys(CASE_STATUSES) as CaseStatus[];
const zero = (): Record<CaseStatus, number> => ({ not_started: 0, in_progress: 0, done: 0 });

export function ProgressScreen({ inspectionId }: { inspectionId: string }) {
  const team = useApi('team.list', { inspectionId });
  const cases = useApi('cases.list', { inspectionId });
  const notes = useApi('evidence.countByAuthor', { inspectionId });
  const findings = useApi('findings.list', { inspectionId, filters: {} });
  const ready = team.data && cases.data && notes.data && findings.data;
  const error = team.error ?? cases.error ?? notes.error ?? findings.error;
  if (!ready) {
    return (
      <section className="screen" aria-labelledby="progress-title">
        <h1 id="progress-title">Team progress</h1>
        <p className="muted">{error ? error.message : 'Loading…'}</p>
      </section>
    );
  }
  const live = (cases.data ?? []).filter((c) => !c.removed);
  const rows: Row[] = (team.data ?? []).map((m) => {
    const mine = live.filter((c) => c.allocatedTo === m.id);
    const byStatus = zero();
    for (const c of mine) byStatus[c.status] += 1;
    return {
      key: m.id,
      name: m.name,
      cases: byStatus,
      total: mine.length,
      notes: m.signingKey ? ((notes.data ?? []).find((n) => n.key === m.signingKey)?.notes ?? 0) : 0,
      findings: m.signingKey ? (findings.data ?? []).filter((f) => f.author.key === m.signingKey).length : 0,
    };
  });
  const held = new Set((team.data ?? []).map((m) => m.id));
  const nobody = live.filter((c) => c.allocatedTo === null || !held.has(c.allocatedTo));
  if (nobody.length > 0) {
    const byStatus = zero();
    for (const c of nobody) byStatus[c.status] += 1;
    rows.push({ key: 'nobody', name: 'Not allocated', cases: byStatus, total: nobody.length, notes: 0, findings: 0 });
  }
  const widest = Math.max(1, ...rows.map((r) => r.total));
  return (
    <section className="screen" aria-labelledby="progress-title">
      <h1 id="progress-title">Team progress</h1>
      <section className="panel" aria-labelledby="progress-table-title">
        <h2 id="progress-table-title">Cases, notes and findings by inspector</h2>
        <table className="table progress-table">
          <caption className="visually-hidden">
            For each inspector: allocated cases by status, notes written, findings drafted
          </caption>
          <thead>
            <tr>
              <th scope="col">Inspector</th>
              {STATUSES.map((s) => (
                <th scope="col" key={s}>
                  {CASE_STATUSES[s]}
                </th>
              ))}
              <th scope="col">Cases</th>
              <th scope="col">Progress</th>
              <th scope="col">Notes written</th>
              <th scope="col">Findings drafted</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                {STATUSES.map((s) => (
                  <td key={s}>{row.cases[s]}</td>
                ))}
                <td>{row.total}</td>
                <td>
                  <span className="progress-bar" aria-hidden="true" style={{ width: `${(row.total / widest) * 100}%` }}>
                    {STATUSES.map((s) =>
                      row.cases[s] > 0 ? (
                        <span key={s} className={`progress-seg progress-${s}`} style={{ flexGrow: row.cases[s] }} />
                      ) : null,
                    )}
                  </span>
                  <span className="small muted">
                    {row.total === 0 ? 'No cases' : `${Math.round((row.cases.done / row.total) * 100)}% done`}
                  </span>
                </td>
                <td>{row.key === 'nobody' ? '—' : row.notes}</td>
                <td>{row.key === 'nobody' ? '—' : row.findings}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted">
          Bar colours: grey not started, amber in progress, green done. Notes and findings are counted by the device that signed
          them.
        </p>
      </section>
    </section>
  );
}
