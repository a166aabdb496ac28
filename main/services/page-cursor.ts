/**
 * Cursors of the paged lists (the conflict queue, the bundle history): base64url of JSON
 * naming the inspection and the keyset of the last row of the page before. The client treats
 * it as opaque; here it is parsed with a schema on the way in, so a cursor that was tampered
 * with, made by another list or inspection, or by an older app is refused as `invalid_input`
 * with a sentence, never a crash and never a page from somewhere else.
 */
import * as z from 'zod';
import { AppError } from '../../shared/errors.js';

const VERSION = 1;

export function encodePageCursor(inspectionId: string, list: string, key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify({ v: VERSION, list, inspection: inspectionId, key }), 'utf8').toString('base64url');
}

/** The keyset a cursor names, or `invalid_input` if it is not a cursor of this list and inspection. */
export function decodePageCursor<K>(
  cursor: string,
  expected: { readonly inspectionId: string; readonly list: string; readonly noun: string },
  key: z.ZodType<K>,
): K {
  const shape = z.object({
    v: z.literal(VERSION),
    list: z.literal(expected.list),
    inspection: z.literal(expected.inspectionId),
    key,
  });
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not JSON: refused below like any other cursor that is not ours
  }
  const result = shape.safeParse(parsed);
  if (result.success) return result.data.key;
  throw new AppError('invalid_input', `That page of the ${expected.noun} could not be found. Reload the list and try again.`, {
    issues: [{ path: ['cursor'], message: 'Not a cursor from this list' }],
  });
}
