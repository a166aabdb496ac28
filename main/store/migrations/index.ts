/** Every migration, in order. Never edit one that has shipped: add the next number. */
import { migration0010 } from './0010-initial.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 10, name: '0010-initial', sql: migration0010 }];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
