/**
 * Reading a WebDAV PROPFIND multistatus answer: just the names, sizes and which entries are
 * folders. Servers differ in namespace prefixes (D:, d:, lp1:, none) and in whether hrefs
 * are absolute URLs or paths, so prefixes are stripped and only the last segment is kept.
 * The body is untrusted: it is bounded by the caller and read with plain patterns.
 */
import type { RemoteEntry } from './sync-target.js';

export const MAX_LISTING_BYTES = 8 * 1024 * 1024;

function stripPrefixes(xml: string): string {
  return xml.replace(/<(\/?)[A-Za-z_][\w.-]*:/g, '<$1');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

function lastSegment(href: string): string {
  let path = decodeEntities(href.trim());
  try {
    path = new URL(path, 'http://x/').pathname;
  } catch {
    // keep as given
  }
  const parts = path.split('/').filter((p) => p.length > 0);
  const last = parts[parts.length - 1] ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function normalisedPath(href: string): string {
  try {
    return decodeURIComponent(new URL(decodeEntities(href.trim()), 'http://x/').pathname).replace(/\/+$/, '');
  } catch {
    return href.trim().replace(/\/+$/, '');
  }
}

/** Entries inside the listed collection (the collection itself is left out). */
export function parseMultistatus(xml: string, listedPath: string): RemoteEntry[] {
  const body = stripPrefixes(xml);
  const self = normalisedPath(listedPath);
  const entries: RemoteEntry[] = [];
  for (const match of body.matchAll(/<response[\s>][\s\S]*?<\/response>/g)) {
    const block = match[0];
    const href = /<href[^>]*>([\s\S]*?)<\/href>/.exec(block)?.[1];
    if (!href) continue;
    if (normalisedPath(href) === self) continue;
    const name = lastSegment(href);
    if (!name) continue;
    const isDir = /<resourcetype[^>]*>[\s\S]*?<collection\s*\/?>/.test(block);
    const length = /<getcontentlength[^>]*>\s*(\d+)\s*<\/getcontentlength>/.exec(block)?.[1];
    entries.push({ name, isDir, size: length === undefined ? null : Number(length) });
  }
  return entries;
}
