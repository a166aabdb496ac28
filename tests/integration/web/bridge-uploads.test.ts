/**
 * A file's bytes through browser mode's bridge (shared/api/bytes.ts): the raw body of an
 * octet-stream request with the other arguments in a header, and the raw body of the answer.
 * A body over its command's limit is refused with the sentence before it is read whole: from
 * its declared length before a byte of it is sent, or as it streams in past the limit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../main/web/server.js';
import { BUNDLE_TOO_LARGE } from '../../../shared/api/bundles.js';
import { BYTES_FIELD_HEADER, INPUT_HEADER, RESULT_HEADER } from '../../../shared/api/bytes.js';
import { edit, exportTo, joinAll, makeTeam, newNoteId, noteEdits, type Team } from '../../fixtures/bundles.js';

const SMALL_LIMIT = 64 * 1024;

let team: Team;
let folder: string;
let server: WebServer;
let bundle: Buffer;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'fieldwork-uploads-'));
  team = await makeTeam(1);
  await joinAll(team, folder);
  const inspector = team.inspectors[0]!;
  edit(inspector.ctx, team.inspectionId, noteEdits(newNoteId(), 'Child seen alone; the plan is up to date.'));
  await exportTo(inspector.ctx, team.inspectionId, join(folder, 'reply.fwbundle'));
  bundle = readFileSync(join(folder, 'reply.fwbundle'));
  // The bundle commands take this small limit here, so a body "over the limit" is small too.
  server = await startWebServer({
    ctx: team.lead.ctx,
    rendererDir: null,
    uploadLimit: (command) =>
      command.startsWith('bundles.') ? { maxBytes: Math.max(SMALL_LIMIT, bundle.length), tooLarge: BUNDLE_TOO_LARGE } : null,
  });
});
afterAll(async () => {
  await server.close();
  team.dispose();
  rmSync(folder, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

function collect(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
  });
}

function uploadHeaders(rest: Record<string, unknown>, extra: Record<string, string | number> = {}) {
  return {
    authorization: `Bearer ${server.token}`,
    'content-type': 'application/octet-stream',
    [INPUT_HEADER]: encodeURIComponent(JSON.stringify(rest)),
    [BYTES_FIELD_HEADER]: 'bytes',
    ...extra,
  };
}

function post(command: string, headers: Record<string, string | number>, body: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: `/api/${command}`, headers }, (res) =>
      resolve(collect(res)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

describe('bytes through the browser-mode bridge', () => {
  it('takes a bundle as the raw body, previews it and imports it with the preview’s token', async () => {
    const preview = await post(
      'bundles.preview',
      uploadHeaders({ fileName: 'reply.fwbundle' }, { 'content-length': bundle.length }),
      bundle,
    );
    expect(preview.status).toBe(200);
    const value = (json(preview) as { ok: true; value: { newOps: number; previewToken: string } }).value;
    expect(value.newOps).toBeGreaterThan(0);
    const imported = await post(
      'bundles.import',
      { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      JSON.stringify({ fileName: 'reply.fwbundle', previewToken: value.previewToken }),
    );
    expect(json(imported)).toMatchObject({ ok: true, value: { status: 'imported', newOps: value.newOps } });
  });

  it('answers an export with the bundle as the raw body, the rest in a header', async () => {
    const answer = await post(
      'bundles.export',
      { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      JSON.stringify({ inspectionId: team.inspectionId, mode: 'full', recipients: 'team' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers[BYTES_FIELD_HEADER]).toBe('bytes');
    const rest = JSON.parse(decodeURIComponent(String(answer.headers[RESULT_HEADER]))) as {
      ok: true;
      value: { size: number; fileName: string };
    };
    expect(rest.ok).toBe(true);
    expect(rest.value.fileName).toMatch(/\.fwbundle$/);
    expect(answer.body.length).toBe(rest.value.size);
    expect(Number(answer.headers['content-length'])).toBe(rest.value.size);
  });

  it('refuses a body declared over the limit at once, before any of it is sent', async () => {
    const declared = SMALL_LIMIT * 4;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/bundles.preview',
          headers: uploadHeaders({ fileName: 'big.fwbundle' }, { 'content-length': Math.max(declared, bundle.length * 4) }),
        },
        (res) => resolve(collect(res)),
      );
      req.on('error', reject);
      req.flushHeaders(); // the headers only: not one byte of the body is ever written
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(json(answer)).toMatchObject({ ok: false, error: { message: BUNDLE_TOO_LARGE, details: { reason: 'too-large' } } });
  });

  it('stops reading a streamed body the moment it passes the limit, and closes the connection', async () => {
    const chunk = Buffer.alloc(16 * 1024, 7);
    const planned = 4096; // 64 MiB in all, far past the limit (and past what socket buffers hold)
    let written = 0;
    let writtenWhenAnswered = -1;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/bundles.import',
          headers: uploadHeaders({ fileName: 'big.fwbundle' }), // chunked: no length declared
        },
        (res) => {
          writtenWhenAnswered = written;
          resolve(collect(res));
        },
      );
      req.on('error', () => undefined); // the server closes the socket on the rest of the body
      const pump = () => {
        while (written < planned && writtenWhenAnswered < 0) {
          written += 1;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (written >= planned) req.end();
      };
      setImmediate(pump);
      setTimeout(() => reject(new Error('no answer')), 20_000).unref();
    });
    expect(writtenWhenAnswered).toBeGreaterThan(0);
    expect(writtenWhenAnswered).toBeLessThan(planned); // answered long before the whole body was sent
    expect(answer.status).toBe(413);
    expect(json(answer)).toMatchObject({ ok: false, error: { message: BUNDLE_TOO_LARGE } });
  });

  it('takes a file only for the commands that take one', async () => {
    const answer = await post('inspections.list', uploadHeaders({}), Buffer.from('not a file'));
    expect(answer.status).toBe(415);
    expect(json(answer)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
