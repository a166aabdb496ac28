/**
 * The header's sync status: always visible, one short line (online or offline, last synced,
 * changes waiting, or the problem in a few words); it opens the sync dialog. It also tells
 * the app when the browser goes online or offline and nudges a sync now and then, so
 * pushing when reachable needs no thought. (The desktop shell may send the same notices.)
 */
import { useEffect, useState } from 'react';
import { Dialog, Modal } from 'react-aria-components';
import type { SyncStatusT } from '../../shared/api/sync.js';
import { useApi, useCommand } from '../api/hooks.js';
import { SyncPanel } from './SyncPanel.js';

const TICK_MS = 2 * 60_000;

const PROBLEM: Readonly<Record<NonNullable<SyncStatusT['lastError']>['kind'], string>> = {
  auth: 'wrong password',
  not_found: 'location not found',
  full: 'share full',
  too_large: 'file too large for the server',
  server: 'server error',
  unreachable: 'cannot reach the location',
  integrity: 'upload damaged, resending',
  refused: 'settings need attention',
  not_configured: 'not set up',
  other: 'sync failed',
};

function shortTime(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

export function indicatorText(status: SyncStatusT): { text: string; tone: 'ok' | 'offline' | 'problem' | 'idle' } {
  if (!status.configured) return { text: 'Sync not set up', tone: 'idle' };
  const waiting = status.changesWaiting > 0 ? ` · ${status.changesWaiting} waiting` : '';
  const held = status.pullFailures.filter((f) => f.held).length;
  // A bundle held for the lead's decision is never shown as "Synced": it is waiting for them.
  if (held > 0)
    return { text: `${held === 1 ? '1 bundle' : `${held} bundles`} held for your decision${waiting}`, tone: 'problem' };
  if (status.connection === 'offline') return { text: `Offline${waiting}`, tone: 'offline' };
  if (status.lastError) return { text: `Sync problem: ${PROBLEM[status.lastError.kind]}${waiting}`, tone: 'problem' };
  if (status.lastSyncedAt) return { text: `Synced ${shortTime(status.lastSyncedAt)}${waiting}`, tone: 'ok' };
  return { text: `Not synced yet${waiting}`, tone: 'idle' };
}

function useConnectivityNotices(): void {
  const { mutate } = useCommand('sync.notifyOnline');
  useEffect(() => {
    const online = () => mutate({ online: true, reason: 'online' });
    const offline = () => mutate({ online: false, reason: 'online' });
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    mutate({ online: navigator.onLine, reason: 'online' });
    const timer = window.setInterval(() => {
      if (navigator.onLine) mutate({ online: true, reason: 'timer' });
    }, TICK_MS);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      window.clearInterval(timer);
    };
  }, [mutate]);
}

export function SyncStatusIndicator({ inspectionId }: { inspectionId: string }) {
  const status = useApi('sync.status', { inspectionId }, { refetchInterval: 15_000 });
  const [open, setOpen] = useState(false);
  useConnectivityNotices();
  const shown = status.data ? indicatorText(status.data) : { text: 'Sync…', tone: 'idle' as const };
  return (
    <>
      <button
        type="button"
        className={`sync-indicator sync-indicator-${shown.tone}`}
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        title="Sync status and settings"
      >
        <span className="sync-dot" aria-hidden="true" />
        {shown.text}
      </button>
      <Modal isOpen={open} onOpenChange={setOpen} isDismissable className="modal">
        <Dialog className="dialog" aria-labelledby="sync-dialog-title">
          <SyncPanel inspectionId={inspectionId} headingId="sync-dialog-title" />
          <div className="sync-actions sync-dialog-close">
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </Dialog>
      </Modal>
    </>
  );
}
