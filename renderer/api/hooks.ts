/**
 * How components read and change data: react-query over the typed client. Data that lives in
 * SQLite is fetched and cached here, never copied by hand into zustand. After a successful
 * write only the queries it declares in shared/api/affects.ts are refreshed (a note save
 * refetches the notes, search and coverage, not the case list or the conflict queue).
 */
import { QueryClient, useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isMutationName, staleAfter } from '../../shared/api/affects.js';
import type { CommandInput, CommandName, CommandOutput, ProgressEvent } from '../../shared/api/index.js';
import { ApiError, call, newRequestId, onProgress } from './transport.js';

export { ApiError } from './transport.js';

export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, staleTime: 5_000, refetchOnWindowFocus: false }, mutations: { retry: false } },
});

/**
 * Marks stale (and refetches, if on screen) the cached reads a successful `name` affects. A
 * query run as a one-off (`useCommand` on a preview) changes nothing, so refreshes nothing.
 */
export function refreshAfter(name: CommandName, client: QueryClient = queryClient): Promise<void> {
  if (!isMutationName(name)) return Promise.resolve();
  const stale = staleAfter(name);
  return client.invalidateQueries({ predicate: (q) => stale(String(q.queryKey[0])) });
}

export function useApi<K extends CommandName>(
  name: K,
  input: CommandInput<K>,
  options: Omit<UseQueryOptions<CommandOutput<K>, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<CommandOutput<K>, ApiError>({
    queryKey: [name, input],
    queryFn: () => call(name, input),
    ...options,
  });
}

export function useCommand<K extends CommandName>(name: K) {
  const client = useQueryClient();
  return useMutation<CommandOutput<K>, ApiError, CommandInput<K>>({
    mutationFn: (input) => call(name, input),
    onSuccess: () => refreshAfter(name, client),
  });
}

/** A command with a progress bar: returns the run function and the latest progress event. */
export function useLongCommand<K extends CommandName>(name: K) {
  const client = useQueryClient();
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  useEffect(() => {
    if (!requestId) return undefined;
    return onProgress((event) => {
      if (event.requestId === requestId) setProgress(event);
    });
  }, [requestId]);
  const mutation = useMutation<CommandOutput<K>, ApiError, CommandInput<K>>({
    mutationFn: async (input) => {
      const id = newRequestId();
      setProgress(null);
      setRequestId(id);
      try {
        return await call(name, input, id);
      } finally {
        setRequestId(null);
      }
    },
    onSuccess: () => refreshAfter(name, client),
  });
  return { ...mutation, progress };
}

/** For event handlers that need a one-off result (e.g. an export) without caching it. */
export function callOnce<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
  return call(name, input);
}
