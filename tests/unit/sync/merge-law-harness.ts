/**
 * The world the merge-law properties run in: laptops with real keys and skewed clocks, a
 * genesis (the lead's inspection and roster) every laptop has joined, local writes through
 * writeEdits, and exchanges of every changeset a laptop holds through mergeOpenedBundle.
 * It records what each laptop had seen when it wrote, for the reference merge.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Op } from '../../../shared/sync/op.js';
import { DELETED_FIELD, SYNCED_TABLES } from '../../../shared/sync/tables.js';
import { iterateChangesets, listConflictKeys, toOp, type OpRow } from '../../../main/store/op-log-repo.js';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations/index.js';
import { fingerprint, type DeviceIdentity } from '../../../main/sync/device-identity.js';
import { hlcNode, writeEdits, type FieldEdit } from '../../../main/sync/local-write.js';
import { readMeta, writeMeta } from '../../../main/store/meta-repo.js';
import { MAX_COUNTER, MAX_WALL_MS, clockBound, formatHlc, parseHlc } from '../../../shared/sync/hlc.js';
import { importBundle, mergeOpenedBundle } from '../../../main/sync/import-bundle.js';
import { fileSource, type RawRecord } from '../../../main/sync/bundle-reader.js';
import { exportBundleToFile } from '../../../main/sync/export-bundle.js';
import type { AuthorRange } from '../../../main/sync/bundle-format.js';
import { basename, join } from 'node:path';
import { sha256Hex } from '../../../main/sync/op-id.js';
import { memoryReplica, type MemoryReplica } from '../../support/memory-context.js';
import { referenceMerge } from './reference-merge.js';
import { testCount } from '../../support/test-counts.js';

/**
 * Each merge law is its own property over this many generated histories: 25 in `npm test`'s
 * quick loop (seven laws, 175 histories), 1,000 each under `npm run test:full`; FAST_CHECK_RUNS
 * overrides both.
 */
export const LAW_RUNS = testCount('FAST_CHECK_RUNS', 25, 1000);

const INSPECTION = '0190a9d2-0000-7000-8000-00000000c0de';
export const NOTES = [
  '0190a9d2-0000-7000-8000-0000000000a1',
  '0190a9d2-0000-7000-8000-0000000000a2',
  '0190a9d2-0000-7000-8000-0000000000a3',
];
/** Escalation ids are fresh per raise (as newId makes them): one per (escalation, laptop). */
const escalationRow = (escalation: number, laptop: number) => `0190a9d2-0000-7000-8000-000000000e${escalation}${laptop}`;
export const ESCALATIONS = [0, 1].flatMap((e) => [0, 1, 2, 3].map((l) => escalationRow(e, l)));
const START = Date.UTC(2026, 10, 2, 9);

export interface LawBundle {
  readonly id: string;
  readonly exporter: string;
  readonly records: readonly RawRecord[];
  readonly ops: number;
  readonly ranges: readonly AuthorRange[];
  /** Set when the exchange went through a real bundle file (encrypted, signed, on disk). */
  readonly path?: string;
}

export interface Genesis {
  readonly inspectionId: string;
  readonly bundle: LawBundle;
  readonly lead: DeviceIdentity;
  readonly devices: readonly DeviceIdentity[];
}

export function bundleOf(replica: MemoryReplica): LawBundle {
  const records: RawRecord[] = [];
  const ranges: AuthorRange[] = [];
  let ops = 0;
  for (const changeset of iterateChangesets(replica.db, INSPECTION)) {
    records.push({ body: changeset.body, signature: changeset.signature });
    const last = ranges[ranges.length - 1];
    if (last?.author === changeset.author) ranges[ranges.length - 1] = { ...last, last: changeset.seq, count: last.count + 1 };
    else ranges.push({ author: changeset.author, first: changeset.seq, last: changeset.seq, count: 1 });
    ops += (JSON.parse(changeset.body.toString('utf8')) as { ops: unknown[] }).ops.length;
  }
  const id = sha256Hex(`${replica.device.author}\n${records.map((r) => sha256Hex(r.body)).join('\n')}`);
  return { id, exporter: replica.device.author, records, ops, ranges };
}

