/**
 * What paged commands share: the cursor a page answers (`next`) and the next request sends back
 * (`cursor`) is opaque to the client. The service makes it from the last row of the page and
 * refuses one it did not make (main/services/page-cursor.ts); it is bounded here so a forged
 * cursor is refused by size before anything decodes it.
 */
import * as z from 'zod';

/** Room for a keyset of a few ids and a 200-character sort key, base64url-encoded. */
export const PAGE_CURSOR_MAX = 4096;

export const PageCursor = z.string().max(PAGE_CURSOR_MAX).nullable().default(null);
