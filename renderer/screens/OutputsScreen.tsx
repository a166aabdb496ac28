/** The lead's outputs: the draft letter (preview, summary, .docx) and the evidence log and case sample CSVs. */
import { useState } from 'react';
import type { CommandName } from '../../shared/api/index.js';
import { useApi, useCommand, useLongCommand } from '../api/hooks.js';
import { downloadBase64 } from '../components/download.js';
import { Field } from '../components/form.js';
import { useUi } from '../state/ui-store.js';

type ExportCommand = Extract<CommandName, 'outputs.letter' | 'outputs.evidenceLog' | 'outputs.sampleSummary'>;

function ExportButton({ inspectionId, command, label }: { inspectionId: string; command: ExportCommand; label: string }) {
  const run = useLongCommand(command);
  const notice = useUi((s) => s.noticeShown);
  return (
    <div className="export-row">
      <button
        type="button"
        onClick={() =>
          run.mutate(
            { inspectionId },
            {
              onSuccess: (file) => {
                downloadBase64(file.fileName, file.mimeType, file.bytesBase64);
                notice('info', `${file.fileName} is ready (${Math.ceil(file.size / 1024)} KB).`);
              },
            },
          )
        }
        disabled={run.isPending}
      >
        {run.isPending ? 'Preparing…' : label}
      </button>
      {run.isPending && run.progress && (
        <progress
          className="progress"
          max={run.progress.total}
          value={run.progress.done}
          aria-label={`${label}: ${run.progress.stage}`}
        />
      )}
      {run.error && (
        <span role="alert" className="field-error-text">
          {run.error.message}
        </span>
      )}
    </div>
  );
}

function SummaryEditor({ inspectionId, initial }: { inspectionId: string; initial: string }) {
  const [summary, setSummary] = useState(initial);
  const save = useCommand('outputs.setSummary');
  const notice = useUi((s) => s.noticeShown);
  return (
    <form
      className="form-grid"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ inspectionId, summary }, { onSuccess: () => notice('info', 'Summary saved.') });
      }}
    >
      <Field label="Summary (written by the lead inspector)" hint="Separate paragraphs with a blank line">
        {(p) => <textarea {...p} value={summary} onChange={(e) => setSummary(e.target.value)} />}
      </Field>
      {save.error && <p role="alert">{save.error.message}</p>}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.isPending}>
          Save summary
        </button>
      </div>
    </form>
  );
}

export function OutputsScreen({ inspectionId }: { inspectionId: string }) {
  const preview = useApi('outputs.letterPreview', { inspectionId });
  const letter = preview.data;
  return (
    <section className="screen" aria-labelledby="outputs-title">
      <h1 id="outputs-title">Letter and exports</h1>
      <section className="panel" aria-labelledby="downloads-title">
        <h2 id="downloads-title">Download</h2>
        <ExportButton inspectionId={inspectionId} command="outputs.letter" label="Draft letter (.docx)" />
        <ExportButton inspectionId={inspectionId} command="outputs.evidenceLog" label="Evidence log (.csv)" />
        <ExportButton inspectionId={inspectionId} command="outputs.sampleSummary" label="Case sample summary (.csv)" />
        <p className="small muted">Files are marked OFFICIAL-SENSITIVE. Keep them within the team’s approved storage.</p>
      </section>
      {preview.error && <p role="alert">{preview.error.message}</p>}
      {letter && (
        <section className="panel" aria-labelledby="letter-title">
          <h2 id="letter-title">Draft letter preview</h2>
          <p className="small muted">
            Built from {letter.findingCount} agreed findings. Only agreed findings appear in the letter.
          </p>
          <article className="letter-preview">
            <h3>{letter.title}</h3>
            <dl className="details">
              {letter.facts.map((fact) => (
                <div key={fact.label} className="details-row">
                  <dt>{fact.label}</dt>
                  <dd>{fact.value}</dd>
                </div>
              ))}
            </dl>
            <SummaryEditor
              key={letter.summary}
              inspectionId={inspectionId}
              initial={letter.summaryIsPlaceholder ? '' : letter.summary}
            />
            {letter.sections.map((section) => (
              <section key={section.heading} aria-label={section.heading}>
                <h4>{section.heading}</h4>
                {section.groups.length === 0 && <p className="muted">No agreed findings in this section yet.</p>}
                {section.groups.map((group) => (
                  <div key={group.heading}>
                    <h5>{group.heading}</h5>
                    <ul>
                      {group.statements.map((statement, index) => (
                        <li key={index}>{statement}</li>
                      ))}
                    </ul>
                  </div>
                ))}
              </section>
            ))}
          </article>
        </section>
      )}
    </section>
  );
}
