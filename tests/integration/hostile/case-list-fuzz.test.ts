/**
 * Hostile case lists, generated: random bytes, invalid UTF-8, UTF-16, mixed delimiters,
 * unbalanced quotes, NULs, formula-looking cells, 100k-character lines and BOMs in the middle,
 * through `cases.previewImport` and `cases.commitImport` (the real commands, via dispatch).
 * Never a crash or `internal`: a preview whose problems are line-numbered, or a typed
 * `invalid_input`. A commit imports exactly the valid rows in one transaction, or nothing.
 * FUZZ_RUNS sets the number of files (CI 1000; `npm run test:fuzz -- --runs 10000`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_CHARS, type ImportPreview } from '../../../shared/api/cases.js';
import type { ColumnMapping } from '../../../shared/case-list/fields.js';
import type { ErrorPayload } from '../../../shared/errors.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { decodeCaseList } from '../../../main/services/case-list-import.js';
import { STANDARD_HEADERS, csvText, generatedCaseRows } from '../../support/case-lists.js';
import { sampleInspection, testRuntime, type TestRuntime } from '../../support/runtime.js';
import type { z } from 'zod';
import { testCount } from '../../support/test-counts.js';

const RUNS = testCount('FUZZ_RUNS', 150, 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

type Preview = z.infer<typeof ImportPreview>;
type Commit = { importId: string; imported: number; skipped: number; duplicates: number };

let runtime: TestRuntime;
let inspectionId: string;

beforeAll(async () => {
  runtime = await testRuntime();
  const inspection = await runtime.call('inspections.create', {
    fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
  });
  inspectionId = inspection.id;
});
afterAll(() => runtime?.dispose());

// ---- generators ----
const hostileCell = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('C0001', 'NS-0142', 'C0001', '14/03/2024', '2012-11-30', 'CP', 'Looked after', 'Child in need'),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '=HYPERLINK("http://evil.example","click")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(1+1)*cmd|/C calc',
      '\t=1+1',
      '"',
      '""',
      'a"b',
      '"unclosed',
      'x\u0000y',
      '\u0000',
      '\ufeffC0002',
      'C0003\ufeff',
      '\u202eC0004',
      '<script>window.__xss=1</script>',
      'line\nbreak',
      'cr\ronly',
      ';',
      ',',
      '\t',
      'sep=;',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => 'A'.repeat(n)) },
);
const delimiter = fc.constantFrom(',', ';', '\t', '|');
const newline = fc.constantFrom('\n', '\r\n', '\r');
const headerRow = fc.oneof(
  fc.constant([...STANDARD_HEADERS]),
  fc.shuffledSubarray([...STANDARD_HEADERS, 'Case reference', 'Age', 'ID'], { minLength: 1 }),
  fc.array(hostileCell, { minLength: 0, maxLength: 8 }),
);
/** Rows joined naively (no quoting), so delimiters and quotes inside cells break the framing on purpose. */
const structured = fc
  .record({
    sepHint: fc.boolean(),
    headers: headerRow,
    rows: fc.array(fc.array(hostileCell, { maxLength: 9 }), { maxLength: 40 }),
    delimiters: fc.array(delimiter, { minLength: 1, maxLength: 3 }),
    newline,
    quoteAll: fc.boolean(),
  })
  .map(({ sepHint, headers, rows, delimiters, newline: nl, quoteAll }) => {
    const line = (cells: readonly string[], i: number) =>
      cells.map((c) => (quoteAll ? `"${c.replaceAll('"', '""')}"` : c)).join(delimiters[i % delimiters.length] as string);
    return (sepHint ? `sep=${delimiters[0]}${nl}` : '') + [headers, ...rows].map(line).join(nl);
  });
/** A tidy list with hostile rows spliced in, quoted as Excel quotes: mostly importable. */
const mostlyValid = fc
  .tuple(
    fc.integer({ min: 1, max: 60 }),
    fc.array(fc.tuple(fc.nat(), fc.array(hostileCell, { minLength: 1, maxLength: 7 })), { maxLength: 6 }),
    fc.constantFrom(',' as const, ';' as const, '\t' as const),
    fc.constantFrom('\r\n' as const, '\n' as const),
  )
  .map(([n, hostile, d, nl]) => {
    const rows = generatedCaseRows(n);
    for (const [at, cells] of hostile) rows.splice(1 + (at % n), 0, cells);
    return csvText(rows, { delimiter: d, newline: nl });
  });
