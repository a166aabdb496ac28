/**
 * The built app (dist/) the CLI, browser-mode and packaging tests run. `npm test` builds
 * everything once before Vitest starts and says so with FIELDWORK_TEST_BUILT=1; then these
 * tests reuse dist/ as it is (two files rebuilding dist/cli while a third runs it would race).
 * Run on their own (`npx vitest run tests/integration/cli/...`), they build what they need.
 */
import { spawnSync } from 'node:child_process';

export type BuildTarget = 'main' | 'web' | 'cli' | 'renderer';

/** Set by scripts/test.mjs after its one build. */
export const BUILT_BY_RUNNER = process.env.FIELDWORK_TEST_BUILT === '1';

/** Builds the targets unless `npm test` already built everything; throws with the build's output when it fails. */
export function ensureBuilt(...targets: BuildTarget[]): void {
  if (BUILT_BY_RUNNER) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs', ...targets], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs ${targets.join(' ')} failed:\n${build.stderr}${build.stdout}`);
}
