/**
 * Where an inspection syncs: a shared folder or a WebDAV address with a user name and
 * password (or a token). "Test connection" tries the settings as typed and answers in plain
 * words; "Save" keeps them. A saved password is never shown again, only that one is saved.
 */
import { useState, type FormEvent } from 'react';
import type { SyncTargetViewT } from '../../shared/api/sync.js';
import { useCommand } from '../api/hooks.js';
import { Field, Select, fieldErrors } from './form.js';

type Kind = 'folder' | 'webdav';
type Auth = 'none' | 'password' | 'token';

const KINDS: Readonly<Record<Kind, string>> = { folder: 'A shared folder', webdav: 'A WebDAV server (Nextcloud, SharePoint…)' };
const AUTHS: Readonly<Record<Auth, string>> = { password: 'User name and password', token: 'Access token', none: 'No sign-in' };

export function SyncTargetForm({
  inspectionId,
  initial,
  isLead,
}: {
  inspectionId: string;
  initial: SyncTargetViewT | null;
  isLead: boolean;
}) {
  const [kind, setKind] = useState<Kind>(initial?.kind ?? 'folder');
  const [location, setLocation] = useState(initial?.location ?? '');
  const [auth, setAuth] = useState<Auth>(initial?.auth === 'none' || !initial ? 'password' : initial.auth);
  const [username, setUsername] = useState(initial?.username ?? '');
  const [secret, setSecret] = useState('');
  const [pull, setPull] = useState(initial?.pull ?? true);
  const save = useCommand('sync.saveTarget');
  const test = useCommand('sync.testConnection');
  const remove = useCommand('sync.removeTarget');
  const effectiveAuth: Auth = kind === 'folder' ? 'none' : auth;
  const input = {
    inspectionId,
    kind,
    location,
    auth: effectiveAuth,
    ...(effectiveAuth === 'password' ? { username } : {}),
    ...(secret ? { secret } : {}),
  };
  const errors = fieldErrors(save.error?.details ?? test.error?.details);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    test.reset();
    save.mutate({ ...input, pull }, { onSuccess: () => setSecret('') });
  };

  return (
    <form className="form-grid sync-target-form" onSubmit={submit} noValidate aria-labelledby="sync-target-title">
      <h3 id="sync-target-title">Sync location</h3>
      <Field label="Sync to">{(props) => <Select {...props} value={kind} onChange={setKind} options={KINDS} />}</Field>
      <Field
        label={kind === 'folder' ? 'Folder' : 'Web address'}
        hint={
          kind === 'folder'
            ? 'The full path of a network share or a folder your sync client keeps, e.g. /Volumes/Team or S:\\Inspections'
            : 'An https:// address, e.g. https://cloud.example.org/remote.php/dav/files/team/inspections/'
        }
        error={errors.location}
      >
        {(props) => (
          <input
            {...props}
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      {kind === 'webdav' && (
        <>
          <Field label="Sign in with">{(props) => <Select {...props} value={auth} onChange={setAuth} options={AUTHS} />}</Field>
          {auth === 'password' && (
            <Field label="User name">
              {(props) => (
                <input {...props} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
              )}
            </Field>
          )}
          {auth !== 'none' && (
            <Field
              label={auth === 'token' ? 'Token' : 'Password'}
              hint={initial?.hasSecret ? `Saved (${initial.credentialStorage}). Leave empty to keep it.` : undefined}
            >
              {(props) => (
                <input
                  {...props}
                  type="password"
                  value={secret}
                  onChange={(e) => setSecret(e.target.value)}
                  autoComplete="current-password"
                />
              )}
            </Field>
          )}
        </>
      )}
      {!isLead && (
        <label className="checkbox">
          <input type="checkbox" checked={pull} onChange={(e) => setPull(e.target.checked)} />
          Also bring in the team’s work the lead publishes
        </label>
      )}
      <div className="sync-actions">
        <button type="button" onClick={() => test.mutate(input)} disabled={test.isPending || !location.trim()}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button-primary" disabled={save.isPending}>
          Save sync location
        </button>
        {initial && (
          <button
            type="button"
            className="link-button"
            onClick={() => remove.mutate({ inspectionId })}
            disabled={remove.isPending}
          >
            Stop syncing this inspection
          </button>
        )}
      </div>
      <div role="status" className="sync-test-result">
        {test.data && <p className={test.data.ok ? 'sync-ok' : 'error-box'}>{test.data.message}</p>}
        {save.isSuccess && !save.isPending && <p className="sync-ok">Sync location saved.</p>}
      </div>
      {(save.error ?? test.error) && !errors.location && (
        <p role="alert" className="error-box">
          {(save.error ?? test.error)?.message}
        </p>
      )}
    </form>
  );
}
