/**
 * The import queue, one line per file: checking, the questions the user must answer (a
 * passphrase, the lead's fingerprint when joining, many deletions), a progress bar while it
 * imports, then the result or the refusal in plain words.
 */
import { useId, useState, type FormEvent } from 'react';
import type { BundlePreviewT } from '../../shared/api/bundles.js';
import { FINISHED_STAGES, useBundleImports, type ImportEntry } from '../state/bundle-imports.js';
import { useUi } from '../state/ui-store.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function changeCounts(c: { newOps: number; updatedFields: number; newConflicts: number; deletions: number }): string {
  return [
    plural(c.newOps, 'new change', 'new changes'),
    plural(c.updatedFields, 'field updated', 'fields updated'),
    plural(c.newConflicts, 'new conflict', 'new conflicts'),
    plural(c.deletions, 'deletion', 'deletions'),
  ].join(', ');
}

function Summary({ preview }: { preview: BundlePreviewT }) {
  return (
    <p className="small">
      For {preview.inspection.localAuthority ?? 'an inspection'}, exported by {preview.exporter.name ?? 'an unknown device'} (
      <span className="mono">{preview.exporter.fingerprint}</span>): {changeCounts(preview)}.
    </p>
  );
}

function PassphraseForm({ entry }: { entry: ImportEntry }) {
  const update = useBundleImports((s) => s.entryUpdated);
  const [passphrase, setPassphrase] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (passphrase) update(entry.id, { stage: 'waiting', passphrase, message: undefined });
  };
  return (
    <form className="bundle-question" onSubmit={submit}>
      <p role="alert">{entry.message}</p>
      <label htmlFor={id}>If it was protected with a passphrase, enter it</label>
      <input id={id} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
      <div className="form-actions">
        <button type="submit" className="button-primary">
          Open with this passphrase
        </button>
        <button type="button" onClick={() => update(entry.id, { stage: 'skipped' })}>
          Skip this file
        </button>
      </div>
    </form>
  );
}