/** The lead's inspection and a roster naming every device, written once per test file. */
export function makeGenesis(devices: readonly DeviceIdentity[]): Genesis {
  const lead = devices[0] as DeviceIdentity;
  const template = memoryReplica(lead, START - 3_600_000);
  const edits: FieldEdit[] = [
    { table: 'inspection', row: INSPECTION, field: 'type', value: 'jtai_thematic' },
    { table: 'inspection', row: INSPECTION, field: 'local_authority', value: 'Northshire' },
  ];
  devices.forEach((device, i) => {
    const row = `0190a9d2-0000-7000-8000-00000000f00${i}`;
    edits.push(
      { table: 'team_member', row, field: 'name', value: `Inspector ${i}` },
      { table: 'team_member', row, field: 'role', value: i === 0 ? 'lead' : 'inspector' },
      { table: 'team_member', row, field: 'signing_key', value: device.author },
      { table: 'team_member', row, field: 'box_key', value: device.ageRecipient },
    );
  });
  template.db.transaction(() => writeEdits(template, INSPECTION, edits))();
  const bundle = bundleOf(template);
  template.db.close();
  return { inspectionId: INSPECTION, bundle, lead, devices };
}

export type Action =
  | { kind: 'edit'; laptop: number; note: number; field: 'text' | 'polarity' | 'themes'; value: unknown; advance: number }
  | { kind: 'delete' | 'restore'; laptop: number; note: number; advance: number }
  | { kind: 'escalate'; laptop: number; escalation: number; concern: string; advance: number }
  | { kind: 'resolve'; laptop: number; advance: number }
  | { kind: 'clock'; laptop: number; note: number; mode: ClockMode }
  | { kind: 'send'; from: number; to: number };

/**
 * Extreme clocks, each followed by an edit on that laptop: an op whose counter is the format's
 * maximum, a laptop set to 31 Dec 9999 or to the format's largest wall time (then corrected),
 * and a stored clock value left unreadable by a version before the clock was bounded.
 */
export type ClockMode = 'counter-max' | 'year-9999' | 'format-max' | 'unreadable';
export const CLOCK_MODES: readonly ClockMode[] = ['counter-max', 'year-9999', 'format-max', 'unreadable'];

const VALUES = {
  text: fc.constantFrom('Child seen alone', 'Plan is vague', 'Strategy meeting held', ''),
  polarity: fc.constantFrom('strength', 'weakness'),
  themes: fc.constantFrom(['neglect'], ['neglect', 'voice'], []),
};
// Clocks jump forward, stand still or run backwards (a laptop whose clock was corrected).
const advance = fc.integer({ min: -90_000, max: 300_000 });

export const actions: fc.Arbitrary<Action[]> = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          laptop: fc.nat(3),
          note: fc.nat(2),
          field: fc.constantFrom('text', 'text', 'polarity', 'themes') as fc.Arbitrary<'text' | 'polarity' | 'themes'>,
          advance,
        })
        .chain((a) => VALUES[a.field].map((value) => ({ ...a, kind: 'edit' as const, value }))),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constantFrom('delete' as const, 'restore' as const),
        laptop: fc.nat(3),
        note: fc.nat(2),
        advance,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('escalate' as const),
        laptop: fc.nat(3),
        escalation: fc.nat(1),
        concern: fc.constantFrom('Child left alone overnight', 'Bruising not explained'),
        advance,
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('resolve' as const), laptop: fc.nat(3), advance }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('clock' as const),
        laptop: fc.nat(3),
        note: fc.nat(2),
        mode: fc.constantFrom(...CLOCK_MODES),
      }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.nat(3), to: fc.nat(3) }) },
  ),
  { minLength: 1, maxLength: 22 },
);

