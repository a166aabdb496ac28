/** First run: the inspector's name as the team will see it on their work. */
import { useState } from 'react';
import { useApi, useCommand } from '../api/hooks.js';
import { Field, fieldErrors } from './form.js';

export function DeviceName() {
  const device = useApi('device.info', {});
  const setName = useCommand('device.setName');
  const [name, setNameText] = useState('');
  if (!device.data || device.data.displayName) return null;
  return (
    <section className="panel" aria-labelledby="your-name-title">
      <h2 id="your-name-title">Welcome to Fieldwork</h2>
      <p className="muted">Enter your name as your team should see it on your notes and findings.</p>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault();
          setName.mutate({ displayName: name });
        }}
      >
        <Field label="Your name" error={fieldErrors(setName.error?.details).displayName}>
          {(p) => <input {...p} type="text" value={name} onChange={(e) => setNameText(e.target.value)} autoComplete="name" />}
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button-primary" disabled={setName.isPending}>
            Save name
          </button>
        </div>
      </form>
    </section>
  );
}
