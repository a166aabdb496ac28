/**
 * How many cases to take from each stratum: a total shared in proportion to stratum sizes
 * (largest remainder; ties go to the larger stratum, then the smaller key, so the result is
 * one fixed answer), or a count per stratum capped at its size. Pure.
 */

export interface StratumSize {
  readonly key: string;
  readonly size: number;
}

/** Largest-remainder apportionment of `total` across strata by size; never more than a stratum holds. */
export function allocateProportionally(strata: readonly StratumSize[], total: number): Map<string, number> {
  const result = new Map<string, number>(strata.map((s) => [s.key, 0]));
  const frameSize = strata.reduce((sum, s) => sum + s.size, 0);
  const wanted = Math.max(0, Math.min(Math.floor(total), frameSize));
  if (wanted === 0) return result;
  const shares = strata.map((s) => {
    const exact = (wanted * s.size) / frameSize;
    const whole = Math.floor(exact);
    return { key: s.key, size: s.size, whole, remainder: exact - whole };
  });
  let given = 0;
  for (const share of shares) {
    result.set(share.key, share.whole);
    given += share.whole;
  }
  const order = [...shares].sort(
    (a, b) => b.remainder - a.remainder || b.size - a.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  for (const share of order) {
    if (given >= wanted) break;
    const current = result.get(share.key) ?? 0;
    if (current < share.size) {
      result.set(share.key, current + 1);
      given += 1;
    }
  }
  return result;
}

/** Per-stratum counts as asked, each capped at what the stratum holds (unknown strata get nothing). */
export function capCounts(strata: readonly StratumSize[], counts: Readonly<Record<string, number>>): Map<string, number> {
  return new Map(
    strata.map((s) => {
      const asked = counts[s.key];
      const count = typeof asked === 'number' && Number.isFinite(asked) ? Math.max(0, Math.floor(asked)) : 0;
      return [s.key, Math.min(count, s.size)];
    }),
  );
}

export interface Allocatable {
  readonly id: string;
  readonly stage: string | null;
  readonly caseRef: string;
}

export interface Allocator {
  readonly id: string;
  readonly name: string;
  /** Cases this member already has (kept; the balance counts them). */
  readonly load: number;
}

/**
 * Shares cases across team members so their loads differ by at most one (counting what they
 * already hold where possible). Cases go out grouped by stage so each inspector gets a mix;
 * ties go to the member who comes first by name, then id. Same input, same answer.
 */
export function balanceAllocation(cases: readonly Allocatable[], members: readonly Allocator[]): Map<string, string> {
  const assignments = new Map<string, string>();
  if (members.length === 0) return assignments;
  const loads = members
    .map((m) => ({ id: m.id, name: m.name, load: m.load }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ordered = [...cases].sort(
    (a, b) =>
      (a.stage ?? '').localeCompare(b.stage ?? '', 'en') ||
      (a.caseRef.toUpperCase() < b.caseRef.toUpperCase() ? -1 : a.caseRef.toUpperCase() > b.caseRef.toUpperCase() ? 1 : 0) ||
      (a.id < b.id ? -1 : 1),
  );
  for (const sampled of ordered) {
    let best = loads[0] as (typeof loads)[number];
    for (const member of loads) if (member.load < best.load) best = member;
    assignments.set(sampled.id, best.id);
    best.load += 1;
  }
  return assignments;
}
