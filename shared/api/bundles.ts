/**
 * Commands for bundles: export, preview before import, import (merge) and the import history.
 * A bundle travels as bytes (a Uint8Array, never base64: shared/api/bytes.ts) across the API: in
 * browser mode a file is an upload and an export a download, never a path from the renderer.
 * A preview keeps what it verified for a while and answers with a `previewToken`; importing with
 * it merges that (one write transaction) instead of decrypting and verifying the file again. The CLI uses the file-based service
 * functions in main/services/bundles.ts instead.
 *
 * Failures are AppError payloads:
 * - code `bundle_invalid` or `bundle_from_future` with `details.reason` one of BUNDLE_REJECT_REASONS
 *   (`details.fingerprint` is set for 'unknown-author' and 'not-a-member');
 * - code `conflict` with `details.reason = 'needs-confirmation'` and `details.deletions` when an
 *   import would delete more rows than DELETION_THRESHOLD and `confirmDeletions` was not set.
 */
import * as z from 'zod';
import { Id } from '../domain/schemas.js';
import { Bytes } from './bytes.js';
import { mutation, query } from './command.js';
import { PageCursor } from './pages.js';

export const BUNDLE_EXTENSION = '.fwbundle';

/** The largest bundle file Fieldwork reads (main/sync/bundle-format.ts DEFAULT_LIMITS). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;
/** Said when a file over MAX_BUNDLE_BYTES is offered (the bridge refuses it before reading it). */
export const BUNDLE_TOO_LARGE = 'This file is too large to be a Fieldwork bundle, so it was not read.';

/** Imports that would delete more rows than this need the lead's confirmation. */
export const DELETION_THRESHOLD = 10;

export const BUNDLE_REJECT_REASONS = [
  'bad-signature',
  'unknown-author',
  'not-a-member',
  'wrong-inspection',
  'newer-format',
  'truncated',
  'corrupt',
  'too-large',
  'wrong-key',
  'chain-gap',
  'fork',
  'not-a-bundle',
] as const;
export type BundleRejectReason = (typeof BUNDLE_REJECT_REASONS)[number];

/** A bundle file's own bytes: never empty. */
const FileBytes = Bytes().refine((bytes) => bytes.byteLength > 0, { message: 'The file is empty.' });

/** A bundle file's bytes as they cross the API. */
const BundleBytes = z.object({
  fileName: z.string().trim().min(1).max(255),
  bytes: FileBytes,
  passphrase: z.string().min(1).max(1024).optional(),
  /** When set, a bundle for any other inspection is refused ('wrong-inspection'). */
  inspectionId: Id.optional(),
});

export const BundleExportInput = z.object({
  inspectionId: Id,
  /** 'delta': what the recipients have not acknowledged; 'full': everything (recovery). */
  mode: z.enum(['delta', 'full']).default('delta'),
  /** 'team': encrypted to every team member's key (and this laptop's); 'passphrase': USB hand-off. */
  recipients: z.enum(['team', 'passphrase']).default('team'),
  passphrase: z.string().min(8).max(1024).optional(),
});

export const BundleExportResult = z.object({
  fileName: z.string(),
  bytes: Bytes(),
  size: z.number().int(),
  changesets: z.number().int(),
  ops: z.number().int(),
});

export const BundleAuthor = z.object({
  author: z.string(),
  fingerprint: z.string(),
  name: z.string().nullable(),
});

/**
 * Something the user should know about a bundle that was (or would be) imported, in words.
 * The import never refuses for these; the UI and the CLI show `message` as it is.
 * - 'clock-ahead': an author's clock runs ahead of this laptop's (`aheadMs`); beyond
 *   MAX_CLOCK_SKEW_MS this laptop's clock does not follow it (shared/sync/hlc.ts).
 * - 'restored-laptop': an author's laptop was restored from a backup (or rebuilt after damage)
 *   and wrote on from there: its chain has a new epoch; both histories are kept (docs/sync-chains.md).
 * - 'missing-earlier': some of an author's earlier changesets have not reached this laptop
 *   (`missingSeq` is the first); the later ones were merged anyway and the earlier ones will be when they come.
 */
export const BundleNotice = z.object({
  kind: z.enum(['clock-ahead', 'restored-laptop', 'missing-earlier']),
  message: z.string(),
  /** The member the notice is about (signing key and roster name), when it is about one. */
  author: z.string().nullable(),
  name: z.string().nullable(),
  aheadMs: z.number().optional(),
  missingSeq: z.number().int().optional(),
});
export type BundleNoticeT = z.output<typeof BundleNotice>;

/**
 * A change in a bundle that does not take effect (docs/authority.md): refused because the
 * member had no authority for it, or held until the lead confirms a key it would add.
 * Grouped by member and sentence; `count` is how many ops carried it.
 */
export const AuthorityNotice = z.object({
  member: BundleAuthor,
  /** What was tried, in words ("add “Eve” to the team"). */
  change: z.string(),
  /** One sentence naming the member and the change. */
  message: z.string(),
  /** Which law of the model (shared/sync/authority.ts AuthorityRule). */
  rule: z.string(),
  count: z.number().int(),
});
export type AuthorityNoticeT = z.output<typeof AuthorityNotice>;

