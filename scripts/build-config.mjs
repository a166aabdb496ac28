// The esbuild settings every main-side bundle shares (build.mjs, dev.mjs): one CommonJS file per
// entry point, the native SQLite module and electron left external.
export const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['electron', 'better-sqlite3-multiple-ciphers'],
  logLevel: 'warning',
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: "const import_meta_url = require('url').pathToFileURL(__filename).href;" },
};
