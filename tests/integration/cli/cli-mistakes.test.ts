/**
 * The CLI cannot hurt on ordinary mistakes (issue 17 defect 3, issue 12 item 9), each tried as a
 * real process on real data folders: `--data` naming the .db file, a mistyped folder, `--to`
 * over an existing file or into a missing folder, a FIFO given as a bundle, a folder without
 * keys, `check`'s side files, `--help` on every entry point (the browser-mode server too) and
 * `npx fieldwork` from the project folder.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_FILE, STORE_FILE } from '../../../main/services/runtime.js';
import { sampleInspection, tempDir, testRuntime } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
const SERVER = 'dist/web/server.cjs';
let work: string;
let data: string;
let inspectionId: string;

function fieldwork(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FIELDWORK_DATA: '' },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, signal: run.signal };
}

/** One sentence on one line, prefixed, with no raw errno, no stack trace and no "Error:". */
function oneSentence(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const last = lines[lines.length - 1] as string;
  expect(last).toMatch(/^fieldwork: [A-Z"/].*[.)]$/);
  expect(stderr).not.toMatch(/\bE[A-Z]{3,}\b|^\s+at |Error:|unexpected failure/m);
  return last;
}

const files = (dir: string) => readdirSync(dir).sort();

beforeAll(async () => {
  ensureBuilt('cli', 'web');
  work = tempDir('fieldwork-cli-mistakes-');
  data = join(work, 'lead');
  const rt = await testRuntime({ dir: data, encrypted: true });
  inspectionId = (
    await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] } })
  ).id;
  rt.close();
}, 240_000);
afterAll(() => undefined);

describe('--data', () => {
  it('accepts the data folder or its .db file for every command', () => {
    const db = join(data, STORE_FILE);
    for (const form of [data, db]) {
      const tag = form === db ? 'db' : 'dir';
      const info = fieldwork('info', '--data', form);
      expect(info.code, info.stderr).toBe(0);
      expect(info.stdout).toContain(inspectionId);
      for (const [command, name] of [
        ['letter', 'letter.docx'],
        ['evidence-log', 'log.csv'],
        ['case-sample', 'sample.csv'],
      ] as const) {
        const run = fieldwork(command, '--data', form, '--inspection', inspectionId, '--to', join(work, `${tag}-${name}`));
        expect(run.code, `${command} ${tag}: ${run.stderr}`).toBe(0);
      }
      const bundle = join(work, `${tag}.fwbundle`);
      const exported = fieldwork('export', '--data', form, '--inspection', inspectionId, '--to', bundle, '--full');
      expect(exported.code, exported.stderr).toBe(0);
      expect(fieldwork('bundle', 'verify', bundle, '--data', form).code).toBe(0);
      expect(fieldwork('bundle', 'inspect', bundle, '--data', form).code).toBe(0);
      expect(fieldwork('merge', '--data', form, bundle).code).toBe(0);
      expect(fieldwork('check', '--data', form).code).toBe(0);
      const backup = fieldwork('backup', '--data', form, '--to', join(work, `${tag}-backup.db`));
      expect(backup.code, backup.stderr).toBe(0);
    }
  });

  it('refuses a folder that does not exist, creating nothing; --create makes one on purpose', () => {
    const typo = join(work, 'laed');
    for (const args of [
      ['info', '--data', typo],
      ['letter', '--data', typo, '--inspection', inspectionId, '--to', join(work, 'typo.docx')],
      ['evidence-log', '--data', typo, '--inspection', inspectionId, '--to', join(work, 'typo.csv')],
      ['export', '--data', typo, '--inspection', inspectionId, '--to', join(work, 'typo.fwbundle')],
      ['merge', '--data', typo, join(work, 'dir.fwbundle')],
      ['check', '--data', typo],
    ]) {
      const run = fieldwork(...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(oneSentence(run.stderr)).toMatch(/There is no Fieldwork data (folder|file) at .*laed.*nothing was changed/);
      expect(existsSync(typo), args.join(' ')).toBe(false);
    }
    expect(existsSync(join(work, 'typo.docx'))).toBe(false);
    const created = fieldwork('info', '--data', typo, '--create');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Signing key: /);
    expect(files(typo)).toEqual(expect.arrayContaining([KEY_FILE, STORE_FILE]));
    const again = fieldwork('info', '--data', typo);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(created.stdout.split('\n')[0]);
  });

  it('refuses a folder whose store has no device keys, and writes no new identity (issue 12.9)', () => {
    const keyless = join(work, 'keyless');
    mkdirSync(keyless);
    copyFileSync(join(data, STORE_FILE), join(keyless, STORE_FILE));
    const before = files(keyless);
    for (const args of [
      ['merge', '--data', keyless, join(work, 'dir.fwbundle')],
      ['bundle', 'verify', join(work, 'dir.fwbundle'), '--data', keyless],
      ['letter', '--data', keyless, '--inspection', inspectionId, '--to', join(work, 'keyless.docx')],
      ['info', '--data', keyless],
    ]) {
      const run = fieldwork(...args);
      expect(run.code, args.join(' ')).toBe(4);
      expect(oneSentence(run.stderr)).toContain(`has no ${KEY_FILE}`);
      expect(files(keyless), args.join(' ')).toEqual(before);
    }
  });
});

