/**
 * What a CLI start loads: a package only some commands need (LAZY_PACKAGES in
 * scripts/build.mjs) is loaded from node_modules by the command that needs it, never by every
 * start. Each CLI test spawns the CLI, so a static import of one of them would cost every run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../support/built.js';
import { sampleInspection, tempDir, testRuntime } from '../../support/runtime.js';

const CLI = resolve('dist/cli/fieldwork.cjs');
let dir: string;
let dataDir: string;
let inspectionId: string;

/** Preloaded into the CLI: at exit, writes the node_modules packages that were loaded. */
const RECORD_LOADED = `
process.on('exit', () => {
  const names = Object.keys(require('node:module')._cache).flatMap((path) => {
    const parts = path.split(/[\\\\/]node_modules[\\\\/]/);
    if (parts.length < 2) return [];
    const [first, second] = parts[parts.length - 1].split(/[\\\\/]/);
    return [first.startsWith('@') ? first + '/' + second : first];
  });
  require('node:fs').writeFileSync(process.env.FIELDWORK_TEST_LOADED, JSON.stringify([...new Set(names)]));
});
`;

function packagesLoadedBy(args: string[]): string[] {
  const record = join(dir, 'loaded.json');
  rmSync(record, { force: true });
  const result = spawnSync(process.execPath, ['--require', join(dir, 'record-loaded.cjs'), CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FIELDWORK_DATA: '', FIELDWORK_TEST_LOADED: record },
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(record, 'utf8')) as string[];
}

beforeAll(async () => {
  ensureBuilt('cli');
  dir = tempDir('fieldwork-cli-startup-');
  writeFileSync(join(dir, 'record-loaded.cjs'), RECORD_LOADED);
  dataDir = join(dir, 'data');
  const rt = await testRuntime({ dir: dataDir });
  inspectionId = (await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } })).id;
  rt.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a CLI start', () => {
  it('loads neither exceljs nor docx for --help or info', () => {
    const help = packagesLoadedBy(['--help']);
    expect(help).not.toContain('exceljs');
    expect(help).not.toContain('docx');
    const info = packagesLoadedBy(['info', '--data', dataDir, '--json']);
    // The store's driver: the record sees what a command does load.
    expect(info).toContain('better-sqlite3-multiple-ciphers');
    expect(info).not.toContain('exceljs');
    expect(info).not.toContain('docx');
  });

  it('loads docx when a command writes a letter', () => {
    const loaded = packagesLoadedBy([
      'letter',
      '--data',
      dataDir,
      '--inspection',
      inspectionId,
      '--to',
      join(dir, 'letter.docx'),
    ]);
    expect(loaded).toContain('docx');
    expect(loaded).not.toContain('exceljs');
  });
});
