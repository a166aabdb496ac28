// Builds better-sqlite3-multiple-ciphers for Electron's ABI into
// native-electron/<platform>-<arch>/better_sqlite3.node, WITHOUT touching node_modules (whose
// Node-ABI build the tests, the CLI and browser mode use). Run by `npm start` and `npm run dist`.
//
// How: copy the package to a temp folder, then fetch the maintainers' prebuilt binary for this
// Electron version (prebuild-install) or, failing that, compile it (node-gyp against Electron's
// headers). Then check that Electron itself can load it.
//   --require   fail (exit 1) instead of skipping when Electron is not installed (used by dist)
//   --force     rebuild even if a build for this Electron version exists
//   --nodedir=DIR  compile against Electron's headers already unpacked in DIR (offline machines;
//                  skips the prebuilt download)
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// fileURLToPath, not URL.pathname: the pathname is percent-encoded (a space is %20, ï is %C3%AF)
// and on Windows starts with /C:/, so the repo root would not be found.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = new Set(process.argv.slice(2));
const nodedirArg = process.argv.slice(2).find((a) => a.startsWith('--nodedir='));
const headersDir = nodedirArg ? resolve(nodedirArg.slice('--nodedir='.length)) : null;
const pkgName = 'better-sqlite3-multiple-ciphers';

function electronBinary() {
  try {
    const path = require('electron'); // the path of the executable, or throws when not downloaded
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (electron === null) {
  // Skipping is only right when the user asked for no Electron binary; otherwise `npm start`
  // would go on to an app that cannot open its store, so fail loudly here instead.
  const skipAsked = Boolean(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) && !args.has('--require');
  const where = join(root, 'node_modules', 'electron');
  if (skipAsked) {
    console.log(
      `native:electron: Electron's binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD is set), so the Electron build of SQLite was skipped (looked in ${where}). Browser mode, the CLI and the tests do not need it.`,
    );
    process.exit(0);
  }
  console.error(
    `native:electron: Electron is not installed in ${where}, so the Electron build of SQLite cannot be made and the desktop app cannot start. Run npm install (without ELECTRON_SKIP_BINARY_DOWNLOAD), then try again.`,
  );
  process.exit(1);
}

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const pkgDir = dirname(require.resolve(`${pkgName}/package.json`));
const pkgVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const platformArch = `${process.platform}-${process.arch}`;
const outDir = join(root, 'native-electron', platformArch);
const outFile = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'build-info.json');
const stamp = { electron: electronVersion, [pkgName]: pkgVersion, platform: process.platform, arch: process.arch };

if (!args.has('--force') && existsSync(outFile) && existsSync(stampFile)) {
  const previous = readFileSync(stampFile, 'utf8');
  if (previous === JSON.stringify(stamp)) {
    console.log(`native:electron: already built for Electron ${electronVersion} (${platformArch}); nothing to do.`);
    process.exit(0);
  }
}

// npm passes its config to child processes as npm_config_*; a `nodedir`, `target` or `runtime`
// there would make node-gyp build for Node instead of Electron. Drop those (keep proxies etc.).
const abiKeys = /^npm_config_(nodedir|target|target_arch|runtime|disturl|dist_url|arch|platform|build_from_source)$/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !abiKeys.test(key)));
env.HOME = env.HOME ?? tmpdir();

// node-gyp: the copy electron-builder brings, else the one inside npm.
function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp ?? 'node-gyp.js';
  }
}

class BuildFailed extends Error {}

const work = mkdtempSync(join(tmpdir(), 'fieldwork-native-'));
const copy = join(work, pkgName);
try {
  console.log(`native:electron: building ${pkgName} ${pkgVersion} for Electron ${electronVersion} (${platformArch})…`);
  cpSync(pkgDir, copy, {
    recursive: true,
    // The copy starts without node_modules' Node build, so nothing stale can be picked up.
    filter: (source) => !source.startsWith(join(pkgDir, 'build')) && !source.startsWith(join(pkgDir, 'node_modules')),
  });
  const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
  const run = (cmd, cmdArgs) => spawnSync(cmd, cmdArgs, { cwd: copy, env, stdio: 'inherit' }).status === 0;

  const prebuilt =
    headersDir === null &&
    run(process.execPath, [
      require.resolve('prebuild-install/bin.js', { paths: [pkgDir] }),
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      `--platform=${process.platform}`,
    ]) &&
    existsSync(built);
  if (!prebuilt) {
    console.log('native:electron: no prebuilt binary available; compiling from source (needs a C++ toolchain)…');
    const compiled = run(process.execPath, [
      nodeGyp(),
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      headersDir === null ? '--dist-url=https://electronjs.org/headers' : `--nodedir=${headersDir}`,
    ]);
    if (!compiled || !existsSync(built)) {
      throw new BuildFailed(
        "native:electron: could not build the SQLite module for Electron. Compiling needs a C++ toolchain (build-essential and python3 on Linux, Xcode command-line tools on macOS, Visual Studio Build Tools on Windows) and Electron's headers: network access to electronjs.org, or --nodedir=DIR pointing at headers already on disk. Fix that and run npm run native:electron again.",
      );
    }
  }

  // Prove the ABI is right: Electron (as Node, allowed in development builds) must load it.
  const check = spawnSync(electron, ['-e', `require(${JSON.stringify(built)})`], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'inherit',
  });
  if (check.status !== 0) {
    throw new BuildFailed('native:electron: Electron could not load the module that was just built; not installing it.');
  }
  mkdirSync(outDir, { recursive: true });
  copyFileSync(built, outFile);
  writeFileSync(stampFile, JSON.stringify(stamp));
  console.log(`native:electron: wrote ${outFile}`);
} catch (error) {
  console.error(error instanceof BuildFailed ? error.message : error);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
