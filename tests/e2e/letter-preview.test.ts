/**
 * The preview on screen matches the document (issue 17): every block of the preview the lead
 * reads in the browser, in its order, is in the .docx downloaded from the same screen, as
 * LibreOffice renders it; the internal evidence appendix is its own, marked download; and the
 * addressees are set up with the inspection (the set-up screen) and appear in the letter.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchApp, type BrowserApp } from '../support/browser.js';
import { renderDocx } from '../support/letter-render.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe.skipIf(!chromiumAvailable)('the letter preview and the document', () => {
  it('every part of the preview is in the downloaded .docx, in the same order', async () => {
    app = await launchApp();
    const { page, runtime: rt } = app;
    const inspection = await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted', 'cqc', 'hmicfrs'] },
      leadName: 'Asha Patel',
    });
    const inspectionId = inspection.id;
    for (const [kind, statement, agencies] of [
      ['strength', 'Strategy discussions are timely.', ['police']],
      ['improvement', 'Plans lack measurable actions.', ['social_care', 'health']],
      ['priority_action', 'Every child must be seen by a health visitor.', ['health']],
    ] as const) {
      const f = await rt.call('findings.create', {
        inspectionId,
        fields: { kind, statement, agencies: [...agencies], theme: null },
      });
      await rt.call('findings.setStatus', { id: f.id, status: 'proposed', reason: 'Ready' });
      await rt.call('findings.setStatus', { id: f.id, status: 'agreed', reason: 'Agreed' });
    }
    await rt.call('outputs.setSummary', { inspectionId, summary: 'Leaders know their services well.' });
    await rt.call('outputs.setLetterDetails', {
      inspectionId,
      addressees: [{ role: 'dcs', name: 'Jo Bloggs' }],
      actionDeadline: '2027-03-19',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Letter and exports' }).click();
    const preview = page.getByRole('article', { name: 'Letter as it will be written' });
    await preview.getByText('Next steps').waitFor();
    // Each block the reader sees: a line of the address, a heading, a paragraph, a bullet.
    const blocks = await preview.evaluate((article) =>
      [...article.querySelectorAll('address > div, h3, h4, h5, p, li')]
        .filter((el) => !el.querySelector('li'))
        .flatMap((el) =>
          el.tagName === 'P' && el.querySelector('br') ? (el as HTMLElement).innerText.split('\n') : [el.textContent ?? ''],
        )
        .map((t) => t.replace(/\s+/g, ' ').trim())
        .filter((t) => t !== ''),
    );
    expect(blocks.length).toBeGreaterThan(15);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Draft letter (.docx)' }).click(),
    ]);
    const rendered = renderDocx(readFileSync(await download.path()), 'preview-match', resolve('.test-output/letter'));
    const text = flat(rendered.text);
    let at = 0;
    for (const block of blocks) {
      const found = text.indexOf(block, at);
      expect(found, `"${block}" is on screen but not in the document after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found + block.length;
    }
    expect(text).not.toContain('INTERNAL');

    const [appendix] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Evidence appendix, internal (.docx)' }).click(),
    ]);
    expect(appendix.suggestedFilename()).toMatch(/evidence-appendix-INTERNAL\.docx$/);
  }, 240_000);

  it('the lead sets the addressees up with the inspection, on the set-up screen, and the letter is addressed to them', async () => {
    app = await launchApp();
    const { page, runtime: rt } = app;
    await rt.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted', 'cqc', 'hmicfrs'] },
      leadName: 'Asha Patel',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('heading', { name: 'Set-up and team', level: 1 }).waitFor();
    const panel = page.getByRole('region', { name: 'Who the letter is addressed to' });
    await panel.getByLabel('Addressed to: Director of children’s services').fill('Jo Bloggs');
    await panel.getByLabel('Addressed to: Police leader (chief constable)').fill('Ray Ali');
    await panel.getByRole('button', { name: 'Save letter details' }).click();
    await page.getByText('Letter details saved.').waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('setup-letter-recipients');

    await page.getByRole('button', { name: 'Letter and exports' }).click();
    const preview = page.getByRole('article', { name: 'Letter as it will be written' });
    await preview.getByText('Jo Bloggs, Director of children’s services, Northshire County Council').waitFor();
    await preview.getByText(/^Ray Ali, Police leader/).waitFor();
    expect(await page.getByLabel('Addressed to: Director of children’s services').inputValue()).toBe('Jo Bloggs');
  }, 180_000);
});
