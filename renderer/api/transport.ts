/**
 * The only place that knows how commands travel: Electron's preload bridge when present,
 * otherwise the browser-mode HTTP bridge with its per-run token. Components never import this;
 * they use the hooks in renderer/api/hooks.ts. A file's bytes travel as bytes both ways
 * (shared/api/bytes.ts): structured clone over IPC, the raw request or answer body over HTTP.
 */
import {
  BYTES_FIELD_HEADER,
  INPUT_HEADER,
  OCTET_STREAM,
  RESULT_HEADER,
  splitBytes,
  type SplitBytes,
} from '../../shared/api/bytes.js';
import type { CommandInput, CommandName, CommandOutput, ProgressEvent } from '../../shared/api/index.js';
import { uploadLimit } from '../../shared/api/uploads.js';
import type { ErrorPayload, Result } from '../../shared/errors.js';

export class ApiError extends Error {
  readonly code: ErrorPayload['code'];
  readonly details: ErrorPayload['details'];
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.details = payload.details;
  }
}

interface DesktopBridge {
  invoke(name: string, input: unknown, requestId?: string): Promise<Result<unknown>>;
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

declare global {
  interface Window {
    fieldwork?: DesktopBridge;
  }
}

const TOKEN_KEY = 'fieldwork.token';

function browserToken(): string {
  const match = /token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

let token: string | null = null;
let requestCounter = 0;

export function newRequestId(): string {
  requestCounter += 1;
  return `${Date.now().toString(36)}-${requestCounter}`;
}

/**
 * Requests made while the page is going away (a reload, the tab or window closed) are sent
 * with `keepalive`, so they reach the service even though the page will not see the answer:
 * that is when the last keystrokes are saved (renderer/state/note-draft-lifecycle.ts).
 * Capture-phase listeners, so the flag is set before any page handler sends its save.
 */
let leaving = false;
window.addEventListener('beforeunload', () => (leaving = true), { capture: true });
window.addEventListener('pagehide', () => (leaving = true), { capture: true });
window.addEventListener('pageshow', () => (leaving = false), { capture: true });
/** Browsers refuse keepalive bodies over 64 KiB; a bigger save is sent the ordinary way. */
const KEEPALIVE_MAX_BYTES = 60_000;

const NOT_ANSWERING: Result<unknown> = {
  ok: false,
  error: { code: 'io_failed', message: 'Fieldwork’s local service is not answering. Is it still running?' },
};

/** A JSON command, or a file's bytes as the body with the other arguments in a header. */
function requestOf(name: string, input: unknown, upload: SplitBytes | null): { headers: Record<string, string>; body: BodyInit } {
  if (upload === null) return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(input ?? {}) };
  return {
    headers: {
      'content-type': OCTET_STREAM,
      [INPUT_HEADER]: encodeURIComponent(JSON.stringify(upload.rest)),
      [BYTES_FIELD_HEADER]: upload.field,
    },
    body: upload.bytes as Uint8Array<ArrayBuffer>,
  };
}

async function answerOf(response: Response): Promise<Result<unknown>> {
  const field = response.headers.get(BYTES_FIELD_HEADER);
  const rest = response.headers.get(RESULT_HEADER);
  if (response.headers.get('content-type') === OCTET_STREAM && field !== null && rest !== null) {
    const result = JSON.parse(decodeURIComponent(rest)) as Result<Record<string, unknown>>;
    if (!result.ok) return result;
    return { ok: true, value: { ...result.value, [field]: new Uint8Array(await response.arrayBuffer()) } };
  }
  return (await response.json()) as Result<unknown>;
}

async function httpInvoke(name: string, input: unknown, requestId: string): Promise<Result<unknown>> {
  token ??= browserToken();
  const upload = splitBytes(input);
  const limit = upload === null ? null : uploadLimit(name);
  // Refused here, before it is sent (the bridge refuses it too, before reading it).
  if (upload !== null && limit !== null && upload.bytes.byteLength > limit.maxBytes) {
    return { ok: false, error: { code: 'invalid_input', message: limit.tooLarge, details: { reason: 'too-large' } } };
  }
  let response: Response;
  try {
    const { headers, body } = requestOf(name, input, upload);
    response = await fetch(`/api/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body,
      keepalive: upload === null && leaving && new TextEncoder().encode(body as string).length < KEEPALIVE_MAX_BYTES,
    });
  } catch {
    return NOT_ANSWERING;
  }
  try {
    return await answerOf(response);
  } catch {
    return { ok: false, error: { code: 'internal', message: `Unexpected answer from Fieldwork (${response.status}).` } };
  }
}

export async function call<K extends CommandName>(
  name: K,
  input: CommandInput<K>,
  requestId: string = newRequestId(),
): Promise<CommandOutput<K>> {
  const result = window.fieldwork
    ? await window.fieldwork.invoke(name, input, requestId)
    : await httpInvoke(name, input, requestId);
  if (!result.ok) throw new ApiError(result.error);
  return result.value as CommandOutput<K>;
}

type ProgressListener = (event: ProgressEvent) => void;
const progressListeners = new Set<ProgressListener>();
let eventStreamStarted = false;

async function startEventStream(): Promise<void> {
  token ??= browserToken();
  for (;;) {
    try {
      const response = await fetch('/api/events', { headers: { authorization: `Bearer ${token}` } });
      const reader = response.body?.getReader();
      if (!reader) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          if (chunk.startsWith('data: ')) {
            const event = JSON.parse(chunk.slice(6)) as ProgressEvent;
            for (const listener of progressListeners) listener(event);
          }
        }
      }
    } catch {
      // The service restarted or went away; try again shortly.
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export function onProgress(listener: ProgressListener): () => void {
  if (window.fieldwork) return window.fieldwork.onProgress(listener);
  progressListeners.add(listener);
  if (!eventStreamStarted) {
    eventStreamStarted = true;
    void startEventStream();
  }
  return () => progressListeners.delete(listener);
}
