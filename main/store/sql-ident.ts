/**
 * Names put into SQL text. SQL in the store takes values only as bind parameters, but a table
 * or column name cannot be bound: statements built from the SYNCED_TABLES registry (one per
 * table, one per field) put the name into the text. Every such name goes through `ident()`,
 * which refuses anything that is not a name the store knows (a registry table or column, or
 * one of the store's own tables listed here) and quotes it; tests/unit/layers checks that no
 * other name is interpolated into SQL in main/store.
 */
import { AppError } from '../../shared/errors.js';
import { SYNCED_TABLES } from '../../shared/sync/tables.js';

/** A one-letter table alias in a statement built by a helper (`FROM evidence_note n`): chosen by code, never input. */
export type TableAlias = 'n' | 'f';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Columns every synced table has besides its registry fields. */
const ROW_COLUMNS = ['id', 'inspection_id', 'deleted', 'updated_hlc'] as const;

/** The store's own tables that a statement names from a list (purge), not from the registry. */
export const LOCAL_INSPECTION_TABLES = [
  'draft_edit',
  'sync_target',
  'sync_state',
  'sync_outbox',
  'sync_pushed',
  'sync_pulled',
  'bundle_ack',
] as const;

const KNOWN = new Set<string>([
  ...Object.keys(SYNCED_TABLES),
  ...Object.values(SYNCED_TABLES).flatMap((table) => [
    ...Object.keys(table.fields),
    ...((table as { searchable?: readonly string[] }).searchable ?? []),
  ]),
  ...ROW_COLUMNS,
  ...LOCAL_INSPECTION_TABLES,
]);

function known(name: string): string {
  if (!IDENTIFIER.test(name) || !KNOWN.has(name)) {
    throw new AppError('internal', 'Fieldwork refused to build a query with a name it does not know. Nothing has been changed.', {
      name: name.slice(0, 80),
    });
  }
  return name;
}

/** A known table or column name, quoted, for SQL text: `FROM ${ident(table)}`. */
export function ident(name: string): string {
  return `"${known(name)}"`;
}

/** Known column names, each quoted, joined by commas: `SELECT ${idents(columns)}`. */
export function idents(names: readonly string[]): string {
  return names.map(ident).join(', ');
}

/** A known table name as an SQL string literal, for a column that stores table names (`d.kind = 'finding'`). */
export function identLiteral(name: string): string {
  return `'${known(name)}'`;
}
