/**
 * CSV that Excel opens correctly: UTF-8 with a byte-order mark, CRLF line ends, every field
 * quoted, quotes doubled. Cells that Excel would run as formulas (=, +, -, @, tab, CR) are
 * prefixed with an apostrophe, so a note cannot become a spreadsheet formula (CSV injection).
 * Control and non-characters are removed (clean-text.ts).
 */

import { cleanText } from './clean-text.js';

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '""';
  let text = typeof value === 'number' ? String(value) : cleanText(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [headers, ...rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
