/**
 * Exports of main/, shared/ and renderer/ that no file imports and the declaring file does not
 * use either: dead code. Read with the TypeScript parser (imports, re-exports, `import()` and
 * `import('x').T` types, by name); `import * as` and `export *` count as using every export.
 * Files under tests/ and scripts/ count as users, never as declarers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface UnusedExport {
  readonly file: string;
  readonly name: string;
  /** True when the declaring file uses the name itself (only the `export` is dead). */
  readonly usedInFile: boolean;
}

const DECLARERS = /^(main|shared|renderer)\//;
const FOLDERS = ['main', 'shared', 'renderer', 'tests', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

export function findUnusedExports(root: string): UnusedExport[] {
  const files = new Set(FOLDERS.flatMap((folder) => sourceFiles(join(root, folder))));
  const target = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null;
    const base = resolve(dirname(from), spec);
    const candidates = [
      base,
      base.replace(/\.js$/, '.ts'),
      base.replace(/\.js$/, '.tsx'),
      `${base}.ts`,
      `${base}.tsx`,
      `${base}/index.ts`,
    ];
    return candidates.find((c) => files.has(c)) ?? null;
  };
  const used = new Map<string, Set<string>>();
  const use = (file: string | null, name: string) => {
    if (file === null) return;
    const names = used.get(file) ?? new Set<string>();
    names.add(name);
    used.set(file, names);
  };
  const declared = new Map<string, { names: string[]; text: string }>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const names: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const spec = node.arguments[0];
        if (spec && ts.isStringLiteral(spec)) use(target(file, spec.text), '*');
      }
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        use(target(file, node.argument.literal.text), node.qualifier ? node.qualifier.getText() : '*');
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const from = target(file, statement.moduleSpecifier.text);
        const clause = statement.importClause;
        if (clause?.name) use(from, 'default');
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) use(from, '*');
        else if (bindings) for (const element of bindings.elements) use(from, (element.propertyName ?? element.name).text);
        continue;
      }
      if (ts.isExportDeclaration(statement)) {
        const from =
          statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
            ? target(file, statement.moduleSpecifier.text)
            : null;
        const clause = statement.exportClause;
        if (from && (!clause || !ts.isNamedExports(clause))) use(from, '*');
        if (clause && ts.isNamedExports(clause)) {
          for (const element of clause.elements) {
            if (from) use(from, (element.propertyName ?? element.name).text);
            names.push(element.name.text);
          }
        }
        continue;
      }
      const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
      if (!modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) names.push('default');
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations)
          if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
      } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
        names.push((statement.name as ts.Identifier).text);
      }
    }
    if (DECLARERS.test(relative(root, file))) declared.set(file, { names, text });
  }
  const unused: UnusedExport[] = [];
  for (const [file, { names, text }] of declared) {
    const users = used.get(file);
    if (users?.has('*')) continue;
    for (const name of names) {
      if (users?.has(name) || name === 'default') continue;
      const mentions = text.match(new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`, 'g'))?.length ?? 0;
      unused.push({ file: relative(root, file), name, usedInFile: mentions > 1 });
    }
  }
  return unused.sort((a, b) => (a.file === b.file ? a.name.localeCompare(b.name) : a.file.localeCompare(b.file)));
}
