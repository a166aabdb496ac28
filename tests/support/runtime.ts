/** Test factory: a real data folder in a temp dir with a real store and device keys. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { LOCK_FILE } from '../../main/services/data-lock.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE, openRuntime, type Runtime } from '../../main/services/runtime.js';
import { fileKeyVault } from '../../main/sync/device-identity.js';
import type { Logger } from '../../main/services/context.js';
import { invoke } from '../../main/services/dispatch.js';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/api/index.js';

export const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function tempDir(prefix = 'fieldwork-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestRuntime extends Runtime {
  readonly dir: string;
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  dispose(): void;
}

/**
 * Most tests read the SQLite file directly to check what reached it, so their stores are left
 * unencrypted; `encrypted: true` gives the app's real default (tests/integration/store/encryption.test.ts).
 */
export async function testRuntime(options: { dir?: string; now?: () => number; encrypted?: boolean } = {}): Promise<TestRuntime> {
  const dir = options.dir ?? tempDir();
  const runtime = await openRuntime({
    dataDir: dir,
    log: quietLog,
    encryptStore: options.encrypted === true,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    ...runtime,
    dir,
    call: (name, input) => invoke(runtime.ctx, name, input),
    dispose() {
      runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sampleInspection = {
  type: 'jtai_thematic',
  localAuthority: 'Northshire County Council',
  theme: 'Children living with domestic abuse',
  fieldworkStart: '2026-11-02',
  fieldworkEnd: '2026-11-13',
  inspectorates: ['ofsted', 'cqc', 'hmicfrs'],
} as const;

/** The store key a data folder's device key file holds (for tests that open an encrypted store directly). */
export function storeKeyIn(dataDir: string): string | undefined {
  return fileKeyVault(join(dataDir, KEY_FILE), () => undefined).load()?.storeKey;
}

/**
 * Tests that keep a store open in this process while a real CLI process works on the same data
 * folder (which the app itself never allows: see main/services/data-lock.ts) step aside from
 * the folder's lock for the length of that one call, and take it back afterwards.
 */
export function stepAsideFromLock<T>(dataDirs: readonly string[], run: () => T): T {
  const held = dataDirs.flatMap((dir) => {
    const path = join(dir, LOCK_FILE);
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    rmSync(path, { force: true });
    return [{ path, text }];
  });
  try {
    return run();
  } finally {
    for (const { path, text } of held) writeFileSync(path, text, { mode: 0o600 });
  }
}
