/** The layer rules, checked on the source tree (ESLint enforces them too; this cannot be switched off by a lint comment). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { forbiddenImport } from '../../../eslint-rules/layers.js';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}

const imports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);

const layers = ['main', 'renderer', 'shared'].flatMap((d) => sourceFiles(join(ROOT, d)).map((f) => relative(ROOT, f)));

describe('layers', () => {
  it('only main/app imports electron', () => {
    const offenders = layers.filter(
      (f) => !f.startsWith('main/app/') && imports(join(ROOT, f)).some((i) => i === 'electron' || i.startsWith('electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('only main/store uses the SQLite driver (type-only imports aside)', () => {
    const valueImport = /(?:import\s+(?!type\b)[^;]*?from\s*|require\(\s*)['"]better-sqlite3/;
    const offenders = layers.filter((f) => !f.startsWith('main/store/') && valueImport.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('shared/ imports nothing from Node, Electron, main or the renderer', () => {
    const offenders = layers.filter(
      (f) =>
        f.startsWith('shared/') &&
        imports(join(ROOT, f)).some(
          (i) =>
            i.startsWith('node:') || ['fs', 'path', 'crypto', 'os', 'electron'].includes(i) || /(^|\/)(main|renderer)\//.test(i),
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('React components reach the transport only through renderer/api', () => {
    const offenders = layers.filter(
      (f) =>
        f.startsWith('renderer/') &&
        !f.startsWith('renderer/api/') &&
        imports(join(ROOT, f)).some((i) => i.includes('api/transport') || i.includes('/main/')),
    );
    expect(offenders).toEqual([]);
  });

  it('inside main, imports go app | web | cli → services → sync → store, never back', () => {
    const offenders = layers
      .filter((f) => f.startsWith('main/'))
      .flatMap((f) =>
        imports(join(ROOT, f))
          .filter((i) => forbiddenImport(join(ROOT, f), i, ROOT) !== null)
          .map((i) => `${f} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });
});

describe('the layer lint rule', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/direction').map((m) => m.message);
  };

  it('fails a store file that imports sync, and a service that imports the shell', async () => {
    expect(
      await lint('main/store/probe.ts', "import { exportBundle } from '../sync/export-bundle.js';\nvoid exportBundle;\n"),
    ).toEqual([expect.stringMatching(/main\/store may not import main\/sync/)]);
    expect(await lint('main/services/probe.ts', "export * from '../web/server.js';\n")).toHaveLength(1);
    expect(await lint('main/store/migrations/probe.ts', "const x = require('../../services/index.js');\nvoid x;\n")).toHaveLength(
      1,
    );
    expect(await lint('main/web/probe.ts', "export { x } from '../cli/cli-support.js';\n")).toHaveLength(1);
  });

  it('passes imports in the direction of the layers and to shared', async () => {
    const code =
      "import { openStore } from '../store/connection.js';\nimport { AppError } from '../../shared/errors.js';\nvoid openStore;\nvoid AppError;\n";
    expect(await lint('main/sync/probe.ts', code)).toEqual([]);
    expect(await lint('main/app/probe.ts', "import { x } from '../services/index.js';\nvoid x;\n")).toEqual([]);
  });
});
