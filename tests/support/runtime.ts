/** Test factory: a real data folder in a temp dir with a real store and device keys. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime } from '../../main/services/runtime.js';
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

export async function testRuntime(options: { dir?: string; now?: () => number } = {}): Promise<TestRuntime> {
  const dir = options.dir ?? tempDir();
  const runtime = await openRuntime({ dataDir: dir, log: quietLog, ...(options.now ? { now: options.now } : {}) });
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
