/**
 * CSV that Excel opens correctly, written by papaparse's `unparse`: UTF-8 with a byte-order
 * mark, CRLF line ends, every field quoted, quotes doubled. Cells that Excel would run as
 * formulas (=, +, -, @, tab, CR at the start, whatever follows, newlines included) are prefixed
 * with an apostrophe, so a note cannot become a spreadsheet formula (CSV injection). Control
 * and non-characters are removed first (clean-text.ts).
 */
import Papa from 'papaparse';
import { cleanText } from './clean-text.js';

export type CsvCell = string | number | null | undefined;

/** papaparse's own `escapeFormulae: true` pattern ends in `.*$`, so it misses "=1\nx": ours does not. */
const FORMULA_START = /^[=+\-@\t\r]/;

function prepared(value: CsvCell): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? value : cleanText(value);
}

export function toCsv(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const data = [headers, ...rows].map((row) => row.map(prepared));
  const body = Papa.unparse(data, {
    quotes: true,
    quoteChar: '"',
    escapeChar: '"',
    newline: '\r\n',
    escapeFormulae: FORMULA_START,
  });
  return `\uFEFF${body}\r\n`;
}
