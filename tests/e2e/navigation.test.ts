/**
 * The place you keep, in Chromium: the screen and inspection live in the URL (reload, Back
 * and Forward keep them), the focus goes to each new screen's heading, open escalations show
 * on the inspections list; notices close by themselves (errors stay) and never cover controls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** How long an information notice stays (INFO_NOTICE_MS in renderer/components/Notices.tsx). */
const INFO_NOTICE_MS = 6000;

const focusedHeading = (a: BrowserApp) =>
  a.page.evaluate(() => (document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : null));

describe('navigation in the browser', () => {
  it('reload, Back and Forward keep the place; focus goes to the heading; escalations show on the list', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    const added = await runtime.call('cases.add', {
      inspectionId: inspection.id,
      caseRef: 'NS-0142',
      reason: 'Escalated by the area',
    });
    await runtime.call('escalations.raise', {
      inspectionId: inspection.id,
      caseId: added.id,
      concern: 'Child left alone overnight.',
    });
    await page.reload();
    await page.getByRole('row', { name: /Northshire County Council .* 1 open escalation/ }).waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('inspections-list-escalations');

    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('heading', { name: 'Set-up and team', level: 1 }).waitFor();
    await expect.poll(() => focusedHeading(app as BrowserApp)).toBe('Set-up and team');
    expect(new URL(page.url()).hash).toBe(`#/i/${inspection.id}/setup`);

    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    await expect.poll(() => focusedHeading(app as BrowserApp)).toBe('Cases');
    await page.reload();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await expect.poll(() => focusedHeading(app as BrowserApp)).toBe('Cases');

    // Open the case, reload: still the case.
    await page.locator('.case-cell-ref').getByRole('button', { name: 'NS-0142' }).click();
    await page.getByRole('heading', { name: /NS-0142/, level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/i/${inspection.id}/case/${added.id}`);
    await page.reload();
    await page.getByRole('heading', { name: /NS-0142/, level: 1 }).waitFor();

    await page.goBack();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Set-up and team', level: 1 }).waitFor();
    await expect.poll(() => focusedHeading(app as BrowserApp)).toBe('Set-up and team');
    await page.goForward();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'All inspections' }).click();
    await page.getByRole('heading', { name: 'Inspections', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
  });

  it('notices close by themselves, errors stay until dismissed, and neither covers a control', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    await runtime.call('cases.add', { inspectionId: inspection.id, caseRef: 'NS-0142', reason: 'Escalated by the area' });
    // The page's clock is Playwright's, so the notices' seconds pass when the test says (the
    // clock is installed before the page's scripts run, hence the reload).
    await page.clock.install();
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Save details' }).click();
    const region = page.getByRole('status').filter({ has: page.locator('.notice') });
    const saved = page.locator('.notice').filter({ hasText: 'Inspection details saved.' });
    await saved.waitFor();
    expect(await region.getAttribute('aria-live')).toBe('polite');
    await page.clock.fastForward(INFO_NOTICE_MS - 500);
    expect(await saved.count()).toBe(1);
    await page.clock.fastForward(1000);
    await saved.waitFor({ state: 'detached' });

    // A failure: the error stays, in the flow, over no control.
    await page.getByRole('button', { name: 'Cases', exact: true }).click();
    await page.route('**/api/cases.autoAllocate', (route) => route.abort());
    await page.getByRole('button', { name: /Allocate .* evenly/ }).click();
    const error = page.locator('.notice-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('not answering');
    const box = await error.boundingBox();
    const buttons = await page.locator('#main button, .app-nav button').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    const overlaps = buttons.filter(
      (b) =>
        box &&
        b.width > 0 &&
        b.x < box.x + box.width &&
        b.x + b.width > box.x &&
        b.y < box.y + box.height &&
        b.y + b.height > box.y,
    );
    expect(overlaps).toEqual([]);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('notice-error');
    await page.clock.fastForward(INFO_NOTICE_MS * 10);
    expect(await error.count()).toBe(1);
    await error.getByRole('button', { name: 'Dismiss message' }).click();
    expect(await page.locator('.notice').count()).toBe(0);
  });
});
