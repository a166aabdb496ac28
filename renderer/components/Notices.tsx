/**
 * Transient messages, announced politely through one live region. They sit in the page's
 * flow under the header (never over a control); information closes by itself after a while
 * (not while pointed at or focused), errors stay until dismissed.
 */
import { useEffect, useRef } from 'react';
import { useUi, type Notice } from '../state/ui-store.js';

export const INFO_NOTICE_MS = 6000;

function NoticeItem({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stop = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  const start = () => {
    stop();
    if (notice.tone === 'info') timer.current = setTimeout(onDismiss, INFO_NOTICE_MS);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => (start(), stop), [notice.id]);
  return (
    <div className={`notice notice-${notice.tone}`} onMouseEnter={stop} onMouseLeave={start} onFocus={stop} onBlur={start}>
      <span>
        {notice.tone === 'error' && <span className="visually-hidden">Error: </span>}
        {notice.text}
      </span>
      <button type="button" className="link-button" onClick={onDismiss} aria-label="Dismiss message">
        ×
      </button>
    </div>
  );
}

export function Notices() {
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.noticeDismissed);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <NoticeItem key={notice.id} notice={notice} onDismiss={() => dismiss(notice.id)} />
      ))}
    </div>
  );
}
