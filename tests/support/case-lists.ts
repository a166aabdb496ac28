/**
 * Test factory: case lists as Excel and local authority systems write them (BOM or not,
 * comma, semicolon or tab, CRLF, quoted fields with newlines and doubled quotes, Windows-1252).
 */

export interface CaseListOptions {
  readonly delimiter?: ',' | ';' | '\t';
  readonly bom?: boolean;
  readonly newline?: '\r\n' | '\n';
  readonly encoding?: 'utf-8' | 'windows-1252' | 'utf-16le';
  /** Prefix Excel's "sep=;" hint line. */
  readonly sepHint?: boolean;
}

/** Quotes a cell the way Excel does: only when it holds the delimiter, a quote or a newline. */
export function csvCell(value: string, delimiter: string): string {
  return value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

export function csvText(rows: readonly (readonly string[])[], options: CaseListOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  const newline = options.newline ?? '\r\n';
  const body = rows.map((row) => row.map((cell) => csvCell(cell, delimiter)).join(delimiter)).join(newline) + newline;
  return (options.sepHint ? `sep=${delimiter}${newline}` : '') + body;
}

function windows1252(text: string): Buffer {
  const special: Record<string, number> = { '€': 0x80, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97 };
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0) ?? 0x3f;
      if (special[ch] !== undefined) return special[ch] as number;
      return code < 256 ? code : 0x3f;
    }),
  );
}

export function csvBytes(rows: readonly (readonly string[])[], options: CaseListOptions = {}): Buffer {
  const text = csvText(rows, options);
  switch (options.encoding ?? 'utf-8') {
    case 'windows-1252':
      return windows1252(text);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    default:
      return Buffer.concat([options.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
  }
}

export const STANDARD_HEADERS = ['Case ref', 'DOB', 'Stage', 'Legal status', 'Agencies', 'Flags'] as const;

/** A tidy list of n children: refs C0001.., stages and ages cycling, so strata are predictable. */
export function generatedCaseRows(n: number): string[][] {
  const stages = ['Child in need', 'CP', 'Looked after', 'Early help', 'Care leaver'];
  const births = ['14/03/2024', '02/07/2018', '30/11/2012', '01/01/2010', '05/05/2006'];
  const legal = ['S17', 'CP plan', 'ICO', 'Early help', 'Care leaver'];
  const rows: string[][] = [[...STANDARD_HEADERS]];
  for (let i = 0; i < n; i++) {
    rows.push([
      `C${String(i + 1).padStart(5, '0')}`,
      births[i % births.length] as string,
      stages[i % stages.length] as string,
      legal[i % legal.length] as string,
      i % 2 === 0 ? 'CSC; Police' : 'Health|School',
      i % 3 === 0 ? 'DA' : '',
    ]);
  }
  return rows;
}

/**
 * The messy list of the e2e and integration tests: a BOM, semicolons, CRLF, a quoted newline
 * and doubled quotes, one bad row (line 7: a date of birth that is not a date) and one
 * duplicate reference (line 9 repeats line 3). Lines are file lines, counting the header as 1.
 */
export function messyCaseList(): { bytes: Buffer; badLine: number; duplicateLines: number[]; valid: number; total: number } {
  const rows = [
    ['Case Ref', 'Date of birth', 'Stage of journey', 'Legal Status', 'Agencies involved', 'Flags'],
    ['NS-1001', '12/04/2019', 'Child in need', 'S17', 'CSC; Police', 'DA'], // line 2
    ['NS-1002', '03/09/2012', 'CP', 'CP - neglect', 'CSC|Health', 'DA, Neglect'], // line 3
    ['NS-1003', '27/01/2009', 'Looked after', 'ICO', 'CSC', 'Missing\nCSE'], // lines 4-5 (quoted newline)
    ['NS-1004', '15/06/2016', 'Early help', '', 'Health; School', 'He said "no"'], // line 6
    ['NS-1005', 'not known', 'CIN', 'S17', 'CSC', ''], // line 7: bad date of birth
    ['NS-1006', '08/08/2020', 'Child protection', 'CP plan', 'Police', 'DA'], // line 8
    ['ns-1002', '03/09/2012', 'CP', 'CP plan', 'CSC', ''], // line 9: duplicate of line 3
    ['NS-1007', '30/10/2007', 'Care leaver', 'Care leaver', 'CSC', ''], // line 10
    ['NS-1008', '19/02/2014', 'CIN', 'S17', 'CSC; Education', 'Neglect'], // line 11
  ];
  return {
    bytes: csvBytes(rows, { delimiter: ';', bom: true, newline: '\r\n' }),
    badLine: 7,
    duplicateLines: [3, 9],
    valid: 7,
    total: 9,
  };
}

/** A title line and a blank line above the header, as exports from case management systems have. */
export function titledCaseRows(n: number): string[][] {
  return [['Children known to social care – extract 01/11/2026'], [], ...generatedCaseRows(n)];
}

export interface WorkbookSheet {
  readonly name: string;
  readonly rows: readonly (readonly (string | number | Date | null)[])[];
  /** Ranges to merge, e.g. "A1:F1". */
  readonly merges?: readonly string[];
  /** A number format for whole columns (1-based), e.g. dates. */
  readonly dateColumns?: readonly number[];
}

/** A real .xlsx workbook, written by exceljs as Excel would save it. */
export async function workbookBytes(sheets: readonly WorkbookSheet[], options: { date1904?: boolean } = {}): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  if (options.date1904) workbook.properties.date1904 = true;
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    for (const row of sheet.rows) worksheet.addRow([...row]);
    for (const range of sheet.merges ?? []) worksheet.mergeCells(range);
    for (const column of sheet.dateColumns ?? []) worksheet.getColumn(column).numFmt = 'dd/mm/yyyy';
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
