/** One sampled case: its details, the inspector's audit, and (from the evidence area) its notes and escalations. */
import { useApi } from '../api/hooks.js';
import { legalStatusLabel } from '../../shared/case-list/normalise.js';
import { AGENCIES, STAGES } from '../../shared/domain/vocabulary.js';
// Owned by the evidence area: notes for this case and the "child at immediate risk" action.
import { CaseEvidence } from '../components/CaseEvidence.js';
import { SampledCaseAudit } from '../components/SampledCaseAudit.js';
import { useUi } from '../state/ui-store.js';

const agencyLabel = (value: string) => (AGENCIES as Record<string, string>)[value] ?? value;

export function CaseScreen({ inspectionId }: { inspectionId: string }) {
  const caseId = useUi((s) => s.caseId);
  const screenChosen = useUi((s) => s.screenChosen);
  const sampled = useApi('cases.get', { id: caseId ?? '' }, { enabled: caseId !== null });
  const inspection = useApi('inspections.get', { id: inspectionId });
  const back = (
    <button type="button" className="link-button" onClick={() => screenChosen('cases')}>
      All cases
    </button>
  );
  if (!caseId) return <p>No case is open. {back}</p>;
  if (sampled.error) return <p className="error-box">{sampled.error.message}</p>;
  const data = sampled.data;
  if (!data) return <p>Loading…</p>;
  return (
    <section className="screen case-screen" aria-labelledby="case-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {back} <span aria-hidden="true">›</span> <span className="mono">{data.caseRef}</span>
      </nav>
      <h1 id="case-title">
        Case <span className="mono">{data.caseRef}</span>
        {data.removed && <span className="badge badge-warning case-removed-badge">Removed from the sample</span>}
      </h1>
      <div className="case-layout">
        <section className="panel case-details" aria-labelledby="case-details-title">
          <h2 id="case-details-title">Details</h2>
          <dl className="details">
            <dt>Stage</dt>
            <dd>{data.stage ? ((STAGES as Record<string, string>)[data.stage] ?? data.stage) : 'Not recorded'}</dd>
            <dt>Age band</dt>
            <dd>{data.ageBand ?? 'Not recorded'}</dd>
            <dt>Legal status</dt>
            <dd>{legalStatusLabel(data.legalStatus)}</dd>
            <dt>Agencies</dt>
            <dd>{data.agencies.map(agencyLabel).join(', ') || 'None listed'}</dd>
            <dt>Flags</dt>
            <dd>{data.flags.join(', ') || 'None'}</dd>
            <dt>How chosen</dt>
            <dd>
              {data.samplingMethod === 'manual'
                ? `Added by hand: ${data.selectionReason ?? ''}`
                : `Random draw (${data.stratum ?? ''})`}
            </dd>
            <dt>On the case list</dt>
            <dd>
              {data.onList === true
                ? 'Yes'
                : data.onList === false
                  ? 'No: not on the list'
                  : 'Not known here (the case list is on the laptop that imported it)'}
            </dd>
            <dt>Allocated to</dt>
            <dd>{data.allocatedToName ?? 'Not allocated'}</dd>
            {data.removed && (
              <>
                <dt>Removed because</dt>
                <dd>{data.removalReason}</dd>
              </>
            )}
          </dl>
        </section>
        <section className="panel case-audit-panel">
          <SampledCaseAudit key={data.id} sampled={data} theme={inspection.data?.theme ?? null} />
        </section>
      </div>
      {/* Slot owned by the evidence area (renderer/components/CaseEvidence.tsx). */}
      <CaseEvidence caseId={data.id} inspectionId={inspectionId} />
    </section>
  );
}
