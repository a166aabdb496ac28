/**
 * The place in the app as a hash route, so reload, back and forward keep it, in the desktop
 * app (app://) and in browser mode alike: #/ (all inspections), #/i/<id>/<screen>, and
 * #/i/<id>/case/<caseId>. Pure parsing and formatting; ui-store keeps the two in step.
 */
export const SCREENS = [
  'inspections',
  'setup',
  'cases',
  'case',
  'notes',
  'findings',
  'search',
  'coverage',
  'progress',
  'agreement',
  'bundles',
  'conflicts',
  'moderation',
  'outputs',
] as const;
export type ScreenName = (typeof SCREENS)[number];

export interface Route {
  readonly inspectionId: string | null;
  readonly screen: ScreenName;
  readonly caseId: string | null;
}

export const HOME: Route = { inspectionId: null, screen: 'inspections', caseId: null };

const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'i' || !parts[1] || !SAFE_ID.test(parts[1])) return HOME;
  const inspectionId = parts[1];
  const screen = (SCREENS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as ScreenName) : 'setup';
  if (screen === 'case') {
    const caseId = parts[3];
    return caseId && SAFE_ID.test(caseId) ? { inspectionId, screen, caseId } : { inspectionId, screen: 'cases', caseId: null };
  }
  return { inspectionId, screen: screen === 'inspections' ? 'setup' : screen, caseId: null };
}

export function formatRoute(route: Route): string {
  if (!route.inspectionId) return '#/';
  const base = `#/i/${encodeURIComponent(route.inspectionId)}/${route.screen === 'inspections' ? 'setup' : route.screen}`;
  return route.screen === 'case' && route.caseId ? `${base}/${encodeURIComponent(route.caseId)}` : base;
}

/**
 * Moves the focus to the current screen's main heading once it is drawn (screens load their
 * data first), so a keyboard or screen-reader user starts at the top of the new place.
 */
export function focusMainHeading(attempts = 60): void {
  if (typeof document === 'undefined') return;
  const tryFocus = (left: number) => {
    // Someone already typing somewhere keeps their place.
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.matches('input, textarea, select, [contenteditable="true"]')) return;
    const heading = document.querySelector<HTMLElement>('#main h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
      return;
    }
    if (left > 0) requestAnimationFrame(() => tryFocus(left - 1));
  };
  requestAnimationFrame(() => tryFocus(attempts));
}
