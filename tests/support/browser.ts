/**
 * E2E harness: the real browser-mode server (in-process, real store in a temp folder) and
 * Debian's Chromium driven by playwright-core. Screenshots go to .test-output/screens/.
 *
 * Each app gets its own server, store and browser context (its own cookies, storage and cache,
 * as a separate browser profile would have); the Chromium process behind the contexts is
 * started on first use and shared. The e2e project runs without per-file isolation, so this
 * module loads once per worker: the afterAll below runs after the first file that loaded it,
 * and the Chromium started after that serves the worker's later files and goes when the
 * worker exits (Playwright's browser ends with its parent process).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { startWebServer, type WebServer } from '../../main/web/server.js';
import { sampleInspection, testRuntime, type TestRuntime } from './runtime.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENS_DIR = resolve('.test-output/screens');
const RENDERER_DIR = resolve('dist/renderer');

export interface BrowserApp {
  readonly runtime: TestRuntime;
  readonly server: WebServer;
  readonly browser: Browser;
  readonly page: Page;
  screenshot(name: string): Promise<void>;
  /** Serious or critical axe violations on the current page (should be empty). */
  axeViolations(): Promise<{ id: string; impact: string | null | undefined; help: string; nodes: string[] }[]>;
  close(): Promise<void>;
}

let shared: Promise<Browser> | undefined;

/**
 * axe-core's minified build: AxeBuilder injects its source before every check, and the default
 * (unminified, 1.27 MB) took about twice as long to inject. Read once per worker.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The shared Chromium, started on first use (and again if it has gone). */
async function sharedBrowser(): Promise<Browser> {
  if (shared) {
    const browser = await shared.catch(() => undefined);
    if (browser?.isConnected()) return browser;
  }
  shared = launchChromium();
  return shared;
}

// Registered when this module is first imported: after that test file's last test.
afterAll(async () => {
  const browser = await shared?.catch(() => undefined);
  shared = undefined;
  await browser?.close();
});

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function launchApp(options: { dir?: string } = {}): Promise<BrowserApp> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Build the renderer first (npm run build)');
  const runtime = await testRuntime(options.dir ? { dir: options.dir } : {});
  const server = await startWebServer({ ctx: runtime.ctx, rendererDir: RENDERER_DIR });
  const browser = await sharedBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'en-GB' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(server.pageUrl);
  return {
    runtime,
    server,
    browser,
    page,
    async screenshot(name) {
      mkdirSync(SCREENS_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
    },
    async axeViolations() {
      // The app has no frames, so axe runs in the page itself (legacy mode) rather than in
      // parts finished in a new blank page, and only violations are collected in full: 66
      // checks took 183 s of the e2e files' time the other way, 95 s this way.
      const results = await new AxeBuilder({ page, axeSource: AXE_SOURCE })
        .setLegacyMode(true)
        .options({ resultTypes: ['violations'] })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      return results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    },
    async close() {
      await context.close();
      await server.close();
      runtime.dispose();
      if (pageErrors.length > 0) throw new Error(`Page errors: ${pageErrors.join('\n')}`);
    },
  };
}

export const chromiumAvailable = existsSync(CHROMIUM_PATH);

/** The lead's inspection with one inspector (Ben Okafor, the other app's laptop) on its team. */
export async function leadWithInspector(lead: BrowserApp, inspector: BrowserApp): Promise<{ id: string }> {
  const inspection = await lead.runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
    leadName: 'Asha Patel',
  });
  await lead.runtime.call('team.add', {
    inspectionId: inspection.id,
    fields: {
      name: 'Ben Okafor',
      inspectorate: 'cqc',
      role: 'inspector',
      specialism: 'health',
      signingKey: inspector.runtime.ctx.device.author,
      boxKey: inspector.runtime.ctx.device.ageRecipient,
    },
  });
  return inspection;
}
