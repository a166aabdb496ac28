/**
 * The one autosave of the renderer (the note composer and the case audit both use it): edits
 * are collected and saved in order, shortly after typing stops; a save that fails is retried
 * with backoff and a save the service refuses is shown with its sentence; what was typed is
 * never dropped — a failed or refused edit is kept and sent again with anything newer.
 *
 * - Debounce: `queue(patch, delay)` merges the edit into what is waiting and saves `delay` ms
 *   after the last edit (0 for a choice, AUTOSAVE_DELAY_MS for typing).
 * - One save at a time: typing during a save in flight waits for it, and the newest value is
 *   saved right after it (so the store ends with what is on screen, never an older value).
 * - Retry: a failure the service may get over (the store busy, locked or unreachable) is retried
 *   after 2 s, 5 s, 10 s, then every 30 s. A refusal (the input, the authority model or a missing
 *   row — `isRefusal`) is not retried on its own: it cannot fix itself, so it waits for the next
 *   edit, a flush or "Try again", and the field keeps the text.
 * - Flush: `flush()` saves at once (blur, unmount, navigation, the app closing);
 *   `saveBeforeLeaving()` sends what is waiting without waiting for a save in flight (the page
 *   is unloading and may not live to see it answer).
 */
import { ApiError } from '../api/hooks.js';

export const AUTOSAVE_DELAY_MS = 600;
export const RETRY_MS: readonly number[] = [2_000, 5_000, 10_000, 30_000];

export type SaveStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly at: number }
  /** Failed; retried on its own. */
  | { readonly kind: 'retrying'; readonly reason: string }
  /** Refused by the service; `field` names the field its sentence is about, if one. */
  | { readonly kind: 'refused'; readonly reason: string; readonly field: string | null };

/** The service's "no" (not "not now"): retrying the same edit would be refused again. */
const REFUSALS: ReadonlySet<string> = new Set(['invalid_input', 'forbidden', 'not_found', 'conflict', 'unauthorised']);

export function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && REFUSALS.has(error.code);
}

interface Issue {
  readonly message: string;
  readonly field: string | null;
}

function issuesOf(error: ApiError): Issue[] {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((i: unknown): Issue[] => {
    if (typeof i !== 'object' || i === null) return [];
    const { message, path } = i as { message?: unknown; path?: unknown };
    if (typeof message !== 'string') return [];
    const first: unknown = Array.isArray(path) ? path[0] : undefined;
    return [{ message, field: typeof first === 'string' ? first : null }];
  });
}

/** The status a failed save leaves, with a sentence for people (field messages are written for them). */
export function failureStatus(error: unknown): SaveStatus {
  if (!(error instanceof ApiError)) return { kind: 'retrying', reason: 'Fieldwork could not reach its data file' };
  const issues = issuesOf(error);
  const reason = issues.length > 0 ? issues.map((i) => i.message).join('; ') : error.message;
  if (!isRefusal(error)) return { kind: 'retrying', reason };
  return { kind: 'refused', reason, field: issues[0]?.field ?? null };
}

export interface AutosaveOptions<P> {
  /** Saves one patch; rejects (with an ApiError, ideally) when it was not saved. */
  readonly send: (patch: P, how: { readonly leaving: boolean }) => Promise<unknown>;
  /** Combines an older patch with a newer one; the newer one's values win. */
  readonly merge: (older: P, newer: P) => P;
  readonly retryMs?: readonly number[];
}

export class Autosaver<P> {
  private pending: P | null = null;
  private inFlight: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private status: SaveStatus = { kind: 'idle' };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: AutosaveOptions<P>) {}

  readonly getStatus = (): SaveStatus => this.status;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** True while something typed is not yet in the store (waiting, in flight, failed or refused). */
  hasUnsaved(): boolean {
    return this.pending !== null || this.inFlight !== null;
  }

  readonly queue = (patch: P, delay: number = AUTOSAVE_DELAY_MS): void => {
    this.pending = this.pending === null ? patch : this.options.merge(this.pending, patch);
    // A failure stays on screen until a save gets through; otherwise say a save is coming.
    if (this.status.kind === 'idle' || this.status.kind === 'saved') this.show({ kind: 'saving' });
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, delay);
  };

  /** Saves what is waiting now; resolves true when the store holds everything queued. */
  readonly flush = (): Promise<boolean> => {
    this.clearTimer();
    this.clearRetry();
    return this.drain();
  };

  /** Resolves once no save is in flight (without sending anything). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** The page is unloading: send what is waiting at once, beside any save in flight. */
  readonly saveBeforeLeaving = (): Promise<boolean> => {
    this.clearTimer();
    this.clearRetry();
    const patch = this.pending;
    if (patch === null) return Promise.resolve(true);
    this.pending = null;
    return this.options.send(patch, { leaving: true }).then(
      () => true,
      (error: unknown) => {
        this.failed(patch, error);
        return false;
      },
    );
  };

  private async drain(): Promise<boolean> {
    while (this.inFlight) await this.inFlight;
    const patch = this.pending;
    if (patch === null) return true;
    this.pending = null;
    this.clearTimer();
    this.show({ kind: 'saving' });
    const sending = this.options.send(patch, { leaving: false }).then(
      () => true,
      (error: unknown) => {
        this.failed(patch, error);
        return false;
      },
    );
    this.inFlight = sending;
    const saved = await sending;
    if (this.inFlight === sending) this.inFlight = null;
    if (!saved) return false;
    this.failures = 0;
    this.clearRetry();
    // Typed while the save was on its way: save the newest value now, after it.
    if (this.pending !== null) return this.drain();
    this.show({ kind: 'saved', at: Date.now() });
    return true;
  }

  private failed(patch: P, error: unknown): void {
    // What failed goes back under anything typed since (the newer values win).
    this.pending = this.pending === null ? patch : this.options.merge(patch, this.pending);
    const status = failureStatus(error);
    this.show(status);
    if (status.kind === 'retrying') this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.clearRetry();
    const schedule = this.options.retryMs ?? RETRY_MS;
    const delay = schedule[Math.min(this.failures, schedule.length - 1)] ?? 30_000;
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.drain();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private show(status: SaveStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}
