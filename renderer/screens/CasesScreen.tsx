/** Cases: the area's case list (import), the sample (draw, add by hand) and the sampled cases. */
import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import { CaseListImport } from '../components/CaseListImport.js';
import { formatDateTime } from '../components/dates.js';
import { SampleDraw } from '../components/SampleDraw.js';
import { SampledCaseAdd } from '../components/SampledCaseAdd.js';
import { SampledCaseList } from '../components/SampledCaseList.js';

function CaseListPanel({ inspectionId }: { inspectionId: string }) {
  const list = useApi('cases.caseList', { inspectionId });
  const [importing, setImporting] = useState(false);
  const current = list.data;
  const showImport = importing || (list.isSuccess && current === null);
  return (
    <section className="panel" aria-labelledby="case-list-title">
      <div className="screen-header">
        <h2 id="case-list-title">Case list</h2>
        {current && !importing && (
          <button type="button" onClick={() => setImporting(true)}>
            Import a new list
          </button>
        )}
      </div>
      {current ? (
        <p className="case-list-summary">
          <strong>{current.rowCount.toLocaleString('en-GB')}</strong> children from <strong>{current.fileName}</strong>, imported{' '}
          {formatDateTime(current.importedAt)}.{' '}
          <span className="muted small">
            SHA-256 <span className="mono">{current.sha256}</span>. Kept on this laptop only.
          </span>
        </p>
      ) : (
        list.isSuccess && (
          <p className="muted">No case list yet. Import the list the area sent: an Excel workbook or a CSV file.</p>
        )
      )}
      {showImport && <CaseListImport inspectionId={inspectionId} onDone={() => setImporting(false)} />}
    </section>
  );
}

export function CasesScreen({ inspectionId }: { inspectionId: string }) {
  const list = useApi('cases.caseList', { inspectionId });
  return (
    <section className="screen cases-screen" aria-labelledby="cases-title">
      <h1 id="cases-title">Cases</h1>
      <CaseListPanel inspectionId={inspectionId} />
      {list.data && (
        <section className="panel" aria-labelledby="sample-title">
          <h2 id="sample-title">Draw the sample</h2>
          <SampleDraw inspectionId={inspectionId} />
        </section>
      )}
      <section className="panel" aria-labelledby="sampled-title">
        <h2 id="sampled-title">Sampled cases</h2>
        <SampledCaseList inspectionId={inspectionId} />
        <SampledCaseAdd inspectionId={inspectionId} />
      </section>
    </section>
  );
}
