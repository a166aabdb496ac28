/** What every command handler receives: the open store, this device, a clock and a progress sink. */
import { AppError } from '../../shared/errors.js';
import type { CommandName, CommandOutput, ParsedInput } from '../../shared/api/index.js';
import type { Db } from '../store/connection.js';
import type { DeviceIdentity } from '../sync/device-identity.js';
import type { WriteContext } from '../sync/local-write.js';

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface ServiceContext extends WriteContext {
  readonly db: Db;
  readonly device: DeviceIdentity;
  readonly now: () => number;
  /** Folder holding the store, keys, backups and the outbox. */
  readonly dataDir: string;
  readonly log: Logger;
  readonly keyProtection: string;
}

/** Per-call extras: progress reporting for long work. */
export interface CallContext extends ServiceContext {
  readonly progress: (done: number, total: number, stage: string) => void;
}

export type Handler<K extends CommandName> = (
  ctx: CallContext,
  input: ParsedInput<K>,
) => CommandOutput<K> | Promise<CommandOutput<K>>;

export type Handlers = { readonly [K in CommandName]: Handler<K> };
export type HandlerGroup<K extends CommandName> = { readonly [P in K]: Handler<P> };

export function inTransaction<T>(ctx: ServiceContext, work: () => T): T {
  return ctx.db.transaction(work)();
}

export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} was not found. It may have been deleted.`, { id });
}

export const consoleLogger: Logger = {
  info: (message, details) => console.log(message, details ?? ''),
  warn: (message, details) => console.warn(message, details ?? ''),
  error: (message, details) => console.error(message, details ?? ''),
};
