/**
 * The one entry point every transport uses: validate the input against the command's schema,
 * run the handler, validate the output against the command's output schema (shared/api), and
 * turn any failure into a typed error payload. The handler's value is what is sent: output
 * validation checks it, it does not reshape it (no stripping of keys, no filling of defaults).
 */
import { cliCommands, type CliCommandInput, type CliCommandName, type CliCommandOutput } from '../../shared/api/cli.js';
import { commands, isCommandName, type CommandName, type CommandOutput, type CommandSpec } from '../../shared/api/index.js';
import { AppError, toErrorPayload, type Result } from '../../shared/errors.js';
import { cliHandlers } from './cli-commands.js';
import type { CallContext, ServiceContext } from './context.js';
import { sealBeforeWrite } from './drafts.js';
import { handlers } from './index.js';
import { queueWrite } from './write-queue.js';

export interface DispatchOptions {
  readonly requestId?: string;
  readonly onProgress?: (done: number, total: number, stage: string) => void;
}

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Runs a command and throws AppError on failure (for the CLI and tests). */
export async function invoke<K extends CommandName>(
  ctx: ServiceContext,
  name: K,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<CommandOutput<K>> {
  return run(ctx, name, commands[name], handlers[name] as unknown as RawHandler, rawInput, options) as Promise<CommandOutput<K>>;
}

/**
 * Runs one of the CLI's own commands (shared/api/cli.ts, files named on this computer) with
 * the same input check, write queue and output check; throws AppError on failure.
 */
export async function invokeCli<K extends CliCommandName>(
  ctx: ServiceContext,
  name: K,
  rawInput: CliCommandInput<K>,
  options: DispatchOptions = {},
): Promise<CliCommandOutput<K>> {
  return run(ctx, name, cliCommands[name], cliHandlers[name] as unknown as RawHandler, rawInput, options) as Promise<
    CliCommandOutput<K>
  >;
}

type RawHandler = (ctx: CallContext, input: unknown) => unknown;

async function run(
  ctx: ServiceContext,
  name: string,
  spec: CommandSpec,
  handler: RawHandler,
  rawInput: unknown,
  options: DispatchOptions,
): Promise<unknown> {
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    throw new AppError('invalid_input', describeIssues(parsed.error), {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  const call: CallContext = { ...ctx, progress: options.onProgress ?? (() => undefined) };
  // Every write waits its turn in the store's one queue; reads run at once (WAL snapshot).
  const value = spec.writes
    ? await queueWrite(ctx.dataDir, async () => {
        // Open note drafts are sealed before any other write (main/services/drafts.ts).
        sealBeforeWrite(ctx, name, parsed.data);
        return handler(call, parsed.data);
      })
    : await handler(call, parsed.data);
  return checkAgainst(spec, name, value);
}

/**
 * Throws `internal` when a handler's value does not match its command's output schema (a
 * defect in Fieldwork, never in the caller's input); returns the value itself otherwise.
 */
export function checkOutput<K extends CommandName>(name: K, value: unknown): CommandOutput<K> {
  return checkAgainst(commands[name], name, value) as CommandOutput<K>;
}

function checkAgainst(spec: CommandSpec, name: string, value: unknown): unknown {
  const checked = spec.output.safeParse(value);
  if (!checked.success) {
    throw new AppError('internal', `The command ${name} gave an answer Fieldwork did not expect.`, {
      issues: checked.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  return value;
}

/** Runs a command by untrusted name and input; never throws. Unknown failures are logged. */
export async function dispatch(
  ctx: ServiceContext,
  name: string,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isCommandName(name)) {
    return { ok: false, error: { code: 'not_found', message: `There is no command called "${name.slice(0, 60)}".` } };
  }
  try {
    return { ok: true, value: await invoke(ctx, name, rawInput, options) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'internal') {
      ctx.log.error(`Command ${name} failed`, { stack: error instanceof Error ? error.stack : String(error) });
    }
    if (isDiskFull(error)) {
      return {
        ok: false,
        error: {
          code: 'disk_full',
          message: 'The disk is full, so this change was not saved. Free some space and try again; your text is still here.',
        },
      };
    }
    return { ok: false, error: toErrorPayload(error) };
  }
}

function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}
