/**
 * Drives the power-cut filesystem (tests/powercut/powercut_fs.py): mounts it, sends it
 * commands (sync, clone, arm a cut, resume), and hears when an armed cut fires.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const DAEMON = join(__dirname, '..', 'powercut', 'powercut_fs.py');

/** Debian's python3 (with python3-fusepy), not a pyenv or venv interpreter that lacks it. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * Why the harness cannot run here, in one line, or null when it can. Only a machine without
 * FUSE skips: anything else missing (python3-fusepy, fusermount) fails the run with the reason,
 * because CI installs them and must not pass by skipping.
 */
export function powerCutUnavailable(): string | null {
  if (process.platform !== 'linux') return `power-cut harness skipped: it needs Linux FUSE (this is ${process.platform})`;
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return 'power-cut harness skipped: /dev/fuse is not available here (containers need --device /dev/fuse --cap-add SYS_ADMIN)';
  }
  return null;
}

/** What else the harness needs, checked before mounting so a failure names the missing package. */
function missingTools(): string | null {
  const probe = spawnSync(python(), ['-c', 'import fusepy'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'python3-fusepy is not installed (apt-get install fuse3 python3-fusepy)';
  if (spawnSync('fusermount', ['-V']).error) return 'fusermount is missing (apt-get install fuse3)';
  return null;
}

export type CutMode = 'drop' | 'torn';

export class PowerCutFs {
  readonly mountpoint: string;
  private readonly daemon: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private cutListener: ((at: number) => void) | null = null;
  private stderr = '';
  private closed = false;

  private constructor(mountpoint: string) {
    this.mountpoint = mountpoint;
    this.daemon = spawn(python(), ['-W', 'ignore', DAEMON, mountpoint], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.daemon.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.daemon.stdout }).on('line', (line) => this.heard(line));
  }

  /** Mounts a fresh, empty power-cut filesystem in a temp folder. */
  static async mount(): Promise<PowerCutFs> {
    const missing = missingTools();
    if (missing) throw new Error(`the power-cut harness cannot run: ${missing}`);
    const mountpoint = mkdtempSync(join(tmpdir(), 'fieldwork-powercut-'));
    const fs = new PowerCutFs(mountpoint);
    const ready = await Promise.race([
      fs.nextLine(),
      new Promise<string>((resolve) => fs.daemon.once('exit', () => resolve('exited'))),
    ]);
    if (ready !== 'ready') throw new Error(`the power-cut filesystem did not mount: ${ready} ${fs.stderr}`);
    return fs;
  }

  private heard(line: string): void {
    if (line.startsWith('cut ')) {
      this.cutListener?.(Number(line.slice(4)));
      return;
    }
    this.waiting.shift()?.(line);
  }

  private nextLine(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends one command and returns its answer (throws on "err ..."). */
  async command(text: string): Promise<string> {
    const answer = this.nextLine();
    this.daemon.stdin.write(`${text}\n`);
    const line = await answer;
    if (!line.startsWith('ok')) throw new Error(`power-cut filesystem: "${text}" answered "${line}" ${this.stderr}`);
    return line.slice(2).trim();
  }

  path(inside: string): string {
    return join(this.mountpoint, inside);
  }

  /** Everything written so far becomes durable (set-up before the cuts). */
  sync(): Promise<string> {
    return this.command('sync');
  }

  clone(from: string, to: string): Promise<string> {
    return this.command(`clone /${from} /${to}`);
  }

  remove(inside: string): Promise<string> {
    return this.command(`remove /${inside}`);
  }

  /** Cuts the power just before the `at`-th counted operation from now; `onCut` hears it happen. */
  arm(at: number, mode: CutMode, seed: number, onCut: (at: number) => void): Promise<string> {
    this.cutListener = onCut;
    return this.command(`arm ${at} ${mode} ${seed}`);
  }

  cutNow(mode: CutMode, seed: number): Promise<string> {
    return this.command(`cut ${mode} ${seed}`);
  }

  async resume(): Promise<void> {
    this.cutListener = null;
    await this.command('resume');
  }

  async counted(): Promise<number> {
    return Number(await this.command('count'));
  }

  async record(on: boolean): Promise<void> {
    await this.command(`record ${on ? 'on' : 'off'}`);
  }

  /** The files (by path at the time) any recorded write of `needle` went to. */
  async filesWritten(needle: string): Promise<string[]> {
    const answer = await this.command(`grep ${Buffer.from(needle, 'utf8').toString('hex')}`);
    const [count, ...paths] = answer.split(' ');
    return Number(count) === 0 ? [] : paths;
  }

  async unmount(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((resolve) => this.daemon.once('exit', () => resolve()));
    this.daemon.stdin.end('quit\n');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.daemon.exitCode === null) {
      spawnSync('fusermount', ['-u', '-z', this.mountpoint]);
      this.daemon.kill('SIGKILL');
    }
    rmSync(this.mountpoint, { recursive: true, force: true });
  }
}
