/**
 * The worker's few synchronous questions to the shell: device keys and sync passwords live in
 * the OS keychain, which only the shell (Electron's main process) can reach, and the services
 * ask for them synchronously (KeyVault, CredentialVault). The worker posts the question with a
 * SharedArrayBuffer and waits on it (Atomics.wait); the shell, whose thread is free, answers
 * into the buffer and wakes it. Only the worker ever waits; the shell never blocks.
 */
import type { MessagePort } from 'node:worker_threads';
import { AppError, isErrorPayload, toErrorPayload } from '../../shared/errors.js';
import type { CoreToShell, SecretMethod } from './protocol.js';

const HEADER = 8;
const CAPACITY = 256 * 1024;
const WAIT_MS = 60_000;

type Answer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Worker side: asks and waits for the answer; an error from the shell is thrown here as it was there. */
export function askShell(port: Pick<MessagePort, 'postMessage'>, method: SecretMethod, args: readonly unknown[]): unknown {
  const reply = new SharedArrayBuffer(HEADER + CAPACITY);
  const state = new Int32Array(reply, 0, 2);
  const message: CoreToShell = { type: 'ask', method, args, reply };
  port.postMessage(message);
  if (Atomics.wait(state, 0, 0, WAIT_MS) === 'timed-out') {
    throw new AppError('internal', 'Fieldwork’s window process did not answer a request for this laptop’s keys.');
  }
  const length = Atomics.load(state, 1);
  const answer = JSON.parse(Buffer.from(reply, HEADER, length).toString('utf8')) as Answer;
  if (answer.ok) return answer.value;
  const error = answer.error;
  if (isErrorPayload(error)) throw new AppError(error.code, error.message, error.details);
  throw new Error(String(error));
}

/** Shell side: runs the question and writes the answer into the worker's buffer, then wakes it. */
export function answerAsk(reply: SharedArrayBuffer, run: () => unknown): void {
  let answer: Answer;
  try {
    answer = { ok: true, value: run() ?? null };
  } catch (error) {
    answer = { ok: false, error: toErrorPayload(error) };
  }
  let bytes = Buffer.from(JSON.stringify(answer), 'utf8');
  if (bytes.length > CAPACITY) {
    bytes = Buffer.from(JSON.stringify({ ok: false, error: { code: 'internal', message: 'The answer was too large.' } }));
  }
  const state = new Int32Array(reply, 0, 2);
  Buffer.from(reply, HEADER, CAPACITY).set(bytes);
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}
