/**
 * Reading an area's case list as Excel writes it: bytes -> text (UTF-8 with or without a
 * BOM, UTF-16 "Unicode text", or Windows-1252 when the bytes are not valid UTF-8) -> records
 * with the line each starts on (quoted newlines make line and record index differ) -> the
 * mapped frame. A malformed file never throws past here: it becomes a line-numbered problem.
 */
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { z } from 'zod';
import { MAX_CASE_LIST_BYTES, MAX_HEADER_CHARS, type ImportPreview } from '../../shared/api/cases.js';
import {
  CASE_LIST_FIELD_KEYS,
  EMPTY_MAPPING,
  detectHeaderRow,
  fitMapping,
  isMappingEmpty,
  sameHeaders,
  suggestMapping,
  type CaseListField,
  type ColumnMapping,
} from '../../shared/case-list/fields.js';
import { parseIsoReference } from '../../shared/case-list/normalise.js';
import { buildFrame, type CaseListEntry, type CsvRecord, type RowProblem } from '../../shared/case-list/validate.js';
import { newId } from '../../shared/domain/ids.js';
import { AppError } from '../../shared/errors.js';
import { insertCaseList, latestCaseList } from '../store/case-list-repo.js';
import { readMeta, writeMeta } from '../store/meta-repo.js';
import { sha256Hex } from '../sync/op-id.js';
import { inTransaction, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

export type TextEncodingName = 'utf-8' | 'utf-8 with BOM' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

/** Refuses what Fieldwork cannot read (too big, empty, an old .xls), with a sentence saying what to do instead. */
export function checkCaseListBytes(bytes: Uint8Array): void {
  if (bytes.length > MAX_CASE_LIST_BYTES) {
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    throw new AppError(
      'invalid_input',
      `The file is ${mb} MB; Fieldwork takes case lists up to ${MAX_CASE_LIST_BYTES / 1024 / 1024} MB. Remove columns Fieldwork does not need, or split the list.`,
    );
  }
  if (bytes.length === 0) throw new AppError('invalid_input', 'The file is empty.');
  if (isLegacyXls(bytes)) {
    throw new AppError(
      'invalid_input',
      'This is an old-style Excel file (.xls). In Excel choose File, Save As, "Excel Workbook (.xlsx)" or "CSV UTF-8", then import that.',
    );
  }
}

/** A zip file: .xlsx workbooks are zip archives of XML parts. */
export function isWorkbook(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The old binary .xls format (an OLE compound file), which Fieldwork does not read. */
function isLegacyXls(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

export function decodeCaseList(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: hasBom ? 'utf-8 with BOM' : 'utf-8' };
  } catch {
    // Not valid UTF-8: Excel's "CSV (Comma delimited)" on Windows writes the ANSI code page.
    return { text: decodeWindows1252(body), encoding: 'windows-1252' };
  }
}

/** Windows-1252's 0x80-0x9F (curly quotes, dashes, the euro sign); undefined slots stay as they are. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node 20's TextDecoder('windows-1252') decodes as Latin-1 (0x80-0x9F become control
 * characters), so the 32 bytes that differ are mapped here.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80] ?? ch);
}

export interface ParsedCsv extends HeaderSplit {
  readonly delimiter: string;
  /** Records that could not be read as CSV (e.g. an unclosed quote), by line. */
  readonly problems: readonly RowProblem[];
}

/** Every non-blank row of a file or sheet, with the line (CSV) or row number (workbook) it starts on. */
export interface RawRows {
  readonly rows: readonly CsvRecord[];
  readonly problems: readonly RowProblem[];
}

export interface HeaderSplit {
  readonly headers: readonly string[];
  readonly records: readonly CsvRecord[];
  /** The line or row number of the header (0 when the file has no rows). */
  readonly headerLine: number;
  /** The first rows, as the user can pick another one as the header. */
  readonly headerCandidates: readonly { line: number; text: string }[];
}

const CANDIDATE_ROWS = 12;

