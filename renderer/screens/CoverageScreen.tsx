/**
 * The coverage dashboard: the sample by stage and status, evidence by theme and agency (a heat
 * map), findings by kind and agency, and themes with no or thin evidence. Every chart has a
 * table alternative, and the heat map is itself a table.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { Coverage } from '../../shared/api/coverage.js';
import {
  AGENCIES,
  CASE_STATUSES,
  FINDING_KINDS,
  STAGES,
  type Agency,
  type CaseStatus,
  type FindingKind,
  type Stage,
} from '../../shared/domain/vocabulary.js';
import { useApi } from '../api/hooks.js';

const STATUS_COLOURS: Record<CaseStatus, string> = { not_started: '#94a3b8', in_progress: '#d97706', done: '#15803d' };
const KIND_COLOURS: Record<FindingKind, string> = { strength: '#15803d', improvement: '#d97706', priority_action: '#b42318' };

const TEXT = '#1b1f24';

/**
 * A stacked bar chart, one horizontal bar per category so every category's name fits beside
 * its bar (upright bars dropped every other label), one stacked segment per series.
 */
function StackedBars<K extends string>(props: {
  data: readonly Record<string, string | number>[];
  categoryKey: string;
  series: Readonly<Record<K, string>>;
  colours: Readonly<Record<K, string>>;
  stackId: string;
}) {
  const height = 70 + props.data.length * 34;
  return (
    <BarChart layout="vertical" width={460} height={height} data={[...props.data]} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12, fill: TEXT }} />
      <YAxis type="category" dataKey={props.categoryKey} width={170} interval={0} tick={{ fontSize: 12, fill: TEXT }} />
      <Tooltip />
      <Legend wrapperStyle={{ color: TEXT }} formatter={(value: string) => <span style={{ color: TEXT }}>{value}</span>} />
      {(Object.keys(props.series) as K[]).map((key) => (
        <Bar
          key={key}
          dataKey={key}
          name={props.series[key]}
          stackId={props.stackId}
          fill={props.colours[key]}
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}

function ChartFigure(props: { id: string; title: string; summary: string; chart: React.ReactNode; table: React.ReactNode }) {
  return (
    <section className="panel coverage-panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <div role="img" aria-label={props.summary} className="coverage-chart">
        {props.chart}
      </div>
      <details>
        <summary>Show as a table</summary>
        {props.table}
      </details>
    </section>
  );
}

const stageLabel = (stage: Stage | null) => (stage ? STAGES[stage] : 'Stage not recorded');

function CasesChart({ data }: { data: Coverage['casesByStage'] }) {
  const stages = [...new Set(data.map((r) => r.stage))];
  const rows = stages.map((stage) => {
    const row: Record<string, string | number> = { stage: stageLabel(stage) };
    for (const status of Object.keys(CASE_STATUSES) as CaseStatus[]) {
      row[status] = data.find((r) => r.stage === stage && r.status === status)?.count ?? 0;
    }
    return row;
  });
  const total = data.reduce((n, r) => n + r.count, 0);
  const done = data.filter((r) => r.status === 'done').reduce((n, r) => n + r.count, 0);
  return (
    <ChartFigure
      id="cov-cases"
      title="Sampled cases by stage and status"
      summary={`${total} sampled cases, ${done} done. Bar chart by stage; the table below gives the numbers.`}
      chart={
        total === 0 ? (
          <p className="muted">No sampled cases yet.</p>
        ) : (
          <StackedBars data={rows} categoryKey="stage" series={CASE_STATUSES} colours={STATUS_COLOURS} stackId="cases" />
        )
      }
      table={
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              {(Object.values(CASE_STATUSES) as string[]).map((l) => (
                <th scope="col" key={l}>
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row.stage)}>
                <th scope="row">{row.stage}</th>
                {(Object.keys(CASE_STATUSES) as CaseStatus[]).map((s) => (
                  <td key={s}>{row[s]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function HeatMap({ data }: { data: Coverage['notesByThemeAgency'] }) {
  const themes = [...new Set(data.map((r) => r.theme))];
  const agencies = [...new Set(data.map((r) => r.agency))];
  const max = Math.max(1, ...data.map((r) => r.count));
  return (
    <section className="panel coverage-panel" aria-labelledby="cov-heat">
      <h2 id="cov-heat">Evidence notes by theme and agency</h2>
      {data.length === 0 ? (
        <p className="muted">No evidence notes with themes yet.</p>
      ) : (
        <div
          className="heatmap-scroll"
          tabIndex={0}
          role="region"
          aria-label="Evidence notes by theme and agency (scrolls sideways)"
        >
          <table className="table heatmap">
            <caption className="visually-hidden">
              Number of evidence notes for each theme and agency; darker cells have more notes.
            </caption>
            <thead>
              <tr>
                <th scope="col">Theme</th>
                {agencies.map((a) => (
                  <th scope="col" key={a ?? 'none'}>
                    {a ? AGENCIES[a] : 'No agency'}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {themes.map((theme) => (
                <tr key={theme}>
                  <th scope="row">{theme}</th>
                  {agencies.map((a) => {
                    const count = data.find((r) => r.theme === theme && r.agency === a)?.count ?? 0;
                    const level = count === 0 ? 0 : Math.ceil((count / max) * 4);
                    return (
                      <td key={a ?? 'none'} className={`heat heat-${level}`}>
                        {count}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FindingsChart({ data }: { data: Coverage['findingsByKindAgency'] }) {
  const agencies = [...new Set(data.map((r) => r.agency))];
  const rows = agencies.map((agency) => {
    const row: Record<string, string | number> = { agency: AGENCIES[agency as Agency] };
    for (const kind of Object.keys(FINDING_KINDS) as FindingKind[]) {
      row[kind] = data.find((r) => r.agency === agency && r.kind === kind)?.count ?? 0;
    }
    return row;
  });
  return (
    <ChartFigure
      id="cov-findings"
      title="Findings by kind and agency"
      summary={`Findings for ${agencies.length} agencies, by kind. The table below gives the numbers.`}
      chart={
        rows.length === 0 ? (
          <p className="muted">No findings yet.</p>
        ) : (
          <StackedBars data={rows} categoryKey="agency" series={FINDING_KINDS} colours={KIND_COLOURS} stackId="findings" />
        )
      }
      table={
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Agency</th>
              {Object.values(FINDING_KINDS).map((l) => (
                <th scope="col" key={l}>
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row.agency)}>
                <th scope="row">{row.agency}</th>
                {(Object.keys(FINDING_KINDS) as FindingKind[]).map((k) => (
                  <td key={k}>{row[k]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function ThemeGaps({ data }: { data: Coverage['themes'] }) {
  const gaps = data.filter((t) => t.level !== 'covered');
  return (
    <section className="panel coverage-panel" aria-labelledby="cov-gaps">
      <h2 id="cov-gaps">Themes with no or thin evidence</h2>
      {gaps.length === 0 ? (
        <p>Every theme has evidence from at least two source types and two cases.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Theme</th>
              <th scope="col">Evidence</th>
              <th scope="col">Notes</th>
              <th scope="col">Cases</th>
              <th scope="col">Source types</th>
            </tr>
          </thead>
          <tbody>
            {gaps.map((t) => (
              <tr key={t.theme}>
                <th scope="row">{t.theme}</th>
                <td>
                  <span className={`badge ${t.level === 'none' ? 'badge-danger' : 'badge-warning'}`}>
                    {t.level === 'none' ? 'None' : 'Thin'}
                  </span>
                </td>
                <td>{t.noteCount}</td>
                <td>{t.caseCount}</td>
                <td>{t.sourceCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function CoverageScreen({ inspectionId }: { inspectionId: string }) {
  const coverage = useApi('coverage.summary', { inspectionId });
  const data = coverage.data;
  return (
    <section aria-labelledby="coverage-title" className="screen">
      <h1 id="coverage-title">Coverage</h1>
      {coverage.error && <p className="error-box">{coverage.error.message}</p>}
      {!data ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="coverage-grid">
          <CasesChart data={data.casesByStage} />
          <FindingsChart data={data.findingsByKindAgency} />
          <HeatMap data={data.notesByThemeAgency} />
          <ThemeGaps data={data.themes} />
        </div>
      )}
    </section>
  );
}
