/**
 * The benchmark's instrument, checked on a small team: the generator's team merged by the lead
 * through real bundles, and the same team replayed into Loro and Automerge and merged by their
 * lead, end with the same records holding the same field values. Where a field has concurrent
 * values, the peers' shown value is one of Fieldwork's heads, and Automerge's conflict set is
 * exactly Fieldwork's heads. Timings are never asserted here (see npm run bench).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFieldKeys, readHeads } from '../../../main/store/op-log-repo.js';
import { canonicalJson, resolveField, type OpValue } from '../../../shared/sync/op.js';
import { exportBundle, importBundle } from '../../bench/bundle-calls.js';
import { burstPrefixes } from '../../bench/composer.js';
import { generateTeam, type TeamManifest } from '../../bench/generator.js';
import type { Scale } from '../../bench/generate-work.js';
import { peerLibrary, PEER_NAMES } from '../../bench/peers/libraries.js';
import { recordKey, type PeerState } from '../../bench/peers/library.js';
import { replayStep, replayTeam } from '../../bench/peers/replay.js';
import { seededRng } from '../../bench/seeded.js';
import { copyDataDir, openDataDir } from '../../bench/team.js';

const SCALE: Scale = { factor: 0, inspectors: 3, notesPerInspector: 40, casesPerInspector: 2, findingsPerInspector: 4 };
const SEED = 7;

interface FieldworkField {
  readonly winner: OpValue;
  readonly heads: readonly OpValue[];
}

let work: string;
let team: TeamManifest;
/** `table\0row\0field` → the merged lead store's shown value and heads. */
const merged = new Map<string, FieldworkField>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'fieldwork-bench-peers-'));
  team = await generateTeam(join(work, 'team'), SCALE, SEED, () => undefined);
  const lead = join(work, 'merged-lead');
  copyDataDir(team.leadDir, lead);
  mkdirSync(join(work, 'bundles'));
  const files: string[] = [];
  for (const inspector of team.inspectors) {
    const runtime = await openDataDir(inspector.dataDir);
    try {
      const file = join(work, 'bundles', `${inspector.name}.fwbundle`);
      await exportBundle(runtime.ctx, team.inspectionId, file);
      files.push(file);
    } finally {
      runtime.close();
    }
  }
  const runtime = await openDataDir(lead);
  try {
    for (const file of files) await importBundle(runtime.ctx, file, team.inspectionId);
    for (const key of listFieldKeys(runtime.ctx.db)) {
      const heads = readHeads(runtime.ctx.db, key);
      const state = resolveField(heads)!;
      merged.set(`${key.table}\u0000${key.row}\u0000${key.field}`, { winner: state.value, heads: heads.map((h) => h.value) });
    }
  } finally {
    runtime.close();
  }
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The bench's own replay steps, run in this process, then the lead's merge as peer-child.ts does it. */
async function peerMerge(name: (typeof PEER_NAMES)[number]): Promise<PeerState> {
  const library = peerLibrary(name);
  const replayed = await replayTeam(team, join(work, 'peers', name), async (steps) =>
    steps.map((step) => ({ commits: replayStep(library, team, join(work, 'peers', name), step), cpuMs: 0 })),
  );
  const updates = replayed.updates.map((file) => readFileSync(file));
  const lead = library.importAll(library.load(readFileSync(replayed.lead), 1_000), updates);
  const state = library.read(lead);
  library.free(lead);
  return state;
}

const asText = (values: readonly OpValue[]): string[] => values.map(canonicalJson).sort();

describe('the benchmark team', () => {
  it('has every kind of history the peers must reproduce, typed in autosave bursts', () => {
    const s = team.stats;
    expect(s.notes).toBe(SCALE.inspectors * SCALE.notesPerInspector);
    expect(s.concurrentEdits).toBeGreaterThan(0);
    expect(s.revisions).toBeGreaterThan(0);
    expect(s.deletes).toBeGreaterThan(0);
    // 3–8 autosaves per note, sealed into one changeset each time a note is worked on (drafts):
    // at least one changeset per note, and far fewer changesets than autosaves.
    expect(s.autosaves).toBeGreaterThanOrEqual(3 * s.notes);
    expect(s.changesetsPerNote).toBeGreaterThanOrEqual(1);
    expect(s.changesetsPerNote * s.notes).toBeLessThan(s.autosaves / 2);
    expect(s.opsPerNote).toBeGreaterThan(s.changesetsPerNote);
    const conflicted = [...merged.values()].filter((f) => new Set(asText(f.heads)).size > 1);
    expect(conflicted.length).toBeGreaterThan(0);
  });

  for (const name of PEER_NAMES) {
    it(`replayed into ${name}, ends with the same records and field values as Fieldwork's merge`, async () => {
      const peer = await peerMerge(name);
      const peerKeys: string[] = [];
      for (const [record, fields] of peer.records) for (const field of fields.keys()) peerKeys.push(`${record}\u0000${field}`);
      expect(peerKeys.sort()).toEqual([...merged.keys()].sort());
      let concurrent = 0;
      for (const [key, field] of merged) {
        const [table, row, name] = key.split('\u0000') as [string, string, string];
        const value = peer.records.get(recordKey(table, row))?.get(name) as OpValue;
        const heads = asText(field.heads);
        if (new Set(heads).size === 1) expect(canonicalJson(value), key).toBe(canonicalJson(field.winner));
        else expect(heads, key).toContain(canonicalJson(value));
        if (heads.length === 1) continue;
        // Concurrent writes (with different values or, like two status_reason nulls, the same).
        concurrent += 1;
        if (peer.conflicts) expect(asText(peer.conflicts.get(key) ?? []), key).toEqual(heads);
      }
      if (peer.conflicts) expect(peer.conflicts.size).toBe(concurrent);
    });
  }
});

describe('autosave bursts', () => {
  it('are growing prefixes cut between words, ending with the whole text', () => {
    const rng = seededRng(3);
    const text = 'The social worker recorded the strategy discussion promptly and shared it with the school.';
    for (let count = 1; count <= 8; count += 1) {
      const prefixes = burstPrefixes(rng, text, count);
      expect(prefixes.length).toBeGreaterThanOrEqual(1);
      expect(prefixes.length).toBeLessThanOrEqual(count);
      expect(prefixes.at(-1)).toBe(text);
      prefixes.forEach((prefix, i) => {
        expect(text.startsWith(prefix)).toBe(true);
        if (i > 0) expect(prefix.length).toBeGreaterThan(prefixes[i - 1]!.length);
        if (i < prefixes.length - 1) expect(text[prefix.length]).toBe(' ');
      });
    }
  });
});
