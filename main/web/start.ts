/**
 * `npm run start:web`: opens the data folder, serves the renderer and the API on 127.0.0.1,
 * prints the address with its one-time token and opens it in the default browser.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openRuntime, resolveDataDir } from '../services/runtime.js';
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
  const runtime = await openRuntime({ dataDir, recovery: true });
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const rendererDir = [join(here, '..', 'renderer'), join(process.cwd(), 'dist', 'renderer')].find((d) =>
    existsSync(join(d, 'index.html')),
  );
  const portFlag = argv.indexOf('--port');
  if (runtime.mode === 'recovery') console.error(`The data file is damaged: ${runtime.problem} Opening the recovery screen.`);
  const server = await startWebServer({
    ...(runtime.mode === 'recovery' ? { recovery: runtime.recovery } : { ctx: runtime.ctx }),
    rendererDir: rendererDir ?? null,
    port: portFlag >= 0 ? Number(argv[portFlag + 1]) : 0,
  });
  console.log(`Fieldwork (browser mode) is running. Data folder: ${dataDir}`);
  console.log(`Open: ${server.pageUrl}`);
  if (!argv.includes('--no-open')) openBrowser(server.pageUrl);
  const stop = () => {
    void server.close().then(() => {
      runtime.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  void dirname;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Fieldwork could not start: ${message}`);
  process.exit(1);
});
