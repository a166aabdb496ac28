/** Bundles: export, preview, import and history. (Contract first; implementation follows.) */
import { AppError } from '../../shared/errors.js';
import type { HandlerGroup } from './context.js';

const pending = (): never => {
  throw new AppError('internal', 'Bundles are not available yet in this build.');
};

export const bundleHandlers = {
  'bundles.export': pending,
  'bundles.preview': pending,
  'bundles.import': pending,
  'bundles.history': pending,
} satisfies HandlerGroup<'bundles.export' | 'bundles.preview' | 'bundles.import' | 'bundles.history'>;