describe('--to', () => {
  it('never overwrites an existing file without --force, and --force replaces it', () => {
    const csv = join(work, 'keep.csv');
    writeFileSync(csv, 'precious');
    for (const args of [
      ['letter', '--data', data, '--inspection', inspectionId, '--to', csv],
      ['evidence-log', '--data', data, '--inspection', inspectionId, '--to', csv],
      ['export', '--data', data, '--inspection', inspectionId, '--to', csv, '--full'],
      ['case-sample', '--data', data, '--inspection', inspectionId, '--to', csv],
      ['backup', '--data', data, '--to', csv],
    ]) {
      const run = fieldwork(...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(oneSentence(run.stderr)).toMatch(/already exists; nothing was written .*--force/);
      expect(readFileSync(csv, 'utf8')).toBe('precious');
    }
    expect(files(work).filter((f) => f.includes('keep.csv'))).toEqual(['keep.csv']);
    const forced = fieldwork('case-sample', '--data', data, '--inspection', inspectionId, '--to', csv, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(csv, 'utf8')).toContain('Case reference');
  });

  it('checks the target before any work: a missing folder or a folder as the file is one sentence, no progress', () => {
    const nowhere = join(work, 'no-such-folder', 'letter.docx');
    for (const command of ['letter', 'evidence-log', 'export']) {
      const run = fieldwork(command, '--data', data, '--inspection', inspectionId, '--to', nowhere);
      expect(run.code, command).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(oneSentence(run.stderr)).toMatch(/The folder .*no-such-folder does not exist; nothing was written\./);
    }
    // A folder that takes no new file (the tests run as root, whom file modes do not stop, so
    // kernel folders stand in for a read-only one): refused before any work, no "Done".
    for (const unwritable of ['/sys/letter.docx', '/proc/letter.docx']) {
      for (const command of ['letter', 'case-sample', 'export', 'backup']) {
        const args =
          command === 'backup'
            ? [command, '--data', data, '--to', unwritable]
            : [command, '--data', data, '--inspection', inspectionId, '--to', unwritable];
        const run = fieldwork(...args);
        expect(run.code, `${command} ${unwritable}`).toBe(1);
        expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
        expect(oneSentence(run.stderr)).toMatch(
          /^fieldwork: Cannot write in \/(sys|proc) \((permission denied|not permitted|it does not take new files|the disk is read-only)\); nothing was written\.$/,
        );
        expect(run.stdout).toBe('');
      }
    }
    const folder = fieldwork('letter', '--data', data, '--inspection', inspectionId, '--to', work);
    expect(folder.code).toBe(3);
    expect(oneSentence(folder.stderr)).toMatch(/is a folder; name a file to write/);
  });
});

describe('bundle paths and side files (issue 12.9)', () => {
  it('refuses a FIFO by type before opening it: merge, bundle verify and bundle inspect never hang', () => {
    const fifo = join(work, 'pipe.fwbundle');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const args of [
      ['merge', '--data', data, fifo],
      ['bundle', 'verify', fifo, '--data', data],
      ['bundle', 'inspect', fifo, '--data', data],
      ['bundle', 'verify', fifo, '--passphrase-file', fifo],
    ]) {
      const run = fieldwork(...args);
      expect(run.signal, `${args.join(' ')} hung`).toBeNull();
      expect(run.code, args.join(' ')).toBe(3);
      expect(oneSentence(run.stderr)).toMatch(/is a named pipe \(FIFO\), not a file; nothing was read\./);
    }
  });

  it('check leaves no -wal or -shm beside the file it checked', () => {
    const copy = join(work, 'checked');
    mkdirSync(copy);
    copyFileSync(join(data, STORE_FILE), join(copy, STORE_FILE));
    copyFileSync(join(data, KEY_FILE), join(copy, KEY_FILE));
    const before = files(copy);
    const run = fieldwork('check', '--data', join(copy, STORE_FILE));
    expect(run.code, run.stderr).toBe(0);
    expect(files(copy)).toEqual(before);
  });
});

