/**
 * Vitest setup: `FC_SEED=<integer>` fixes fast-check's seed for every property that does not name
 * its own, so a run is repeated exactly (CI runs the full counts under one seed, .ci/run). Unset,
 * each run draws new seeds, and a failure prints the seed and path that replay it.
 */
import fc from 'fast-check';

const given = process.env.FC_SEED;
if (given !== undefined && given !== '') {
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be a whole number, not ${given}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
