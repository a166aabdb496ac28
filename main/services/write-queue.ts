/**
 * One writer per store, inside a process: every write (a command marked `writes` in shared/api,
 * an import, a sync pull started by the connectivity watch, a restore, a purge) runs through the
 * store's queue, one after another, so an import that awaits its file can never interleave with
 * another write. Keyed by the data folder. A write that starts another write from inside the
 * queue (a handler calling a handler) runs at once rather than waiting on itself.
 * Reads are not queued: SQLite's WAL gives them a consistent snapshot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const tails = new Map<string, Promise<unknown>>();
const inside = new AsyncLocalStorage<ReadonlySet<string>>();

export function queueWrite<T>(store: string, work: () => T | Promise<T>): Promise<T> {
  const held = inside.getStore();
  if (held?.has(store)) return Promise.resolve().then(work);
  const previous = tails.get(store) ?? Promise.resolve();
  const run = previous.then(() => inside.run(new Set([...(held ?? []), store]), work));
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(store, tail);
  void tail.then(() => {
    if (tails.get(store) === tail) tails.delete(store);
  });
  return run;
}
