/** The window: header with the open inspection and badges, navigation, the current screen. */
import { Suspense, useEffect } from 'react';
import { useApi } from './api/hooks.js';
import { focusMainHeading } from './state/route.js';
import { Notices } from './components/Notices.js';
import { ScreenBoundary } from './components/ScreenBoundary.js';
import { SyncStatusIndicator } from './components/SyncStatusIndicator.js';
import { BundleDrop } from './components/BundleDrop.js';
import { EscalationBanner } from './components/EscalationBanner.js';
import { NoteComposerHost } from './components/NoteComposer.js';
import { INSPECTION_TYPES } from '../shared/domain/vocabulary.js';
import { useUi, type ScreenName } from './state/ui-store.js';
import { InspectionsScreen } from './screens/InspectionsScreen.js';
import { SetupScreen } from './screens/SetupScreen.js';
import { screenRegistry } from './screens/registry.js';
import { ReadOnlyBanner, RecoveryScreen } from './screens/RecoveryScreen.js';
import { useRecoveryUi } from './state/recovery-store.js';

const NAV: readonly { screen: ScreenName; label: string }[] = [
  { screen: 'setup', label: 'Set-up and team' },
  { screen: 'cases', label: 'Cases' },
  { screen: 'notes', label: 'Evidence notes' },
  { screen: 'findings', label: 'Findings' },
  { screen: 'moderation', label: 'Moderation' },
  { screen: 'outputs', label: 'Letter and exports' },
  { screen: 'search', label: 'Search' },
  { screen: 'coverage', label: 'Coverage' },
  { screen: 'progress', label: 'Team progress' },
  { screen: 'agreement', label: 'Audit agreement' },
  { screen: 'bundles', label: 'Bundles and sync' },
  { screen: 'conflicts', label: 'Conflicts' },
];

function Header({ inspectionId }: { inspectionId: string }) {
  const inspection = useApi('inspections.get', { id: inspectionId });
  const inspectionClosed = useUi((s) => s.inspectionClosed);
  const screenChosen = useUi((s) => s.screenChosen);
  const data = inspection.data;
  return (
    <header className="app-header">
      <button type="button" className="link-button" onClick={inspectionClosed}>
        All inspections
      </button>
      <div className="app-title">
        <span className="app-title-main">{data ? data.localAuthority : 'Loading…'}</span>
        {data && <span className="app-title-sub">{INSPECTION_TYPES[data.type]}</span>}
      </div>
      {data && data.conflictCount > 0 && (
        <button type="button" className="badge badge-warning" onClick={() => screenChosen('conflicts')}>
          {data.conflictCount} {data.conflictCount === 1 ? 'conflict' : 'conflicts'} to review
        </button>
      )}
      <SyncStatusIndicator inspectionId={inspectionId} />
    </header>
  );
}

function CurrentScreen({ inspectionId, screen }: { inspectionId: string; screen: ScreenName }) {
  if (screen === 'setup' || screen === 'inspections') return <SetupScreen inspectionId={inspectionId} />;
  const Screen = screenRegistry[screen];
  if (!Screen) {
    return (
      <section aria-labelledby="todo-title" className="screen">
        <h1 id="todo-title">{NAV.find((n) => n.screen === screen)?.label ?? screen}</h1>
        <p className="muted">This part of Fieldwork is not built yet.</p>
      </section>
    );
  }
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <Screen inspectionId={inspectionId} />
    </Suspense>
  );
}

export function App() {
  const inspectionId = useUi((s) => s.inspectionId);
  const screen = useUi((s) => s.screen);
  const caseId = useUi((s) => s.caseId);
  // Every navigation (a click, Back, Forward, a reload) starts at the new screen's heading.
  useEffect(() => focusMainHeading(), [inspectionId, screen, caseId]);
  const screenChosen = useUi((s) => s.screenChosen);
  const inspectionClosed = useUi((s) => s.inspectionClosed);
  // A damaged data file (checked when it opened) shows the recovery screen instead of the app.
  const recovery = useApi('recovery.status', {});
  const recoveryShown = useRecoveryUi((s) => s.summary !== null || s.choicesOpen);
  const readOnly = recovery.data?.state === 'readOnly' ? <ReadOnlyBanner /> : null;
  if (recovery.isPending) return <main className="app-main" id="main" aria-busy="true" />;
  if (recovery.data?.state === 'damaged' || recoveryShown) {
    return (
      <div className="app">
        <main className="app-main app-main-wide" id="main">
          <ScreenBoundary screen="the recovery screen" onBack={() => window.location.reload()} backLabel="Reload Fieldwork">
            <RecoveryScreen />
          </ScreenBoundary>
        </main>
      </div>
    );
  }
  if (!inspectionId) {
    return (
      <div className="app">
        {readOnly}
        <Notices />
        <main className="app-main app-main-wide" id="main">
          <ScreenBoundary screen="the inspection list" onBack={() => window.location.reload()} backLabel="Reload Fieldwork">
            <InspectionsScreen />
          </ScreenBoundary>
        </main>
        <BundleDrop />
      </div>
    );
  }
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // Not a hash change: the hash holds the route.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      {readOnly}
      <Header inspectionId={inspectionId} />
      <EscalationBanner inspectionId={inspectionId} />
      <Notices />
      <NoteComposerHost inspectionId={inspectionId} />
      <div className="app-body">
        <nav className="app-nav" aria-label="Inspection">
          <ul>
            {NAV.map((item) => (
              <li key={item.screen}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={screen === item.screen || (screen === 'case' && item.screen === 'cases') ? 'page' : undefined}
                  onClick={() => screenChosen(item.screen)}
                >
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="app-main" id="main" tabIndex={-1}>
          {/* A new screen is a new boundary (key), so choosing another screen always renders afresh. */}
          <ScreenBoundary
            key={screen}
            screen={`“${NAV.find((n) => n.screen === screen)?.label ?? screen}”`}
            onBack={inspectionClosed}
            backLabel="Back to all inspections"
          >
            <CurrentScreen inspectionId={inspectionId} screen={screen} />
          </ScreenBoundary>
        </main>
      </div>
      <BundleDrop />
    </div>
  );
}
