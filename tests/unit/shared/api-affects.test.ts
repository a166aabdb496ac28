import { describe, expect, it } from 'vitest';
import { AFFECTS, staleAfter, type MutationName } from '../../../shared/api/affects.js';
import { commands, type CommandName } from '../../../shared/api/index.js';

const names = Object.keys(commands) as CommandName[];
const queries = names.filter((n) => !commands[n].writes);
const mutations = names.filter((n) => commands[n].writes);

describe('which reads each write makes stale (shared/api/affects.ts)', () => {
  it('declares every write, and only writes', () => {
    expect(Object.keys(AFFECTS).sort()).toEqual([...mutations].sort());
  });

  it('names only queries that exist (a family matches at least one)', () => {
    for (const [mutation, affects] of Object.entries(AFFECTS)) {
      if (affects === 'all') continue;
      for (const entry of affects) {
        const matches = entry.endsWith('.*')
          ? queries.filter((q) => q.startsWith(entry.slice(0, -1)))
          : queries.filter((q) => q === entry);
        expect(matches, `${mutation} → ${entry}`).not.toEqual([]);
      }
    }
  });

  it('a note save refreshes the notes, search and coverage, and none of the unrelated lists', () => {
    for (const save of ['evidence.create', 'evidence.update'] as const) {
      const stale = staleAfter(save);
      expect(queries.filter(stale).sort()).toEqual(
        [
          'coverage.summary',
          'evidence.countByAuthor',
          'evidence.get',
          'evidence.list',
          'evidence.options',
          'findings.get',
          'outputs.evidenceLog',
          'search.query',
        ].sort(),
      );
      for (const unrelated of ['cases.list', 'conflicts.list', 'findings.list', 'team.list', 'inspections.list'])
        expect(stale(unrelated)).toBe(false);
    }
  });

  it('writes that can change anything refresh everything', () => {
    for (const broad of [
      'bundles.import',
      'conflicts.resolve',
      'recovery.restore',
      'inspections.purge',
      'sync.now',
    ] as MutationName[])
      expect(queries.every(staleAfter(broad))).toBe(true);
  });
});
