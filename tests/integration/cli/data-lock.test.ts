/**
 * One writer per data folder, as real processes: a browser-mode server holds its data folder;
 * a second server and CLI writes on that folder are refused with a sentence (exit 4 for the
 * CLI) and change nothing; a lock left by a killed server is taken over; a clean stop frees it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../main/services/data-lock.js';
import { tempDir } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
const SERVER = 'dist/web/server.cjs';
const dirs: string[] = [];
const servers: ChildProcess[] = [];

beforeAll(() => {
  ensureBuilt('cli', 'web');
}, 120_000);
afterAll(() => {
  for (const server of servers) if (server.exitCode === null) server.kill('SIGKILL');
});

function fieldwork(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FIELDWORK_DATA: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts browser mode on `dir`; resolves when it prints its address, or with its exit and stderr. */
function startServer(dir: string): Promise<{ child: ChildProcess; started: boolean; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [SERVER, '--data', dir, '--no-open'], { env: { ...process.env, FIELDWORK_DATA: '' } });
  servers.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Open: ')) resolve({ child, started: true, code: null, stderr });
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ child, started: false, code, stderr }));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('one writer per data folder', () => {
  it('refuses a second server and CLI writes while a server has the folder, with a sentence', async () => {
    const dir = tempDir('fieldwork-lock-');
    dirs.push(dir);
    const first = await startServer(dir);
    expect(first.started, first.stderr).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    const second = await startServer(dir);
    expect(second.started).toBe(false);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('This data folder is already open in a Fieldwork browser-mode server');
    expect(second.stderr).toContain(`process ${first.child.pid}`);

    const exportRun = fieldwork(
      'export',
      '--data',
      dir,
      '--inspection',
      '00000000-0000-4000-8000-000000000000',
      '--to',
      join(dir, 'x.fwbundle'),
    );
    expect(exportRun.code).toBe(4);
    expect(exportRun.stderr).toContain('already open in a Fieldwork browser-mode server');
    expect(exportRun.stderr).not.toMatch(/^\s+at /m);

    const backup = join(dir, 'some-backup.db');
    writeFileSync(backup, 'not used');
    const restoreRun = fieldwork('restore', '--data', join(dir, 'fieldwork.db'), '--from', backup, '--force');
    expect(restoreRun.code).toBe(4);
    expect(restoreRun.stderr).toContain('Only one Fieldwork can change it at a time');
    // Refused before anything was touched: the store is not set aside.
    expect(existsSync(join(dir, 'set-aside'))).toBe(false);
    expect(readdirSync(dir)).toContain('fieldwork.db');

    // A clean stop frees the folder.
    first.child.kill('SIGTERM');
    await exited(first.child);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('takes over a lock left by a server that was killed', async () => {
    const dir = tempDir('fieldwork-lock-stale-');
    dirs.push(dir);
    const first = await startServer(dir);
    expect(first.started, first.stderr).toBe(true);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // left behind by the kill

    const again = await startServer(dir);
    expect(again.started, again.stderr).toBe(true);
    again.child.kill('SIGTERM');
    await exited(again.child);
  }, 60_000);
});
