/**
 * Issue 12, item 3: a bounded clock, through `fieldwork export` and `fieldwork merge` as real
 * processes. The exact attack (a genuinely signed op whose HLC counter is the format's maximum,
 * 999999) used to make every later merge fail with "Not a hybrid logical clock value" and every
 * later local edit fail; a laptop set to 31 December 9999 was merged without a word.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, formatHlc, parseHlc } from '../../../shared/sync/hlc.js';
import { readMeta, writeMeta } from '../../../main/store/meta-repo.js';
import { hlcNode } from '../../../main/sync/local-write.js';
import { edit, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { stepAsideFromLock, tempDir } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';

function fieldwork(...args: string[]) {
  // This test keeps the team's stores open in-process while the CLI works on them.
  const dirs = team ? [team.lead.dir, ...team.inspectors.map((i) => i.dir)] : [];
  const run = stepAsideFromLock(dirs, () =>
    spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FIELDWORK_DATA: '' },
      timeout: 60_000,
    }),
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let team: Team;
let folder: string;
const inspectorClock = { offset: 0 };
let files = 0;

function exportFrom(storePath: string): string {
  files += 1;
  const to = join(folder, `b${files}.fwbundle`);
  const run = fieldwork('export', '--data', storePath, '--inspection', team.inspectionId, '--to', to);
  expect(run.code, run.stderr).toBe(0);
  return to;
}

function mergeInto(storePath: string, file: string) {
  const run = fieldwork('merge', '--data', storePath, file);
  expect(run.stderr).not.toMatch(/hybrid logical clock|internal/i);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

beforeAll(async () => {
  ensureBuilt('cli');
  team = await makeTeam(1, { encrypted: true, clocks: [() => Date.now(), () => Date.now() + inspectorClock.offset] });
  folder = tempDir('fieldwork-cli-clock-');
  await joinAll(team, folder);
}, 120_000);
afterAll(() => team.dispose());

describe('a bounded clock through the CLI', () => {
  it('a signed op with counter 999999 is merged, and later merges and edits on both laptops keep working', () => {
    const inspector = team.inspectors[0]!;
    const lead = team.lead;
    const node = hlcNode(inspector.ctx.device.author);
    writeMeta(inspector.ctx.db, 'hlc', formatHlc({ wallMs: Date.now() + 60_000, counter: 999_998, node }));
    const note = newNoteId();
    const [attack] = edit(inspector.ctx, team.inspectionId, [
      { table: 'evidence_note', row: note, field: 'text', value: 'Counter at the maximum.' },
    ]);
    expect(parseHlc(attack!.hlc).counter).toBe(999_999);
    mergeInto(lead.storePath, exportFrom(inspector.storePath));

    // The lead edits the same note and another one afterwards: both work and sort after the attack.
    const [reply] = edit(lead.ctx, team.inspectionId, [
      { table: 'evidence_note', row: note, field: 'text', value: 'Checked by the lead.' },
    ]);
    expect(reply!.hlc > attack!.hlc).toBe(true);
    edit(lead.ctx, team.inspectionId, noteEdits(newNoteId(), 'A later note by the lead.'));
    // The lead's publication does not carry a poison to the inspector; the inspector edits on.
    mergeInto(inspector.storePath, exportFrom(lead.storePath));
    edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), 'A later note by the inspector.'));
    mergeInto(lead.storePath, exportFrom(inspector.storePath));
    const row = lead.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(note) as { text: string };
    expect(row.text).toBe('Checked by the lead.');
    expect(parseHlc(readMeta(lead.ctx.db, 'hlc')!).counter).toBeLessThan(999_999);
  });

  it('a laptop set to 31 December 9999: merged with a note in words, and this laptop’s clock does not follow it', () => {
    const inspector = team.inspectors[0]!;
    const lead = team.lead;
    inspectorClock.offset = Date.UTC(9999, 11, 31) - Date.now();
    const note = newNoteId();
    edit(inspector.ctx, team.inspectionId, noteEdits(note, 'Written on a laptop set to the year 9999.'));
    inspectorClock.offset = 0;
    const file = exportFrom(inspector.storePath);
    const run = mergeInto(lead.storePath, file);
    expect(run.stdout).toMatch(
      /note: Inspector 1 has a clock \d+ years ahead of this laptop’s\. Their changes were merged; this laptop’s clock was not moved forward to match\./,
    );
    const again = fieldwork('merge', '--data', lead.storePath, file, '--json');
    expect(again.code).toBe(0);
    const before = Date.now();
    const [later] = edit(lead.ctx, team.inspectionId, [
      { table: 'evidence_note', row: note, field: 'text', value: 'Corrected by the lead.' },
    ]);
    expect(parseHlc(later!.hlc).wallMs).toBeLessThanOrEqual(before + MAX_CLOCK_SKEW_MS + 60_000);
    expect(parseHlc(readMeta(lead.ctx.db, 'hlc')!).wallMs).toBeLessThanOrEqual(Date.now() + MAX_CLOCK_SKEW_MS);
    const row = lead.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(note) as { text: string };
    expect(row.text).toBe('Corrected by the lead.');
    // The inspector, whose clock was corrected, merges the lead's work and edits on.
    mergeInto(inspector.storePath, exportFrom(lead.storePath));
    edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), 'After the clock was corrected.'));
    expect(parseHlc(readMeta(inspector.ctx.db, 'hlc')!).wallMs).toBeLessThanOrEqual(Date.now() + MAX_CLOCK_SKEW_MS);
  });

  it('merge --json reports the clock notice for the UI', () => {
    const inspector = team.inspectors[0]!;
    inspectorClock.offset = 5 * 86_400_000;
    edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), 'Five days ahead.'));
    inspectorClock.offset = 0;
    const run = fieldwork('merge', '--data', team.lead.storePath, exportFrom(inspector.storePath), '--json');
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      files: { notices: { kind: string; name: string; aheadMs: number; message: string }[] }[];
    };
    expect(json.files[0]!.notices).toEqual([
      expect.objectContaining({
        kind: 'clock-ahead',
        name: 'Inspector 1',
        aheadMs: expect.any(Number),
        message: expect.stringContaining('5 days ahead'),
      }),
    ]);
  });
});
