/**
 * How many generated cases, kills and power cuts a run makes. `npm test` is the quick loop an
 * engineer runs many times a day; `npm run test:full` (FIELDWORK_TEST_FULL=1, also run by CI)
 * makes the full counts. A named environment variable (e.g. CRASH_RUNS) overrides both, so a
 * failure's count can be replayed exactly.
 */
export const FULL_TESTS = process.env.FIELDWORK_TEST_FULL === '1';

export function testCount(variable: string, quick: number, full: number): number {
  const given = process.env[variable];
  if (given !== undefined && given !== '') {
    const value = Number(given);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${variable} must be a whole number, not ${given}`);
    return value;
  }
  return FULL_TESTS ? full : quick;
}
