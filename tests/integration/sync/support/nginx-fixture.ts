/**
 * A real nginx (Debian's package) serving WebDAV on 127.0.0.1 from a temp folder, started and
 * stopped by the test, with a chosen `client_max_body_size`. Debian's nginx has the core dav
 * module (PUT, DELETE, MKCOL, COPY, MOVE); PROPFIND comes from libnginx-mod-http-dav-ext when it
 * is installed (.ci/run installs it). Without it, PROPFIND is answered with a fixed, empty
 * multistatus, which is enough for an inspector that pushes and does not pull.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../../support/runtime.js';

const DAV_EXT = '/usr/lib/nginx/modules/ngx_http_dav_ext_module.so';

export interface NginxDav {
  readonly url: string;
  readonly root: string;
  readonly realPropfind: boolean;
  /** `failUploads`: the server answers, but every PUT gets 503 (an outage behind a working front). */
  start(options?: { maxBodySize?: string; failUploads?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const EMPTY_MULTISTATUS =
  '<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>';

export async function nginxDav(): Promise<NginxDav> {
  const base = tempDir('fieldwork-nginx-');
  const root = join(base, 'root');
  mkdirSync(root);
  const port = await freePort();
  const realPropfind = existsSync(DAV_EXT);
  let child: ChildProcess | null = null;

  const config = (maxBodySize: string, failUploads: boolean) =>
    [
      realPropfind ? `load_module ${DAV_EXT};` : '',
      process.getuid?.() === 0 ? 'user root root;' : '',
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${join(base, 'nginx.pid')};`,
      `error_log ${join(base, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${join(base, 'body')};`,
      `  proxy_temp_path ${join(base, 'proxy')};`,
      `  fastcgi_temp_path ${join(base, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(base, 'uwsgi')};`,
      `  scgi_temp_path ${join(base, 'scgi')};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${root};`,
      `    client_max_body_size ${maxBodySize};`,
      '    location / {',
      '      dav_methods PUT DELETE MKCOL COPY MOVE;',
      realPropfind ? '      dav_ext_methods PROPFIND OPTIONS;' : '',
      '      create_full_put_path on;',
      failUploads ? '      if ($request_method = PUT) { return 503; }' : '',
      '      dav_access user:rw;',
      realPropfind
        ? ''
        : `      if ($request_method = PROPFIND) { add_header Content-Type "application/xml; charset=utf-8"; return 207 '${EMPTY_MULTISTATUS}'; }`,
      '    }',
      '  }',
      '}',
    ].join('\n');

  const dav: NginxDav = {
    url: `http://127.0.0.1:${port}/`,
    root,
    realPropfind,
    async start(options = {}) {
      const file = join(base, 'nginx.conf');
      writeFileSync(file, config(options.maxBodySize ?? '1m', options.failUploads === true));
      child = spawn('nginx', ['-p', base, '-c', file, '-e', join(base, 'error.log')], { stdio: 'ignore' });
      for (let i = 0; i < 200 && !(await accepting(port)); i += 1) {
        if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}); see ${join(base, 'error.log')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
  };
  return dav;
}
