/**
 * A sync location as the user typed it: checked (a full folder path; a safe web address) and
 * tried ("test connection": reachable, signed in, and a small file can be written and
 * removed), with the answer in plain words.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { classifyFailure, SyncFailure, type SyncFailureKind } from './sync-errors.js';
import { openSyncTarget, type TargetSettings } from './sync-open-target.js';
import { parseWebdavUrl } from './targets/webdav-target.js';

export function checkTargetSettings(settings: TargetSettings): TargetSettings {
  if (settings.kind === 'folder') {
    if (!isAbsolute(settings.location)) {
      const message = 'Enter the full path of the shared folder, for example /mnt/team-share or S:\\Inspections.';
      throw new AppError('invalid_input', message, { issues: [{ path: ['location'], message }] });
    }
    return { ...settings, auth: 'none', username: null };
  }
  try {
    return { ...settings, location: parseWebdavUrl(settings.location).href };
  } catch (error) {
    const message = error instanceof SyncFailure ? error.message : 'That web address is not valid.';
    throw new AppError('invalid_input', message, { issues: [{ path: ['location'], message }] });
  }
}

export async function testTargetConnection(
  settings: TargetSettings,
  secret: string | null,
  scratchDir: string,
): Promise<{ ok: boolean; kind: SyncFailureKind | null; message: string }> {
  const probeFile = join(scratchDir, `.sync-probe-${randomBytes(4).toString('hex')}`);
  try {
    const target = openSyncTarget(settings, secret, { idleTimeoutMs: 15_000 });
    await target.probe();
    // Reading is not enough: prove a bundle could be written, then tidy up.
    const name = `.fieldwork-test-${randomBytes(6).toString('hex')}`;
    await writeFile(probeFile, 'Fieldwork connection test\n');
    await target.upload([name], probeFile, 26);
    await target.remove([name]);
    const where = settings.kind === 'folder' ? 'the folder' : 'the server';
    return { ok: true, kind: null, message: `Connected. Fieldwork can read and write in ${where} ${settings.location}.` };
  } catch (error) {
    const failure = classifyFailure(error, settings.location);
    return { ok: false, kind: failure.kind, message: failure.message };
  } finally {
    await rm(probeFile, { force: true });
  }
}
