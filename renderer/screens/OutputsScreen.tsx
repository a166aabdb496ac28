/**
 * The lead's outputs: the draft letter (its details, the headline findings, a preview that
 * shows every part of the document in its order, the .docx and the internal evidence
 * appendix), the factual-accuracy round, and the evidence log and case sample CSVs.
 */
import { useState } from 'react';
import type { CommandName, CommandOutput } from '../../shared/api/index.js';
import { ACCURACY_DECISIONS } from '../../shared/api/outputs.js';
import { HEADLINE_HEADING, NEXT_STEPS_HEADING, NO_FINDINGS } from '../../shared/outputs/letter-model.js';
import { useApi, useCommand, useLongCommand } from '../api/hooks.js';
import { downloadBytes } from '../components/download.js';
import { LetterDetails } from '../components/LetterDetails.js';
import { Field } from '../components/form.js';
import { useUi } from '../state/ui-store.js';

type ExportCommand = Extract<
  CommandName,
  'outputs.letter' | 'outputs.evidenceLog' | 'outputs.sampleSummary' | 'outputs.accuracyLog'
>;

function ExportButton({
  inspectionId,
  command,
  label,
  appendix,
}: {
  inspectionId: string;
  command: ExportCommand;
  label: string;
  appendix?: boolean;
}) {
  const run = useLongCommand(command);
  const notice = useUi((s) => s.noticeShown);
  return (
    <div className="export-row">
      <button
        type="button"
        onClick={() =>
          run.mutate((appendix ? { inspectionId, variant: 'evidence-appendix' } : { inspectionId }) as never, {
            onSuccess: (file) => {
              downloadBytes(file.fileName, file.mimeType, file.bytes);
              notice('info', `${file.fileName} is ready (${Math.ceil(file.size / 1024)} KB).`);
            },
          })
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
        save.mutate({ inspectionId, summary }, { onSuccess: () => notice('info', 'Headline findings saved.') });
      }}
    >
      <Field label="Headline findings (written by the lead inspector)" hint="Separate paragraphs with a blank line">
        {(p) => <textarea {...p} value={summary} onChange={(e) => setSummary(e.target.value)} />}
      </Field>
      {save.error && <p role="alert">{save.error.message}</p>}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.isPending}>
          Save headline findings
        </button>
      </div>
    </form>
  );
}

type Preview = CommandOutput<'outputs.letterPreview'>;

