/**
 * Long lists read a page at a time: react-query's infinite query over a command that takes a
 * `cursor` and answers `next` (null on the last page). The cache key is `[name, input]` like
 * every other read, so the refresh a write declares (shared/api/affects.ts) reaches it; a
 * refresh refetches the pages already read, each after the one before it, so no row is shown
 * twice. The virtualised list asks for the next page as its end comes into view.
 */
import { useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/api/index.js';
import { call, type ApiError } from './transport.js';

/** Commands that answer a page with a cursor to the next one. */
export type PagedName = {
  [K in CommandName]: CommandInput<K> extends { cursor?: string | null }
    ? CommandOutput<K> extends { next: string | null }
      ? K
      : never
    : never;
}[CommandName];

export function usePages<K extends PagedName>(name: K, input: Omit<CommandInput<K>, 'cursor'>) {
  return useInfiniteQuery<
    CommandOutput<K>,
    ApiError,
    InfiniteData<CommandOutput<K>, string | null>,
    [K, typeof input],
    string | null
  >({
    queryKey: [name, input],
    queryFn: ({ pageParam }) => call(name, { ...input, cursor: pageParam } as CommandInput<K>),
    initialPageParam: null,
    getNextPageParam: (last) => (last as { next: string | null }).next ?? undefined,
  });
}
