/**
 * Bundle files through browser mode as bytes, never base64 (shared/api/bytes.ts): the page
 * uploads the file as the raw body of its preview (octet-stream, exactly the file's length),
 * imports with the preview's token (a small JSON request: the file is not sent or checked
 * again), and downloads an export as the raw body of the answer.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { exportBundleToFile } from '../../main/sync/export-bundle.js';
import { fingerprint } from '../../main/sync/device-identity.js';
import { launchApp, leadWithInspector, type BrowserApp } from '../support/browser.js';
import { edit } from '../support/exchange.js';
import { tempDir } from '../support/runtime.js';

let apps: BrowserApp[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

interface Sent {
  readonly command: string;
  readonly contentType: string;
  readonly length: number;
  readonly text: string | null;
}

/** Every command the page sends, as it went on the wire. */
function recordCommands(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/') || request.method() !== 'POST') return;
    const body = request.postDataBuffer() ?? Buffer.alloc(0);
    const contentType = request.headers()['content-type'] ?? '';
    sent.push({
      command: decodeURIComponent(url.pathname.slice('/api/'.length)),
      contentType,
      length: body.length,
      text: contentType.startsWith('application/json') ? body.toString('utf8') : null,
    });
  });
  return sent;
}

describe('bundle bytes in browser mode', () => {
  it('uploads the file as its own bytes, imports with the preview’s token, and downloads an export as bytes', async () => {
    const lead = await launchApp();
    const inspector = await launchApp();
    apps.push(lead, inspector);
    const folder = tempDir('fieldwork-bundle-bytes-');
    const inspection = await leadWithInspector(lead, inspector);
    const setup = join(folder, 'setup.fwbundle');
    await exportBundleToFile(
      lead.runtime.ctx,
      { inspectionId: inspection.id, mode: 'full', recipients: { kind: 'team' } },
      setup,
    );
    await inspector.runtime.call('bundles.import', {
      fileName: 'setup.fwbundle',
      bytes: readFileSync(setup),
      trustLead: fingerprint(lead.runtime.ctx.device.author),
    });
    const noteId = '01932f4e-7b00-7000-8000-000000000201';
    edit(inspector.runtime, inspection.id, [
      { table: 'evidence_note', row: noteId, field: 'text', value: 'The child’s plan was reviewed on time.' },
    ]);
    const reply = join(folder, 'reply.fwbundle');
    await exportBundleToFile(
      inspector.runtime.ctx,
      { inspectionId: inspection.id, mode: 'delta', recipients: { kind: 'team' } },
      reply,
    );

    const sent = recordCommands(lead.page);
    await lead.page.reload();
    await lead.page.getByRole('button', { name: 'Northshire County Council' }).click();
    await lead.page.getByRole('button', { name: 'Bundles and sync', exact: true }).click();
    await lead.page.getByLabel('Bundle files').setInputFiles([reply]);
    const list = lead.page.getByRole('list', { name: 'Files being imported' });
    await list.getByText(/^Imported: 1 new change, 1 field updated, 0 new conflicts, 0 deletions\.$/).waitFor();
    await lead.screenshot('bundle-bytes-imported');

    const previews = sent.filter((s) => s.command === 'bundles.preview');
    expect(previews).toEqual([
      { command: 'bundles.preview', contentType: 'application/octet-stream', length: statSync(reply).size, text: null },
    ]);
    const imports = sent.filter((s) => s.command === 'bundles.import');
    expect(imports).toHaveLength(1);
    expect(imports[0]?.contentType).toMatch(/^application\/json/);
    const importInput = JSON.parse(imports[0]?.text ?? '{}') as Record<string, unknown>;
    expect(importInput).toEqual({ fileName: 'reply.fwbundle', inspectionId: inspection.id, previewToken: expect.any(String) });
    expect(imports[0]?.length).toBeLessThan(200);

    // An export comes back as the file's own bytes.
    const answers: { contentType: string; length: number }[] = [];
    lead.page.on('response', (response) => {
      if (response.url().endsWith('/api/bundles.export'))
        answers.push({
          contentType: response.headers()['content-type'] ?? '',
          length: Number(response.headers()['content-length']),
        });
    });
    await lead.page.getByRole('button', { name: 'Export bundle' }).click();
    const link = lead.page.getByRole('link', { name: /^Save .*\.fwbundle$/ });
    await link.waitFor();
    const [download] = await Promise.all([lead.page.waitForEvent('download'), link.click()]);
    const saved = join(folder, download.suggestedFilename());
    await download.saveAs(saved);
    expect(answers).toEqual([{ contentType: 'application/octet-stream', length: statSync(saved).size }]);
    // The file saved is the bundle itself: it opens as one.
    const opened = await inspector.runtime.call('bundles.preview', { fileName: 'saved.fwbundle', bytes: readFileSync(saved) });
    expect(opened.inspection.id).toBe(inspection.id);
  });
});
