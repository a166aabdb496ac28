/**
 * The sampled cases: filter by status, inspector and stage; allocate by hand or balance across
 * the team; open, remove (with a reason) or restore a case. Virtualised: a sample can grow.
 */
import { useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SampledCase } from '../../shared/api/cases.js';
import { legalStatusLabel } from '../../shared/case-list/normalise.js';
import { CASE_STATUSES, STAGES, type CaseStatus } from '../../shared/domain/vocabulary.js';
import { useApi, useCommand } from '../api/hooks.js';
import { useCaseFilters, type CaseFilters } from '../state/case-filters.js';
import { useUi } from '../state/ui-store.js';
import { SampledCaseRemove } from './SampledCaseRemove.js';

interface Member {
  readonly id: string;
  readonly name: string;
}

const stageLabel = (stage: string | null) => (stage ? ((STAGES as Record<string, string>)[stage] ?? stage) : 'Not recorded');

function matches(c: SampledCase, f: CaseFilters): boolean {
  if (c.removed && !f.showRemoved) return false;
  if (f.status !== 'all' && c.status !== f.status) return false;
  if (f.inspector === 'unallocated' ? c.allocatedTo !== null : f.inspector !== 'all' && c.allocatedTo !== f.inspector)
    return false;
  if (f.stage !== 'all' && (c.stage ?? 'none') !== f.stage) return false;
  return true;
}