export interface World {
  readonly replicas: MemoryReplica[];
  readonly seen: Map<string, Set<string>>;
  /** The physical clock reading when each local op was written. */
  readonly writtenAt: Map<string, number>;
  readonly clockCases: ClockMode[];
  readonly bundles: LawBundle[];
  readonly importedBy: LawBundle[][];
  readonly escalationsRaised: string[];
  readonly resolutionChecks: { key: string; after: boolean }[];
  send(from: MemoryReplica, to: MemoryReplica): Promise<void>;
  importInto(replica: MemoryReplica, bundle: LawBundle): Promise<void>;
  freshReplica(): Promise<MemoryReplica>;
  close(): void;
}

export function importInto(genesis: Genesis, replica: MemoryReplica, bundle: LawBundle): Promise<unknown> {
  const trustLead = fingerprint(genesis.lead.author);
  if (bundle.path) return importBundle(replica, fileSource(bundle.path), { fileName: basename(bundle.path), trustLead });
  const records = bundle.records;
  return mergeOpenedBundle(
    replica,
    {
      bundleId: bundle.id,
      manifest: {
        format: 1,
        schema: LATEST_SCHEMA_VERSION,
        inspection: genesis.inspectionId,
        localAuthority: null,
        exporter: bundle.exporter,
        exporterName: null,
        createdAt: '',
        mode: 'full',
        recipients: [],
        ranges: bundle.ranges,
        changesets: records.length,
        ops: bundle.ops,
        holds: {},
        sha256: { changesets: '0'.repeat(64) },
      },
      async *records() {
        yield* records;
      },
    },
    { fileName: `${bundle.id}.fwbundle`, trustLead },
    false,
  );
}

export async function runHistory(
  devices: readonly DeviceIdentity[],
  genesis: Genesis,
  laptops: number,
  history: readonly Action[],
  options: { checkResolutions?: boolean; filesIn?: string } = {},
): Promise<World> {
  let fileCount = 0;
  const makeBundle = async (from: MemoryReplica): Promise<LawBundle> => {
    if (!options.filesIn) return bundleOf(from);
    fileCount += 1;
    const path = join(options.filesIn, `bundle-${fileCount}.fwbundle`);
    const result = await exportBundleToFile(from, { inspectionId: INSPECTION, mode: 'full', recipients: { kind: 'team' } }, path);
    return { id: result.bundleId, exporter: from.device.author, records: [], ops: result.ops, ranges: [], path };
  };
  const replicas = devices.slice(0, laptops).map((device, i) => memoryReplica(device, START + (i - 1) * 2_700_000));
  const world: World = {
    replicas,
    seen: new Map(),
    writtenAt: new Map(),
    clockCases: [],
    bundles: [],
    importedBy: replicas.map(() => []),
    escalationsRaised: [],
    resolutionChecks: [],
    async send(from, to) {
      const bundle = await makeBundle(from);
      world.bundles.push(bundle);
      world.importedBy[replicas.indexOf(to)]?.push(bundle);
      await importInto(genesis, to, bundle);
    },
    importInto: async (replica, bundle) => void (await importInto(genesis, replica, bundle)),
    async freshReplica() {
      const fresh = memoryReplica(devices[4] as DeviceIdentity, START);
      await importInto(genesis, fresh, genesis.bundle);
      return fresh;
    },
    close: () => replicas.forEach((r) => r.db.close()),
  };
  for (const replica of replicas) await importInto(genesis, replica, genesis.bundle);
  for (const step of history) {
    if (step.kind === 'send') {
      const from = replicas[step.from % laptops] as MemoryReplica;
      const to = replicas[step.to % laptops] as MemoryReplica;
      if (from !== to) await world.send(from, to);
      continue;
    }
    // A resolution is made by the first laptop (from the chosen one on) that has a conflict.
    const order = replicas.map((_, k) => (step.laptop + k) % laptops);
    const index =
      step.kind === 'resolve'
        ? (order.find((k) => listConflictKeys((replicas[k] as MemoryReplica).db, INSPECTION).length > 0) ?? step.laptop % laptops)
        : step.laptop % laptops;
    const replica = replicas[index] as MemoryReplica;
    if (step.kind === 'clock') {
      extremeClock(world, replica, step);
      continue;
    }
    replica.clock.ms += step.advance;
    const edits = editsFor(replica, step, index);
    if (edits.length === 0) continue;
    write(world, replica, edits);
    if (step.kind === 'escalate') world.escalationsRaised.push(edits[0]?.row as string);
    if (step.kind === 'resolve' && options.checkResolutions) {
      const key = `${edits[0]?.table}/${edits[0]?.row}/${edits[0]?.field}`;
      for (const bundle of world.importedBy[index] ?? []) await importInto(genesis, replica, bundle);
      const after = listConflictKeys(replica.db, INSPECTION).some((k) => `${k.table}/${k.row}/${k.field}` === key);
      world.resolutionChecks.push({ key, after });
    }
  }
  return world;
}

