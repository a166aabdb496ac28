/**
 * This device's keys, to send to the lead (who adds them to the team), with copy buttons,
 * and the fingerprint to read out over the phone so the lead can check what arrived.
 */
import { useId, useState } from 'react';
import { useApi } from '../api/hooks.js';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an older shell): fall back to a selected textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

function CopyRow({ label, value, describedBy }: { label: string; value: string; describedBy: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <dt>{label}</dt>
      <dd className="key-row">
        <span className="mono selectable key-value">{value}</span>
        <button
          type="button"
          aria-describedby={describedBy}
          onClick={() => void copyText(value).then((ok) => setState(ok ? 'copied' : 'failed'))}
        >
          Copy<span className="visually-hidden"> {label.toLowerCase()}</span>
        </button>
        <span className="small muted" role="status">
          {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the key and copy it by hand' : ''}
        </span>
      </dd>
    </>
  );
}

export function DeviceKeys({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const device = useApi('device.info', {});
  const id = useId();
  if (!device.data) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={`${id}-title`} className="panel device-keys">
      <Heading id={`${id}-title`}>Your keys, for the lead</Heading>
      <p className="muted small" id={`${id}-hint`}>
        Send both keys to your lead so they can add you to the team. When they check, read out the fingerprint: it must match what
        they see.
      </p>
      <dl className="details">
        <CopyRow label="Signing key" value={device.data.author} describedBy={`${id}-hint`} />
        <CopyRow label="Encryption key" value={device.data.ageRecipient} describedBy={`${id}-hint`} />
        <dt>Fingerprint</dt>
        <dd className="mono fingerprint">{device.data.fingerprint}</dd>
      </dl>
    </section>
  );
}
