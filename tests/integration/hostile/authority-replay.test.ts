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
import { BYTES_FIELD_HEADER, INPUT_HEADER, OCTET_STREAM, RESULT_HEADER, splitBytes } from '../../../shared/api/bytes.js';
import type { CommandInput, CommandName, CommandOutput } from '../../../shared/api/index.js';
import { findingEvidenceId, newId } from '../../../shared/domain/ids.js';
import { fingerprint } from '../../../main/sync/device-identity.js';
import { edit, exportTo, importFile, joinAll, makeTeam, noteEdits, type Team } from '../../fixtures/bundles.js';
import { decryptPlain } from '../../fixtures/bundle-craft.js';
import { hostileWrite } from '../../fixtures/hostile-client.js';
import { stepAsideFromLock, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = 'dist/cli/fieldwork.cjs';
const SERVER = 'dist/web/server.cjs';

/** What the lead is shown after a merge: every line in words, plus whether the bundle went in. */
interface Merged {
  readonly imported: boolean;
  readonly text: string;
}

/** The lead's laptop, reached through one surface. */
interface LeadSurface {
  /** `passphrase`: a USB hand-off bundle (the member's export when the member's laptop no longer lists the lead). */
  merge(file: string, passphrase?: string): Promise<Merged>;
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  exportFull(): Promise<Buffer>;
  evidenceLog(): Promise<string>;
  close(): Promise<void>;
}

function run(args: readonly string[], lockedDirs: readonly string[]) {
  const child = stepAsideFromLock(lockedDirs, () =>
    spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, FIELDWORK_DATA: '' },
      timeout: 60_000,
    }),
  );
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The lead's store stays open in this process; each CLI call steps aside from its lock. */
function cliSurface(team: Team, folder: string): LeadSurface {
  const { lead, inspectionId } = team;
  const dirs = [lead.dir];
  let n = 0;
  return {
    merge: async (file, passphrase) => {
      const secret = join(folder, 'passphrase.txt');
      if (passphrase !== undefined) writeFileSync(secret, passphrase, { mode: 0o600 });
      const extra = passphrase === undefined ? [] : ['--passphrase-file', secret];
      const r = run(['merge', '--data', lead.storePath, ...extra, file], dirs);
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
  // As the page sends them (renderer/api/transport.ts): a file's bytes as the raw body, the rest in a header.
  const post = (name: string, input: unknown) =>
    new Promise<Reply>((resolve, reject) => {
      const upload = splitBytes(input);
      const headers: Record<string, string> = upload
        ? {
            'content-type': OCTET_STREAM,
            [INPUT_HEADER]: encodeURIComponent(JSON.stringify(upload.rest)),
            [BYTES_FIELD_HEADER]: upload.field,
          }
        : { 'content-type': 'application/json' };
      const req = request(
        `${base}/api/${name}`,
        // A fresh connection per command: a kept-alive socket the server has just timed out would hang up.
        { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const field = res.headers[BYTES_FIELD_HEADER];
            const rest = res.headers[RESULT_HEADER];
            if (typeof field === 'string' && typeof rest === 'string') {
              const reply = JSON.parse(decodeURIComponent(rest)) as { ok: true; value: Record<string, unknown> };
              resolve({ ok: true, value: { ...reply.value, [field]: body } } as Reply);
            } else resolve(JSON.parse(body.toString('utf8')) as Reply);
          });
        },
      );
      req.on('error', (error) => reject(new Error(`${name}: ${error.message}`)));
      req.end(upload ? Buffer.from(upload.bytes) : JSON.stringify(input));
    });
  const call = async <K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> => {
    const reply = await post(name, input);
    if (!reply.ok) throw Object.assign(new Error(reply.error?.message), reply.error);
    return reply.value as CommandOutput<K>;
  };
  return {
    // As the UI does it (renderer/components/BundleDrop.tsx): the file's bytes, previewed, then imported.
    merge: async (file, passphrase) => {
      const bytes = {
        fileName: basename(file),
        bytes: readFileSync(file),
        inspectionId,
        ...(passphrase === undefined ? {} : { passphrase }),
      };
      const preview = await post('bundles.preview', bytes);
      if (!preview.ok) return { imported: false, text: preview.error?.message ?? '' };
      const { previewToken } = preview.value as CommandOutput<'bundles.preview'>;
      const reply = await post('bundles.import', previewToken ? { ...bytes, bytes: undefined, previewToken } : bytes);
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
    exportFull: async () => Buffer.from((await call('bundles.export', { inspectionId, mode: 'full', recipients: 'team' })).bytes),
    evidenceLog: async () => Buffer.from((await call('outputs.evidenceLog', { inspectionId })).bytes).toString('utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const noteFields = (text: string): CommandInput<'evidence.create'>['fields'] => ({
  text,
  source: 'case_record',
  agency: 'social_care',
  themes: [],
  polarity: 'strength',
  caseId: null,
});

/** A roster row's editable fields, as team.update takes them. */
function pickFields(m: object): CommandInput<'team.update'>['fields'] {
  const row = m as Record<string, unknown>;
  const keys = ['name', 'inspectorate', 'role', 'specialism', 'signingKey', 'boxKey'];
  return Object.fromEntries(
    keys.filter((k) => row[k] !== null && row[k] !== undefined).map((k) => [k, row[k]]),
  ) as CommandInput<'team.update'>['fields'];
}

beforeAll(() => ensureBuilt('cli', 'web'), 180_000);

describe.each(['cli', 'web'] as const)('issue 13’s attacks replayed through the %s', (surfaceName) => {
  let team: Team;
  let outsider: TestRuntime;
  let folder: string;
  let lead: LeadSurface;
  let n = 0;
  const h = () => team.inspectors[0] as TestRuntime;
  const b = () => team.inspectors[1] as TestRuntime;
  const file = (name: string) => join(folder, `${(n += 1)}-${name}.fwbundle`);

  /** The member's whole history as an ordinary bundle file (a USB hand-off with a passphrase when given). */
  async function bundleOf(member: TestRuntime, name: string, passphrase?: string): Promise<string> {
    const path = file(name);
    const recipients = passphrase === undefined ? { kind: 'team' as const } : { kind: 'passphrase' as const, passphrase };
    await exportTo(member.ctx, team.inspectionId, path, { mode: 'full', recipients, scryptLogN: 10 });
    return path;
  }
  const HAND_OFF = 'a passphrase read out on the phone';
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
    return (await lead.call('evidence.list', { inspectionId: team.inspectionId })).notes.map((x) => x.text);
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

  it('1: team.add with an outsider’s keys waits for the lead, named; the export stays closed to the outsider', async () => {
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
    expect(merged.imported).toBe(true);
    expect(merged.text).toMatch(/waiting for you Inspector 1 wants to add “Outsider” to the team\./);
    expect(await rosterShape()).toEqual(before);
    expect((await lead.call('team.heldKeys', { inspectionId })).map((k) => k.key).sort()).toEqual(
      [outsider.ctx.device.author, outsider.ctx.device.ageRecipient].sort(),
    );
    expect(await leadTexts()).toContain('Honest note beside the planted outsider');
    await exportStaysClosed();
  });

  it('2: agreeing the lead’s finding, reopening an agreed one, unlinking its evidence with no reason, withdrawing and merging are not applied, each named', async () => {
    const { inspectionId } = team;
    const note = newId();
    await lead.call('evidence.create', { inspectionId, id: note, fields: noteFields('Plan reviewed late') });
    const create = (statement: string) =>
      lead.call('findings.create', {
        inspectionId,
        fields: { kind: 'improvement', statement, agencies: ['social_care'], theme: 'Voice' },
      });
    const proposed = await create('Plans drift');
    await lead.call('findings.setStatus', { id: proposed.id, status: 'proposed' });
    const agreed = await create('Voices unheard');
    await lead.call('findings.link', { findingId: agreed.id, noteId: note });
    await lead.call('findings.setStatus', { id: agreed.id, status: 'proposed' });
    await lead.call('findings.setStatus', { id: agreed.id, status: 'agreed', reason: 'Moderation meeting' });
    const other = await create('Records thin');
    await lead.call('findings.setStatus', { id: other.id, status: 'proposed' });
    await leadTo(h());

    // The member's own laptop refuses each in words; the modified client writes them anyway.
    await refusedLocally(h().call('findings.setStatus', { id: proposed.id, status: 'agreed', reason: 'Looks right' }));
    await refusedLocally(h().call('findings.setStatus', { id: agreed.id, status: 'proposed', reason: 'Not sure' }));
    await refusedLocally(h().call('findings.unlink', { findingId: agreed.id, noteId: note, reason: 'Wrong child' }));
    await refusedLocally(h().call('findings.setStatus', { id: proposed.id, status: 'withdrawn', reason: 'Duplicate' }));
    await refusedLocally(h().call('moderation.merge', { targetId: agreed.id, sourceIds: [other.id], reason: 'Same point' }));
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding', row: proposed.id, field: 'status', value: 'agreed' },
      { table: 'finding', row: proposed.id, field: 'status_reason', value: 'Looks right' },
    ]);
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding_evidence', row: findingEvidenceId(agreed.id, note), field: '_deleted', value: true },
    ]);
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding', row: agreed.id, field: 'status', value: 'proposed' },
      { table: 'finding', row: agreed.id, field: 'status_reason', value: 'Not sure' },
    ]);
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding', row: proposed.id, field: 'status', value: 'withdrawn' },
      { table: 'finding', row: proposed.id, field: 'status_reason', value: 'Duplicate' },
    ]);
    hostileWrite(h().ctx, inspectionId, [
      { table: 'finding', row: other.id, field: 'status', value: 'withdrawn' },
      { table: 'finding', row: other.id, field: 'merged_into', value: agreed.id },
      { table: 'finding', row: other.id, field: 'status_reason', value: 'Merged: Same point' },
    ]);
    await honestNote(h(), 'Honest note beside the findings attack');

    const merged = await lead.merge(await bundleOf(h(), 'findings'));
    expect(merged.imported).toBe(true);
    const notLead = 'not applied +Inspector 1 is not the lead, so their attempt to';
    expect(merged.text).toMatch(new RegExp(`${notLead} agree the finding “Plans drift” was not applied`));
    expect(merged.text).toMatch(new RegExp(`${notLead} reopen the agreed finding “Voices unheard” as proposed`));
    expect(merged.text).toMatch(new RegExp(`${notLead} remove evidence from the agreed finding “Voices unheard”`));
    expect(merged.text).toMatch(new RegExp(`${notLead} withdraw the finding “Plans drift”`));
    expect(merged.text).toMatch(new RegExp(`${notLead} merge the finding “Records thin” into the finding “Voices unheard”`));
    expect((await lead.call('findings.get', { id: proposed.id })).status).toBe('proposed');
    expect(await lead.call('findings.get', { id: agreed.id })).toMatchObject({ status: 'agreed', noteIds: [note] });
    expect((await lead.call('findings.get', { id: other.id })).status).toBe('proposed');
    expect(await leadTexts()).toContain('Honest note beside the findings attack');
    await exportStaysClosed();
  });

  it('3: closing another member’s escalation and rewriting its concern are not applied, each named', async () => {
    const { inspectionId } = team;
    const esc = await b().call('escalations.raise', { inspectionId, concern: 'Child left alone overnight' });
    expect((await lead.merge(await bundleOf(b(), 'raise'))).imported).toBe(true);
    await importFile(h().ctx, await bundleOf(b(), 'raise-to-h'));
    await refusedLocally(h().call('escalations.close', { id: esc.id }));
    await refusedLocally(h().call('escalations.update', { id: esc.id, concern: 'No concerns.', laResponse: '' }));
    hostileWrite(h().ctx, inspectionId, [
      { table: 'escalation', row: esc.id, field: 'closed_at', value: '2026-11-04T10:00:00.000Z' },
      { table: 'escalation', row: esc.id, field: 'closed_by', value: h().ctx.device.author },
    ]);
    hostileWrite(h().ctx, inspectionId, [{ table: 'escalation', row: esc.id, field: 'concern', value: 'No concerns.' }]);
    await honestNote(h(), 'Honest note beside the escalation attack');
    const merged = await lead.merge(await bundleOf(h(), 'escalation'));
    expect(merged.imported).toBe(true);
    expect(merged.text).toMatch(
      /not applied +Inspector 1 tried to close the escalation raised by “Inspector 2”, which was not applied/,
    );
    expect(merged.text).toMatch(
      /not applied +Inspector 1 tried to rewrite the concern of the escalation raised by “Inspector 2”/,
    );
    expect((await lead.call('escalations.list', { inspectionId })).find((e) => e.id === esc.id)).toMatchObject({
      concern: 'Child left alone overnight',
      closedAt: null,
    });
    expect(await leadTexts()).toContain('Honest note beside the escalation attack');
    await exportStaysClosed();
  });

  it('4: a note “by” another member is the signer’s in the evidence log and in the triangulation’s inspectors, and the forgery is named', async () => {
    const { inspectionId } = team;
    const finding = await h().call('findings.create', {
      inspectionId,
      fields: { kind: 'strength', statement: 'Seen alone', agencies: ['social_care'], theme: 'Voice' },
    });
    const own = await honestNote(h(), 'Honest note for the finding');
    await h().call('findings.link', { findingId: finding.id, noteId: own });
    const forged = newId();
    hostileWrite(h().ctx, inspectionId, [
      ...noteEdits(forged, 'Forged note claimed for another member'),
      { table: 'evidence_note', row: forged, field: 'author', value: b().ctx.device.author },
    ]);
    await h().call('findings.link', { findingId: finding.id, noteId: forged });
    const merged = await lead.merge(await bundleOf(h(), 'forged'));
    expect(merged.imported).toBe(true);
    expect(merged.text).toMatch(
      /not applied +Inspector 1 tried to record “Inspector 2” as the author of an evidence note, which was not applied/,
    );
    expect((await lead.call('evidence.get', { id: forged })).author.key).toBe(h().ctx.device.author);
    const detail = await lead.call('findings.get', { id: finding.id });
    expect(detail.triangulation.inspectors).toEqual([h().ctx.device.author]);
    expect(detail.inspectorNames).toEqual(['Inspector 1']);
    const log = (await lead.evidenceLog()).split(/\r?\n/).find((line) => line.includes('Forged note claimed for another member'));
    expect(log).toContain('Inspector 1');
    expect(log).not.toContain('Inspector 2');
    await exportStaysClosed();
  });

  it('1: demoting the lead, making oneself lead and removing the lead’s row are not applied, each named', async () => {
    const { inspectionId } = team;
    const leader = await leadRow();
    const own = await rowOf(h());
    await refusedLocally(h().call('team.update', { id: leader.id, fields: { ...pickFields(leader), role: 'inspector' } }));
    await refusedLocally(h().call('team.update', { id: own.id, fields: { ...pickFields(own), role: 'lead' } }));
    await refusedLocally(h().call('team.remove', { id: leader.id }));
    hostileWrite(h().ctx, inspectionId, [{ table: 'team_member', row: leader.id, field: 'role', value: 'inspector' }]);
    hostileWrite(h().ctx, inspectionId, [{ table: 'team_member', row: own.id, field: 'role', value: 'lead' }]);
    await honestNote(h(), 'Honest note beside the roster rewrite');
    const before = await rosterShape();
    const merged = await lead.merge(await bundleOf(h(), 'roster'));
    expect(merged.imported).toBe(true);
    expect(merged.text).toMatch(/not applied .*Inspector 1 is not the lead, so their change to make “Asha Patel” inspector/);
    expect(merged.text).toMatch(/not applied .*Inspector 1 is not the lead, so their change to make “Inspector 1” the lead/);
    expect(await rosterShape()).toEqual(before);
    expect((await leadRow()).signingKey).toBe(team.lead.ctx.device.author);
    expect(await leadTexts()).toContain('Honest note beside the roster rewrite');
    await exportStaysClosed();

    // Removing the lead's row: the member's laptop no longer encrypts to the lead, so the member
    // hands the bundle over with a passphrase; the other inspector gets it too.
    hostileWrite(h().ctx, inspectionId, [{ table: 'team_member', row: leader.id, field: '_deleted', value: true }]);
    await honestNote(h(), 'Honest note beside the lead’s removal');
    const removal = await bundleOf(h(), 'lead-removal', HAND_OFF);
    const removed = await lead.merge(removal, HAND_OFF);
    expect(removed.imported).toBe(true);
    expect(removed.text).toMatch(
      /not applied .*Inspector 1 is not the lead, so their change to remove “Asha Patel” from the team/,
    );
    expect(await rosterShape()).toEqual(before);
    expect(await leadTexts()).toContain('Honest note beside the lead’s removal');
    await exportStaysClosed();
    // The other inspector merges it and still takes the lead's later bundles.
    await importFile(b().ctx, removal, { passphrase: HAND_OFF });
    expect((await b().call('team.list', { inspectionId })).find((m) => m.role === 'lead')?.signingKey).toBe(
      team.lead.ctx.device.author,
    );
    await lead.call('evidence.create', { inspectionId, id: newId(), fields: noteFields('Lead note after the roster rewrite') });
    expect((await leadTo(b())).status).toBe('imported');
    expect((await b().call('evidence.list', { inspectionId })).notes.map((x) => x.text)).toContain(
      'Lead note after the roster rewrite',
    );
  });

  it('outsider: an outsider’s own bundle, signed by a key the lead never approved, is refused with a sentence', async () => {
    const { inspectionId } = team;
    // The outsider writes into the inspection on their own laptop and hands the bundle over.
    edit(outsider.ctx, inspectionId, noteEdits(newId(), 'Outsider note'));
    const path = file('outsider');
    await exportTo(outsider.ctx, inspectionId, path, {
      mode: 'full',
      recipients: { kind: 'passphrase', passphrase: HAND_OFF },
      scryptLogN: 10,
    });
    const merged = await lead.merge(path, HAND_OFF);
    expect(merged.imported).toBe(false);
    expect(merged.text).toContain(
      `This bundle contains work signed by a device that is not on the team (fingerprint ${fingerprint(outsider.ctx.device.author)}).`,
    );
    expect(await leadTexts()).not.toContain('Outsider note');
    await exportStaysClosed();
  });

  it('1: a key planted, then the planter removed: the removed member’s own bundle is refused, the plant reaching the lead through another member waits for the lead, and the export stays closed', async () => {
    const { inspectionId } = team;
    const planted = newId();
    hostileWrite(h().ctx, inspectionId, [
      { table: 'team_member', row: planted, field: 'name', value: 'Outsider again' },
      { table: 'team_member', row: planted, field: 'role', value: 'inspector' },
      { table: 'team_member', row: planted, field: 'signing_key', value: outsider.ctx.device.author },
      { table: 'team_member', row: planted, field: 'box_key', value: outsider.ctx.device.ageRecipient },
    ]);
    await honestNote(h(), 'Written before removal');
    const planting = await bundleOf(h(), 'planted', HAND_OFF);
    // The other inspector merges the member's work before the lead removes the member.
    await importFile(b().ctx, planting, { passphrase: HAND_OFF });
    await lead.call('team.remove', { id: (await rowOf(h())).id });
    const own = await lead.merge(planting, HAND_OFF);
    expect(own.imported).toBe(false);
    expect(own.text).toMatch(/Inspector 1 .*removed from the team/);
    const carried = await lead.merge(await bundleOf(b(), 'carried'));
    expect(carried.imported).toBe(true);
    expect(carried.text).toMatch(/waiting for you Inspector 1 wants to add “Outsider again” to the team\./);
    expect((await lead.call('team.list', { inspectionId })).map((m) => m.name).sort()).toEqual(['Asha Patel', 'Inspector 2']);
    expect(await leadTexts()).toContain('Written before removal');
    await exportStaysClosed();
  });

  it('5: the removed member’s work merged by an honest member: the honest member’s bundles are accepted, the removed member’s later work is named', async () => {
    // The removed member has not heard of the removal and writes on; the honest member merges it.
    await honestNote(h(), 'Written after removal');
    await importFile(b().ctx, await bundleOf(h(), 'after-removal', HAND_OFF), { passphrase: HAND_OFF });
    await honestNote(b(), 'Honest work after merging the removed member');
    const first = await lead.merge(await bundleOf(b(), 'honest-1'));
    expect(first.imported).toBe(true);
    expect(first.text).toMatch(
      /not applied +Inspector 1 was not on the team when they tried to change the text of an evidence note/,
    );
    await honestNote(b(), 'Honest work, later');
    const second = await lead.merge(await bundleOf(b(), 'honest-2'));
    expect(second.imported).toBe(true);
    const texts = await leadTexts();
    expect(texts).toEqual(expect.arrayContaining(['Honest work after merging the removed member', 'Honest work, later']));
    expect(texts).not.toContain('Written after removal');
    await exportStaysClosed();
  });
});
