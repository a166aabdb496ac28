/** How a command is declared: a name, a zod schema for its input and one for its output. */
import type { z } from 'zod';

export interface CommandSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, W extends boolean = boolean> {
  readonly input: I;
  readonly output: O;
  /** Commands that change the store; the web bridge refuses them on GET and logs them. */
  readonly writes: W;
}

export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CommandSpec<I, O, false> {
  return { input, output, writes: false };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CommandSpec<I, O, true> {
  return { input, output, writes: true };
}

/** Progress of a long command, pushed to the UI while it runs. */
export interface ProgressEvent {
  readonly command: string;
  readonly requestId: string;
  readonly done: number;
  readonly total: number;
  readonly stage: string;
}
