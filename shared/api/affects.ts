/**
 * Which cached reads each write makes stale: after a mutation succeeds the renderer refreshes
 * only the queries named here, so a note save does not refetch the case list, the roster or the
 * conflict queue. An entry is a query's name (`evidence.list`) or a family (`evidence.*`: every
 * query whose name starts `evidence.`). `'all'` is for writes that can change anything (a
 * merge, a restore, a purge, a conflict resolution): the whole cache is refreshed.
 *
 * A write missing from this map is a compile error; a name here that is not a query is a failing
 * test (tests/unit/api-affects.test.ts). When a new screen reads something a write changes, add
 * the query here, or the screen shows stale data until its cache entry goes stale by itself.
 */
import type { CommandName, Commands } from './index.js';

export type MutationName = { [K in CommandName]: Commands[K]['writes'] extends true ? K : never }[CommandName];
export type QueryName = Exclude<CommandName, MutationName>;
export type QueryFamily = `${string}.*`;
export type Affects = 'all' | readonly (QueryName | QueryFamily)[];

/** What a note's own fields feed: the notes list, search, coverage counts, the evidence log. */
const NOTE_READS = [
  'evidence.list',
  'evidence.countByAuthor',
  'evidence.get',
  'evidence.options',
  'search.query',
  'coverage.summary',
  'findings.get',
  'outputs.evidenceLog',
] as const;
const FINDING_READS = ['findings.*', 'search.query', 'coverage.summary', 'outputs.letterPreview', 'outputs.evidenceLog'] as const;
const CASE_READS = ['cases.*', 'coverage.summary', 'evidence.options', 'outputs.sampleSummary', 'outputs.letterPreview'] as const;
const ROSTER_READS = ['team.*', 'inspections.*', 'cases.*', 'evidence.*', 'search.query'] as const;

export const AFFECTS = {
  'backups.create': ['backups.list', 'recovery.status'],
  'recovery.restore': 'all',
  'recovery.openReadOnly': 'all',
  'recovery.exportReadable': [],
  'bundles.export': ['bundles.history', 'sync.status'],
  'bundles.import': 'all',
  'cases.commitImport': ['cases.*'],
  'cases.drawSample': CASE_READS,
  'cases.add': CASE_READS,
  'cases.remove': CASE_READS,
  'cases.restore': CASE_READS,
  'cases.allocate': CASE_READS,
  'cases.autoAllocate': CASE_READS,
  'cases.updateAudit': CASE_READS,
  'conflicts.resolve': 'all',
  'escalations.raise': ['escalations.*', 'cases.get', 'outputs.letterPreview'],
  'escalations.update': ['escalations.*', 'cases.get', 'outputs.letterPreview'],
  'escalations.step': ['escalations.*', 'cases.get', 'outputs.letterPreview'],
  'escalations.close': ['escalations.*', 'cases.get', 'outputs.letterPreview'],
  'evidence.create': NOTE_READS,
  'evidence.update': NOTE_READS,
  // What is shown does not change (the draft was already in every read); only what is unsent.
  'evidence.sealDraft': ['sync.status'],
  'evidence.delete': [...NOTE_READS, 'findings.list'],
  'evidence.restore': [...NOTE_READS, 'findings.list'],
  'findings.create': FINDING_READS,
  'findings.update': FINDING_READS,
  'findings.setStatus': FINDING_READS,
  'findings.link': [...FINDING_READS, 'evidence.list', 'evidence.get'],
  'findings.unlink': [...FINDING_READS, 'evidence.list', 'evidence.get'],
  'device.setName': ['device.info', 'team.list'],
  'inspections.create': ['inspections.*', 'device.info'],
  'inspections.update': ['inspections.*', 'outputs.*', 'coverage.summary'],
  'team.add': ROSTER_READS,
  'team.update': ROSTER_READS,
  'team.remove': ROSTER_READS,
  'team.handOverLead': 'all',
  'team.confirmKeys': ['team.*'],
  'moderation.editAgreed': 'all',
  'moderation.merge': 'all',
  'outputs.setSummary': ['outputs.*'],
  'outputs.setLetterDetails': ['outputs.*'],
  'outputs.accuracyAdd': ['outputs.*'],
  'outputs.accuracyRespond': ['outputs.*'],
  'inspections.purge': 'all',
  'sync.saveTarget': ['sync.*'],
  'sync.removeTarget': ['sync.*'],
  'sync.testConnection': ['sync.*'],
  'sync.now': 'all',
  'sync.retryPull': 'all',
  'sync.notifyOnline': ['sync.*'],
} as const satisfies Record<MutationName, Affects>;

/** The reads a successful `name` makes stale: a predicate over a cached query's name. */
export function staleAfter(name: MutationName): (queryName: string) => boolean {
  const affects: Affects = AFFECTS[name];
  if (affects === 'all') return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of affects) {
    if (entry.endsWith('.*')) prefixes.push(entry.slice(0, -1));
    else exact.add(entry);
  }
  return (queryName) => exact.has(queryName) || prefixes.some((p) => queryName.startsWith(p));
}

export function isMutationName(name: string): name is MutationName {
  return Object.prototype.hasOwnProperty.call(AFFECTS, name);
}
