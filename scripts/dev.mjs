// `npm run dev`: browser mode for development. Vite's dev server serves the renderer with hot
// reload; esbuild rebuilds browser mode's server (main/, shared/) on every change and restarts
// it; Vite forwards /api to it. Data lives in .fieldwork-dev (or --data DIR). The desktop shell
// is not involved: `npm start` builds and opens the real app.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { context } from 'esbuild';
import { createServer } from 'vite';
import { common } from './build-config.mjs';

const args = process.argv.slice(2);
const valueOf = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const dataDir = valueOf('--data') ?? join(process.cwd(), '.fieldwork-dev');
const token = randomBytes(32).toString('base64url');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const apiPort = await freePort();
let server = null;
let stopping = false;

function startServer() {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', 'dist/dev/server.cjs', '--data', dataDir, '--port', String(apiPort), '--no-open'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, FIELDWORK_WEB_TOKEN: token },
    },
  );
  child.on('exit', (code, signal) => {
    if (!stopping && server === child && signal === null)
      console.error(`dev: browser mode's server stopped (exit ${code}); it restarts on the next change.`);
  });
  server = child;
}

function restartServer() {
  const previous = server;
  if (previous === null || previous.exitCode !== null) return startServer();
  previous.once('exit', startServer);
  previous.kill('SIGTERM');
}

// Browser mode's server (main/web) runs the core (services, sync, store) in a worker thread
// (main/host): two bundles in dist/dev. The server starts once both are built, and restarts
// whenever either is rebuilt.
const built = new Set();
const restartWhenBuilt = (bundle) => ({
  name: `restart-server-${bundle}`,
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) {
        console.error('dev: the server did not build; fix the error above and save again.');
        return;
      }
      built.add(bundle);
      if (built.size === 2) restartServer();
    });
  },
});
const watchers = await Promise.all([
  context({
    ...common,
    entryPoints: ['main/host/core-worker.ts'],
    outfile: 'dist/dev/core-worker.cjs',
    plugins: [restartWhenBuilt('core')],
  }),
  context({
    ...common,
    entryPoints: ['main/web/start.ts'],
    outfile: 'dist/dev/server.cjs',
    plugins: [restartWhenBuilt('server')],
  }),
]);
await Promise.all(watchers.map((w) => w.watch()));

const vite = await createServer({
  configFile: 'vite.config.ts',
  server: {
    host: '127.0.0.1',
    port: Number(valueOf('--port') ?? 5173),
    proxy: {
      '/api': {
        target: `http://127.0.0.1:${apiPort}`,
        changeOrigin: true,
        // The server refuses cross-origin requests; the page's origin here is Vite's, so the
        // proxy (on this computer, for this developer only) presents the request as same-origin.
        configure: (proxy) => proxy.on('proxyReq', (request) => request.removeHeader('origin')),
      },
    },
  },
});
await vite.listen();
const address = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
console.log(`Fieldwork (development) is running. Data folder: ${dataDir}`);
console.log(`Open: ${address}#token=${token}`);

const stop = async () => {
  stopping = true;
  server?.kill('SIGTERM');
  await Promise.all(watchers.map((w) => w.dispose()));
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
