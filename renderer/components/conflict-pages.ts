/**
 * The conflict queue as read a page at a time: the pages joined into one list of groups. The
 * store orders the queue so a group's conflicts are consecutive, but a page can end inside a
 * group; its next page starts with the same group key, and it is shown once, not twice. A
 * conflict is shown once even if a page read after a change repeats it.
 */
import type { Conflict, ConflictGroup, ConflictList } from '../../shared/api/conflicts.js';

export const conflictKey = (c: Pick<Conflict, 'table' | 'row' | 'field'>): string => `${c.table}/${c.row}/${c.field}`;

export function joinConflictPages(pages: readonly Pick<ConflictList, 'groups'>[]): ConflictGroup[] {
  const groups: ConflictGroup[] = [];
  const byKey = new Map<string, ConflictGroup>();
  const seen = new Set<string>();
  for (const page of pages) {
    for (const group of page.groups) {
      let joined = byKey.get(group.key);
      if (joined === undefined) {
        joined = { ...group, conflicts: [] };
        byKey.set(group.key, joined);
        groups.push(joined);
      }
      for (const conflict of group.conflicts) {
        const key = conflictKey(conflict);
        if (seen.has(key)) continue;
        seen.add(key);
        joined.conflicts.push(conflict);
      }
    }
  }
  return groups.filter((g) => g.conflicts.length > 0);
}
