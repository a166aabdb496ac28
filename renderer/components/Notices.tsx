/** Transient messages, announced to screen readers through a live region. */
import { useUi } from '../state/ui-store.js';

export function Notices() {
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.noticeDismissed);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`}>
          <span>{notice.text}</span>
          <button type="button" className="link-button" onClick={() => dismiss(notice.id)} aria-label="Dismiss message">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
