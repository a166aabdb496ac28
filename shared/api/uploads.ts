/**
 * The commands that take a file's bytes (shared/api/bytes.ts), and the largest file each takes:
 * browser mode's bridge refuses a bigger upload from its declared length, before reading it,
 * and the page refuses it before sending it.
 */
import { BUNDLE_TOO_LARGE, MAX_BUNDLE_BYTES } from './bundles.js';
import { CASE_LIST_TOO_LARGE, MAX_CASE_LIST_BYTES } from './cases.js';

export interface UploadLimit {
  readonly maxBytes: number;
  /** The sentence the user is shown for a bigger file. */
  readonly tooLarge: string;
}

const BUNDLE: UploadLimit = { maxBytes: MAX_BUNDLE_BYTES, tooLarge: BUNDLE_TOO_LARGE };
const CASE_LIST: UploadLimit = { maxBytes: MAX_CASE_LIST_BYTES, tooLarge: CASE_LIST_TOO_LARGE };

const LIMITS: Readonly<Record<string, UploadLimit>> = {
  'bundles.preview': BUNDLE,
  'bundles.import': BUNDLE,
  'cases.previewImport': CASE_LIST,
  'cases.commitImport': CASE_LIST,
};

/** The limit of a command that takes a file; null for every other command. */
export function uploadLimit(command: string): UploadLimit | null {
  return Object.prototype.hasOwnProperty.call(LIMITS, command) ? (LIMITS[command] ?? null) : null;
}
