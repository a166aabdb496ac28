/**
 * Browser mode's GET/HEAD answer for the built renderer, through the same lookup as the
 * desktop's app:// scheme (main/services/static-files.ts). A path inside the folder that names
 * no file gets index.html (the app routes in the page); anything outside it is refused.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { contentTypeFor, lookupStaticFile, staticHeaders } from '../services/static-files.js';

export function serveStatic(req: IncomingMessage, res: ServerResponse, root: string | null, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  if (root === null) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('The user interface has not been built. Run npm run build.');
    return;
  }
  const found = lookupStaticFile(root, path);
  if (found.kind === 'refused') {
    res.writeHead(403).end();
    return;
  }
  const file = found.kind === 'file' ? found.path : join(root, 'index.html');
  res.writeHead(200, staticHeaders(found.kind === 'file' ? found.contentType : contentTypeFor(file)));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
