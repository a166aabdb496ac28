/**
 * A team for sync tests: the bundle fixtures' lead and inspectors (real data folders, real
 * keys, the lead's setup bundle joined), each pointed at the same sync target, plus helpers
 * to read what reached a target folder and to make a "direct merge" copy of the lead.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { joinAll, makeTeam, type Team } from '../../../fixtures/bundles.js';
import { KEY_FILE } from '../../../../main/services/runtime.js';
import { tempDir, testRuntime, type TestRuntime } from '../../../support/runtime.js';
import { authorDir } from '../../../../main/sync/sync-target.js';

export interface Clock {
  now: number;
  readonly fn: () => number;
  advance(ms: number): void;
}

export function clock(start = Date.parse('2026-11-05T09:00:00Z')): Clock {
  const c = {
    now: start,
    fn: () => c.now,
    advance: (ms: number) => {
      c.now += ms;
    },
  };
  return c;
}

/** A joined team whose laptops share one clock (so backoff can be stepped through). */
export async function syncTeam(inspectors: number, time?: Clock): Promise<Team> {
  const clocks = time ? Array.from({ length: inspectors + 1 }, () => time.fn) : undefined;
  const team = await makeTeam(inspectors, clocks ? { clocks } : {});
  const setup = tempDir('fieldwork-setup-');
  await joinAll(team, setup);
  return team;
}

/** Final bundle files in one author's folder on the target, by name, with their real hashes. */
export function bundlesOnTarget(root: string, inspectionId: string, author: string): { name: string; sha256: string }[] {
  const dir = join(root, inspectionId, authorDir(author));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => ({
      name,
      sha256: createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex'),
    }));
}

/** Every final bundle file on the target for the inspection, as paths. */
export function allBundleFiles(root: string, inspectionId: string): string[] {
  const base = join(root, inspectionId);
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((dir) =>
    readdirSync(join(base, dir))
      .filter((n) => /^[0-9a-f]{64}\.fwbundle$/.test(n))
      .map((n) => join(base, dir, n)),
  );
}

/** A second data folder holding the lead's store and keys as they are now (for a direct merge). */
export async function cloneRuntime(source: TestRuntime): Promise<TestRuntime> {
  const dir = tempDir('fieldwork-clone-');
  source.ctx.db.prepare('VACUUM INTO ?').run(join(dir, 'fieldwork.db'));
  copyFileSync(join(source.dir, KEY_FILE), join(dir, KEY_FILE));
  return testRuntime({ dir });
}