/**
 * Finds the header below title and blank rows (or takes the one the user picked), and keeps
 * only the rows after it as records. Workbook rows are padded to the header's width, since a
 * sheet's trailing empty cells are not written.
 */
export function splitHeader(raw: readonly CsvRecord[], options: { headerLine?: number; pad?: boolean } = {}): HeaderSplit {
  const headerCandidates = raw.slice(0, CANDIDATE_ROWS).map((r) => ({
    line: r.line,
    text: r.fields
      .map((f) => f.trim())
      .filter((f) => f !== '')
      .join(' | ')
      .slice(0, 160),
  }));
  if (raw.length === 0) return { headers: [], records: [], headerLine: 0, headerCandidates };
  let index = options.headerLine === undefined ? -1 : raw.findIndex((r) => r.line === options.headerLine);
  if (index < 0) index = detectHeaderRow(raw.map((r) => r.fields));
  const headerRow = raw[index] as CsvRecord;
  const fields = [...headerRow.fields];
  if (options.pad) while (fields.length > 0 && (fields[fields.length - 1] ?? '').trim() === '') fields.pop();
  const headers = cleanHeaders(fields);
  const width = headers.length;
  const records = raw.slice(index + 1).map((r) => {
    if (!options.pad || r.fields.length >= width) return r;
    return { line: r.line, fields: [...r.fields, ...Array<string>(width - r.fields.length).fill('')] };
  });
  return { headers, records, headerLine: headerRow.line, headerCandidates };
}

const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter used most in the first line outside quotes; a comma when there is no sign of any. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length && i < 64_000; i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const d of CANDIDATE_DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

function readableError(code: string): string {
  switch (code) {
    case 'MissingQuotes':
      return 'A quoted value starts here but is never closed, so the rest of the file was read as one value';
    case 'InvalidQuotes':
      return 'A value has a stray quote mark (quotes inside a value must be doubled)';
    default:
      return 'This row could not be read as CSV';
  }
}

/** Room left in a column name for the " (N)" that tells two of the same name apart. */
const HEADER_BASE_CHARS = MAX_HEADER_CHARS - 12;

