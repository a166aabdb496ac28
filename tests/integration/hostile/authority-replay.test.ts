/**
 * Issue 13's "Done means", replayed through both surfaces a lead imports with: the `fieldwork`
 * CLI as a real process, and browser mode as the real server process (dist/web/server.cjs)
 * receiving the bundle through the HTTP API the UI uses (bundles.preview, then bundles.import).
 *
 * A hostile inspector first tries each attack with the ordinary command on their own laptop
 * (which refuses it in words), then writes it anyway with a modified client that skips that
 * check (tests/fixtures/hostile-client.ts): its bundles are ordinary, well-signed bundles. Every
 * hostile bundle also carries an honest note. For each attack the lead's surface must name the
 * member and the change in words, the lead's store must be unchanged in that respect, the honest
 * part must be applied, and the lead's next export must stay closed to the outsider.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput } from '../../../shared/api/index.js';
import { findingEvidenceId, newId } from '../../../shared/domain/ids.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { edit, exportTo, importFile, joinAll, makeTeam, noteEdits, type Team } from '../../fixtures/bundles.js';
import { decryptPlain } from '../../fixtures/bundle-craft.js';
import { hostileWrite } from '../../fixtures/hostile-client.js';
import { stepAsideFromLock, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

const CLI = 'dist/cli/fieldwork.cjs';
const SERVER = 'dist/web/server.cjs';

/** What the lead is shown after a merge: every line in words, plus whether the bundle went in. */
interface Merged {
  readonly imported: boolean;
  readonly text: string;
}

/** The lead's laptop, reached through one surface. */
interface LeadSurface {
  merge(file: string): Promise<Merged>;
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  exportFull(): Promise<Buffer>;
  evidenceLog(): Promise<string>;
  close(): Promise<void>;
}

function run(args: readonly string[], lockedDirs: readonly string[]) {
  const child = stepAsideFromLock(lockedDirs, () =>
    spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FIELDWORK_DATA: '' }, timeout: 60_000 }),
  );
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The lead's store stays open in this process; each CLI call steps aside from its lock. */
function cliSurface(team: Team, folder: string): LeadSurface {
  const { lead, inspectionId } = team;
  const dirs = [lead.dir];
  let n = 0;
  return {
    merge: async (file) => {
      const r = run(['merge', '--data', lead.storePath, file], dirs);
      return { imported: r.code === 0 && /^imported /m.test(r.stdout), text: `${r.stdout}\n${r.stderr}` };
    },
    call: (name, input) => lead.call(name, input),
    exportFull: async () => {
      const out = join(folder, `lead-cli-${(n += 1)}.fwbundle`);
      const r = run(['export', '--data', lead.storePath, '--inspection', inspectionId, '--to', out, '--full'], dirs);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out);
    },
    evidenceLog: async () => {
      const out = join(folder, `evidence-log-${(n += 1)}.csv`);
      const r = run(['evidence-log', '--data', lead.storePath, '--inspection', inspectionId, '--to', out], dirs);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    },
    close: async () => undefined,
  };
}

