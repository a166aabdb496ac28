import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleInspection, tempDir, testRuntime } from '../../support/runtime.js';
import { ensureBuilt } from '../../support/built.js';

const CLI = resolve('dist/cli/fieldwork.cjs');
let dataDir: string;
let inspectionId: string;

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FIELDWORK_DATA: '' } });
}

beforeAll(async () => {
  ensureBuilt('cli');
  dataDir = tempDir('fieldwork-cli-outputs-');
  const rt = await testRuntime({ dir: dataDir });
  inspectionId = (await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } })).id;
  rt.close();
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('fieldwork letter / evidence-log / case-sample', () => {
  it('writes each output file and says so on stdout', () => {
    for (const [command, file] of [
      ['letter', 'letter.docx'],
      ['evidence-log', 'log.csv'],
      ['case-sample', 'sample.csv'],
    ] as const) {
      const target = join(dataDir, file);
      const result = cli([command, '--data', dataDir, '--inspection', inspectionId, '--to', target]);
      // stderr carries only progress and warnings; the result is on stdout.
      expect(result.stderr).not.toMatch(/error|failed|could not/i);
      expect(result.status, command).toBe(0);
      expect(result.stdout).toContain(`Wrote ${target}`);
      expect(existsSync(target)).toBe(true);
    }
    expect(readFileSync(join(dataDir, 'letter.docx')).subarray(0, 2).toString()).toBe('PK');
    expect(readFileSync(join(dataDir, 'log.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('gives one clear line and a usage exit code when an option is missing, and exit 1 for an unknown inspection', () => {
    const missing = cli(['letter', '--data', dataDir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n').pop()).toMatch(/^fieldwork: letter needs --inspection ID and --to FILE$/);
    const unknown = cli([
      'letter',
      '--data',
      dataDir,
      '--inspection',
      '0190a9d2-0000-7000-8000-000000000999',
      '--to',
      join(dataDir, 'x.docx'),
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/inspection was not found/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
