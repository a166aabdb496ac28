/**
 * UI state only (which inspection and screen are open, transient notices), in slices.
 * Store data is never mirrored here: it is fetched through renderer/api/hooks.ts.
 */
import { create, type StateCreator } from 'zustand';
import { formatRoute, HOME, parseRoute, type Route, type ScreenName } from './route.js';

export type { ScreenName } from './route.js';

export interface NavigationSlice {
  inspectionId: string | null;
  screen: ScreenName;
  caseId: string | null;
  inspectionOpened: (inspectionId: string) => void;
  inspectionClosed: () => void;
  screenChosen: (screen: ScreenName) => void;
  caseOpened: (caseId: string) => void;
}

export interface Notice {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly text: string;
}

export interface NoticeSlice {
  notices: readonly Notice[];
  noticeShown: (tone: Notice['tone'], text: string) => void;
  noticeDismissed: (id: number) => void;
}

export interface NoteDraftSlice {
  /** A note being written is kept here until the store confirms it, so a failed save loses nothing. */
  noteComposerOpen: boolean;
  noteComposerCaseId: string | null;
  noteComposerOpened: (caseId?: string | null) => void;
  noteComposerClosed: () => void;
}

export type UiState = NavigationSlice & NoticeSlice & NoteDraftSlice;

const hasWindow = typeof window !== 'undefined' && typeof window.location !== 'undefined';
const initialRoute: Route = hasWindow ? parseRoute(window.location.hash) : HOME;

const navigationSlice: StateCreator<UiState, [], [], NavigationSlice> = (set) => ({
  ...initialRoute,
  inspectionOpened: (inspectionId) => set({ inspectionId, screen: 'setup', caseId: null }),
  inspectionClosed: () => set({ inspectionId: null, screen: 'inspections', caseId: null }),
  screenChosen: (screen) => set({ screen }),
  caseOpened: (caseId) => set({ caseId, screen: 'case' }),
});

let noticeCounter = 0;
const noticeSlice: StateCreator<UiState, [], [], NoticeSlice> = (set) => ({
  notices: [],
  noticeShown: (tone, text) => {
    noticeCounter += 1;
    const id = noticeCounter;
    set((state) => ({ notices: [...state.notices, { id, tone, text }].slice(-4) }));
  },
  noticeDismissed: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
});

const noteDraftSlice: StateCreator<UiState, [], [], NoteDraftSlice> = (set) => ({
  noteComposerOpen: false,
  noteComposerCaseId: null,
  noteComposerOpened: (caseId = null) => set({ noteComposerOpen: true, noteComposerCaseId: caseId }),
  noteComposerClosed: () => set({ noteComposerOpen: false, noteComposerCaseId: null }),
});

export const useUi = create<UiState>()((...args) => ({
  ...navigationSlice(...args),
  ...noticeSlice(...args),
  ...noteDraftSlice(...args),
}));

/**
 * The store and the URL's hash kept in step: a navigation in the app adds a history entry
 * (so Back returns), and Back, Forward or a typed URL moves the app.
 */
if (hasWindow) {
  const current = (s: UiState): Route => ({ inspectionId: s.inspectionId, screen: s.screen, caseId: s.caseId });
  useUi.subscribe((state, previous) => {
    const next = formatRoute(current(state));
    if (next !== formatRoute(current(previous)) && next !== formatRoute(parseRoute(window.location.hash))) {
      window.location.hash = next;
    }
  });
  window.addEventListener('hashchange', () => {
    // Only routes: an in-page anchor (#main) is not a place.
    if (window.location.hash !== '' && !window.location.hash.startsWith('#/')) return;
    const route = parseRoute(window.location.hash);
    if (formatRoute(route) !== formatRoute(current(useUi.getState()))) useUi.setState(route);
  });
}