function extremeClock(world: World, replica: MemoryReplica, step: Extract<Action, { kind: 'clock' }>): void {
  const node = hlcNode(replica.device.author);
  const real = replica.clock.ms;
  const edit: FieldEdit[] = [
    { table: 'evidence_note', row: NOTES[step.note] as string, field: 'text', value: `Written at a ${step.mode} clock ${real}` },
  ];
  if (step.mode === 'counter-max') {
    // The next op this laptop signs carries the counter 999999 (the attack in issue 12). The
    // clock is only ever moved forward: a laptop's own clock is never wound back under it.
    const forced = formatHlc({ wallMs: real + 1000, counter: MAX_COUNTER - 1, node });
    const stored = readMeta(replica.db, 'hlc');
    if (stored === null || stored < forced) writeMeta(replica.db, 'hlc', forced);
  } else if (step.mode === 'unreadable') {
    writeMeta(replica.db, 'hlc', `${String(real).padStart(15, '0')}.1000000.${node}`);
  } else {
    replica.clock.ms = step.mode === 'year-9999' ? Date.UTC(9999, 11, 31, 23, 59) : MAX_WALL_MS;
  }
  try {
    write(world, replica, edit);
  } finally {
    replica.clock.ms = real;
  }
  world.clockCases.push(step.mode);
}

function editsFor(replica: MemoryReplica, step: Exclude<Action, { kind: 'send' | 'clock' }>, laptop: number): FieldEdit[] {
  switch (step.kind) {
    case 'edit':
      return [{ table: 'evidence_note', row: NOTES[step.note] as string, field: step.field, value: step.value as never }];
    case 'delete':
    case 'restore':
      return [{ table: 'evidence_note', row: NOTES[step.note] as string, field: DELETED_FIELD, value: step.kind === 'delete' }];
    case 'escalate': {
      // A concern is written once, by its raiser (docs/authority.md): raising again is a no-op.
      const row = escalationRow(step.escalation, laptop);
      if (replica.db.prepare('SELECT 1 FROM escalation WHERE id = ?').get(row) !== undefined) return [];
      return [
        { table: 'escalation', row, field: 'concern', value: step.concern },
        { table: 'escalation', row, field: 'identified_by', value: replica.device.author },
      ];
    }
    case 'resolve': {
      const key = listConflictKeys(replica.db, INSPECTION)[0];
      if (!key) return [];
      if (key.field === DELETED_FIELD) {
        const row = replica.db.prepare(`SELECT deleted FROM ${key.table} WHERE id = ?`).get(key.row) as { deleted: number };
        return [{ ...key, value: row.deleted === 1 }];
      }
      const value =
        key.field === 'themes'
          ? ['resolved']
          : key.field === 'polarity'
            ? 'weakness'
            : `Resolved by ${replica.device.author.slice(0, 4)}`;
      return [{ ...key, value }];
    }
  }
}

/** A local write, recording which ops of the row the laptop held at the time. */
function write(world: World, replica: MemoryReplica, edits: readonly FieldEdit[]): void {
  replica.db.transaction(() => {
    const held = new Map<string, Set<string>>();
    for (const edit of edits) {
      const ids = replica.db.prepare('SELECT id FROM op WHERE tbl = ? AND row_id = ?').all(edit.table, edit.row) as {
        id: string;
      }[];
      held.set(`${edit.table}/${edit.row}`, new Set(ids.map((r) => r.id)));
    }
    for (const op of writeEdits(replica, INSPECTION, edits)) {
      world.seen.set(op.id, held.get(`${op.table}/${op.row}`) ?? new Set());
      world.writtenAt.set(op.id, replica.clock.ms);
    }
  })();
}

