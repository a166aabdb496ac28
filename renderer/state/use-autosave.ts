/**
 * The autosave (renderer/state/autosave.ts) for a screen's own fields: one saver per record
 * (`key`), flushed when the screen unmounts or moves to another record (navigation), and
 * registered with the page's lifecycle so that the page hiding, unloading or the app closing
 * saves what is waiting too. The status is the saver's, for `SaveStatusLine`.
 */
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { Autosaver, type SaveStatus } from './autosave.js';
import { registerPendingSave } from './note-draft-lifecycle.js';

export interface UseAutosave<P> {
  readonly status: SaveStatus;
  readonly queue: (patch: P, delay?: number) => void;
  readonly flush: () => Promise<boolean>;
}

export function useAutosave<P>(
  key: string,
  send: (key: string, patch: P, how: { readonly leaving: boolean }) => Promise<unknown>,
  merge: (older: P, newer: P) => P,
): UseAutosave<P> {
  const latestSend = useRef(send);
  useEffect(() => {
    latestSend.current = send;
  }, [send]);
  const saver = useMemo(
    () => new Autosaver<P>({ send: (patch, how) => latestSend.current(key, patch, how), merge }),
    [key, merge],
  );
  const status = useSyncExternalStore(saver.subscribe, saver.getStatus);
  useEffect(() => registerPendingSave(({ leaving }) => (leaving ? saver.saveBeforeLeaving() : saver.flush())), [saver]);
  // Unmounting (navigation) or moving to another record saves what is waiting; a failure keeps
  // being retried after the screen has gone, so the text still reaches the store.
  useEffect(
    () => () => {
      void saver.flush();
    },
    [saver],
  );
  return { status, queue: saver.queue, flush: saver.flush };
}