interface Reply {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** The lead's data folder opened by the real browser-mode server; everything goes over HTTP. */
async function webSurface(team: Team): Promise<LeadSurface> {
  const { lead, inspectionId } = team;
  lead.close();
  const token = randomBytes(32).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--data', lead.dir, '--no-open'], {
    env: { ...process.env, FIELDWORK_DATA: '', FIELDWORK_WEB_TOKEN: token },
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Open: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)));
  });
  const post = (name: string, input: unknown) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(
        `${base}/api/${name}`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(JSON.parse(body) as Reply));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(input));
    });
  const call = async <K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> => {
    const reply = await post(name, input);
    if (!reply.ok) throw Object.assign(new Error(reply.error?.message), reply.error);
    return reply.value as CommandOutput<K>;
  };
  return {
    // As the UI does it (renderer/components/BundleDrop.tsx): the file's bytes, previewed, then imported.
    merge: async (file) => {
      const bytes = { fileName: basename(file), bytesBase64: readFileSync(file).toString('base64'), inspectionId };
      const preview = await post('bundles.preview', bytes);
      if (!preview.ok) return { imported: false, text: preview.error?.message ?? '' };
      const reply = await post('bundles.import', bytes);
      if (!reply.ok) return { imported: false, text: reply.error?.message ?? '' };
      const result = reply.value as CommandOutput<'bundles.import'>;
      const lines = [
        result.status,
        ...result.refused.map((r) => `not applied ${r.message}`),
        ...result.held.map((r) => `waiting for you ${r.message}`),
      ];
      return { imported: result.status === 'imported', text: lines.join('\n') };
    },
    call,
    exportFull: async () =>
      Buffer.from((await call('bundles.export', { inspectionId, mode: 'full', recipients: 'team' })).bytesBase64, 'base64'),
    evidenceLog: async () => Buffer.from((await call('outputs.evidenceLog', { inspectionId })).bytesBase64, 'base64').toString('utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'cli', 'web'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);

describe.each(['cli', 'web'] as const)('issue 13’s attacks replayed through the %s', (surfaceName) => {
  let team: Team;
  let outsider: TestRuntime;
  let folder: string;
  let lead: LeadSurface;
  let n = 0;
  const h = () => team.inspectors[0] as TestRuntime;
  const b = () => team.inspectors[1] as TestRuntime;
  const file = (name: string) => join(folder, `${(n += 1)}-${name}.fwbundle`);

  /** The member's whole history as an ordinary bundle file. */
  async function bundleOf(member: TestRuntime, name: string): Promise<string> {
    const path = file(name);
    await exportTo(member.ctx, team.inspectionId, path, { mode: 'full' });
    return path;
  }
  /** The lead's export, written through the surface, merged by a member. */
  async function leadTo(member: TestRuntime) {
    const path = file('lead');
    writeFileSync(path, await lead.exportFull());
    return importFile(member.ctx, path);
  }
  async function honestNote(member: TestRuntime, text: string): Promise<string> {
    const id = newId();
    edit(member.ctx, team.inspectionId, noteEdits(id, text));
    return id;
  }
  async function leadTexts(): Promise<string[]> {
    return (await lead.call('evidence.list', { inspectionId: team.inspectionId })).map((x) => x.text);
  }
  async function rosterShape() {
    return (await lead.call('team.list', { inspectionId: team.inspectionId }))
      .map((m) => [m.id, m.name, m.role, m.signingKey, m.boxKey].join(' '))
      .sort();
  }
  /** The lead's next export: readable by the honest inspector, never by the outsider. */
  async function exportStaysClosed() {
    const bytes = await lead.exportFull();
    await expect(decryptPlain(bytes, { identity: outsider.ctx.device.ageIdentity })).rejects.toThrow();
    await expect(decryptPlain(bytes, { identity: b().ctx.device.ageIdentity })).resolves.toBeInstanceOf(Buffer);
  }
  async function refusedLocally(promise: Promise<unknown>) {
    await expect(promise).rejects.toMatchObject({ code: 'forbidden' });
  }
  const leadRow = async () => (await lead.call('team.list', { inspectionId: team.inspectionId })).find((m) => m.role === 'lead')!;
  const rowOf = async (member: TestRuntime) =>
    (await lead.call('team.list', { inspectionId: team.inspectionId })).find((m) => m.signingKey === member.ctx.device.author)!;

  beforeAll(async () => {
    team = await makeTeam(2, { encrypted: true });
    outsider = await testRuntime({ encrypted: true });
    folder = tempDir(`fieldwork-replay-${surfaceName}-`);
    await joinAll(team, folder);
    lead = surfaceName === 'cli' ? cliSurface(team, folder) : await webSurface(team);
  }, 120_000);
  afterAll(async () => {
    await lead.close();
    for (const r of team.inspectors) r.dispose();
    if (surfaceName === 'cli') team.lead.dispose();
    else rmSync(team.lead.dir, { recursive: true, force: true });
    outsider.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('1a: team.add with an outsider’s keys waits for the lead, named; the export stays closed to the outsider', async () => {
    const { inspectionId } = team;
    const fields = {
      name: 'Outsider',
      inspectorate: 'ofsted',
      role: 'inspector',
      specialism: 'social_care',
      signingKey: outsider.ctx.device.author,
      boxKey: outsider.ctx.device.ageRecipient,
    } as const;
    await refusedLocally(h().call('team.add', { inspectionId, fields }));
    const planted = newId();
    hostileWrite(h().ctx, inspectionId, [
      { table: 'team_member', row: planted, field: 'name', value: 'Outsider' },
      { table: 'team_member', row: planted, field: 'role', value: 'inspector' },
      { table: 'team_member', row: planted, field: 'signing_key', value: outsider.ctx.device.author },
      { table: 'team_member', row: planted, field: 'box_key', value: outsider.ctx.device.ageRecipient },
    ]);
    await honestNote(h(), 'Honest note beside the planted outsider');
    const before = await rosterShape();
    const merged = await lead.merge(await bundleOf(h(), 'team-add'));
    console.log(surfaceName, merged.text);
    expect(merged.imported).toBe(true);
    expect(merged.text).toMatch(/waiting for you Inspector 1 wants to add “Outsider” to the team\./);
    expect(await rosterShape()).toEqual(before);
    expect((await lead.call('team.heldKeys', { inspectionId })).map((k) => k.key).sort()).toEqual(
      [outsider.ctx.device.author, outsider.ctx.device.ageRecipient].sort(),
    );
    expect(await leadTexts()).toContain('Honest note beside the planted outsider');
    await exportStaysClosed();
  });
});
