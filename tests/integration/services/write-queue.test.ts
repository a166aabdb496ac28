/**
 * One writer per store inside a process: writes (commands marked `writes`, imports) run one at
 * a time in the store's queue, even when they await; reads do not wait; a write that starts a
 * write from inside the queue runs at once; a failed write does not stop the next.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/services/dispatch.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { queueWrite } from '../../../main/services/write-queue.js';
import { edit, exportTo, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { tempDir } from '../../support/runtime.js';

let team: Team;
let bundle: string;

beforeAll(async () => {
  team = await makeTeam(1);
  const folder = tempDir('fieldwork-queue-');
  await exportTo(team.lead.ctx, team.inspectionId, join(folder, 'setup.fwbundle'), { mode: 'full' });
  edit(
    team.lead.ctx,
    team.inspectionId,
    Array.from({ length: 200 }, (_, i) => noteEdits(newNoteId(), `Queued note ${i}`)).flat(),
  );
  bundle = join(folder, 'lead.fwbundle');
  await exportTo(team.lead.ctx, team.inspectionId, bundle, { mode: 'full' });
}, 60_000);
afterAll(() => team.dispose());

describe('the write queue', () => {
  it('runs awaiting writes one after another, in order, and lets the next run after a failure', async () => {
    const events: string[] = [];
    const slow =
      (name: string, fail = false) =>
      async () => {
        events.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queueWrite('store-a', slow('one')),
      queueWrite('store-a', slow('two', true)),
      queueWrite('store-a', slow('three')),
    ]);
    expect(events).toEqual(['one start', 'one end', 'two start', 'two end', 'three start', 'three end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs a write started from inside the queue at once instead of waiting on itself', async () => {
    const inner = await queueWrite('store-b', () => queueWrite('store-b', () => 'inner ran'));
    expect(inner).toBe('inner ran');
  });

  it('two imports of one bundle at once through the command surface: one imports, the other says already imported', async () => {
    const ctx = team.inspectors[0]!.ctx;
    const input = {
      fileName: 'lead.fwbundle',
      bytes: readFileSync(bundle),
      trustLead: fingerprint(team.lead.ctx.device.author),
    };
    const [a, b] = await Promise.all([dispatch(ctx, 'bundles.import', input), dispatch(ctx, 'bundles.import', input)]);
    expect(a.ok && b.ok, JSON.stringify([a, b])).toBe(true);
    const statuses = [a, b].map((r) => (r.ok ? (r.value as { status: string }).status : r.error.code)).sort();
    expect(statuses).toEqual(['already_imported', 'imported']);
    // Reads are answered while writes are queued.
    const [list] = await Promise.all([
      dispatch(ctx, 'evidence.list', { inspectionId: team.inspectionId }),
      dispatch(ctx, 'bundles.import', input),
    ]);
    expect(list.ok).toBe(true);
  }, 60_000);
});