function allOps(replica: MemoryReplica): Op[] {
  return (
    replica.db.prepare('SELECT id, inspection_id, hlc, author, tbl, row_id, field, value, deps FROM op').all() as OpRow[]
  ).map(toOp);
}

const seenOf = (seen: Map<string, Set<string>>) => (op: Op) => seen.get(op.id) ?? new Set(op.deps);

/** The SQL state of a replica equals the reference merge of the ops it holds. */
export function checkAgainstReference(replica: MemoryReplica, seen: Map<string, Set<string>>): void {
  const reference = referenceMerge(allOps(replica), seenOf(seen));
  for (const { table, row, columns } of reference.rows) {
    const stored = replica.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(row) as Record<string, unknown>;
    const expected: Record<string, unknown> = { deleted: 0 };
    for (const field of Object.keys(SYNCED_TABLES[table].fields)) expected[field] = null;
    const { id: _id, inspection_id: _i, updated_hlc: _u, ...actual } = stored;
    expect(actual, `${table} ${row}`).toEqual({ ...expected, ...columns });
  }
  const conflicts = listConflictKeys(replica.db, INSPECTION)
    .map((k) => `${k.table}/${k.row}/${k.field}`)
    .sort();
  expect(conflicts).toEqual(reference.conflicts);
  const heads = (
    replica.db.prepare('SELECT tbl, row_id, field, op_id FROM field_head').all() as {
      tbl: string;
      row_id: string;
      field: string;
      op_id: string;
    }[]
  )
    .map((h) => `${h.tbl}/${h.row_id}/${h.field}/${h.op_id}`)
    .sort();
  expect(heads).toEqual(reference.heads);
}

/**
 * A write made after seeing another write of the same field replaces it, whatever the clocks
 * said; it also sorts after it unless that one was beyond the skew bound when it was seen
 * (the bounded clock does not follow a far-future value, shared/sync/hlc.ts).
 */
export function checkLaterEditsWin(
  replica: MemoryReplica,
  seen: Map<string, Set<string>>,
  writtenAt: ReadonlyMap<string, number> = new Map(),
): void {
  const ops = allOps(replica);
  const byId = new Map(ops.map((op) => [op.id, op]));
  const heads = new Set((replica.db.prepare('SELECT op_id FROM field_head').all() as { op_id: string }[]).map((h) => h.op_id));
  for (const later of ops) {
    for (const earlierId of seen.get(later.id) ?? []) {
      const earlier = byId.get(earlierId);
      if (!earlier || earlier.field !== later.field) continue;
      const at = writtenAt.get(later.id);
      if (at === undefined || parseHlc(earlier.hlc).wallMs <= clockBound(at)) {
        expect(later.hlc > earlier.hlc, `${later.hlc} after ${earlier.hlc}`).toBe(true);
      }
      expect(heads.has(earlier.id)).toBe(false);
    }
  }
}

/** A deterministic shuffle from fast-check's generated seed. */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One note's text written by a replica: what the restore and salvage laws draw. */
export const noteTextEdit = fc.record({
  note: fc.nat(NOTES.length - 1),
  text: fc.constantFrom('Seen alone', 'Plan vague', 'Meeting held', ''),
});

/** Writes each edit as its own local changeset, a second apart on the replica's clock. */
export function writeNoteTexts(genesis: Genesis, replica: MemoryReplica, edits: readonly { note: number; text: string }[]): void {
  for (const e of edits) {
    replica.clock.ms += 1000;
    replica.db.transaction(() =>
      writeEdits(replica, genesis.inspectionId, [
        { table: 'evidence_note', row: NOTES[e.note] as string, field: 'text', value: e.text },
      ]),
    )();
  }
}

/** A replica of `device` that has imported the lead's genesis bundle. */
export async function replicaAfterGenesis(genesis: Genesis, device: DeviceIdentity): Promise<MemoryReplica> {
  const replica = memoryReplica(device, START);
  await importInto(genesis, replica, genesis.bundle);
  return replica;
}
