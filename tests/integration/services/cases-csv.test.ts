import { describe, expect, it } from 'vitest';
import {
  checkCaseListBytes,
  decodeCaseList,
  detectDelimiter,
  parseCaseListText,
} from '../../../main/services/case-list-import.js';
import { csvBytes, csvText, type CaseListOptions } from '../../support/case-lists.js';

const rows = [
  ['Case ref', 'Stage', 'Notes'],
  ['A1', 'CIN', 'plain'],
  ['A2', 'CP', 'two\nlines'],
  ['A3', 'LAC', 'she said "hello", then left; quietly'],
];

function readBack(bytes: Buffer) {
  const decoded = decodeCaseList(bytes);
  return { ...parseCaseListText(decoded.text), encoding: decoded.encoding };
}

describe('reading case lists as Excel writes them', () => {
  it.each([
    ['comma, CRLF, no BOM', { delimiter: ',' as const }],
    ['semicolon, BOM', { delimiter: ';' as const, bom: true }],
    ['tab, LF', { delimiter: '\t' as const, newline: '\n' as const }],
    ['semicolon with the sep= hint line', { delimiter: ';' as const, sepHint: true }],
    ['UTF-16 "Unicode text"', { delimiter: '\t' as const, encoding: 'utf-16le' as const }],
  ])('%s: same records, fields and line numbers', (_name, options: CaseListOptions) => {
    const parsed = readBack(csvBytes(rows, options));
    const offset = options.sepHint ? 1 : 0;
    expect(parsed.headers).toEqual(['Case ref', 'Stage', 'Notes']);
    expect(parsed.records.map((r) => r.fields)).toEqual(rows.slice(1));
    // The quoted newline in A2 pushes A3 to line 5.
    expect(parsed.records.map((r) => r.line)).toEqual([2 + offset, 3 + offset, 5 + offset]);
    expect(parsed.problems).toEqual([]);
  });

  it('strips a UTF-8 BOM so the first header is clean, and names the encoding', () => {
    const parsed = readBack(csvBytes(rows, { bom: true }));
    expect(parsed.encoding).toBe('utf-8 with BOM');
    expect(parsed.headers[0]).toBe('Case ref');
  });

  it('decodes Windows-1252 bytes when the file is not valid UTF-8', () => {
    const parsed = readBack(
      csvBytes(
        [
          ['Case ref', 'Team'],
          ['A1', 'Café – “north”'],
        ],
        { encoding: 'windows-1252' },
      ),
    );
    expect(parsed.encoding).toBe('windows-1252');
    expect(parsed.records[0]?.fields).toEqual(['A1', 'Café – “north”']);
  });

  it('detects the delimiter from the header line, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('"a,b,c";d;e\r\n1;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\tc,d')).toBe('\t');
    expect(detectDelimiter('single column\n1')).toBe(',');
  });

  it('skips blank lines and rows of empty cells without losing line numbers', () => {
    const text = 'Ref;Stage\r\n\r\nA1;CIN\r\n;\r\nA2;CP\r\n';
    const parsed = parseCaseListText(text);
    expect(parsed.records).toEqual([
      { line: 3, fields: ['A1', 'CIN'] },
      { line: 5, fields: ['A2', 'CP'] },
    ]);
  });

  it('an unclosed quote becomes a problem on the line where it starts, never a crash', () => {
    const text =
      csvText([
        ['Ref', 'Stage'],
        ['A1', 'CIN'],
      ]) + 'A2,"CP\r\nA3,LAC\r\n';
    const parsed = parseCaseListText(text);
    expect(parsed.records.map((r) => r.fields[0])).toEqual(['A1']);
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringContaining('never closed') }]);
  });

  it('a stray quote mark is reported on its line with the lines it swallowed; later rows still count', () => {
    const text = 'Ref,Stage\r\nA1,"CP"x\r\nA2,CIN\r\nA3,he said "hi"\r\n';
    const parsed = parseCaseListText(text);
    expect(parsed.problems).toEqual([
      { line: 2, reason: expect.stringMatching(/stray quote.*lines 2 to 4 were read as one row/) },
    ]);
    const unquoted = parseCaseListText('Ref,Note\r\nA1,he said "hi"\r\nA2,ok\r\n');
    expect(unquoted.problems).toEqual([]);
    expect(unquoted.records.map((r) => r.fields)).toEqual([
      ['A1', 'he said "hi"'],
      ['A2', 'ok'],
    ]);
  });

  it('gives duplicate or empty header names unique names', () => {
    const parsed = parseCaseListText('Ref,,Ref\n1,2,3\n');
    expect(parsed.headers).toEqual(['Ref', 'Column 2', 'Ref (2)']);
  });

  it('survives random bytes: always headers, records and problems, never an exception', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (seed * 7919 + i * 104729) % 256));
      expect(() => readBack(bytes)).not.toThrow();
    }
  });

  it('refuses an empty file, an old .xls workbook and an oversized file with a sentence', () => {
    expect(() => checkCaseListBytes(Buffer.alloc(0))).toThrow('The file is empty.');
    expect(() => checkCaseListBytes(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).toThrow(/old-style Excel file.*xlsx/);
    expect(() => checkCaseListBytes(Buffer.alloc(50 * 1024 * 1024 + 1))).toThrow(
      /50\.0 MB; Fieldwork takes case lists up to 50 MB/,
    );
  });
});