const encode = fc.constantFrom('utf-8', 'bom', 'utf-16le', 'utf-16be', 'latin1', 'mid-bom');
const file = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((b) => Buffer.from(b)) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.oneof(structured, mostlyValid), encode, fc.uint8Array({ maxLength: 8 }), fc.nat())
      .map(([text, how, junk, at]) => {
        const body = (() => {
          switch (how) {
            case 'bom':
              return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
            case 'utf-16le':
              return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
            case 'utf-16be':
              return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
            case 'latin1':
              return Buffer.from(text, 'latin1');
            case 'mid-bom': {
              const cut = text.length === 0 ? 0 : at % text.length;
              return Buffer.from(`${text.slice(0, cut)}\ufeff${text.slice(cut)}`, 'utf8');
            }
            default:
              return Buffer.from(text, 'utf8');
          }
        })();
        // Stray bytes spliced in: invalid UTF-8 sequences, NULs, a lone surrogate half.
        if (junk.length === 0) return body;
        const cut = body.length === 0 ? 0 : at % body.length;
        return Buffer.concat([body.subarray(0, cut), Buffer.from(junk), body.subarray(cut)]);
      }),
  },
);

/** Counterexamples print as their first bytes, not 100k-character arrays. */
const printable = (bytes: Buffer) => ({
  bytes,
  [fc.toStringMethod]: () => `${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`,
});

// ---- checks ----
const countLists = () =>
  runtime.ctx.db
    .prepare('SELECT (SELECT count(*) FROM case_list_import) AS lists, (SELECT count(*) FROM case_list_row) AS rows')
    .get() as {
    lists: number;
    rows: number;
  };

/** Any line a problem or row can name: the decoded text's lines counted every way a newline is written. */
function lineBound(bytes: Buffer): number {
  if (bytes.length === 0) return 1;
  const { text } = decodeCaseList(bytes);
  return (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 2;
}

function expectTyped(error: ErrorPayload, label: string): void {
  expect(error.code, `${label}: ${error.code} ${error.message}`).toBe('invalid_input');
  expect(error.message.length, label).toBeGreaterThan(5);
}

function expectLineNumbered(preview: Preview, bound: number, label: string): void {
  for (const p of preview.problems) {
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= bound, `${label}: problem line ${p.line} of ${bound}`).toBe(true);
    expect(p.reason.trim().length, label).toBeGreaterThan(0);
  }
  for (const r of preview.rows) expect(r.line >= 1 && r.line <= bound, `${label}: row line ${r.line}`).toBe(true);
  expect(preview.valid, label).toBeLessThanOrEqual(preview.total);
}

