/**
 * `givenInspection()`: the set-up most service and output tests start from — a real data
 * folder with a real store (tests/support/runtime.ts), one inspection created through the
 * command API with its lead on the team roster, and helpers to add sampled cases and to read
 * the store file as it is on disk. Called inside a test it is disposed when the test finishes;
 * from a `beforeAll`, pass `{ dispose: 'manual' }` and call `rt.dispose()` in `afterAll`.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { inTransaction } from '../../main/services/context.js';
import { writeEdits, type FieldEdit } from '../../main/sync/local-write.js';
import type { CommandInput } from '../../shared/api/index.js';
import { sampledCaseId } from '../../shared/domain/ids.js';
import { sampleInspection, testRuntime, type TestRuntime } from './runtime.js';

type InspectionFields = CommandInput<'inspections.create'>['fields'];

export interface GivenOptions {
  /** Over `sampleInspection` with Ofsted alone as the inspectorate. */
  readonly fields?: Partial<InspectionFields>;
  /** The lead's name on the roster ('Asha Patel'); `null` creates the inspection without one. */
  readonly leadName?: string | null;
  readonly now?: () => number;
  readonly encrypted?: boolean;
  /** 'after-test' (the default) disposes when the current test finishes. */
  readonly dispose?: 'after-test' | 'manual';
}

export interface GivenInspection {
  readonly rt: TestRuntime;
  readonly inspectionId: string;
  /** Adds a sampled case (case_ref, then the given fields, in one local write); returns its id. */
  addCase(ref: string, fields?: Readonly<Record<string, FieldEdit['value']>>): string;
  /** The store file opened read-only beside the app, with the device's key when it is encrypted at rest. */
  readStoreFile(): Database.Database;
}

export const LEAD_NAME = 'Asha Patel';

export async function givenInspection(options: GivenOptions = {}): Promise<GivenInspection> {
  const rt = await testRuntime({
    ...(options.now ? { now: options.now } : {}),
    ...(options.encrypted !== undefined ? { encrypted: options.encrypted } : {}),
  });
  if ((options.dispose ?? 'after-test') === 'after-test') onTestFinished(() => rt.dispose());
  const leadName = options.leadName === undefined ? LEAD_NAME : options.leadName;
  const fields: InspectionFields = { ...sampleInspection, inspectorates: ['ofsted'], ...options.fields };
  const { id: inspectionId } = await rt.call('inspections.create', { fields, ...(leadName === null ? {} : { leadName }) });
  return {
    rt,
    inspectionId,
    addCase(ref, caseFields = {}) {
      const id = sampledCaseId(inspectionId, ref);
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspectionId, [
          { table: 'sampled_case', row: id, field: 'case_ref', value: ref },
          ...Object.entries(caseFields).map(([field, value]): FieldEdit => ({ table: 'sampled_case', row: id, field, value })),
        ]),
      );
      return id;
    },
    readStoreFile: () => readStoreFile(rt.storePath, rt.ctx.device),
  };
}

/** The store file read-only, with this device's key when the store is encrypted at rest. */
export function readStoreFile(storePath: string, device: object): Database.Database {
  const db = new Database(storePath, { readonly: true });
  const key = (device as { storeKey?: unknown }).storeKey;
  const plain = readFileSync(storePath).subarray(0, 15).toString('latin1') === 'SQLite format 3';
  if (typeof key === 'string' && /^[0-9a-f]{64}$/.test(key) && !plain) db.pragma(`hexkey='${key}'`);
  return db;
}
