/**
 * The composer seals its note when it closes: typing in several bursts autosaves an open draft
 * each pause (durable, shown in the notes list at once), and closing the composer turns the
 * whole session into ONE signed changeset with one op per field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { sampleInspection } from '../support/runtime.js';

let app: BrowserApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function readStore(a: BrowserApp): Database.Database {
  const db = new Database(a.runtime.storePath, { readonly: true });
  const key = (a.runtime.ctx.device as { storeKey?: unknown }).storeKey;
  const plain = readFileSync(a.runtime.storePath).subarray(0, 15).toString('latin1') === 'SQLite format 3';
  if (typeof key === 'string' && /^[0-9a-f]{64}$/.test(key) && !plain) db.pragma(`hexkey='${key}'`);
  return db;
}

interface Seen {
  readonly text: string | null;
  readonly drafts: number;
  readonly textOps: number;
  readonly changesets: number;
}

function seen(a: BrowserApp): Seen {
  const db = readStore(a);
  try {
    const text = (db.prepare('SELECT text FROM evidence_note').pluck().get() as string | undefined) ?? null;
    const drafts = db.prepare("SELECT count(*) FROM draft_edit WHERE tbl = 'evidence_note'").pluck().get() as number;
    const textOps = db.prepare("SELECT count(*) FROM op WHERE tbl = 'evidence_note' AND field = 'text'").pluck().get() as number;
    const changesets = db
      .prepare("SELECT count(DISTINCT changeset_id) FROM op WHERE tbl = 'evidence_note'")
      .pluck()
      .get() as number;
    return { text, drafts, textOps, changesets };
  } finally {
    db.close();
  }
}

describe('closing the composer seals its note', () => {
  it('several autosaves then Escape: one changeset, one text op, no open draft', async () => {
    app = await launchApp();
    const { page } = app;
    await app.runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: ['ofsted'] },
      leadName: 'Asha Patel',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('button', { name: 'Evidence notes' }).click();
    await page.keyboard.press('Control+Shift+N');
    const composer = page.getByRole('dialog', { name: 'New evidence note' });
    await composer.waitFor();
    const bursts = ['Seen at home;', ' the mother said', ' the boyfriend has moved back in'];
    let typed = '';
    for (const burst of bursts) {
      await page.keyboard.type(burst);
      typed += burst;
      // Each pause is an autosave: the text is in the store, as an open draft.
      await expect.poll(() => seen(app as BrowserApp).text).toBe(typed);
    }
    expect(seen(app)).toMatchObject({ drafts: expect.any(Number), textOps: 0, changesets: 0 });
    expect(seen(app).drafts).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await composer.waitFor({ state: 'detached' });
    await expect.poll(() => seen(app as BrowserApp).drafts).toBe(0);
    expect(seen(app)).toEqual({ text: typed, drafts: 0, textOps: 1, changesets: 1 });
  }, 60_000);
});
