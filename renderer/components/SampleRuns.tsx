/** The record of every draw: seed, criteria, the list's SHA-256, who and when; reusable to redraw. */
import type { z } from 'zod';
import type { SampleRun } from '../../shared/api/cases.js';
import { useApi } from '../api/hooks.js';
import { formatDateTime } from './dates.js';

export type SampleRunView = z.infer<typeof SampleRun>;

export function SampleRuns({ inspectionId, onReuse }: { inspectionId: string; onReuse: (run: SampleRunView) => void }) {
  const runs = useApi('cases.runs', { inspectionId });
  if (!runs.data || runs.data.length === 0) return null;
  return (
    <section aria-labelledby="sample-runs-title" className="sample-runs">
      <h3 id="sample-runs-title">Draws so far</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Drawn</th>
            <th scope="col">Seed</th>
            <th scope="col">Criteria</th>
            <th scope="col">Cases</th>
            <th scope="col" className="nowrap">
              List SHA-256
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.data.map((run) => (
            <tr key={run.id}>
              <td>
                {formatDateTime(run.drawnAt)}
                <div className="muted small">{run.drawnByName ?? 'another device'}</div>
              </td>
              <td className="mono nowrap">{run.seed}</td>
              <td>{run.criteriaText}</td>
              <td>{run.caseCount}</td>
              <td className="mono small" title={run.sourceHash}>
                {run.sourceHash.slice(0, 12)}…
              </td>
              <td>
                {run.criteria && (
                  <button type="button" className="link-button" onClick={() => onReuse(run)}>
                    Use these settings<span className="visually-hidden"> (seed {run.seed})</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
