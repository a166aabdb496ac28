/**
 * Main-side connectivity watch for sync: Electron's `net.isOnline()` polled once a minute;
 * a change is passed to the sync service, which marks targets offline or syncs what is due.
 * (The renderer also reports the page's online/offline events; either is enough.)
 */
import { net } from 'electron';
import { notifyOnline } from '../services/sync.js';
import type { ServiceContext } from '../services/context.js';

const POLL_MS = 60_000;

export function watchConnectivity(ctx: ServiceContext): () => void {
  let last: boolean | null = null;
  const check = () => {
    const online = net.isOnline();
    if (online === last) return;
    last = online;
    notifyOnline(ctx, online).catch((error: unknown) =>
      ctx.log.warn('Sync after a connectivity change failed', { error: String(error) }),
    );
  };
  const timer = setInterval(check, POLL_MS);
  timer.unref();
  check();
  return () => clearInterval(timer);
}
