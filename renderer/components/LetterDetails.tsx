/**
 * Who the letter is addressed to (the area's leaders, by role for the inspection type) and when
 * the statement of action is due. Set up with the inspection on the set-up screen and shown
 * again with the letter; both save the same details (outputs.setLetterDetails).
 */
import { useState } from 'react';
import type { CommandOutput } from '../../shared/api/index.js';
import { useApi, useCommand } from '../api/hooks.js';
import { useUi } from '../state/ui-store.js';
import { Field } from './form.js';

type Preview = CommandOutput<'outputs.letterPreview'>;

export function LetterDetails({ inspectionId, letter }: { inspectionId: string; letter: Preview }) {
  const [names, setNames] = useState<Record<string, string>>(() => Object.fromEntries(letter.roles.map((r) => [r.role, r.name])));
  const [deadline, setDeadline] = useState(letter.actionDeadline ?? '');
  const save = useCommand('outputs.setLetterDetails');
  const notice = useUi((s) => s.noticeShown);
  return (
    <form
      className="form-grid"
      aria-label="Letter details"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          {
            inspectionId,
            addressees: letter.roles.map((r) => ({ role: r.role, name: names[r.role] ?? '' })),
            actionDeadline: deadline === '' ? null : deadline,
          },
          { onSuccess: () => notice('info', 'Letter details saved.') },
        );
      }}
    >
      {letter.roles.map((r) => (
        <Field key={r.role} label={`Addressed to: ${r.label}`}>
          {(p) => <input {...p} value={names[r.role] ?? ''} onChange={(e) => setNames({ ...names, [r.role]: e.target.value })} />}
        </Field>
      ))}
      <Field label="Statement of action due" hint="Leave empty to show about 70 working days, to confirm">
        {(p) => <input {...p} type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} />}
      </Field>
      {save.error && <p role="alert">{save.error.message}</p>}
      <div className="form-actions">
        <button type="submit" disabled={save.isPending}>
          Save letter details
        </button>
      </div>
    </form>
  );
}

/** The set-up screen's panel: the same form, loading the letter's details itself. */
export function LetterRecipients({ inspectionId }: { inspectionId: string }) {
  const preview = useApi('outputs.letterPreview', { inspectionId, variant: 'letter' });
  return (
    <section className="panel" aria-labelledby="letter-recipients-title">
      <h2 id="letter-recipients-title">Who the letter is addressed to</h2>
      <p className="small muted">
        The area’s leaders the inspection’s letter is addressed to, jointly for a JTAI. The letter screen shows them with the
        draft.
      </p>
      {preview.data ? (
        <LetterDetails key={inspectionId} inspectionId={inspectionId} letter={preview.data} />
      ) : (
        <p role={preview.error ? 'alert' : undefined}>{preview.error?.message ?? 'Loading…'}</p>
      )}
    </section>
  );
}
