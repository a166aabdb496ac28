/**
 * Purge asks before removing open escalations, whoever calls it (issue 17): the service refuses
 * a purge that would remove an open escalation the caller did not name, lists them in the
 * refusal, and removes nothing; closed escalations need no asking. The screen's dialog is in
 * tests/e2e/purge-escalations.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

describe('purging an inspection with open escalations', () => {
  it('is refused, naming each open escalation, until every one of them is agreed to go', async () => {
    runtime = await testRuntime();
    const rt = runtime;
    const inspection = await rt.call('inspections.create', {
      fields: { ...sampleInspection, localAuthority: 'Purgeton', inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const inspectionId = inspection.id;
    const first = await rt.call('escalations.raise', {
      inspectionId,
      caseId: null,
      concern: 'Baby seen with unexplained bruising.',
    });
    const closed = await rt.call('escalations.raise', { inspectionId, caseId: null, concern: 'Missing from school for a week.' });
    await rt.call('escalations.close', { id: closed.id });

    await expect(rt.call('inspections.purge', { id: inspectionId, confirmation: 'Purgeton' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^1 escalation is still open .*Baby seen with unexplained bruising\..*nothing was purged/),
      details: { openEscalations: [first.id] },
    });
    expect((await rt.call('inspections.list', {})).map((i) => i.id)).toEqual([inspectionId]);

    // Agreed to one; a second arrives (as by sync) before the purge: refused again, naming only it.
    const second = await rt.call('escalations.raise', { inspectionId, caseId: null, concern: 'Sibling not seen.' });
    await expect(
      rt.call('inspections.purge', { id: inspectionId, confirmation: 'Purgeton', removeOpenEscalations: [first.id] }),
    ).rejects.toMatchObject({ code: 'conflict', details: { openEscalations: [second.id] } });
    expect(await rt.call('escalations.list', { inspectionId, openOnly: true })).toHaveLength(2);

    const done = await rt.call('inspections.purge', {
      id: inspectionId,
      confirmation: 'Purgeton',
      removeOpenEscalations: [first.id, second.id],
    });
    expect(done.purged).toBe(true);
    expect(await rt.call('inspections.list', {})).toEqual([]);
  });
});
