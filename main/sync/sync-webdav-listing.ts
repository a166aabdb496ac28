/**
 * Reading a WebDAV PROPFIND multistatus answer: just the names, sizes and which entries are
 * folders. Servers differ in namespace prefixes (D:, d:, lp1:, ns0:, none), in entities
 * (named, decimal, hex), in CDATA, and in whether hrefs are absolute URLs or paths, so the
 * answer is read with a maintained XML parser (fast-xml-parser) with prefixes removed, and
 * only each href's last segment is kept. The body is untrusted: it is bounded by the caller,
 * attributes are ignored, and DOCTYPE entities are expanded only within the parser's limits.
 */
import { XMLParser } from 'fast-xml-parser';
import type { RemoteEntry } from './sync-target.js';

export const MAX_LISTING_BYTES = 8 * 1024 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  // &#NN; and &#xNN; are decoded only with this on (fast-xml-parser's default leaves them).
  htmlEntities: true,
  isArray: (name) => name === 'response' || name === 'propstat' || name === 'href',
});

type Node = Readonly<Record<string, unknown>>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: unknown): Node[] {
  return (Array.isArray(value) ? value : [value]).filter(isNode);
}

function text(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function lastSegment(href: string): string {
  let path = href.trim();
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
    return decodeURIComponent(new URL(href.trim(), 'http://x/').pathname).replace(/\/+$/, '');
  } catch {
    return href.trim().replace(/\/+$/, '');
  }
}

/** Entries inside the listed collection (the collection itself is left out). */
export function parseMultistatus(xml: string, listedPath: string): RemoteEntry[] {
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch {
    return []; // as unreadable as an answer with no complete <response> in it
  }
  const multistatus = isNode(document) ? document.multistatus : undefined;
  const self = normalisedPath(listedPath);
  const entries: RemoteEntry[] = [];
  for (const response of isNode(multistatus) ? children(multistatus.response) : []) {
    const href = text(response.href);
    if (!href) continue;
    if (normalisedPath(href) === self) continue;
    const name = lastSegment(href);
    if (!name) continue;
    const props = children(response.propstat).flatMap((propstat) => children(propstat.prop));
    const isDir = props.some((prop) => children(prop.resourcetype).some((type) => 'collection' in type));
    const length = props
      .map((prop) => text(prop.getcontentlength)?.trim())
      .find((value) => value !== undefined && /^\d+$/.test(value));
    entries.push({ name, isDir, size: length === undefined ? null : Number(length) });
  }
  return entries;
}