describe('help and errors', () => {
  it('every command and the browser-mode server answer --help without doing anything', () => {
    const top = fieldwork('--help');
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+(?: [a-z]+)?) (?=--|FILE|\[)/gm)].map((m) => m[1] as string);
    expect(commands.length).toBeGreaterThanOrEqual(11);
    for (const command of commands) {
      const help = fieldwork(...command.split(' '), '--help');
      expect(help.code, command).toBe(0);
      expect(help.stdout.startsWith(`Usage: fieldwork ${command}`), command).toBe(true);
    }
    const cwd = tempDir('fieldwork-server-help-');
    const server = spawnSync(process.execPath, [resolve(SERVER), '--help'], { cwd, encoding: 'utf8', timeout: 30_000 });
    expect(server.signal, 'the server started instead of printing help').toBeNull();
    expect(server.status).toBe(0);
    expect(server.stdout).toMatch(/^Usage: node dist\/web\/server\.cjs/);
    expect(readdirSync(cwd)).toEqual([]);
    const bad = spawnSync(process.execPath, [resolve(SERVER), '--bogus'], { cwd, encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('prints names from a store terminal-safe: no ESC or C1 control reaches the terminal', async () => {
    const dir = join(work, 'escapes');
    const rt = await testRuntime({ dir, encrypted: true });
    await rt.call('inspections.create', {
      fields: {
        ...sampleInspection,
        localAuthority: 'Northshire\u001b]0;pwned\u0007\u001b[2J\u009b31m County',
        inspectorates: [...sampleInspection.inspectorates],
      },
    });
    rt.close();
    for (const args of [
      ['info', '--data', dir],
      ['info', '--data', dir, '--json'],
    ]) {
      const run = fieldwork(...args);
      expect(run.code, run.stderr).toBe(0);
      // Plain text drops the controls; JSON keeps them as its own ASCII escapes (\u001b).
      if (!args.includes('--json')) expect(run.stdout).toContain('Northshire]0;pwned[2J31m County');
      // eslint-disable-next-line no-control-regex
      expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    }
  });

  it('an unknown option is one sentence and exit 2; a malformed inspection id is one sentence and exit 3', () => {
    const unknown = fieldwork('letter', '--data', data, '--bogus');
    expect(unknown.code).toBe(2);
    expect(oneSentence(unknown.stderr)).toMatch(/Unknown option '--bogus' \(see --help\)\.$/);
    const id = fieldwork('letter', '--data', data, '--inspection', 'x', '--to', join(work, 'x.docx'));
    expect(id.code).toBe(3);
    expect(oneSentence(id.stderr)).toContain('"x" is not an inspection id');
  });

  it('the README’s CLI examples run as written (npx, ~ for a fresh home), each exiting 0', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## The CLI'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('npx fieldwork'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const home = tempDir('fieldwork-readme-home-');
    for (const line of lines) {
      // Exactly the README's words, through a shell (so ~ is the fresh home); no registry lookups.
      const run = spawnSync('sh', ['-c', line], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, HOME: home, FIELDWORK_DATA: '', npm_config_offline: 'true' },
      });
      expect(run.status, `${line}\n${run.stderr}`).toBe(0);
      expect(run.stdout.trim(), line).not.toBe('');
    }
    expect(existsSync(join(home, '.fieldwork', STORE_FILE))).toBe(true);
  });

  it('npx fieldwork runs the built CLI from the project folder, as the README says', () => {
    const run = spawnSync('npx', ['--offline', 'fieldwork', 'info', '--data', data], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(inspectionId);
  });
});