describe('hostile case lists', () => {
  it('numbers lines as an editor does in a CR-ended file with a line break inside a quoted cell', async () => {
    // Found by the fuzzer: counting only LF gave every CR-ended row the same line number.
    const text = 'Case ref,Stage,Note\rC1,CP,"two\nlines"\rC2,Nonsense stage,x\rC3,CP,x\r';
    const preview = await runtime.call('cases.previewImport', {
      inspectionId,
      fileName: 'mac.csv',
      bytes: Buffer.from(text, 'utf8'),
    });
    expect(preview.rows.map((r) => [r.caseRef, r.line])).toEqual([
      ['C1', 2],
      ['C3', 5],
    ]);
    expect(preview.problems.map((p) => p.line)).toEqual([4]);
  });

  it('maps a column whose name is a paragraph: the name is shortened to fit a mapping, and the import uses it', async () => {
    // Found by the fuzzer (test:full, stop 27): a 250-character header suggested for the date of
    // birth broke the preview's own answer (a mapping holds at most 200 characters) and the user
    // got "an answer Fieldwork did not expect" instead of a preview.
    const long = `Date of birth ${'(as recorded on the child’s file; where unknown, leave blank and give the age band) '.repeat(3)}`;
    const text = `Case ref,"${long}",Stage\nC1,2015-03-04,CP\nC2,2012-11-30,CIN\n`;
    const input = { inspectionId, fileName: 'long-header.csv', bytes: Buffer.from(text, 'utf8') };
    const preview = await runtime.call('cases.previewImport', input);
    const header = preview.headers[1] as string;
    expect(header.length).toBeLessThanOrEqual(MAX_HEADER_CHARS);
    expect(header.startsWith('Date of birth (as recorded')).toBe(true);
    expect(header.endsWith('…')).toBe(true);
    expect(preview.suggestedMapping.dateOfBirth).toBe(header);
    expect(preview.rows.map((r) => [r.caseRef, r.ageBand])).toEqual([
      ['C1', expect.any(String)],
      ['C2', expect.any(String)],
    ]);
    const committed = await runtime.call('cases.commitImport', { ...input, mapping: preview.mapping });
    expect(committed.imported).toBe(2);
  });

  it(`${RUNS} generated files: previewed with line-numbered problems or refused; committed whole or not at all`, async () => {
    const tally = { previewed: 0, refusedPreview: 0, committed: 0, refusedCommit: 0, rowsImported: 0, problems: 0 };
    await fc.assert(
      fc.asyncProperty(file.map(printable), fc.nat(), async ({ bytes }, pickColumn) => {
        const label = `file of ${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`;
        const input = { inspectionId, fileName: 'hostile.csv', bytes: bytes };
        const before = countLists();
        const previewed = await dispatch(runtime.ctx, 'cases.previewImport', input);
        expect(countLists(), `${label}: preview wrote`).toEqual(before);
        if (!previewed.ok) {
          expectTyped(previewed.error, label);
          tally.refusedPreview += 1;
        } else {
          tally.previewed += 1;
          const preview = previewed.value as Preview;
          tally.problems += preview.problems.length;
          expectLineNumbered(preview, lineBound(bytes), label);
        }
        // Commit with the suggested mapping, or with some column forced to be the case reference.
        const headers = previewed.ok ? (previewed.value as Preview).headers : [];
        const base = previewed.ok ? (previewed.value as Preview).mapping : null;
        const mapping: ColumnMapping | undefined =
          base && headers.length > 0 && pickColumn % 3 === 0
            ? { ...base, caseRef: headers[pickColumn % headers.length] as string }
            : (base ?? undefined);
        const committed = await dispatch(runtime.ctx, 'cases.commitImport', { ...input, ...(mapping ? { mapping } : {}) });
        const after = countLists();
        expect(runtime.ctx.db.inTransaction, label).toBe(false);
        if (!committed.ok) {
          expectTyped(committed.error, label);
          expect(after, `${label}: a refused commit wrote`).toEqual(before);
          tally.refusedCommit += 1;
          return;
        }
        const result = committed.value as Commit;
        tally.committed += 1;
        tally.rowsImported += result.imported;
        expect(result.imported, label).toBeGreaterThan(0);
        expect(after, label).toEqual({ lists: before.lists + 1, rows: before.rows + result.imported });
        const saved = runtime.ctx.db
          .prepare('SELECT line, case_ref AS caseRef FROM case_list_row WHERE import_id = ? ORDER BY line')
          .all(result.importId) as { line: number; caseRef: string }[];
        expect(saved.length, label).toBe(result.imported);
        // The same read with the same mapping: exactly its valid rows went in, none of its problems.
        const again = await dispatch(runtime.ctx, 'cases.previewImport', { ...input, ...(mapping ? { mapping } : {}) });
        expect(again.ok, label).toBe(true);
        const preview = (again as { value: Preview }).value;
        expect(result.imported, label).toBe(preview.valid);
        expect(result.skipped, label).toBe(preview.problems.length);
        const problemLines = new Set(preview.problems.map((p) => p.line));
        for (const row of saved)
          expect(problemLines.has(row.line), `${label}: line ${row.line} has a problem yet was imported`).toBe(false);
        expect(
          saved.slice(0, preview.rows.length).map((r) => r.caseRef),
          label,
        ).toEqual([...preview.rows].sort((a, b) => a.line - b.line).map((r) => r.caseRef));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`case-list fuzz: ${RUNS} files ${JSON.stringify(tally)}`);
    expect(tally.previewed + tally.refusedPreview).toBe(RUNS);
    // The generator reaches both outcomes, so neither branch is vacuous.
    expect(tally.committed).toBeGreaterThan(0);
    expect(tally.refusedCommit).toBeGreaterThan(0);
    expect(tally.problems).toBeGreaterThan(0);
  }, 900_000);
});
