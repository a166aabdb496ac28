/**
 * One screen that fails to render never blanks the app: a bad answer for the notes list (a
 * note with no fields, as a broken core might send) makes the notes screen throw; the window
 * shows a message with a way back, logs the error, and the rest of the app keeps working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('a screen that fails to render', () => {
  it('shows a message with a way back, logs the error, and leaves the rest of the app working', async () => {
    app = await launchApp();
    const { page } = app;
    await app.runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    const logged: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') logged.push(message.text());
    });
    await page.route('**/api/evidence.list', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ok: true, value: { notes: [{ id: 'broken' }], next: null, total: 1 } }),
      }),
    );
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Evidence notes' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'This screen could not be shown' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Evidence notes');
    expect(logged.some((text) => text.includes('screen failed to show'))).toBe(true);
    // The navigation still works: another screen renders normally.
    await page.getByRole('navigation', { name: 'Inspection' }).getByRole('button', { name: 'Findings' }).click();
    await page.getByRole('heading', { level: 1, name: /Findings/ }).waitFor();
    expect(await page.getByText('This screen could not be shown').count()).toBe(0);
    // And the way back leaves the inspection for the list.
    await page.getByRole('button', { name: 'Evidence notes' }).click();
    await alert.waitFor();
    await app.screenshot('screen-boundary');
    expect(await app.axeViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Back to all inspections' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Northshire County Council' }).waitFor();
  }, 120_000);
});
