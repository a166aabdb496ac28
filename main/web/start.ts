/**
 * `npm run start:web`: opens the data folder, serves the renderer and the API on 127.0.0.1,
 * prints the address with its per-run token and opens it in the default browser.
 *
 * The token never appears on a command line (other local accounts can read those in
 * /proc/<pid>/cmdline): the browser is given the path of a launch page, a 0600 file in the
 * 0700 data folder that forwards to the address with the token in its fragment. The page is
 * removed once the browser has used the token, or after a minute, or when the server stops.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileDurably } from '../store/durable-file.js';
import { startCoreHost } from '../host/core-host.js';
import { resolveDataDir, WEB_HOLDER } from '../services/runtime.js';
import { LAUNCH_PAGE, LAUNCH_PAGE_LIFETIME_MS, launchPageHtml } from './launch-page.js';
import { startWebServer } from './server.js';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the printed address is enough.
  }
}

function devToken(): string | undefined {
  const token = process.env.FIELDWORK_WEB_TOKEN;
  return token && /^[A-Za-z0-9_-]{32,}$/.test(token) ? token : undefined;
}

const HELP = [
  'Usage: node dist/web/server.cjs [--data DIR] [--port N] [--no-open]',
  '',
  'Fieldwork in browser mode: serves the app and its API on 127.0.0.1 and opens it in the browser.',
  '  --data DIR   the data folder (default: FIELDWORK_DATA, or ./.fieldwork-data)',
  '  --port N     the port to listen on (default: any free port)',
  '  --no-open    print the address instead of opening a browser',
  '  --help       show this help',
].join('\n');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const known = new Set(['--data', '--port', '--no-open']);
  const unknown = argv.find(
    (a, i) => a.startsWith('-') && !known.has(a.split('=')[0] as string) && !['--data', '--port'].includes(argv[i - 1] ?? ''),
  );
  if (unknown !== undefined) {
    console.error(`Unknown option ${unknown} (see --help).`);
    process.exitCode = 2;
    return;
  }
  const dataDir = resolveDataDir(argv, process.env, join(process.cwd(), '.fieldwork-data'));
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  // The same core host as the desktop app: the store, merges and backups run in a worker
  // thread, so the HTTP server keeps answering while a merge runs.
  const core = await startCoreHost({ workerScript: join(here, 'core-worker.cjs'), dataDir, holder: WEB_HOLDER });
  const rendererDir = [join(here, '..', 'renderer'), join(process.cwd(), 'dist', 'renderer')].find((d) =>
    existsSync(join(d, 'index.html')),
  );
  const portFlag = argv.indexOf('--port');
  const token = devToken();
  const launchPage = join(dataDir, LAUNCH_PAGE);
  const removeLaunchPage = () => rmSync(launchPage, { force: true });
  if (core.mode === 'recovery') console.error(`The data file is damaged: ${core.problem} Opening the recovery screen.`);
  const server = await startWebServer({
    core: (name, input, options) => core.dispatch(name, input, options),
    rendererDir: rendererDir ?? null,
    port: portFlag >= 0 ? Number(argv[portFlag + 1]) : 0,
    onFirstAuthorised: removeLaunchPage,
    // `npm run dev` restarts this server on every change and keeps the page's token across
    // restarts through the environment (readable only by this account), never the command line.
    ...(token ? { token } : {}),
  });
  console.log(`Fieldwork (browser mode) is running. Data folder: ${dataDir}`);
  console.log(`Open: ${server.pageUrl}`);
  if (!argv.includes('--no-open')) {
    writeFileDurably(launchPage, launchPageHtml(server.pageUrl));
    setTimeout(removeLaunchPage, LAUNCH_PAGE_LIFETIME_MS).unref();
    openBrowser(pathToFileURL(launchPage).href);
  }
  const stop = () => {
    removeLaunchPage();
    void server
      .close()
      .then(() => core.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Fieldwork could not start: ${message}`);
  process.exit(1);
});
