/**
 * Audit agreement: the area's own grade of each case against the inspectors' grade, the
 * agreement rate by stage and overall, and every disagreement. Tables first; the bars are
 * drawn from the same numbers.
 */
import { GRADES } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';
import { auditAgreement, gradeGap, stageName } from '../components/audit-agreement.js';
import { useUi } from '../state/ui-store.js';

const percent = (rate: number | null) => (rate === null ? '—' : `${rate}%`);

export function AgreementScreen({ inspectionId }: { inspectionId: string }) {
  const cases = useApi('cases.list', { inspectionId });
  const caseOpened = useUi((s) => s.caseOpened);
  if (!cases.data) {
    return (
      <section className="screen" aria-labelledby="agreement-title">
        <h1 id="agreement-title">Audit agreement</h1>
        <p className="muted">{cases.error ? cases.error.message : 'Loading…'}</p>
      </section>
    );
  }
  const result = auditAgreement(cases.data);
  return (
    <section className="screen" aria-labelledby="agreement-title">
      <h1 id="agreement-title">Audit agreement</h1>
      <p className="muted">
        How often the inspectors’ grade of a case matches the grade the area gave it in its own audit. Only cases with both grades
        count
        {result.waiting > 0
          ? `; ${result.waiting} sampled ${result.waiting === 1 ? 'case is' : 'cases are'} not graded by both yet`
          : ''}
        .
      </p>
      <section className="panel" aria-labelledby="agreement-rates-title">
        <h2 id="agreement-rates-title">Agreement rate</h2>
        <p className="agreement-overall">
          <strong>{percent(result.overall.rate)}</strong> overall ({result.overall.agreed} of {result.overall.compared}{' '}
          {result.overall.compared === 1 ? 'case' : 'cases'})
        </p>
        {result.byStage.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Agreement rate by stage</caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Cases with both grades</th>
                <th scope="col">Same grade</th>
                <th scope="col">Agreement rate</th>
              </tr>
            </thead>
            <tbody>
              {[...result.byStage, result.overall].map((row) => (
                <tr key={row.label}>
                  <th scope="row">{row.label}</th>
                  <td>{row.compared}</td>
                  <td>{row.agreed}</td>
                  <td>
                    <span className="rate-bar" aria-hidden="true">
                      <span style={{ width: `${row.rate ?? 0}%` }} />
                    </span>
                    {percent(row.rate)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="agreement-diff-title">
        <h2 id="agreement-diff-title">Disagreements ({result.disagreements.length})</h2>
        {result.disagreements.length === 0 ? (
          <p className="muted">No case where the grades differ.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Cases where the area’s grade and the inspectors’ grade differ</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Stage</th>
                <th scope="col">Area’s grade</th>
                <th scope="col">Inspectors’ grade</th>
                <th scope="col">Difference</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {result.disagreements.map((c) => {
                const gap = gradeGap(
                  c.laAuditGrade as NonNullable<typeof c.laAuditGrade>,
                  c.inspectorGrade as NonNullable<typeof c.inspectorGrade>,
                );
                return (
                  <tr key={c.id}>
                    <th scope="row">
                      <button type="button" className="link-button mono" onClick={() => caseOpened(c.id)}>
                        {c.caseRef}
                      </button>
                    </th>
                    <td>{stageName(c.stage)}</td>
                    <td>{c.laAuditGrade ? GRADES[c.laAuditGrade] : '—'}</td>
                    <td>{c.inspectorGrade ? GRADES[c.inspectorGrade] : '—'}</td>
                    <td>
                      {gap > 0
                        ? `Area graded ${gap} ${gap === 1 ? 'step' : 'steps'} higher`
                        : `Area graded ${-gap} ${gap === -1 ? 'step' : 'steps'} lower`}
                    </td>
                    <td>{c.agreementReason ?? <span className="muted">No reason recorded</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
