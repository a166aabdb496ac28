/**
 * Moderation for the team meeting: findings grouped by agency and theme with their
 * triangulation and thin-evidence warnings; status changes and edits to agreed findings carry
 * a reason; duplicates are merged into one finding.
 */
import { useMemo, useState } from 'react';
import type { CommandOutput } from '../../shared/api/index.js';
import { AGENCIES, FINDING_KINDS, FINDING_STATUSES, type FindingStatus } from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';
import { MergeFindingsDialog } from '../components/moderation/MergeFindingsDialog.js';
import { ModerationCard } from '../components/moderation/ModerationCard.js';

type Finding = CommandOutput<'findings.list'>[number];

function agencyHeading(finding: Finding): string {
  if (finding.agencies.length === 1) return AGENCIES[finding.agencies[0] as keyof typeof AGENCIES];
  return 'The partnership (several agencies)';
}

interface Group {
  readonly agency: string;
  readonly themes: readonly { theme: string; findings: readonly Finding[] }[];
}

function groupFindings(findings: readonly Finding[]): Group[] {
  const byAgency = new Map<string, Map<string, Finding[]>>();
  for (const finding of findings) {
    const agency = agencyHeading(finding);
    const themes = byAgency.get(agency) ?? new Map<string, Finding[]>();
    const theme = finding.theme?.trim() || 'No theme given';
    themes.set(theme, [...(themes.get(theme) ?? []), finding]);
    byAgency.set(agency, themes);
  }
  const partnershipLast = (name: string) => (name.startsWith('The partnership') ? 1 : 0);
  return [...byAgency.entries()]
    .sort(([a], [b]) => partnershipLast(a) - partnershipLast(b) || a.localeCompare(b, 'en-GB'))
    .map(([agency, themes]) => ({
      agency,
      themes: [...themes.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'en-GB'))
        .map(([theme, list]) => ({ theme, findings: list })),
    }));
}

export function ModerationScreen({ inspectionId }: { inspectionId: string }) {
  const findings = useApi('findings.list', { inspectionId, filters: {} });
  const [showWithdrawn, setShowWithdrawn] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [merging, setMerging] = useState(false);
  const visible = useMemo(
    () => (findings.data ?? []).filter((f) => showWithdrawn || f.status !== 'withdrawn'),
    [findings.data, showWithdrawn],
  );
  const groups = useMemo(() => groupFindings(visible), [visible]);
  const counts = useMemo(() => {
    const tally = new Map<FindingStatus, number>();
    for (const f of findings.data ?? []) tally.set(f.status, (tally.get(f.status) ?? 0) + 1);
    return tally;
  }, [findings.data]);
  const thin = visible.filter((f) => f.triangulation.thin && f.status !== 'withdrawn').length;
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <section className="screen" aria-labelledby="moderation-title">
      <div className="screen-header">
        <h1 id="moderation-title">Moderation</h1>
        <button type="button" className="button-primary" disabled={selected.size < 2} onClick={() => setMerging(true)}>
          Merge {selected.size >= 2 ? `${selected.size} selected findings` : 'selected findings'}
        </button>
      </div>
      <p className="muted">
        {(Object.keys(FINDING_STATUSES) as FindingStatus[])
          .map((s) => `${FINDING_STATUSES[s]}: ${counts.get(s) ?? 0}`)
          .join(' · ')}
        {thin > 0 && ` · ${thin} thinly evidenced`}
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={showWithdrawn} onChange={(e) => setShowWithdrawn(e.target.checked)} />
        Show withdrawn and merged findings
      </label>
      {findings.error && <p role="alert">{findings.error.message}</p>}
      {findings.data && visible.length === 0 && (
        <div className="empty">
          <p>No findings to moderate yet.</p>
          <p className="muted">Draft findings on the Findings screen; they appear here grouped by agency and theme.</p>
        </div>
      )}
      {groups.map((group) => (
        <section key={group.agency} className="moderation-agency" aria-label={group.agency}>
          <h2>{group.agency}</h2>
          {group.themes.map((theme) => (
            <section key={theme.theme} className="moderation-theme" aria-label={`${group.agency}: ${theme.theme}`}>
              <h3>{theme.theme}</h3>
              {theme.findings.map((finding) => (
                <ModerationCard
                  key={finding.id}
                  finding={finding}
                  kindLabel={FINDING_KINDS[finding.kind]}
                  selected={selected.has(finding.id)}
                  onSelect={(on) => toggle(finding.id, on)}
                />
              ))}
            </section>
          ))}
        </section>
      ))}
      {merging && (
        <MergeFindingsDialog
          findings={visible.filter((f) => selected.has(f.id))}
          onClose={(merged) => {
            setMerging(false);
            if (merged) setSelected(new Set());
          }}
        />
      )}
    </section>
  );
}