function CaseFilterBar({ members, shown, total }: { members: readonly Member[]; shown: number; total: number }) {
  const filters = useCaseFilters((s) => s.filters);
  const changed = useCaseFilters((s) => s.caseFiltersChanged);
  return (
    <div className="case-filters" role="group" aria-label="Filter cases">
      <label>
        Status{' '}
        <select value={filters.status} onChange={(e) => changed({ status: e.target.value as CaseStatus | 'all' })}>
          <option value="all">Any status</option>
          {Object.entries(CASE_STATUSES).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Inspector{' '}
        <select value={filters.inspector} onChange={(e) => changed({ inspector: e.target.value })}>
          <option value="all">Anyone</option>
          <option value="unallocated">Not allocated</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Stage{' '}
        <select value={filters.stage} onChange={(e) => changed({ stage: e.target.value })}>
          <option value="all">Any stage</option>
          {Object.entries(STAGES).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
          <option value="none">Not recorded</option>
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={filters.showRemoved} onChange={(e) => changed({ showRemoved: e.target.checked })} /> Show
        removed
      </label>
      <span className="muted small" role="status">
        Showing {shown} of {total}
      </span>
    </div>
  );
}

function CaseRow({
  sampled,
  members,
  rowIndex,
  onRemove,
}: {
  sampled: SampledCase;
  members: readonly Member[];
  rowIndex: number;
  onRemove: () => void;
}) {
  const caseOpened = useUi((s) => s.caseOpened);
  const allocate = useCommand('cases.allocate');
  const restore = useCommand('cases.restore');
  const how =
    sampled.samplingMethod === 'manual' ? `By hand: ${sampled.selectionReason ?? ''}` : `Random · ${sampled.stratum ?? ''}`;
  return (
    <div role="row" aria-rowindex={rowIndex} className={`case-row${sampled.removed ? ' case-row-removed' : ''}`}>
      <div role="cell" className="case-cell-ref">
        <button type="button" className="link-button mono" onClick={() => caseOpened(sampled.id)}>
          {sampled.caseRef}
        </button>
        {sampled.onList === false && <span className="tag tag-warning">not on the list</span>}
      </div>
      <div role="cell">{stageLabel(sampled.stage)}</div>
      <div role="cell">{sampled.ageBand ?? '—'}</div>
      <div role="cell">{legalStatusLabel(sampled.legalStatus)}</div>
      <div role="cell" className="case-cell-how small" title={how}>
        {sampled.removed ? `Removed: ${sampled.removalReason ?? ''}` : how}
      </div>
      <div role="cell">
        <select
          aria-label={`Allocate case ${sampled.caseRef}`}
          value={sampled.allocatedTo ?? ''}
          disabled={sampled.removed || allocate.isPending}
          onChange={(e) => allocate.mutate({ id: sampled.id, memberId: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">Not allocated</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
          {sampled.allocatedTo && !members.some((m) => m.id === sampled.allocatedTo) && (
            <option value={sampled.allocatedTo}>{sampled.allocatedToName ?? 'Former team member'}</option>
          )}
        </select>
      </div>
      <div role="cell">
        <span className={`status-badge status-${sampled.status}`}>{CASE_STATUSES[sampled.status]}</span>
      </div>
      <div role="cell">
        {sampled.removed ? (
          <button type="button" className="link-button" onClick={() => restore.mutate({ id: sampled.id })}>
            Restore<span className="visually-hidden"> case {sampled.caseRef}</span>
          </button>
        ) : (
          <button type="button" className="link-button" onClick={onRemove}>
            Remove<span className="visually-hidden"> case {sampled.caseRef}</span>
          </button>
        )}
      </div>
    </div>
  );
}

export function SampledCaseList({ inspectionId }: { inspectionId: string }) {
  const cases = useApi('cases.list', { inspectionId });
  const team = useApi('team.list', { inspectionId });
  const filters = useCaseFilters((s) => s.filters);
  const autoAllocate = useCommand('cases.autoAllocate');
  const notice = useUi((s) => s.noticeShown);
  const [removing, setRemoving] = useState<SampledCase | null>(null);
  const parent = useRef<HTMLDivElement>(null);
  const members: Member[] = (team.data ?? [])
    .filter((m) => m.role === 'lead' || m.role === 'inspector')
    .map((m) => ({ id: m.id, name: m.name }));
  const all = cases.data ?? [];
  const shown = all.filter((c) => matches(c, filters));
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 44,
    overscan: 10,
  });
  const unallocated = all.filter((c) => !c.removed && c.allocatedTo === null).length;
  const balance = () =>
    autoAllocate.mutate(
      { inspectionId },
      {
        onSuccess: (r) => notice('info', `${r.allocated} cases shared across ${r.members} inspectors.`),
        onError: (e) => notice('error', e.message),
      },
    );
  return (
    <div className="sampled-cases">
      <div className="sampled-cases-toolbar">
        <CaseFilterBar members={members} shown={shown.length} total={all.filter((c) => !c.removed).length} />
        {unallocated > 0 ? (
          <button type="button" onClick={balance} disabled={autoAllocate.isPending}>
            Allocate {unallocated} unallocated {unallocated === 1 ? 'case' : 'cases'} evenly
          </button>
        ) : (
          all.length > 0 && <span className="muted small">Every case is allocated.</span>
        )}
      </div>
      {all.length === 0 && cases.isSuccess && <p className="empty">No cases in the sample yet. Draw a sample or add a case.</p>}
      {all.length > 0 && (
        <div role="table" aria-label="Sampled cases" aria-rowcount={shown.length + 1} className="case-table">
          <div role="rowgroup">
            <div role="row" className="case-row case-row-head" aria-rowindex={1}>
              {['Case', 'Stage', 'Age', 'Legal status', 'How chosen', 'Allocated to', 'Status', 'Actions'].map((h) => (
                <div role="columnheader" key={h}>
                  {h === 'Actions' ? <span className="visually-hidden">{h}</span> : h}
                </div>
              ))}
            </div>
          </div>
          <div ref={parent} className="case-table-scroll" role="rowgroup">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const sampled = shown[item.index];
                if (!sampled) return null;
                return (
                  <div
                    key={sampled.id}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
                  >
                    <CaseRow
                      sampled={sampled}
                      members={members}
                      rowIndex={item.index + 2}
                      onRemove={() => setRemoving(sampled)}
                    />
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
      {removing && <SampledCaseRemove sampled={removing} onClose={() => setRemoving(null)} />}
    </div>
  );
}
