// The app:// handler against real files: serves the renderer with the CSP, never anything
// outside its folder, and nothing but GET.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../shared/security.js';

vi.mock('electron', () => import('./fake-electron.js'));

const { createAppProtocolHandler, isAppUrl } = await import('../../../main/app/app-protocol.js');
const { resolveInside } = await import('../../../main/services/static-files.js');

const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER';
let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'fieldwork-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Fieldwork</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(base, 'renderer-evil.txt'), SECRET); // a sibling whose name starts like the root
  handler = createAppProtocolHandler(root);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the renderer with the content security policy and a matching type', async () => {
    const page = await handler(new Request('app://fieldwork/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Fieldwork</title>');
    const script = await handler(new Request('app://fieldwork/assets/app.js'));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves index.html for the bare origin', async () => {
    const page = await handler(new Request('app://fieldwork/'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fieldwork');
  });

  it.each([
    'app://fieldwork/..%2fsecret.txt',
    'app://fieldwork/..%2F..%2Fsecret.txt',
    'app://fieldwork/assets/..%2f..%2fsecret.txt',
    'app://fieldwork/%5c..%5csecret.txt',
    'app://fieldwork/..%5csecret.txt',
    'app://fieldwork/%2e%2e/secret.txt',
    'app://fieldwork/../renderer-evil.txt',
    'app://fieldwork/..%2frenderer-evil.txt',
    'app://fieldwork/%00index.html',
    'app://fieldwork/%E0%A4%A',
  ])('refuses path traversal and bad paths: %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain(SECRET);
    // Even refusals carry the CSP.
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses every method but GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
      const response = await handler(new Request('app://fieldwork/index.html', { method }));
      expect(response.status, method).toBe(405);
    }
  });

  it('refuses other hosts on the scheme', async () => {
    const response = await handler(new Request('app://elsewhere/index.html'));
    expect(response.status).toBe(404);
  });

  it('answers 404 for a missing file and for a folder', async () => {
    expect((await handler(new Request('app://fieldwork/nope.js'))).status).toBe(404);
    expect((await handler(new Request('app://fieldwork/assets'))).status).toBe(404);
  });

  it('keeps resolved paths inside the root', () => {
    expect(resolveInside(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveInside(root, '/../secret.txt')).toBeNull();
    expect(resolveInside(root, '/%2e%2e/secret.txt')).toBeNull();
    expect(resolveInside(root, `/${base}/secret.txt`)).toBe(join(root, base, 'secret.txt'));
  });

  it('recognises only the app origin as the app', () => {
    expect(isAppUrl('app://fieldwork/index.html')).toBe(true);
    expect(isAppUrl('app://fieldwork.evil.example/index.html')).toBe(false);
    expect(isAppUrl('https://fieldwork/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
