/**
 * The renderer's one autosave (renderer/state/autosave.ts), driven through the case audit
 * screen as the inspector uses it. The desktop bridge (`window.fieldwork`, what the preload
 * script gives the page) is stood in for by a small store that can be up, down (the service not
 * answering), refusing (the authority model's "no"), or holding a save in flight.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { SampledCase } from '../../../shared/api/cases.js';
import type { Result } from '../../../shared/errors.js';
import { SampledCaseAudit } from '../../../renderer/components/SampledCaseAudit.js';

type Prompts = Record<string, string>;
type Mode = 'up' | 'down' | 'refusing';

const REFUSAL = 'Ben Okafor is no longer on this inspection’s team, so this change was refused.';

/** The store behind the bridge: what it holds, and every update it was sent, in order. */
class StoreStandIn {
  mode: Mode = 'up';
  prompts: Prompts = {};
  readonly sent: Prompts[] = [];
  private held: (() => void) | null = null;
  private holdNext = false;

  /** The next save stays in flight until `release()`. */
  hold(): void {
    this.holdNext = true;
  }

  release(): void {
    const go = this.held;
    this.held = null;
    go?.();
  }

  readonly invoke = async (name: string, input: unknown): Promise<Result<unknown>> => {
    if (name !== 'cases.updateAudit') return { ok: true, value: [] };
    const fields = (input as { fields: { prompts?: Prompts } }).fields;
    this.sent.push({ ...fields.prompts });
    if (this.holdNext) {
      this.holdNext = false;
      await new Promise<void>((resolve) => (this.held = resolve));
    }
    if (this.mode === 'down') {
      return {
        ok: false,
        error: { code: 'io_failed', message: 'Fieldwork’s local service is not answering. Is it still running?' },
      };
    }
    if (this.mode === 'refusing') {
      return { ok: false, error: { code: 'forbidden', message: REFUSAL, details: { reason: 'authority' } } };
    }
    this.prompts = { ...this.prompts, ...fields.prompts };
    return { ok: true, value: { ...sampled, prompts: this.prompts } };
  };
}

const sampled: SampledCase = {
  id: 'case-1',
  inspectionId: 'insp-1',
  caseRef: 'NS-2001',
  ageBand: null,
  stage: null,
  legalStatus: null,
  agencies: [],
  flags: [],
  samplingMethod: 'random',
  sampleRunId: null,
  stratum: null,
  onList: null,
  selectionReason: null,
  removed: false,
  removalReason: null,
  allocatedTo: null,
  allocatedToName: null,
  status: 'in_progress',
  laAuditGrade: null,
  inspectorGrade: null,
  auditAgreement: null,
  agreementReason: null,
  prompts: {},
};

let store: StoreStandIn;

beforeEach(() => {
  vi.useFakeTimers();
  store = new StoreStandIn();
  window.fieldwork = { invoke: store.invoke, onProgress: () => () => undefined };
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  delete window.fieldwork;
});

function openAudit() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SampledCaseAudit sampled={sampled} theme={null} />
    </QueryClientProvider>,
  );
}

const voice = () => screen.getByLabelText<HTMLTextAreaElement>("The child's voice and lived experience");
const statusLine = () => screen.getByRole('status').textContent ?? '';

function type(text: string): void {
  fireEvent.change(voice(), { target: { value: text } });
}

/** Lets `ms` pass, with every save answered that can be. */
async function wait(ms: number): Promise<void> {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

describe('the autosave (case audit)', () => {
  it('a save that fails is retried with backoff until the store takes it; the text is never dropped', async () => {
    openAudit();
    store.mode = 'down';
    type('Seen alone twice.');
    await wait(600);
    expect(store.sent).toEqual([{ voice: 'Seen alone twice.' }]);
    expect(statusLine()).toMatch(/^Not saved — retrying: Fieldwork’s local service is not answering/);
    expect(voice().value).toBe('Seen alone twice.');
    // Still down at the first retry: tried again, still kept.
    await wait(2_000);
    expect(store.sent).toHaveLength(2);
    expect(store.prompts).toEqual({});
    store.mode = 'up';
    await wait(5_000);
    expect(store.prompts).toEqual({ voice: 'Seen alone twice.' });
    expect(statusLine()).toMatch(/^Saved at \d\d:\d\d$/);
  });

  it('a refused save shows the service’s sentence as written, keeps the text, is not retried on its own, and goes with the next edit', async () => {
    openAudit();
    store.mode = 'refusing';
    type('Plans drift after the conference.');
    await wait(600);
    expect(statusLine()).toContain(REFUSAL.replace(/\.$/, ''));
    expect(statusLine()).toMatch(/^Not saved — Ben Okafor is no longer/);
    expect(voice().value).toBe('Plans drift after the conference.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    // A refusal cannot fix itself: no loop of refused saves.
    await wait(60_000);
    expect(store.sent).toHaveLength(1);
    // Allowed again (the lead put Ben back), the next edit carries the refused text too.
    store.mode = 'up';
    type('Plans drift after the conference. Reviewed.');
    await wait(600);
    expect(store.prompts).toEqual({ voice: 'Plans drift after the conference. Reviewed.' });
    expect(statusLine()).toMatch(/^Saved at/);
  });

  it('typing during a save in flight: the newest value is saved after it, and a failure of either loses nothing', async () => {
    openAudit();
    store.hold();
    type('Seen');
    await wait(600);
    expect(store.sent).toEqual([{ voice: 'Seen' }]);
    type('Seen alone');
    await wait(600);
    // Never two saves at once, so an older one cannot land after a newer one.
    expect(store.sent).toHaveLength(1);
    store.release();
    await wait(0);
    expect(store.sent).toEqual([{ voice: 'Seen' }, { voice: 'Seen alone' }]);
    expect(store.prompts).toEqual({ voice: 'Seen alone' });

    // Now the save in flight fails while more is typed: what goes next is the newest text.
    store.hold();
    store.mode = 'down';
    type('Seen alone twice');
    await wait(600);
    type('Seen alone twice.');
    // Its pause is over too: that save waits for the one in flight, which then fails.
    await wait(600);
    expect(store.sent).toHaveLength(3);
    store.release();
    await wait(0);
    expect(store.prompts).toEqual({ voice: 'Seen alone' });
    store.mode = 'up';
    // The waiting save was tried at once and failed too: the next try is the backoff's second step.
    await wait(5_000);
    expect(store.sent.at(-1)).toEqual({ voice: 'Seen alone twice.' });
    expect(store.prompts).toEqual({ voice: 'Seen alone twice.' });
    expect(voice().value).toBe('Seen alone twice.');
  });

  it('leaving the field or the screen saves at once, and a save that fails then is still retried after the screen has gone', async () => {
    const view = openAudit();
    type('Seen alone.');
    fireEvent.blur(voice());
    await wait(0);
    expect(store.prompts).toEqual({ voice: 'Seen alone.' });

    store.mode = 'down';
    type('Seen alone twice.');
    view.unmount();
    await wait(0);
    expect(store.sent.at(-1)).toEqual({ voice: 'Seen alone twice.' });
    store.mode = 'up';
    await wait(2_000);
    expect(store.prompts).toEqual({ voice: 'Seen alone twice.' });
  });
});