export const BundlePreview = z.object({
  bundleId: z.string(),
  inspection: z.object({ id: z.string(), localAuthority: z.string().nullable() }),
  exporter: BundleAuthor,
  createdAt: z.string(),
  mode: z.enum(['delta', 'full']),
  changesets: z.number().int(),
  ops: z.number().int(),
  alreadyImported: z.boolean(),
  /** Ops this store does not have yet. */
  newOps: z.number().int(),
  /** Distinct fields whose ops change (deletes not counted). */
  updatedFields: z.number().int(),
  /** Fields (or deleted rows) that would newly be in conflict. */
  newConflicts: z.number().int(),
  /** Rows that would go from present to deleted. */
  deletions: z.number().int(),
  /** deletions > DELETION_THRESHOLD: import needs confirmDeletions. */
  needsConfirmation: z.boolean(),
  /** Authors not in this store's roster (nor added by the bundle's trusted roster ops). */
  unknownAuthors: z.array(z.object({ author: z.string(), fingerprint: z.string() })),
  /** The store does not know this inspection yet: importing joins it (needs trustLead). */
  isJoin: z.boolean(),
  /** What the user should be told (never a refusal): see BundleNotice. */
  notices: z.array(BundleNotice),
  /** Changes kept in the log that do not take effect: the member had no authority for them. */
  refused: z.array(AuthorityNotice).default([]),
  /** Keys this bundle would add, waiting for the lead (team.confirmKeys); the rest was imported. */
  held: z.array(AuthorityNotice).default([]),
  needsKeyConfirmation: z.boolean().default(false),
});

/** What `bundles.preview` answers: the preview and the token that imports what it verified. */
export const BundlePreviewAnswer = BundlePreview.extend({
  /**
   * Give it to `bundles.import` (with the same fileName) to merge what this preview verified
   * without reading the file again; null when the preview could not be kept (too large).
   * Good for one import, for PREVIEW_KEPT_MS, on this store in this session only.
   */
  previewToken: z.string().nullable(),
});

/** How long a preview is kept for its import. */
export const PREVIEW_KEPT_MS = 10 * 60_000;

export const BundleImportInput = BundleBytes.extend({
  /** The file's bytes; may be left out when `previewToken` names a preview still kept. */
  bytes: FileBytes.optional(),
  previewToken: z.string().max(64).optional(),
  confirmDeletions: z.boolean().optional(),
  /** The exporter's fingerprint, confirmed by the user, when joining an inspection. */
  trustLead: z.string().trim().max(64).optional(),
}).refine((input) => input.bytes !== undefined || input.previewToken !== undefined, {
  message: 'Give the bundle file’s bytes or the token of its preview.',
  path: ['bytes'],
});

export const BundleImportResult = z.object({
  status: z.enum(['imported', 'already_imported']),
  bundleId: z.string(),
  inspectionId: z.string(),
  newOps: z.number().int(),
  updatedFields: z.number().int(),
  newConflicts: z.number().int(),
  deletions: z.number().int(),
  notices: z.array(BundleNotice),
  refused: z.array(AuthorityNotice).default([]),
  held: z.array(AuthorityNotice).default([]),
  /** The lead must confirm the held keys (team.heldKeys / team.confirmKeys) before they count. */
  needsKeyConfirmation: z.boolean().default(false),
});

export const ImportedBundle = z.object({
  bundleId: z.string(),
  fileName: z.string(),
  exporter: BundleAuthor,
  importedAt: z.string(),
  newOps: z.number().int(),
  updatedFields: z.number().int(),
  newConflicts: z.number().int(),
  deletions: z.number().int(),
});

/** The most bundles one page of the import history can hold; the screen asks for fewer. */
export const BUNDLE_HISTORY_PAGE_MAX = 200;

/**
 * One page of the import history, newest first (by when each was imported, then its id).
 * `next` is the cursor for the page after (null on the last); `total` is the count of every
 * bundle imported into the inspection, on every page.
 */
export const BundleHistoryPage = z.object({
  bundles: z.array(ImportedBundle),
  next: z.string().nullable(),
  total: z.number().int().nonnegative(),
});
export type BundleHistoryPage = z.infer<typeof BundleHistoryPage>;

export type BundlePreviewT = z.output<typeof BundlePreview>;
export type BundleImportResultT = z.output<typeof BundleImportResult>;

export const bundleCommands = {
  'bundles.export': mutation(BundleExportInput, BundleExportResult),
  'bundles.preview': query(BundleBytes, BundlePreviewAnswer),
  'bundles.import': mutation(BundleImportInput, BundleImportResult),
  /** The import history, a page at a time from the store (keyset: a bundle imported between pages shifts nothing). */
  'bundles.history': query(
    z.object({
      inspectionId: Id,
      cursor: PageCursor,
      limit: z.number().int().min(1).max(BUNDLE_HISTORY_PAGE_MAX).default(50),
    }),
    BundleHistoryPage,
  ),
} as const;
