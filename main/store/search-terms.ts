/**
 * The search vocabulary: every term the full-text index has held (`search_term`), so a typed
 * prefix of four letters or more can be matched as the few whole terms it stands for instead of
 * as an FTS5 prefix query. FTS5 answers `"need"*` by merging the doclist of every term starting
 * with "need" across the whole index before it returns a row (5 ms at 100 K notes, ten times that
 * at 1 M); `("need" OR "needed")` is read lazily, newest first, and stops at the page's LIMIT.
 * The two-and three-letter prefixes have their own prefix indexes and stay prefix queries.
 *
 * The vocabulary may hold terms no live document has any more (an edited word, a deleted note):
 * such a term matches nothing, so a search finds exactly what the prefix query finds. It must
 * never lack a term the index holds, which is why the terms are FTS5's own:
 * - text whose pieces between ASCII separators are plain ASCII letters and digits is split here,
 *   exactly as `unicode61` splits it (every ASCII character but a letter or digit separates
 *   tokens, A–Z fold to a–z, and this index sets no `tokenchars` or `separators`);
 * - any piece with another character in it (accents, combining marks, other scripts) is handed
 *   to FTS5 itself, in a private in-memory database with the same tokenizer, and the terms it
 *   makes are read back.
 * A purge rebuilds the vocabulary from the index, so a purged inspection's words do not stay.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { Db, ReadableDb } from './connection.js';
import { cached } from './statement-cache.js';

/** unicode61's separators among ASCII characters: all but letters and digits (every non-ASCII unit is kept). */
const ASCII_SEPARATORS = /[^A-Za-z0-9\u0080-\uffff]+/;
const PLAIN = /^[A-Za-z0-9]+$/;
/** The tokenizer of `search_fts` (migration 0100). */
const SEARCH_TOKENIZER = 'unicode61 remove_diacritics 2';
/** A prefix standing for more whole terms than this is left to FTS5 as a prefix query. */
export const MAX_PREFIX_TERMS = 64;

/** A plain token (ASCII letters and digits only) is matched through the vocabulary; others are not. */
export function isPlainToken(token: string): boolean {
  return PLAIN.test(token);
}

interface Folder {
  readonly db: Database.Database;
  readonly put: Database.Statement<[string]>;
  readonly terms: Database.Statement<[], string>;
  readonly clear: Database.Statement<[]>;
}

let folder: Folder | null = null;

/** FTS5's own tokenizer, in a private in-memory database (no file, no key, nothing shared). */
function openFolder(): Folder {
  if (folder !== null) return folder;
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE fold USING fts5(text, tokenize='${SEARCH_TOKENIZER}', detail=none);
    CREATE VIRTUAL TABLE fold_terms USING fts5vocab(fold, 'row');`);
  folder = {
    db,
    put: db.prepare<[string]>('INSERT INTO fold(text) VALUES (?)'),
    terms: db.prepare<[], string>('SELECT term FROM fold_terms').pluck(),
    clear: db.prepare<[]>('DELETE FROM fold'),
  };
  return folder;
}

/** The terms FTS5 makes of these pieces. */
function foldedTerms(pieces: readonly string[]): string[] {
  const f = openFolder();
  try {
    f.put.run(pieces.join(' '));
    return f.terms.all();
  } finally {
    f.clear.run();
  }
}

/** Terms held before they are written, and non-ASCII text held before FTS5 folds it. */
const FLUSH_TERMS = 5_000;
const FOLD_CHARS = 256 * 1024;

/**
 * Collects the terms of many texts (a merge's every refreshed note) and writes them in a few
 * statements. Memory stays bounded whatever the texts: the pieces for FTS5 are folded once they
 * reach FOLD_CHARS, and the terms are written once FLUSH_TERMS have gathered (a hostile bundle
 * of unique words cannot grow the set without limit). No text is kept after `add` returns.
 */
export class SearchTermRecorder {
  /** Terms of the plain pieces, folded as unicode61 folds them. */
  private plain = new Set<string>();
  /** Pieces holding any non-ASCII character, for FTS5 to tokenize. */
  private other: string[] = [];
  private otherChars = 0;

  constructor(private readonly db: Db) {}

  add(text: string): void {
    // Split at ASCII separators as unicode61 splits (so no token spans two pieces).
    for (const piece of text.split(ASCII_SEPARATORS)) {
      if (piece === '') continue;
      if (PLAIN.test(piece)) this.plain.add(piece.toLowerCase());
      else {
        this.other.push(piece);
        this.otherChars += piece.length;
      }
    }
    if (this.otherChars >= FOLD_CHARS) this.fold();
    if (this.plain.size >= FLUSH_TERMS) this.write();
  }

  /** Writes every term gathered so far. */
  flush(): void {
    this.fold();
    this.write();
  }

  private fold(): void {
    if (this.other.length === 0) return;
    const pieces = this.other;
    this.other = [];
    this.otherChars = 0;
    for (const term of foldedTerms(pieces)) this.plain.add(term);
  }

  private write(): void {
    const terms = this.plain;
    if (terms.size === 0) return;
    this.plain = new Set();
    cached<[string]>(this.db, 'INSERT OR IGNORE INTO search_term(term) SELECT value FROM json_each(?)').run(
      JSON.stringify([...terms]),
    );
  }
}

/** Adds the terms of one text (as the index tokenizes it) to the vocabulary. */
export function recordSearchTerms(db: Db, text: string): void {
  const recorder = new SearchTermRecorder(db);
  recorder.add(text);
  recorder.flush();
}

/**
 * The whole terms starting with a plain prefix (lower-cased), up to one more than the limit so
 * the caller can tell "too many". Terms compare as UTF-8 bytes: the range [prefix, next) holds
 * exactly the terms that begin with it.
 */
export function termsWithPrefix(db: ReadableDb, prefix: string, limit = MAX_PREFIX_TERMS + 1): string[] {
  const last = prefix.charCodeAt(prefix.length - 1);
  const next = prefix.slice(0, -1) + String.fromCharCode(last + 1);
  return cached<[string, string, number], string>(
    db,
    'SELECT term FROM search_term WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
  )
    .pluck()
    .all(prefix, next, limit);
}

/**
 * Makes the vocabulary the index's terms again: run after the index is rebuilt (a purge), so
 * words only a purged inspection held are gone from it too.
 */
export function rebuildSearchTerms(db: Db): void {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_terms USING fts5vocab(main, search_fts, 'row');
    DELETE FROM search_term;
    INSERT INTO search_term(term) SELECT term FROM temp.search_fts_terms;
    DROP TABLE temp.search_fts_terms;`);
}
