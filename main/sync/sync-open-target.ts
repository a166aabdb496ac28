/** Turns a saved sync target (and its secret from the vault) into a live folder or WebDAV target. */
import { assertNever } from '../../shared/errors.js';
import type { SyncAuth, SyncTargetKind } from '../store/sync-repo.js';
import { SyncFailure } from './sync-errors.js';
import type { SyncTarget } from './sync-target.js';
import { folderTarget } from './targets/folder-target.js';
import { webdavTarget, type WebdavAuth } from './targets/webdav-target.js';

export interface TargetSettings {
  readonly kind: SyncTargetKind;
  readonly location: string;
  readonly username: string | null;
  readonly auth: SyncAuth;
}

export interface TargetTuning {
  readonly idleTimeoutMs?: number;
}

export function openSyncTarget(settings: TargetSettings, secret: string | null, tuning: TargetTuning = {}): SyncTarget {
  switch (settings.kind) {
    case 'folder':
      return folderTarget(settings.location);
    case 'webdav':
      return webdavTarget({ url: settings.location, auth: webdavAuth(settings, secret), ...tuning });
    default:
      return assertNever(settings.kind);
  }
}

function webdavAuth(settings: TargetSettings, secret: string | null): WebdavAuth {
  if (settings.auth === 'none') return { kind: 'none' };
  if (secret === null || secret === '') {
    throw new SyncFailure('auth', 'No password or token is saved for this sync location. Enter it in the sync settings.');
  }
  if (settings.auth === 'token') return { kind: 'token', token: secret };
  if (!settings.username) throw new SyncFailure('auth', 'Enter the user name for this sync location in the sync settings.');
  return { kind: 'password', username: settings.username, password: secret };
}
