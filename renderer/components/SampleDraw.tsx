/**
 * Drawing the sample: choose strata, then a count per stratum or a total shared in
 * proportion; the seed is recorded so the same list, criteria and seed redraw the same sample.
 */
import { useId, useState, type FormEvent } from 'react';
import type { CommandInput } from '../../shared/api/index.js';
import { allocateProportionally } from '../../shared/sampling/allocate.js';
import { DIMENSION_ORDER, STRATUM_DIMENSIONS, type StratumDimension } from '../../shared/sampling/strata.js';
import { useApi, useCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';
import { SampleRuns, type SampleRunView } from './SampleRuns.js';

type Criteria = CommandInput<'cases.drawSample'>['criteria'];

export function SampleDraw({ inspectionId }: { inspectionId: string }) {
  const id = useId();
  const [dimensions, setDimensions] = useState<StratumDimension[]>(['stage']);
  const [mode, setMode] = useState<Criteria['mode']>('per_stratum');
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [total, setTotal] = useState('10');
  const [seed, setSeed] = useState('');
  const [each, setEach] = useState('2');
  const strata = useApi('cases.strata', { inspectionId, dimensions });
  const draw = useCommand('cases.drawSample');
  const notice = useUi((s) => s.noticeShown);

  const toggle = (dimension: StratumDimension, on: boolean) =>
    setDimensions((current) => DIMENSION_ORDER.filter((d) => (d === dimension ? on : current.includes(d))));

  const shares =
    mode === 'proportional' && strata.data
      ? allocateProportionally(
          strata.data.map((s) => ({ key: s.key, size: s.size })),
          Number(total) || 0,
        )
      : null;

  const criteria = (): Criteria =>
    mode === 'proportional'
      ? { mode, dimensions, total: Math.max(0, Math.floor(Number(total) || 0)) }
      : {
          mode,
          dimensions,
          counts: Object.fromEntries(
            (strata.data ?? []).map((s) => [s.key, Math.max(0, Math.floor(Number(counts[s.key] ?? '0') || 0))]),
          ),
        };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = seed.trim();
    draw.mutate(
      { inspectionId, criteria: criteria(), ...(trimmed ? { seed: trimmed } : {}) },
      {
        onSuccess: (result) => {
          setSeed(result.run.seed);
          notice('info', `${result.caseRefs.length} cases drawn with seed ${result.run.seed}.`);
        },
      },
    );
  };

  const reuse = (run: SampleRunView) => {
    if (!run.criteria) return;
    setDimensions([...run.criteria.dimensions]);
    setMode(run.criteria.mode);
    if (run.criteria.mode === 'proportional') setTotal(String(run.criteria.total));
    else setCounts(Object.fromEntries(Object.entries(run.criteria.counts).map(([k, v]) => [k, String(v)])));
    setSeed(run.seed);
    draw.reset();
  };

  const result = draw.data;
  return (
    <div className="sample-draw">
      <form onSubmit={submit} className="sample-form" aria-label="Draw a sample" noValidate>
        <div className="sample-form-options">
          <fieldset className="checkbox-group">
            <legend>Strata</legend>
            {DIMENSION_ORDER.map((d) => (
              <label key={d} className="checkbox">
                <input type="checkbox" checked={dimensions.includes(d)} onChange={(e) => toggle(d, e.target.checked)} />
                {STRATUM_DIMENSIONS[d]}
              </label>
            ))}
          </fieldset>
          <fieldset className="checkbox-group">
            <legend>How many</legend>
            <label className="checkbox">
              <input type="radio" name={`${id}-mode`} checked={mode === 'per_stratum'} onChange={() => setMode('per_stratum')} />A
              number from each stratum
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === 'proportional'}
                onChange={() => setMode('proportional')}
              />
              A total, shared in proportion
            </label>
          </fieldset>
        </div>
        {mode === 'proportional' && (
          <div className="field sample-total">
            <label htmlFor={`${id}-total`}>Total cases to draw</label>
            <input id={`${id}-total`} type="number" min={1} value={total} onChange={(e) => setTotal(e.target.value)} />
          </div>
        )}
        {mode === 'per_stratum' && strata.data && strata.data.length > 1 && (
          <div className="sample-fill">
            <label htmlFor={`${id}-each`}>Same number from every stratum</label>
            <input
              id={`${id}-each`}
              type="number"
              min={0}
              className="count-input"
              value={each}
              onChange={(e) => setEach(e.target.value)}
            />
            <button type="button" onClick={() => setCounts(Object.fromEntries((strata.data ?? []).map((s) => [s.key, each])))}>
              Fill in
            </button>
          </div>
        )}
        {strata.error && <p className="error-box">{strata.error.message}</p>}
        {strata.data && (
          <div className="table-scroll sample-strata">
            <table className="table">
              <caption className="visually-hidden">Strata of the case list</caption>
              <thead>
                <tr>
                  <th scope="col">Stratum</th>
                  <th scope="col">On the list</th>
                  <th scope="col">To draw</th>
                </tr>
              </thead>
              <tbody>
                {strata.data.map((s) => (
                  <tr key={s.key}>
                    <th scope="row">{s.label}</th>
                    <td>{s.size}</td>
                    <td>
                      {mode === 'per_stratum' ? (
                        <input
                          type="number"
                          min={0}
                          max={s.size}
                          className="count-input"
                          aria-label={`Cases to draw from ${s.label}`}
                          value={counts[s.key] ?? ''}
                          placeholder="0"
                          onChange={(e) => setCounts((c) => ({ ...c, [s.key]: e.target.value }))}
                        />
                      ) : (
                        (shares?.get(s.key) ?? 0)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="form-row sample-seed-row">
          <div className="field">
            <label htmlFor={`${id}-seed`}>Seed</label>
            <span className="field-hint" id={`${id}-seed-hint`}>
              Leave blank for a new random seed. The same list, criteria and seed always draw the same cases.
            </span>
            <input
              id={`${id}-seed`}
              type="text"
              className="mono"
              aria-describedby={`${id}-seed-hint`}
              value={seed}
              autoComplete="off"
              onChange={(e) => setSeed(e.target.value)}
            />
          </div>
        </div>
        {draw.error && (
          <p className="error-box" role="alert">
            {draw.error.message}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={draw.isPending || !strata.data}>
            Draw sample
          </button>
        </div>
        {result && (
          <p role="status" className="sample-result">
            Drew <strong>{result.caseRefs.length}</strong> cases with seed <span className="mono">{result.run.seed}</span>
            {result.added > 0 && `; ${result.added} new`}
            {result.removed > 0 && `; ${result.removed} earlier draws left out (kept, marked removed)`}.
          </p>
        )}
      </form>
      <SampleRuns inspectionId={inspectionId} onReuse={reuse} />
    </div>
  );
}