function Confirmation({ entry, preview }: { entry: ImportEntry; preview: BundlePreviewT }) {
  const update = useBundleImports((s) => s.entryUpdated);
  const [fingerprintChecked, setFingerprintChecked] = useState(false);
  const checkboxId = useId();
  const ready = !preview.isJoin || fingerprintChecked;
  const confirm = () =>
    update(entry.id, {
      stage: 'ready',
      confirmDeletions: preview.needsConfirmation,
      ...(preview.isJoin ? { trustLead: preview.exporter.fingerprint } : {}),
    });
  return (
    <div className="bundle-question">
      <Summary preview={preview} />
      {preview.isJoin && (
        <>
          <p>
            Importing this bundle joins this laptop to the inspection and trusts the device that made it as the lead’s. Ask the
            lead to read out their fingerprint and compare it with this one:
          </p>
          <p className="bundle-fingerprint mono">{preview.exporter.fingerprint}</p>
          <div className="checkbox">
            <input
              id={checkboxId}
              type="checkbox"
              checked={fingerprintChecked}
              onChange={(e) => setFingerprintChecked(e.target.checked)}
            />
            <label htmlFor={checkboxId}>The lead’s fingerprint matches</label>
          </div>
        </>
      )}
      {preview.needsConfirmation && (
        <p className="error-box">
          {entry.message ?? `This bundle would delete ${plural(preview.deletions, 'record', 'records')}.`} Deleted records can be
          restored later, but check with the person who sent it if this is unexpected.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button-primary" disabled={!ready} onClick={confirm}>
          {preview.isJoin ? 'Join and import' : `Import and delete ${plural(preview.deletions, 'record', 'records')}`}
        </button>
        <button type="button" onClick={() => update(entry.id, { stage: 'skipped' })}>
          Skip this file
        </button>
      </div>
    </div>
  );
}

function StatusLine({ entry }: { entry: ImportEntry }) {
  switch (entry.stage) {
    case 'waiting':
    case 'ready':
      return <>Waiting…</>;
    case 'previewing':
      return <>Checking the bundle…</>;
    case 'needs_passphrase':
      return <>Needs a passphrase.</>;
    case 'needs_confirmation':
      return <>Needs your confirmation before it is imported.</>;
    case 'importing':
      return <>Importing…</>;
    case 'imported':
      return <>Imported: {entry.result ? changeCounts(entry.result) : ''}.</>;
    case 'already_imported':
      return <>Already imported: 0 changes.</>;
    case 'refused':
      return <>Refused: {entry.message}</>;
    case 'skipped':
      return <>Skipped: not imported.</>;
    default:
      return null;
  }
}

/**
 * What did not take effect (docs/authority.md): changes a member had no authority for, and
 * keys that wait for the lead. Each sentence names the member and the change.
 */
function AuthorityNotices({ result }: { result: NonNullable<ImportEntry['result']> }) {
  if (result.refused.length === 0 && result.held.length === 0) return null;
  return (
    <div className="bundle-authority small">
      {result.refused.length > 0 && (
        <>
          <p>Not applied (the rest of the bundle was):</p>
          <ul aria-label="Changes not applied">
            {result.refused.map((n) => (
              <li key={`${n.rule}-${n.member.author}-${n.change}`}>{n.message}</li>
            ))}
          </ul>
        </>
      )}
      {result.held.length > 0 && (
        <>
          <p>Waiting for you: confirm these on the team screen.</p>
          <ul aria-label="Changes waiting for you">
            {result.held.map((n) => (
              <li key={`${n.rule}-${n.member.author}-${n.change}`}>{n.message}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function EntryRow({ entry, onOpenInspection }: { entry: ImportEntry; onOpenInspection?: () => void }) {
  const opened = useUi((s) => s.inspectionOpened);
  const openInspectionId = useUi((s) => s.inspectionId);
  const progressId = useId();
  const progress = entry.progress;
  return (
    <li className={`bundle-import bundle-import-${entry.stage}`}>
      <div className="bundle-import-head">
        <span className="mono bundle-import-name">{entry.file.name}</span>
        <span role="status" className="bundle-import-status">
          <StatusLine entry={entry} />
        </span>
      </div>
      {entry.stage === 'importing' && (
        <div>
          <label htmlFor={progressId} className="small muted">
            {progress?.stage ?? 'Starting'}
          </label>
          <progress id={progressId} className="progress" max={progress?.total || 1} value={progress?.done ?? 0} />
        </div>
      )}
      {entry.stage === 'imported' && entry.result && <AuthorityNotices result={entry.result} />}
      {entry.stage === 'needs_passphrase' && <PassphraseForm entry={entry} />}
      {entry.stage === 'needs_confirmation' && entry.preview && <Confirmation entry={entry} preview={entry.preview} />}
      {entry.stage === 'imported' && entry.preview?.isJoin && entry.result && entry.result.inspectionId !== openInspectionId && (
        <button
          type="button"
          className="button-primary bundle-open"
          onClick={() => {
            opened(entry.result?.inspectionId as string);
            onOpenInspection?.();
          }}
        >
          Open the inspection
        </button>
      )}
    </li>
  );
}

export function BundleImportList({ onOpenInspection }: { onOpenInspection?: () => void }) {
  const entries = useBundleImports((s) => s.entries);
  const cleared = useBundleImports((s) => s.finishedCleared);
  if (entries.length === 0) return <p className="muted">No files chosen yet.</p>;
  return (
    <>
      <ul className="bundle-imports" aria-label="Files being imported">
        {entries.map((entry) => (
          <EntryRow key={entry.id} entry={entry} {...(onOpenInspection ? { onOpenInspection } : {})} />
        ))}
      </ul>
      {entries.some((entry) => FINISHED_STAGES.has(entry.stage)) && (
        <button type="button" onClick={cleared}>
          Clear finished files
        </button>
      )}
    </>
  );
}
