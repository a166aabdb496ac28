// Browser mode started as a user starts it (the built server as a real process, its browser
// opener on PATH): the token never appears on the opener's command line, which other local
// accounts can read; the opener gets a private launch page instead, removed once used; and an
// undecodable request does not end the process (issue 12.8).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const SERVER = 'dist/web/server.cjs';
let child: ChildProcess;
let dataDir: string;
let openerLog: string;
let pageUrl = '';

function get(url: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

beforeAll(async () => {
  ensureBuilt('web');
  dataDir = tempDir('fieldwork-web-launch-');
  const bin = tempDir('fieldwork-web-opener-');
  openerLog = join(bin, 'argv.txt');
  // A stand-in for xdg-open / open that records exactly what it was given.
  for (const name of ['xdg-open', 'open']) {
    const script = join(bin, name);
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "${openerLog}"\n`);
    chmodSync(script, 0o755);
  }
  child = spawn(process.execPath, [SERVER, '--data', dataDir], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, FIELDWORK_DATA: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /Open: (\S+)/.exec(out);
    if (match?.[1]) pageUrl = match[1];
  });
  await until(() => pageUrl !== '' && existsSync(openerLog), 'the server to start and open the browser');
}, 120_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('browser mode start-up', () => {
  it('gives the browser opener a private launch page, never the token', () => {
    const token = /#token=([A-Za-z0-9_-]+)/.exec(pageUrl)?.[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    const argv = readFileSync(openerLog, 'utf8');
    expect(argv).not.toContain(token);
    expect(argv.trim()).toMatch(/^file:\/\//);
    const page = fileURLToPath(argv.trim());
    expect(page.startsWith(dataDir)).toBe(true);
    expect(statSync(page).mode & 0o777).toBe(0o600);
    expect(readFileSync(page, 'utf8')).toContain(`#token=${token}`);
  });

  it('survives an undecodable request and removes the launch page once the token is used', async () => {
    const base = pageUrl.split('#')[0]!.replace(/\/$/, '');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(pageUrl)?.[1] ?? '';
    expect(await get(`${base}/api/%E0`)).toBe(401);
    expect(await get(`${base}/api/%E0`, token)).toBe(400);
    expect(await get(`${base}/api/inspections.list`, token)).toBe(200);
    expect(child.exitCode).toBeNull();
    const page = fileURLToPath(readFileSync(openerLog, 'utf8').trim());
    expect(existsSync(page)).toBe(false);
  });
});
