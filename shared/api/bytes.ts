/**
 * Bytes as they cross the API: a `Uint8Array` (Node's Buffer is one), never base64 text.
 * Electron's IPC and the core host's worker messages carry it natively (structured clone);
 * browser mode's HTTP bridge carries it as the raw body of a request or an answer, with the
 * command's other arguments as JSON in a header (docs/core-host.md, "Bytes across the API"):
 *
 *   request:  content-type application/octet-stream, body = the bytes,
 *             x-fieldwork-input = encodeURIComponent(JSON of the other arguments),
 *             x-fieldwork-bytes-field = the argument's name (e.g. `bytes`);
 *   answer:   the same shape, with x-fieldwork-result = the Result without the bytes.
 *
 * One field of bytes per command, at the top level of its input or its output.
 */
import * as z from 'zod';

/** A file's bytes; `maxBytes`, when given, is a refusal with `tooLarge` as its message. */
export function Bytes(maxBytes?: number, tooLarge?: string) {
  // Any Uint8Array (a Buffer, a view into a larger buffer): typed wider than z.instanceof's.
  const base = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'Expected the file’s bytes.' });
  return maxBytes === undefined ? base : base.refine((b) => b.byteLength <= maxBytes, { message: tooLarge });
}

export const INPUT_HEADER = 'x-fieldwork-input';
export const RESULT_HEADER = 'x-fieldwork-result';
export const BYTES_FIELD_HEADER = 'x-fieldwork-bytes-field';
export const OCTET_STREAM = 'application/octet-stream';

export interface SplitBytes {
  /** Everything else, for JSON. */
  readonly rest: Record<string, unknown>;
  readonly field: string;
  readonly bytes: Uint8Array;
}

/** The one top-level Uint8Array field of a plain object and the rest of it; null when there is none. */
export function splitBytes(value: unknown): SplitBytes | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  let found: { field: string; bytes: Uint8Array } | null = null;
  const rest: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item instanceof Uint8Array && found === null) found = { field: key, bytes: item };
    else rest[key] = item;
  }
  return found === null ? null : { rest, ...found };
}

/** A field name as it may appear in the bytes-field header: a plain identifier. */
export function isFieldName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{0,39}$/.test(name);
}
