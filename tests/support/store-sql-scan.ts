/**
 * Source scans of main/store, read with the TypeScript parser (comments and strings cannot
 * fool them): casts on row reads, and what the SQL templates interpolate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** The named function declaration the finding is in, if any. */
  readonly inFunction: string | null;
}

/** The store's source files (main/store/**), relative to the root. */
export function storeFiles(root: string, dir = 'main/store'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return storeFiles(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function parse(file: string, source: string): ts.SourceFile {
  return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
}

function enclosingFunction(node: ts.Node): string | null {
  for (let up: ts.Node | undefined = node.parent; up !== undefined; up = up.parent) {
    if (ts.isFunctionDeclaration(up) && up.name !== undefined) return up.name.text;
  }
  return null;
}

function at(sf: ts.SourceFile, file: string, node: ts.Node): Finding {
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return {
    file,
    line: line + 1,
    text: node.getText(sf).replace(/\s+/g, ' ').slice(0, 120),
    inFunction: enclosingFunction(node),
  };
}

function unwrap(node: ts.Expression): ts.Expression {
  let inner = node;
  while (ts.isParenthesizedExpression(inner) || ts.isNonNullExpression(inner)) inner = inner.expression;
  // `(stmt.get(x) ?? fallback) as Row` casts the row read just the same.
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return unwrap(inner.left);
  return inner;
}

const ROW_READS = new Set(['get', 'all', 'iterate']);

function isRowRead(node: ts.Expression): boolean {
  const inner = unwrap(node);
  return (
    ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && ROW_READS.has(inner.expression.name.text)
  );
}

/** `stmt.get(…) as Row`, `stmt.all(…) as Row[]`, `stmt.iterate(…) as …` (and `<Row>stmt.get(…)`). */
export function rowReadCasts(file: string, source: string): Finding[] {
  const sf = parse(file, source);
  const found: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && isRowRead(node.expression))
      found.push(at(sf, file, node));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The calls whose template argument is SQL text: `db.prepare(…)`, `db.exec(…)`, `cached(db, …)`. */
function sqlArgument(call: ts.CallExpression): ts.Expression | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'prepare' || callee.name.text === 'exec'))
    return call.arguments[0];
  if (ts.isIdentifier(callee) && callee.text === 'cached') return call.arguments[1];
  return undefined;
}

/** A template whose literal text reads as SQL (a statement or the clause of one). */
const SQL_TEXT =
  /\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE|DROP|FROM|WHERE|JOIN|SET|VALUES|IS(\s+NOT)?\s+NULL|ORDER\s+BY|GROUP\s+BY)\b/;

/**
 * What may be interpolated into SQL text: a registry name through `ident()`/`idents()`; a
 * constant fragment (`UPPER_CASE`, declared in the store from literal SQL); a choice between
 * literals (`x ? 'AND …' : ''`); a fragment named `…Sql`/`….sql` (literal SQL with `@param`
 * or `?` placeholders, never values); or `alias` (a `TableAlias`, typed as one-letter
 * literals). Anything else (a table or column name, a value) fails.
 */
function safeInterpolation(expression: ts.Expression): boolean {
  const node = unwrap(expression);
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
    const name = node.expression.text;
    return name === 'ident' || name === 'idents' || name === 'identLiteral' || /Sql$/.test(name);
  }
  if (ts.isIdentifier(node)) return /^[A-Z][A-Z0-9_]*$/.test(node.text) || /(^sql|Sql)$/.test(node.text) || node.text === 'alias';
  if (ts.isPropertyAccessExpression(node)) return node.name.text === 'sql';
  if (ts.isConditionalExpression(node)) {
    const literal = (e: ts.Expression): boolean => ts.isStringLiteral(unwrap(e)) || ts.isNoSubstitutionTemplateLiteral(unwrap(e));
    return literal(node.whenTrue) && literal(node.whenFalse);
  }
  return false;
}

function templateText(template: ts.TemplateExpression): string {
  return [template.head.text, ...template.templateSpans.map((s) => s.literal.text)].join(' ');
}

/**
 * Interpolations in SQL text that are not known-safe: in every template passed to
 * prepare/exec/cached, and in every other template whose text reads as SQL (statements
 * built by a helper and prepared later).
 */
export function unsafeSqlInterpolations(file: string, source: string): Finding[] {
  const sf = parse(file, source);
  const sqlTemplates = new Set<ts.TemplateExpression>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const argument = sqlArgument(node);
      if (argument !== undefined && ts.isTemplateExpression(argument)) sqlTemplates.add(argument);
    }
    if (ts.isTemplateExpression(node) && SQL_TEXT.test(templateText(node))) sqlTemplates.add(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...sqlTemplates].flatMap((template) =>
    template.templateSpans.filter((span) => !safeInterpolation(span.expression)).map((span) => at(sf, file, span.expression)),
  );
}

export function scanStore(root: string, scan: (file: string, source: string) => Finding[]): Finding[] {
  return storeFiles(root).flatMap((file) => scan(file, readFileSync(join(root, file), 'utf8')));
}

/** What a scan finds in main/store, one `file:line text` each. Every store file is converted; none is skipped. */
export function storeFindings(root: string, scan: (file: string, source: string) => Finding[]): string[] {
  return scanStore(root, scan).map((f) => `${f.file}:${f.line} ${f.text}`);
}
