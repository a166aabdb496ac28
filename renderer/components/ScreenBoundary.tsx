/**
 * An error boundary around each screen: a screen that throws while rendering shows a message
 * with a way back instead of blanking the whole window. The header, the navigation and the
 * note composer stay usable; the error is logged (the console, which the desktop app and the
 * browser keep). Choosing another screen (a new `key`) or "Try again" renders the screen anew.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** The screen's name, for the message and the log. */
  readonly screen: string;
  /** The way back: e.g. the inspection's first screen, or the inspection list. */
  readonly onBack: () => void;
  readonly backLabel: string;
  readonly children: ReactNode;
}

interface State {
  readonly error: Error | null;
}

export class ScreenBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Fieldwork: the ${this.props.screen} screen failed to show`, error, info.componentStack);
  }

  private readonly retry = (): void => this.setState({ error: null });

  private readonly back = (): void => {
    this.setState({ error: null });
    this.props.onBack();
  };

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <section className="screen screen-failed" role="alert" aria-labelledby="screen-failed-title">
        <h1 id="screen-failed-title">This screen could not be shown</h1>
        <p>
          Something went wrong while showing {this.props.screen}. Your saved work is not affected: everything you saved is still
          in this laptop’s data file.
        </p>
        <p className="muted">The problem has been written to the log.</p>
        <div className="form-actions">
          <button type="button" className="button-primary" onClick={this.retry}>
            Try again
          </button>
          <button type="button" onClick={this.back}>
            {this.props.backLabel}
          </button>
        </div>
      </section>
    );
  }
}
