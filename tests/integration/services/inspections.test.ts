import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

describe('inspections', () => {
  it('creating an inspection stores it with its ops and makes this device the lead', async () => {
    runtime = await testRuntime();
    const created = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    expect(created.localAuthority).toBe('Northshire County Council');
    expect(created.myRole).toBe('lead');
    const list = await runtime.call('inspections.list', {});
    expect(list.map((i) => i.id)).toEqual([created.id]);
    const team = await runtime.call('team.list', { inspectionId: created.id });
    expect(team).toHaveLength(1);
    expect(team[0]?.isMe).toBe(true);

    const file = new Database(runtime.storePath, { readonly: true });
    const ops = file.prepare("SELECT field FROM op WHERE tbl = 'inspection' AND row_id = ?").all(created.id);
    expect(ops.length).toBeGreaterThanOrEqual(9);
    file.close();
  });

  it('rejects fieldwork that ends before it starts, with a field message', async () => {
    runtime = await testRuntime();
    await expect(
      runtime.call('inspections.create', {
        fields: { ...sampleInspection, inspectorates: ['ofsted'], fieldworkEnd: '2026-11-01' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Fieldwork must end') });
  });
});