/** The document as it will be written, part by part, in its order. */
function LetterDocument({ letter }: { letter: Preview }) {
  return (
    <article className="letter-preview" aria-label="Letter as it will be written">
      <p className="small muted">{letter.marking}</p>
      <address>
        {letter.addressees.map((line) => (
          <div key={line}>{line}</div>
        ))}
      </address>
      <p>{letter.date}</p>
      {letter.salutation && <p>{letter.salutation}</p>}
      <h3>{letter.title}</h3>
      {letter.introduction.map((text) => (
        <p key={text}>{text}</p>
      ))}
      <h4>{HEADLINE_HEADING}</h4>
      {letter.summary.split(/\n{2,}/).map((text, index) => (
        <p key={index}>{text}</p>
      ))}
      {letter.sections.map((section) => (
        <section key={section.heading} aria-label={section.heading}>
          <h4>{section.heading}</h4>
          {section.groups.length === 0 && <p className="muted">{NO_FINDINGS}</p>}
          {section.groups.map((group) => (
            <div key={group.heading}>
              {group.heading && <h5>{group.heading}</h5>}
              <ul>
                {group.statements.map((statement, index) => (
                  <li key={index}>
                    {statement.text}
                    {statement.evidence && (
                      <ul>
                        {statement.evidence.map((note, n) => (
                          <li key={n} className="small">
                            {note}
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
      <h4>{NEXT_STEPS_HEADING}</h4>
      {letter.nextSteps.map((text) => (
        <p key={text}>{text}</p>
      ))}
      <p>
        {letter.signOff.map((line, index) => (
          <span key={index}>
            {line}
            <br />
          </span>
        ))}
      </p>
      <p className="small muted">Letter version {letter.version}</p>
    </article>
  );
}

function AccuracyRound({ inspectionId }: { inspectionId: string }) {
  const list = useApi('outputs.accuracyList', { inspectionId });
  const add = useCommand('outputs.accuracyAdd');
  const notice = useUi((s) => s.noticeShown);
  const [passage, setPassage] = useState('');
  const [comment, setComment] = useState('');
  const [raisedBy, setRaisedBy] = useState('');
  return (
    <section className="panel" aria-labelledby="accuracy-title">
      <h2 id="accuracy-title">Factual-accuracy round</h2>
      <p className="small muted">
        Record each comment the area sends on the draft, against the passage it is about, and your response. The record is
        exported with the letter version ({list.data?.letterVersion ?? '…'}) it was made on.
      </p>
      <form
        className="form-grid"
        aria-label="Record an accuracy comment"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(
            { inspectionId, passage, comment, raisedBy },
            {
              onSuccess: () => {
                setPassage('');
                setComment('');
                notice('info', 'Accuracy comment recorded.');
              },
            },
          );
        }}
      >
        <Field label="Passage in the letter" hint="Quote the words the comment is about">
          {(p) => <textarea {...p} value={passage} onChange={(e) => setPassage(e.target.value)} />}
        </Field>
        <Field label="The area’s comment">
          {(p) => <textarea {...p} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </Field>
        <Field label="Raised by">{(p) => <input {...p} value={raisedBy} onChange={(e) => setRaisedBy(e.target.value)} />}</Field>
        {add.error && <p role="alert">{add.error.message}</p>}
        <div className="form-actions">
          <button type="submit" disabled={add.isPending}>
            Record comment
          </button>
        </div>
      </form>
      {list.data && list.data.comments.length === 0 && <p className="muted">No accuracy comments recorded yet.</p>}
      {list.data?.comments.map((c) => (
        <AccuracyItem key={c.id} item={c} />
      ))}
      <ExportButton inspectionId={inspectionId} command="outputs.accuracyLog" label="Accuracy round (.csv)" />
    </section>
  );
}

function AccuracyItem({ item }: { item: CommandOutput<'outputs.accuracyList'>['comments'][number] }) {
  const respond = useCommand('outputs.accuracyRespond');
  const notice = useUi((s) => s.noticeShown);
  const [decision, setDecision] = useState<keyof typeof ACCURACY_DECISIONS>(item.decision ?? 'accepted');
  const [response, setResponse] = useState(item.response ?? '');
  return (
    <article className="accuracy-item" aria-label={`Comment from ${item.raisedBy}`}>
      <blockquote>{item.passage}</blockquote>
      <p>
        <strong>{item.raisedBy}:</strong> {item.comment}
      </p>
      <p className="small muted">On letter version {item.letterVersion}</p>
      <form
        className="form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          respond.mutate({ id: item.id, decision, response }, { onSuccess: () => notice('info', 'Response saved.') });
        }}
      >
        <Field label="Decision">
          {(p) => (
            <select {...p} value={decision} onChange={(e) => setDecision(e.target.value as keyof typeof ACCURACY_DECISIONS)}>
              {Object.entries(ACCURACY_DECISIONS).map(([key, text]) => (
                <option key={key} value={key}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Response">
          {(p) => <textarea {...p} value={response} onChange={(e) => setResponse(e.target.value)} />}
        </Field>
        {respond.error && <p role="alert">{respond.error.message}</p>}
        <div className="form-actions">
          <button type="submit" disabled={respond.isPending}>
            Save response
          </button>
        </div>
      </form>
    </article>
  );
}

export function OutputsScreen({ inspectionId }: { inspectionId: string }) {
  const preview = useApi('outputs.letterPreview', { inspectionId, variant: 'letter' });
  const letter = preview.data;
  return (
    <section className="screen" aria-labelledby="outputs-title">
      <h1 id="outputs-title">Letter and exports</h1>
      <section className="panel" aria-labelledby="downloads-title">
        <h2 id="downloads-title">Download</h2>
        <ExportButton inspectionId={inspectionId} command="outputs.letter" label="Draft letter (.docx)" />
        <ExportButton inspectionId={inspectionId} command="outputs.letter" appendix label="Evidence appendix, internal (.docx)" />
        <ExportButton inspectionId={inspectionId} command="outputs.evidenceLog" label="Evidence log (.csv)" />
        <ExportButton inspectionId={inspectionId} command="outputs.sampleSummary" label="Case sample summary (.csv)" />
        <p className="small muted">
          Files are marked OFFICIAL-SENSITIVE. Keep them within the team’s approved storage. The evidence appendix lists the notes
          behind each finding and is for the team only: never send it to the area.
        </p>
      </section>
      {preview.error && <p role="alert">{preview.error.message}</p>}
      {letter && (
        <section className="panel" aria-labelledby="letter-title">
          <h2 id="letter-title">Draft letter preview</h2>
          <p className="small muted">
            Built from {letter.findingCount} agreed findings. Only agreed findings appear in the letter.
          </p>
          <LetterDetails key={inspectionId} inspectionId={inspectionId} letter={letter} />
          {/* Keyed by inspection, not by the saved text: re-keying on the refreshed preview
              unmounted the editor before its "saved" notice could be shown. */}
          <SummaryEditor
            key={inspectionId}
            inspectionId={inspectionId}
            initial={letter.summaryIsPlaceholder ? '' : letter.summary}
          />
          <LetterDocument letter={letter} />
        </section>
      )}
      <AccuracyRound inspectionId={inspectionId} />
    </section>
  );
}
