/**
 * The team as a lead and an inspector meet it, in Chromium: keys added to an existing member
 * with plain-word checks, Remove that asks and says what happens to the cases, an inspector's
 * own keys on the join screen with copy buttons, and controls an inspector may not use.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterEach, describe, expect, it } from 'vitest';
import { launchApp, type BrowserApp } from '../support/browser.js';
import { setUpTeam } from '../support/exchange.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../support/runtime.js';

let app: BrowserApp | undefined;
let lead: TestRuntime | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  lead?.dispose();
  lead = undefined;
});

function memberRow(a: BrowserApp, name: string) {
  const db = new Database(a.runtime.storePath, { readonly: true });
  try {
    return db.prepare('SELECT name, signing_key, box_key, deleted FROM team_member WHERE name = ?').get(name) as
      { name: string; signing_key: string | null; box_key: string | null; deleted: number } | undefined;
  } finally {
    db.close();
  }
}

describe('the team in the browser', () => {
  it('the lead adds keys to a member, is told plainly what is wrong, and Remove asks first', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    const inspection = await runtime.call('inspections.create', {
      fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      leadName: 'Asha Patel',
    });
    const ben = await runtime.call('team.add', {
      inspectionId: inspection.id,
      fields: { name: 'Ben Okafor', inspectorate: 'cqc', role: 'inspector', specialism: 'health' },
    });
    const added = await runtime.call('cases.add', {
      inspectionId: inspection.id,
      caseRef: 'NS-0142',
      reason: 'Escalated by the area',
    });
    await runtime.call('cases.allocate', { id: added.id, memberId: ben.id });
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('heading', { name: 'Set-up and team', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'No keys yet' }).waitFor();

    // Edit: the form opens with the focus on its heading.
    await page.getByRole('button', { name: 'Edit Ben Okafor' }).click();
    const heading = page.getByRole('heading', { name: 'Edit Ben Okafor' });
    await heading.waitFor();
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    const recipient = await identityToRecipient(await generateIdentity());
    const signing = randomBytes(32).toString('base64url');
    const form = page.locator('.member-edit');
    // A key cut short: the message says how long it is and what to do, not a pattern.
    await form.getByLabel('Device signing key').fill(signing);
    await form.getByLabel('Device encryption key').fill(recipient.slice(0, 40));
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('This encryption key is 40 characters long; an encryption key is 62.').waitFor();
    expect(memberRow(app, 'Ben Okafor')?.box_key).toBeNull();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('team-edit-error');
    // The whole key: no false "starts with age1" message, and the keys are stored.
    await form.getByLabel('Device encryption key').fill(recipient);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => memberRow(app as BrowserApp, 'Ben Okafor')?.box_key).toBe(recipient);
    expect(memberRow(app, 'Ben Okafor')?.signing_key).toBe(signing);
    expect(await page.getByText(/starts with age1/).count()).toBe(0);
    await page.getByRole('cell', { name: `${signing.slice(0, 10)}…` }).waitFor();
    // The lead sees who last changed the row (the lead, just now), from the store's roster changes.
    await page.getByRole('columnheader', { name: 'Last changed by' }).waitFor();
    const benRow = page.getByRole('row').filter({ hasText: 'Ben Okafor' });
    await expect.poll(() => benRow.textContent()).toContain('Asha Patel, ');
    await expect
      .poll(() => page.getByRole('button', { name: 'Edit Ben Okafor' }).evaluate((el) => el === document.activeElement))
      .toBe(true);

    // Remove asks, and says what happens to Ben's case; Keep changes nothing.
    await page.getByRole('button', { name: 'Remove Ben Okafor' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove Ben Okafor from the team?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('The case allocated to them will show as unallocated');
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('team-remove-confirm');
    await confirm.getByRole('button', { name: 'Keep Ben Okafor' }).click();
    expect(memberRow(app, 'Ben Okafor')?.deleted).toBe(0);
    await page.getByRole('button', { name: 'Remove Ben Okafor' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove Ben Okafor' }).click();
    await expect.poll(() => memberRow(app as BrowserApp, 'Ben Okafor')?.deleted).toBe(1);

    // An empty date says so in plain words.
    await page.getByLabel('Fieldwork starts').fill('');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Enter a date (day, month and year).').waitFor();
    expect(await page.getByText('Invalid ISO date').count()).toBe(0);
  });

  it('a new inspector sees their own keys with copy buttons and the fingerprint before joining', async () => {
    app = await launchApp();
    const { page, runtime } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const panel = page.getByRole('region', { name: 'Your keys, for the lead' });
    await panel.waitFor();
    const device = await runtime.call('device.info', {});
    await panel.getByText(device.ageRecipient).waitFor();
    await panel.getByText(device.fingerprint).waitFor();
    await panel.getByRole('button', { name: 'Copy encryption key' }).click();
    await panel.getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(device.ageRecipient);
    await panel.getByRole('button', { name: 'Copy signing key' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(device.author);
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('join-own-keys');
  });

  it('an inspector is not offered the lead’s controls, and is told why', async () => {
    app = await launchApp();
    lead = await testRuntime();
    const { page } = app;
    await setUpTeam(lead, app.runtime);
    await page.reload();
    await page.getByRole('button', { name: 'Northshire County Council' }).click();
    await page.getByRole('heading', { name: 'Set-up and team', level: 1 }).waitFor();
    await page.getByText('Only the lead inspector can add, edit or remove team members').waitFor();
    expect(await page.getByRole('button', { name: /^(Edit|Remove) / }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Add a team member' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Findings', exact: true }).click();
    await page.getByRole('button', { name: /Strategy meetings are timely/ }).click();
    await page.getByRole('button', { name: 'Propose' }).waitFor();
    expect(await page.getByRole('button', { name: 'Withdraw' }).count()).toBe(0);
    await page.getByText('Only the lead inspector can agree, reopen or withdraw a finding.').waitFor();
    expect(await app.axeViolations()).toEqual([]);
    await app.screenshot('findings-as-inspector');
  });
});
