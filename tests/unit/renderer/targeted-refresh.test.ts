import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { refreshAfter } from '../../../renderer/api/hooks.js';

const ON_SCREEN = [
  'evidence.list',
  'search.query',
  'coverage.summary',
  'cases.list',
  'conflicts.list',
  'findings.list',
  'team.list',
  'escalations.list',
];

/** A cache with one observed (on-screen) query per list, each fetched once; counts later fetches. */
async function screenFull(): Promise<{ client: QueryClient; fetches: Map<string, number>; close: () => void }> {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const fetches = new Map<string, number>();
  const unsubscribes = ON_SCREEN.map((name) =>
    new QueryObserver(client, {
      queryKey: [name, { inspectionId: 'i1' }],
      queryFn: () => {
        fetches.set(name, (fetches.get(name) ?? 0) + 1);
        return Promise.resolve([]);
      },
    }).subscribe(() => {}),
  );
  await Promise.all(
    client
      .getQueryCache()
      .getAll()
      .map((q) => q.promise),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(fetches.size).toBe(ON_SCREEN.length);
  fetches.clear();
  return { client, fetches, close: () => unsubscribes.forEach((u) => u()) };
}

describe('refreshAfter: a write refetches only the reads it declares', () => {
  it('a note save refetches the notes, search and coverage, not the cases, conflicts, findings, roster or escalations', async () => {
    const { client, fetches, close } = await screenFull();
    await refreshAfter('evidence.update', client);
    expect([...fetches.keys()].sort()).toEqual(['coverage.summary', 'evidence.list', 'search.query']);
    close();
  });

  it('a merge refetches every list on screen', async () => {
    const { client, fetches, close } = await screenFull();
    await refreshAfter('bundles.import', client);
    expect([...fetches.keys()].sort()).toEqual([...ON_SCREEN].sort());
    close();
  });

  it('a query run as a one-off refetches nothing', async () => {
    const { client, fetches, close } = await screenFull();
    await refreshAfter('cases.previewImport', client);
    expect(fetches.size).toBe(0);
    close();
  });
});
