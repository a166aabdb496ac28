/**
 * Opening Fieldwork's data folder: the store, this device's identity, and the context every
 * command runs with. Used by the desktop app, browser mode, the CLI and tests alike.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, type Db, type OpenStoreOptions } from '../store/connection.js';
import { recordDevice } from '../store/meta-repo.js';
import { fileKeyVault, loadOrCreateIdentity, type KeyVault } from '../sync/device-identity.js';
import { consoleLogger, type Logger, type ServiceContext } from './context.js';

export const STORE_FILE = 'fieldwork.db';
export const KEY_FILE = 'device-keys.json';

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly vault?: KeyVault;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly store?: OpenStoreOptions;
}

export interface Runtime {
  readonly ctx: ServiceContext;
  readonly storePath: string;
  close(): void;
}

/** `--data DIR`, then FIELDWORK_DATA, then the per-user default. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, fallback?: string): string {
  const flag = argv.indexOf('--data');
  if (flag >= 0 && argv[flag + 1]) return resolve(argv[flag + 1] as string);
  const inline = argv.find((a) => a.startsWith('--data='));
  if (inline) return resolve(inline.slice('--data='.length));
  if (env.FIELDWORK_DATA) return resolve(env.FIELDWORK_DATA);
  return fallback ?? join(homedir(), '.fieldwork');
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? consoleLogger;
  const vault = options.vault ?? fileKeyVault(join(options.dataDir, KEY_FILE), (m) => log.warn(m));
  const device = await loadOrCreateIdentity(vault);
  const storePath = join(options.dataDir, STORE_FILE);
  const db: Db = openStore(storePath, options.store);
  recordDevice(db, device.author, device.ageRecipient, new Date().toISOString());
  const ctx: ServiceContext = {
    db,
    device,
    now: options.now ?? Date.now,
    dataDir: options.dataDir,
    log,
    keyProtection: vault.description,
  };
  return { ctx, storePath, close: () => db.close() };
}
