/**
 * The accessibility check every screen's test relies on finds what it should. The harness runs
 * axe in the page itself with only violations collected (tests/support/browser.ts); a change
 * there that quietly checked nothing would pass every screen. So: the first screen passes, and
 * the same screen with a nameless button, an image without a text alternative and grey-on-white
 * text fails, each by its own rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the accessibility check', () => {
  it('passes the first screen and reports serious faults added to it, each by its rule', async () => {
    app = await launchApp();
    const { page } = app;
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await app.axeViolations()).toEqual([]);

    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      const button = document.createElement('button');
      button.id = 'axe-probe-button';
      main.append(button);
      const image = document.createElement('img');
      image.id = 'axe-probe-image';
      image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      main.append(image);
      const faint = document.createElement('p');
      faint.id = 'axe-probe-text';
      faint.textContent = 'Faint text that nobody can read.';
      faint.style.cssText = 'color: #eeeeee; background: #ffffff; font-size: 14px';
      main.append(faint);
    });
    const found = await app.axeViolations();
    const byRule = Object.fromEntries(found.map((v) => [v.id, v.nodes]));
    expect(byRule['button-name']).toEqual(['#axe-probe-button']);
    expect(byRule['image-alt']).toEqual(['#axe-probe-image']);
    expect(byRule['color-contrast']).toEqual(['#axe-probe-text']);
  });
});
