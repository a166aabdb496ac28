/** Every migration, in order. Never edit one that has shipped: add the next number. */
import { migration0010 } from './0010-initial.js';
import { migration0060 } from './0060-purge-log.js';
import { migration0070 } from './0070-moderation.js';
import { migration0120 } from './0120-letter.js';
import { migration0121 } from './0121-held-bundles.js';
import { migration0135 } from './0135-case-list-lookup.js';
import { migration0140 } from './0140-note-list-order.js';
import { migration0150 } from './0150-drafts.js';
import { migration0160 } from './0160-search-terms.js';
import { migration0170 } from './0170-finding-search.js';
import { migration0180 } from './0180-authority-epoch.js';
import { migration0040 } from './0040-bundles.js';
import { migration0050 } from './0050-sync.js';
import { migration0090 } from './0090-authority.js';
import { migration0100 } from './0100-search-prefix.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * Numbered below a migration that shipped before it (number ranges are handed out ahead of
   * time, so a lower number can land later). A store whose user_version is already past it has
   * not had it: a late migration is applied to every store that has not recorded it in
   * `schema_migration`, not only to stores below its number.
   */
  readonly late?: true;
}

const LISTED: readonly Migration[] = [
  { version: 10, name: '0010-initial', sql: migration0010 },
  { version: 40, name: '0040-bundles', sql: migration0040 },
  { version: 50, name: '0050-sync', sql: migration0050 },
  { version: 60, name: '0060-purge-log', sql: migration0060 },
  { version: 70, name: '0070-moderation', sql: migration0070 },
  { version: 90, name: '0090-authority', sql: migration0090 },
  { version: 100, name: '0100-search-prefix', sql: migration0100, late: true },
  { version: 120, name: '0120-letter', sql: migration0120 },
  { version: 121, name: '0121-held-bundles', sql: migration0121 },
  { version: 135, name: '0135-case-list-lookup', sql: migration0135 },
  { version: 140, name: '0140-note-list-order', sql: migration0140 },
  { version: 150, name: '0150-drafts', sql: migration0150 },
  { version: 160, name: '0160-search-terms', sql: migration0160 },
  { version: 170, name: '0170-finding-search', sql: migration0170 },
  { version: 180, name: '0180-authority-epoch', sql: migration0180 },
];

/** Applied in version order whatever order they are listed in above. */
export const MIGRATIONS: readonly Migration[] = [...LISTED].sort((a, b) => a.version - b.version);

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
