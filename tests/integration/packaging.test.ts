// Packs the app with the real electron-builder.yml, offline: `electron-builder --dir` with a
// stand-in Electron distribution (a small file carrying Electron's fuse wire, so the fuses are
// really flipped) and a stand-in native module. Then reads the archive: the built app is in,
// sources and tests are not, the native module sits outside the archive where the app looks
// for it, and the fuses are set as DESIGN.md requires.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeBindingPath } from '../../main/app/native-binding.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as typeof import('@electron/asar');
const fuses = require('@electron/fuses') as typeof import('@electron/fuses');

const root = resolve(import.meta.dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const NATIVE_STAND_IN = 'stand-in for the Electron-ABI better_sqlite3.node';
const arch = process.arch === 'arm64' ? 'arm64' : 'x64';

let work: string;
let appOutDir: string;
let files: string[];
let nodeBuildBefore = '';
const nodeBuild = join(root, 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
const nodeBuildAfter = (): string =>
  existsSync(nodeBuild) ? createHash('sha256').update(readFileSync(nodeBuild)).digest('hex') : 'absent';

/** Fuse states as bytes, in @electron/fuses' V1 order (FuseV1Options). */
const ENABLE = 0x31;
const DISABLE = 0x30;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/main/main.cjs')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', 'main', 'renderer'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  nodeBuildBefore = nodeBuildAfter();
  work = mkdtempSync(join(tmpdir(), 'fieldwork-pack-'));
  // A stand-in Electron: the executable carries a fuse wire set to the OPPOSITE of what we want,
  // so the assertions below prove electron-builder flipped every one of them.
  const electronDist = join(work, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const wire = Buffer.from([ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE]);
  writeFileSync(
    join(electronDist, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), wire]),
    { mode: 0o755 },
  );
  // A stand-in native module, via a config that extends the real one (so the repo's own
  // native-electron/ folder is never written by a test).
  const native = join(work, 'native-stand-in');
  mkdirSync(native);
  writeFileSync(join(native, 'better_sqlite3.node'), NATIVE_STAND_IN);
  const config = join(work, 'electron-builder.test.yml');
  writeFileSync(
    config,
    [
      `extends: ${JSON.stringify(join(root, 'electron-builder.yml'))}`,
      'extraResources:',
      `  - from: ${JSON.stringify(native + '/')}`,
      '    to: native',
      '    filter: [better_sqlite3.node]',
      '',
    ].join('\n'),
  );
  const out = join(work, 'out');
  const run = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      '--dir',
      `--${arch}`,
      '--config',
      config,
      `-c.electronDist=${electronDist}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_OFFLINE: 'true' },
    },
  );
  if (run.status !== 0) {
    throw new Error(`electron-builder failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  }
  appOutDir = join(out, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
  files = asar.listPackage(join(appOutDir, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/'));
}, 360_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('packaging with electron-builder', () => {
  it('puts the built main process, preload and renderer in app.asar', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist/main/main.cjs',
        '/dist/main/core-worker.cjs',
        '/dist/main/preload.cjs',
        '/dist/renderer/index.html',
      ]),
    );
    expect(files.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    const pkg = JSON.parse(asar.extractFile(join(appOutDir, 'resources', 'app.asar'), 'package.json').toString('utf8')) as {
      main: string;
    };
    expect(files).toContain(`/${pkg.main}`);
  });

  it('leaves out tests, sources, scripts, source maps and config', () => {
    const leaked = files.filter(
      (f) =>
        /^\/(tests|main|shared|renderer|scripts|build|native-electron|release|\.ci)(\/|$)/.test(f) ||
        /\.(ts|tsx|map)$/.test(f) ||
        /^\/(electron-builder\.yml|tsconfig.*\.json|vite\.config\.ts|vitest\.config\.ts|eslint\.config\.js)$/.test(f),
    );
    expect(leaked).toEqual([]);
  });

  it('ships only the SQLite driver’s JavaScript from node_modules, everything else being bundled', () => {
    const packages = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]));
    expect([...packages]).toEqual(['better-sqlite3-multiple-ciphers']);
    expect(files).toContain('/node_modules/better-sqlite3-multiple-ciphers/lib/index.js');
  });

  it('keeps the native module out of the archive, where the packaged app loads it from', () => {
    expect(files.filter((f) => f.endsWith('.node'))).toEqual([]);
    const resourcesPath = join(appOutDir, 'resources');
    const path = nativeBindingPath({ isPackaged: true, appPath: '', resourcesPath, platform: 'linux', arch });
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8').length).toBeGreaterThan(0);
  });

  it('flips the Electron fuses: no RunAsNode, no NODE_OPTIONS, no --inspect, cookie encryption, asar only and checked', async () => {
    const executable = join(appOutDir, 'fieldwork');
    expect(existsSync(executable)).toBe(true);
    const wire = await fuses.getCurrentFuseWire(executable);
    const { FuseV1Options } = fuses;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
  });

  it('leaves the Node build of the native module in node_modules untouched (tests, CLI and browser mode use it)', () => {
    expect(nodeBuildAfter()).toBe(nodeBuildBefore);
  });
});

describe('npm run native:electron', () => {
  // ELECTRON_OVERRIDE_DIST_PATH is the electron package's own switch: pointing it at an empty
  // folder is exactly a machine installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1.
  const noElectron = (skipAsked = true): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(work, 'no-electron') };
    if (skipAsked) env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
    else delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    return env;
  };
  const run = (args: string[], skipAsked = true, cwd = root) =>
    spawnSync(process.execPath, [join(cwd, 'scripts', 'native-electron.mjs'), ...args], {
      cwd,
      encoding: 'utf8',
      env: noElectron(skipAsked),
    });

  it('skips with one line, successfully, where Electron was not downloaded on purpose', () => {
    const before = existsSync(join(root, 'native-electron'));
    const result = run([]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/skipped/);
    expect(existsSync(join(root, 'native-electron'))).toBe(before);
  });

  it('fails, saying why, when packaging needs it (--require)', () => {
    const result = run(['--require']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Electron is not installed/);
  });

  it('fails loudly, not "skipped", when Electron is missing and nobody asked to skip it', () => {
    const result = run([], false);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot be made and the desktop app cannot start/);
    expect(result.stdout).not.toMatch(/skipped/);
  });

  it('finds the repository from a folder whose path has a space and a non-ASCII letter', () => {
    const odd = join(work, 'Fïeld work', 'repo');
    mkdirSync(join(odd, 'scripts'), { recursive: true });
    copyFileSync(join(root, 'scripts', 'native-electron.mjs'), join(odd, 'scripts', 'native-electron.mjs'));
    copyFileSync(join(root, 'package.json'), join(odd, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(odd, 'node_modules'), 'dir');
    const skipped = run([], true, odd);
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain(join(odd, 'node_modules', 'electron'));
    const loud = run([], false, odd);
    expect(loud.status).toBe(1);
    expect(loud.stderr).toContain(join(odd, 'node_modules', 'electron'));
    expect(existsSync(join(odd, 'native-electron'))).toBe(false);
  });
});