/** A column name short enough to map: a paragraph in a header cell is cut (not inside a letter) and ends in "…". */
function shortHeader(name: string): string {
  if (name.length <= HEADER_BASE_CHARS) return name;
  let cut = name.slice(0, HEADER_BASE_CHARS - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Unique, non-empty header names, so a mapping by header text is never ambiguous. */
function cleanHeaders(fields: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((field, index) => {
    const base = shortHeader(field.trim().replace(/\s+/g, ' ')) || `Column ${index + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

export function parseCaseListText(input: string, headerLine?: number): ParsedCsv {
  const raw = parseCaseListRows(input);
  return { ...raw, ...splitHeader(raw.rows, headerLine === undefined ? {} : { headerLine }) };
}

export function parseCaseListRows(input: string): RawRows & { readonly delimiter: string } {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let lineOffset = 0;
  let delimiter: string | null = null;
  // Excel's own hint line: "sep=;" before the header.
  const hint = /^"?sep=(.)"?[^\S\r\n]*(\r\n|\n|\r)/i.exec(text);
  if (hint) {
    delimiter = hint[1] as string;
    text = text.slice(hint[0].length);
    lineOffset = 1;
  }
  delimiter ??= detectDelimiter(text);
  // Lines as a text editor numbers them: CRLF, a lone LF and a lone CR each end one. (Counting
  // only '\n' whenever the file holds one numbered every row of a CR-ended file the same.)
  const lineBreaks = /\r\n|\r|\n/g;
  let cursor = 0;
  let counted = 0;
  let line = 1 + lineOffset;
  const records: CsvRecord[] = [];
  const problems: RowProblem[] = [];
  Papa.parse<string[]>(text, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    step: (result) => {
      const start = cursor;
      const startLine = line;
      const end = typeof result.meta.cursor === 'number' ? result.meta.cursor : text.length;
      // From where the last counted break ended, so a CRLF that straddles two rows counts once.
      lineBreaks.lastIndex = Math.max(start, counted);
      for (let m = lineBreaks.exec(text); m !== null && m.index < end; m = lineBreaks.exec(text)) {
        line += 1;
        counted = m.index + m[0].length;
      }
      cursor = end;
      const fields = result.data;
      if (result.errors.length > 0) {
        const lastLine = Math.max(startLine, line - 1);
        const span = lastLine > startLine ? ` (lines ${startLine} to ${lastLine} were read as one row; none was imported)` : '';
        problems.push({ line: startLine, reason: readableError(result.errors[0]?.code ?? '') + span });
        return;
      }
      // Blank lines, and Excel's rows of empty cells (";;;;"), are not cases.
      if (fields.every((f) => f.trim() === '')) return;
      records.push({ line: startLine, fields });
    },
  });
  return { rows: records, delimiter, problems };
}

// ---- Workbooks (.xlsx), read with exceljs: the same rows, numbered as the sheet numbers them. ----

export interface WorkbookRows extends RawRows {
  readonly sheets: readonly string[];
  readonly sheet: string;
}

/** A date cell as the ISO day it shows (exceljs turns serials into UTC dates, in either date system). */
function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** What a cell shows, as text: rich text joined, a formula's result, a hyperlink's text, a date as ISO. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDay(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((part) => part.text).join('');
    if ('error' in value) return String(value.error);
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
  }
  return '';
}

/**
 * The rows of one sheet (the first visible one unless named). A cell merged down a column
 * repeats its value on every row it covers (a stage written once for a group of children);
 * cells merged across columns are read once, in their first column.
 */
export async function readWorkbookRows(bytes: Uint8Array, sheetName?: string): Promise<WorkbookRows> {
  // Loaded here, not with the module: exceljs is a large share of every start-up (the CLI's
  // above all), and only a workbook import needs it.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new AppError(
      'invalid_input',
      'This workbook could not be opened. Open it in Excel and save it again as "Excel Workbook (.xlsx)", or save the sheet as "CSV UTF-8".',
    );
  }
  const sheets = workbook.worksheets;
  if (sheets.length === 0) throw new AppError('invalid_input', 'The workbook has no sheets.');
  const chosen =
    sheetName === undefined
      ? (sheets.find((sheet) => sheet.state !== 'hidden' && sheet.state !== 'veryHidden') ?? sheets[0])
      : sheets.find((sheet) => sheet.name === sheetName);
  if (!chosen) throw new AppError('invalid_input', `The workbook has no sheet named "${sheetName}".`);
  const width = chosen.columnCount;
  const rows: CsvRecord[] = [];
  chosen.eachRow({ includeEmpty: false }, (row) => {
    const fields: string[] = [];
    for (let col = 1; col <= width; col++) {
      const cell = row.getCell(col);
      const across = cell.isMerged && cell.master.col !== cell.col;
      fields.push(across ? '' : cellText(cell.isMerged ? cell.master.value : cell.value));
    }
    while (fields.length > 0 && (fields[fields.length - 1] as string).trim() === '') fields.pop();
    if (fields.every((f) => f.trim() === '')) return;
    rows.push({ line: row.number, fields });
  });
  return { rows, problems: [], sheets: sheets.map((s) => s.name), sheet: chosen.name };
}

// ---- The import commands: preview (reads, changes nothing) and commit (one transaction). ----

export interface ImportRequest {
  readonly inspectionId: string;
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly mapping?: ColumnMapping | undefined;
  readonly sheet?: string | undefined;
  readonly headerLine?: number | undefined;
}

const mappingKey = (inspectionId: string) => `cases.mapping.${inspectionId}`;
const DEFAULT_MAPPING_KEY = 'cases.mapping.default';

/** A mapping is remembered with the headers it was made for. */
interface RememberedMapping {
  readonly headers: readonly string[];
  readonly mapping: ColumnMapping;
}

/**
 * The mapping of an earlier import, only when this file's headers are exactly that file's:
 * one shared column name ("Case Ref") says nothing about the others, and applying an old
 * mapping to new headers silently drops the columns it does not know.
 */
function readRememberedMapping(ctx: ServiceContext, inspectionId: string, headers: readonly string[]): ColumnMapping | null {
  for (const key of [mappingKey(inspectionId), DEFAULT_MAPPING_KEY]) {
    const text = readMeta(ctx.db, key);
    if (!text) continue;
    try {
      const stored = JSON.parse(text) as Partial<RememberedMapping>;
      if (!Array.isArray(stored.headers) || !sameHeaders(stored.headers, headers)) continue;
      const fitted = fitMapping(stored.mapping, headers);
      if (!isMappingEmpty(fitted)) return fitted;
    } catch {
      // A damaged setting is ignored; the guess from the headers takes over.
    }
  }
  return null;
}

/** Age bands are worked out on the first day of fieldwork (or today when it is not set). */
function referenceDate(ctx: ServiceContext, inspectionId: string): string {
  const inspection = requireInspection(ctx, inspectionId);
  return /^\d{4}-\d{2}-\d{2}$/.test(inspection.fieldworkStart)
    ? inspection.fieldworkStart
    : new Date(ctx.now()).toISOString().slice(0, 10);
}

interface ReadImport {
  readonly preview: z.infer<typeof ImportPreview>;
  readonly entries: readonly CaseListEntry[];
}

/** Fields that, left out, store rows without a stratum the file has (age needs one of two). */
function unmappedFields(mapping: ColumnMapping, suggested: ColumnMapping): { field: CaseListField; header: string }[] {
  const missing: { field: CaseListField; header: string }[] = [];
  for (const field of CASE_LIST_FIELD_KEYS) {
    if (field === 'caseRef') continue;
    const header = suggested[field];
    if (header === null || mapping[field] !== null) continue;
    // A date of birth and an age are two ways to the age band: one mapped is enough.
    if (field === 'age' && mapping.dateOfBirth !== null) continue;
    if (field === 'dateOfBirth' && mapping.age !== null) continue;
    // The column may be in use for another field.
    if (CASE_LIST_FIELD_KEYS.some((other) => mapping[other] === header)) continue;
    missing.push({ field, header });
  }
  return missing;
}

async function readImport(ctx: ServiceContext, input: ImportRequest): Promise<ReadImport> {
  const reference = referenceDate(ctx, input.inspectionId);
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  checkCaseListBytes(bytes);
  const sha256 = sha256Hex(bytes);
  const headerOption = input.headerLine === undefined ? {} : { headerLine: input.headerLine };
  let source: HeaderSplit & { problems: readonly RowProblem[] };
  let meta: { encoding: string; delimiter: string; format: 'csv' | 'xlsx'; sheets: string[]; sheet: string | null };
  if (isWorkbook(bytes)) {
    const book = await readWorkbookRows(bytes, input.sheet);
    source = { ...splitHeader(book.rows, { ...headerOption, pad: true }), problems: book.problems };
    meta = { encoding: 'Excel workbook', delimiter: '', format: 'xlsx', sheets: [...book.sheets], sheet: book.sheet };
  } else {
    const decoded = decodeCaseList(bytes);
    const csv = parseCaseListText(decoded.text, input.headerLine);
    source = csv;
    meta = { encoding: decoded.encoding, delimiter: csv.delimiter, format: 'csv', sheets: [], sheet: null };
  }
  const headers = [...source.headers];
  const suggestedMapping = suggestMapping(headers);
  const rememberedMapping = readRememberedMapping(ctx, input.inspectionId, headers);
  const mappingSource = input.mapping ? 'chosen' : rememberedMapping ? 'remembered' : 'guessed';
  const mapping = input.mapping ? fitMapping(input.mapping, headers) : (rememberedMapping ?? suggestedMapping);
  const frame =
    mapping.caseRef === null
      ? { entries: [], problems: source.problems, duplicates: [] }
      : buildFrame(source.records, headers, mapping, parseIsoReference(reference), source.problems);
  const blocker =
    headers.length === 0
      ? 'The file has no header row, so there is nothing to import.'
      : mapping.caseRef === null
        ? 'Choose the column that holds the case reference.'
        : source.records.length === 0
          ? 'The file has a header row but no cases below it.'
          : frame.entries.length === 0
            ? 'No row can be imported: see the problems listed.'
            : null;
  const guessedFields = CASE_LIST_FIELD_KEYS.filter(
    (field) => mapping[field] !== null && mapping[field] === suggestedMapping[field] && mappingSource !== 'remembered',
  );
  return {
    entries: frame.entries,
    preview: {
      fileName: input.fileName,
      sha256,
      ...meta,
      headers,
      suggestedMapping,
      rememberedMapping,
      mapping,
      referenceDate: reference,
      rows: frame.entries.slice(0, 20).map((e) => ({ ...e, agencies: [...e.agencies], flags: [...e.flags] })),
      problems: [...frame.problems],
      duplicates: frame.duplicates.map((d) => ({ caseRef: d.caseRef, lines: [...d.lines] })),
      total: source.records.length + source.problems.length,
      valid: frame.entries.length,
      headerLine: source.headerLine,
      headerCandidates: source.headerCandidates.map((c) => ({ ...c })),
      mappingSource,
      guessedFields,
      unmappedFields: unmappedFields(mapping, suggestedMapping),
      notChecked: mapping.caseRef === null ? source.records.length : 0,
      repeats: frame.duplicates.reduce((sum, d) => sum + d.lines.length - 1, 0),
      blocker,
    },
  };
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export const caseListImportHandlers = {
  'cases.previewImport': async (ctx, input) => (await readImport(ctx, input)).preview,
  'cases.commitImport': async (ctx, input) => {
    ctx.progress(0, 1, 'Reading the file');
    await yieldToEvents();
    const { preview, entries } = await readImport(ctx, input);
    if (preview.blocker) throw new AppError('invalid_input', preview.blocker);
    const total = entries.length;
    ctx.progress(0, total, 'Saving the case list');
    await yieldToEvents();
    const importId = newId();
    const mappingJson = JSON.stringify(preview.mapping);
    const remembered: RememberedMapping = { headers: preview.headers, mapping: preview.mapping };
    const rememberedJson = JSON.stringify(remembered);
    // The whole list goes in as one transaction: a failure part way leaves no half list.
    inTransaction(ctx, () => {
      insertCaseList(
        ctx.db,
        {
          id: importId,
          inspection_id: input.inspectionId,
          file_name: input.fileName,
          sha256: preview.sha256,
          mapping: mappingJson,
          row_count: total,
          imported_at: new Date(ctx.now()).toISOString(),
          imported_by: ctx.device.author,
        },
        entries,
        (done) => ctx.progress(done, total, 'Saving the case list'),
      );
      writeMeta(ctx.db, mappingKey(input.inspectionId), rememberedJson);
      writeMeta(ctx.db, DEFAULT_MAPPING_KEY, rememberedJson);
    });
    ctx.log.info('Case list imported', { inspectionId: input.inspectionId, rows: total, sha256: preview.sha256 });
    return {
      importId,
      sha256: preview.sha256,
      imported: total,
      skipped: preview.problems.length,
      duplicates: preview.repeats,
    };
  },
  'cases.caseList': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const latest = latestCaseList(ctx.db, input.inspectionId);
    if (!latest) return null;
    let mapping: ColumnMapping = EMPTY_MAPPING;
    try {
      mapping = { ...EMPTY_MAPPING, ...(JSON.parse(latest.mapping) as Partial<ColumnMapping>) };
    } catch {
      // Shown as unmapped rather than failing the screen.
    }
    return {
      importId: latest.id,
      fileName: latest.file_name,
      sha256: latest.sha256,
      rowCount: latest.row_count,
      importedAt: latest.imported_at,
      mapping,
    };
  },
} satisfies HandlerGroup<'cases.previewImport' | 'cases.commitImport' | 'cases.caseList'>;
