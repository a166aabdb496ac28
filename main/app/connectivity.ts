/**
 * Main-side connectivity watch for sync: Electron's `net.isOnline()` polled once a minute;
 * a change is passed to the sync service, which marks targets offline or syncs what is due.
 * (The renderer also reports the page's online/offline events; either is enough.)
 */
import { net } from 'electron';

const POLL_MS = 60_000;

/** Calls `onChange` (the core host's notifyOnline, which runs the sync in the core) on each change. */
export function watchConnectivity(onChange: (online: boolean) => void): () => void {
  let last: boolean | null = null;
  const check = () => {
    const online = net.isOnline();
    if (online === last) return;
    last = online;
    onChange(online);
  };
  const timer = setInterval(check, POLL_MS);
  timer.unref();
  check();
  return () => clearInterval(timer);
}
