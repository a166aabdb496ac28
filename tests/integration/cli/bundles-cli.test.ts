/**
 * The `fieldwork` bundle commands as real processes: built with scripts/build.mjs, run with
 * plain Node against real data files; exit codes, stdout and stderr checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { canonicalDump, edit, fileHash, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';
import { stepAsideFromLock, tempDir, testRuntime } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
let team: Team;
let folder: string;
let leadDb: string;
let inspectorDb: string;
const notes: string[] = [];

const openHere: string[] = [];

function fieldwork(...args: string[]) {
  // This test keeps the team's stores open in-process while the CLI works on them.
  const dirs = [...(team ? [team.lead.dir, ...team.inspectors.map((i) => i.dir)] : []), ...openHere];
  const run = stepAsideFromLock(dirs, () =>
    spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FIELDWORK_DATA: '' },
      timeout: 60_000,
    }),
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

beforeAll(async () => {
  ensureBuilt('cli');
  // The CLI opens the store as the app does (encrypted at rest where the app does that).
  team = await makeTeam(1, { encrypted: true });
  folder = tempDir('fieldwork-cli-bundles-');
  await joinAll(team, folder);
  leadDb = team.lead.storePath;
  inspectorDb = team.inspectors[0]!.storePath;
  for (let i = 0; i < 12; i += 1) notes.push(newNoteId());
  edit(
    team.inspectors[0]!.ctx,
    team.inspectionId,
    notes.flatMap((id, i) => noteEdits(id, `CLI note ${i}`)),
  );
}, 120_000);
afterAll(() => team.dispose());

describe('fieldwork bundle commands', () => {
  it('export writes a complete bundle and says how much', () => {
    const to = join(folder, 'inspector.fwbundle');
    const run = fieldwork('export', '--data', inspectorDb, '--inspection', team.inspectionId, '--to', to);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^exported \d+ changesets \(\d+ ops, \d+ bytes\) to /);
    expect(existsSync(to)).toBe(true);
    expect(existsSync(`${to}.tmp`)).toBe(false);
  });

  it('bundle inspect shows the signer, inspection and counts without importing', () => {
    const file = join(folder, 'inspector.fwbundle');
    const hash = fileHash(team.lead.ctx.db, leadDb);
    const run = fieldwork('bundle', 'inspect', file, '--data', leadDb);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Inspection:    ${team.inspectionId}`);
    expect(run.stdout).toContain(fingerprint(team.inspectors[0]!.ctx.device.author));
    expect(run.stdout).toContain('Inspector 1');
    expect(run.stdout).toMatch(/Changesets:\s+\d+/);
    const json = JSON.parse(fieldwork('bundle', 'inspect', file, '--data', leadDb, '--json').stdout) as {
      signer: { fingerprint: string };
      manifest: { inspection: string; changesets: number };
    };
    expect(json.signer.fingerprint).toBe(fingerprint(team.inspectors[0]!.ctx.device.author));
    expect(json.manifest.inspection).toBe(team.inspectionId);
    expect(fileHash(team.lead.ctx.db, leadDb)).toBe(hash);
  });

  it('bundle verify checks everything against the store and imports nothing', () => {
    const before = canonicalDump(team.lead.ctx.db);
    const run = fieldwork('bundle', 'verify', join(folder, 'inspector.fwbundle'), '--data', leadDb);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^valid: .*importing would add \d+ new ops/);
    expect(canonicalDump(team.lead.ctx.db)).toEqual(before);
  });

  it('merge imports with progress on stderr and a summary on stdout; again says already imported', () => {
    const file = join(folder, 'inspector.fwbundle');
    const run = fieldwork('merge', '--data', leadDb, file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^imported\s+.*inspector\.fwbundle: \d+ new ops/);
    expect(run.stderr).toMatch(/Checking: \d+\/\d+/);
    const note = team.lead.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(notes[0]) as { text: string };
    expect(note.text).toBe('CLI note 0');
    const again = fieldwork('merge', '--data', leadDb, file, '--json');
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout) as { files: { status: string; newOps: number }[] };
    expect(json.files).toEqual([expect.objectContaining({ status: 'already_imported', newOps: 0 })]);
  });

  it('a damaged bundle is refused with one clear line and exit code 3, and the store is unchanged', () => {
    const good = readFileSync(join(folder, 'inspector.fwbundle'));
    const cut = join(folder, 'cut.fwbundle');
    writeFileSync(cut, good.subarray(0, good.length - 100));
    const hash = fileHash(team.lead.ctx.db, leadDb);
    const run = fieldwork('merge', '--data', leadDb, cut);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('This bundle is incomplete');
    expect(run.stdout).toMatch(/^refused\s+/);
    noStackTrace(run.stderr);
    const verify = fieldwork('bundle', 'verify', cut, '--data', leadDb);
    expect(verify.code).toBe(3);
    expect(verify.stderr.trim().split('\n')).toHaveLength(1);
    expect(fileHash(team.lead.ctx.db, leadDb)).toBe(hash);
    const notBundle = join(folder, 'cases.csv');
    writeFileSync(notBundle, 'case_ref,age\nA1,7\n');
    const inspect = fieldwork('bundle', 'inspect', notBundle, '--data', leadDb);
    expect(inspect.code).toBe(3);
    expect(inspect.stderr).toBe('fieldwork: This file is not a Fieldwork bundle.\n');
  });

  it('a passphrase bundle can be exported, inspected and verified without a store', () => {
    const secret = join(folder, 'passphrase.txt');
    writeFileSync(secret, 'correct horse battery staple\n');
    const to = join(folder, 'usb.fwbundle');
    const out = fieldwork(
      'export',
      '--data',
      inspectorDb,
      '--inspection',
      team.inspectionId,
      '--to',
      to,
      '--full',
      '--passphrase-file',
      secret,
    );
    expect(out.code, out.stderr).toBe(0);
    const verify = fieldwork('bundle', 'verify', to, '--passphrase-file', secret);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('team roster not checked without --data');
    expect(fieldwork('bundle', 'inspect', to, '--passphrase-file', secret).stdout).toContain('Encrypted to:  a passphrase');
    const wrong = join(folder, 'wrong.txt');
    writeFileSync(wrong, 'not it');
    const refused = fieldwork('bundle', 'verify', to, '--passphrase-file', wrong);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('cannot be opened with this laptop’s key or the passphrase');
  });

  it('deletions above the threshold need --yes (exit 5 without it, no record deleted)', () => {
    edit(
      team.inspectors[0]!.ctx,
      team.inspectionId,
      notes.map((row) => ({ table: 'evidence_note', row, field: '_deleted', value: true })),
    );
    const file = join(folder, 'deletes.fwbundle');
    expect(fieldwork('export', '--data', inspectorDb, '--inspection', team.inspectionId, '--to', file).code).toBe(0);
    const liveNotes = () =>
      (team.lead.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE deleted = 0').get() as { n: number }).n;
    const before = liveNotes();
    const refused = fieldwork('merge', '--data', leadDb, file);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('would delete 12 records (12 evidence notes deleted by Inspector 1)');
    expect(refused.stderr).toContain('Only the deletions wait for your decision');
    expect(liveNotes()).toBe(before);
    const confirmed = fieldwork('merge', '--data', leadDb, file, '--yes');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('12 deletions');
  });

  it('usage errors exit 2; a missing data file exits 1; every command has --help', () => {
    expect(fieldwork('merge', '--data', leadDb).code).toBe(2);
    expect(fieldwork('merge', '--data', leadDb, '--bogus', 'x').code).toBe(2);
    expect(fieldwork('export', '--data', leadDb, '--to', join(folder, 'x.fwbundle')).code).toBe(2);
    expect(fieldwork('bundle', 'inspect', join(folder, 'inspector.fwbundle')).code).toBe(2);
    const missing = fieldwork('merge', '--data', join(folder, 'nowhere', 'fieldwork.db'), join(folder, 'inspector.fwbundle'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no Fieldwork data file');
    noStackTrace(missing.stderr);
    for (const command of [['bundle', 'inspect'], ['bundle', 'verify'], ['merge'], ['export']]) {
      const help = fieldwork(...command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`Usage: fieldwork ${command.join(' ')}`)).toBe(true);
      expect(help.stdout).toContain('Exit codes:');
    }
  });

  it('--data may name the data folder as well as the .db file', () => {
    const run = fieldwork('bundle', 'verify', join(folder, 'inspector.fwbundle'), '--data', team.lead.dir);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a new inspector joins from the setup bundle only with the lead’s fingerprint confirmed', async () => {
    const newcomer = await testRuntime({ encrypted: true } as unknown as Parameters<typeof testRuntime>[0]);
    try {
      await team.lead.call('team.add', {
        inspectionId: team.inspectionId,
        fields: {
          name: 'Dana Reid',
          inspectorate: 'hmicfrs',
          role: 'inspector',
          specialism: 'police',
          signingKey: newcomer.ctx.device.author,
          boxKey: newcomer.ctx.device.ageRecipient,
        },
      });
      const setup = join(folder, 'setup-2.fwbundle');
      expect(fieldwork('export', '--data', leadDb, '--inspection', team.inspectionId, '--to', setup, '--full').code).toBe(0);
      const leadPrint = fingerprint(team.lead.ctx.device.author);
      openHere.push(newcomer.dir);
      const unconfirmed = fieldwork('merge', '--data', newcomer.storePath, setup);
      expect(unconfirmed.code).toBe(3);
      expect(unconfirmed.stderr).toContain(leadPrint);
      const joined = fieldwork('merge', '--data', newcomer.storePath, setup, '--trust-lead', leadPrint);
      expect(joined.code, joined.stderr).toBe(0);
      expect((await newcomer.call('inspections.get', { id: team.inspectionId })).myRole).toBe('inspector');
    } finally {
      newcomer.dispose();
    }
  });
});
