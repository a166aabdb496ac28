/** The launch page browser mode opens instead of putting its token on a command line (see start.ts). */
export const LAUNCH_PAGE = 'open-fieldwork.html';
export const LAUNCH_PAGE_LIFETIME_MS = 60_000;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A page that forwards the browser to Fieldwork's address, token included, without a script. */
export function launchPageHtml(pageUrl: string): string {
  const url = escapeAttribute(pageUrl);
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${url}"><title>Opening Fieldwork</title></head><body><p>Opening Fieldwork… If nothing happens, <a href="${url}">open Fieldwork</a>.</p></body></html>\n`;
}
