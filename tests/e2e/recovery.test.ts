/**
 * A store with bytes overwritten in its middle: browser mode starts in recovery mode, Chromium
 * shows the recovery screen, and restoring brings back the last backup plus the newer work
 * still readable in the damaged file's op log. Uses its own harness because the shared one
 * opens a healthy store.
 */
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { exportBundleToFile } from '../../main/services/bundles.js';
import { invoke } from '../../main/services/dispatch.js';
import { openRuntime, type RecoveryRuntime, type Runtime } from '../../main/services/runtime.js';
import { startWebServer, type WebServer } from '../../main/web/server.js';
import { CHROMIUM_PATH, SCREENS_DIR } from '../support/browser.js';
import { quietLog, sampleInspection, tempDir } from '../support/runtime.js';
import { damageMiddle, hashFile, saveNote } from '../integration/backups/support.js';

const RENDERER_DIR = resolve('dist/renderer');

interface Damaged {
  readonly dir: string;
  readonly storePath: string;
  readonly inspectionId: string;
  readonly beforeBackup: string[];
  readonly afterBackup: string[];
}

async function damagedDataFolder(): Promise<Damaged> {
  const dir = tempDir('fieldwork-e2e-recovery-');
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
  const beforeBackup = Array.from({ length: 40 }, (_, i) => saveNote(rt.ctx, inspection.id, `Before ${i} ${'b'.repeat(300)}`));
  await invoke(rt.ctx, 'backups.create', {});
  const afterBackup = Array.from({ length: 40 }, (_, i) => saveNote(rt.ctx, inspection.id, `After ${i} ${'a'.repeat(300)}`));
  await invoke(rt.ctx, 'inspections.update', {
    id: inspection.id,
    fields: { ...sampleInspection, localAuthority: 'Westmoor Borough Council' },
  });
  // A bundle waiting in the outbox: the second source of newer work.
  const outbox = join(dir, 'outbox', inspection.id);
  mkdirSync(outbox, { recursive: true });
  await exportBundleToFile(
    rt.ctx,
    { inspectionId: inspection.id, mode: 'full', recipients: { kind: 'team' } },
    join(outbox, 'waiting.fwbundle'),
  );
  rt.close();
  damageMiddle(rt.storePath);
  return { dir, storePath: rt.storePath, inspectionId: inspection.id, beforeBackup, afterBackup };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function launchRecovery(
  dir: string,
): Promise<{ page: Page; runtime: RecoveryRuntime; screenshot(n: string): Promise<void> }> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Build the renderer first');
  const opened: Runtime | RecoveryRuntime = await openRuntime({
    dataDir: dir,
    log: quietLog,
    encryptStore: false,
    recovery: true,
  });
  if (opened.mode !== 'recovery') throw new Error('expected the damaged store to open in recovery mode');
  const runtime = opened;
  const server: WebServer = await startWebServer({ recovery: runtime.recovery, rendererDir: RENDERER_DIR });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  cleanup = async () => {
    await browser.close();
    await server.close();
    runtime.close();
    rmSync(dir, { recursive: true, force: true });
    if (pageErrors.length > 0) throw new Error(`Page errors: ${pageErrors.join('\n')}`);
  };
  await page.goto(server.pageUrl);
  return {
    page,
    runtime,
    async screenshot(name) {
      mkdirSync(SCREENS_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
    },
  };
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

describe('recovery screen in the browser', () => {
  it('a damaged store opens the recovery screen and restores the last backup plus the newer work', async () => {
    const damaged = await damagedDataFolder();
    const damagedHash = hashFile(damaged.storePath);
    const { page, screenshot } = await launchRecovery(damaged.dir);

    await page.getByRole('heading', { name: 'Fieldwork’s data file is damaged' }).waitFor();
    await page.getByText(/saved changes are still readable/).waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot('recovery-damaged');
    // Nothing was written to the damaged file by starting up.
    expect(hashFile(damaged.storePath)).toBe(damagedHash);

    await page.getByRole('button', { name: 'Restore and recover my work' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your data has been recovered' }).waitFor();
    await page.getByText(/Re-applied \d+ newer changes from the damaged file/).waitFor();
    await page.getByText(/Re-imported \d of 1 bundle waiting in the outbox/).waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot('recovery-done');

    await page.getByRole('button', { name: 'Continue to Fieldwork' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Inspections' }).waitFor();
    await page.getByRole('button', { name: 'Westmoor Borough Council' }).waitFor();
    await screenshot('recovery-after');

    // What reached the SQLite file: every note, before and after the backup, is back.
    const db = new Database(damaged.storePath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const notes = new Set((db.prepare('SELECT id FROM evidence_note').all() as { id: string }[]).map((r) => r.id));
      for (const id of [...damaged.beforeBackup, ...damaged.afterBackup]) expect(notes.has(id)).toBe(true);
      const row = db.prepare('SELECT local_authority FROM inspection WHERE id = ?').get(damaged.inspectionId) as {
        local_authority: string;
      };
      expect(row.local_authority).toBe('Westmoor Borough Council');
    } finally {
      db.close();
    }
    // The damaged file is kept, unchanged, in set-aside/.
    const aside = readdirSync(join(damaged.dir, 'set-aside')).filter((n) => n.endsWith('.db'));
    expect(aside.map((n) => hashFile(join(damaged.dir, 'set-aside', n)))).toContain(damagedHash);
  });

  it('opens the damaged store read-only with a banner, then recovers from it', async () => {
    const damaged = await damagedDataFolder();
    const { page, screenshot } = await launchRecovery(damaged.dir);
    await page.getByRole('button', { name: 'Open read-only' }).click();
    await page.getByText('The damaged data file is open read-only: nothing can be saved.').waitFor();
    await page.getByRole('button', { name: 'Westmoor Borough Council' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await screenshot('recovery-read-only');

    await page.getByRole('button', { name: 'Recover my data' }).click();
    await page.getByRole('button', { name: 'Restore and recover my work' }).click();
    await page.getByRole('heading', { name: 'Your data has been recovered' }).waitFor();
    await page.getByRole('button', { name: 'Continue to Fieldwork' }).click();
    await page.getByRole('button', { name: 'Westmoor Borough Council' }).waitFor();
    expect(await page.getByText('open read-only').count()).toBe(0);
  });
});
