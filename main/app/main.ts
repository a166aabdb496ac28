/**
 * Entry point of the desktop app (bundled to dist/main/main.cjs, package.json "main").
 * Everything it does lives in desktop-app.ts; this file only says where the built files and
 * the Electron-ABI SQLite module are.
 */
import { app } from 'electron';
import { join } from 'node:path';
import { startDesktopApp } from './desktop-app.js';
import { requireNativeBinding } from './native-binding.js';

// The bundle is dist/main/main.cjs, so its folder's parent is dist/ (inside app.asar when installed).
const distDir = join(__dirname, '..');

startDesktopApp({
  distDir,
  nativeBinding: () =>
    requireNativeBinding({
      isPackaged: app.isPackaged,
      appPath: app.getAppPath(),
      resourcesPath: process.resourcesPath,
      platform: process.platform,
      arch: process.arch,
    }),
});
