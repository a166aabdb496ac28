/**
 * The dispatcher every transport uses (IPC, the browser bridge, the core host's worker, the
 * CLI): a command goes to a healthy store's `dispatch()`, or, while the store is damaged, to the
 * recovery session, which answers the recovery commands and serves the rest read-only once asked.
 */
import { commands, isCommandName } from '../../shared/api/index.js';
import type { Result } from '../../shared/errors.js';
import type { ServiceContext } from './context.js';
import { dispatch, type DispatchOptions } from './dispatch.js';
import type { RecoverySession } from './recovery.js';

/** Who answers commands: a healthy context, or a recovery session (browser mode and the desktop app). */
export type CommandHost =
  | { readonly ctx: ServiceContext }
  | { readonly recovery: RecoverySession }
  /** The core host's worker thread (main/host/core-host.ts), which routes the same way inside. */
  | { readonly core: (name: string, rawInput: unknown, options: DispatchOptions) => Promise<Result<unknown>> };

/** Routes one command: recovery commands to the session, the rest to the store being served. */
export async function dispatchToHost(
  host: CommandHost,
  name: string,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if ('ctx' in host) return dispatch(host.ctx, name, rawInput, options);
  if ('core' in host) return host.core(name, rawInput, options);
  const session = host.recovery;
  if (session.answers(name)) return session.dispatch(name, rawInput, options);
  const served = session.served();
  if (!served) {
    return {
      ok: false,
      error: {
        code: 'store_corrupt',
        message: 'The data file is damaged. Choose how to recover it on the recovery screen first.',
      },
    };
  }
  if (served.readOnly && isCommandName(name) && commands[name].writes) {
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: 'The damaged data file is open read-only, so changes cannot be saved. Restore it to carry on working.',
      },
    };
  }
  return dispatch(served.ctx, name, rawInput, options);
}
