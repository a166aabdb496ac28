/**
 * The renderer's Content-Security-Policy, the same in the desktop app and browser mode:
 * only the app's own scripts and styles, no remote content, no inline script, no framing.
 * `connect-src 'self'` lets browser mode reach its loopback bridge and nothing else.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
