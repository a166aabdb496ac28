/**
 * Watches another process's open files (Linux /proc/<pid>/fd) while it works, and reads each
 * open file outside the data folder (temporary files above all: SQLite unlinks its temp files
 * the moment it opens them, so they are visible only through the process's descriptors)
 * looking for text that must never reach the disk unencrypted.
 */
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface OpenFileReport {
  /** Every regular file the process had open outside the ignored folders, as /proc named it. */
  readonly files: readonly string[];
  /** Files (by name) in which a watched text was seen, with the text. */
  readonly leaks: readonly string[];
  readonly polls: number;
}

const NOT_FILES = /^(pipe|socket|anon_inode|\/dev\/|\/proc\/)/;

export function canWatchOpenFiles(): boolean {
  return process.platform === 'linux' && existsSync(`/proc/${process.pid}/fd`);
}

/**
 * Polls until `stop()` is called. `inside` lists folders whose files are not read while open
 * (the encrypted data folder: scan it once afterwards with `filesHolding`).
 */
export function watchOpenFiles(pid: number, needles: readonly string[], inside: readonly string[]) {
  const files = new Set<string>();
  const leaks = new Set<string>();
  const skip = inside.map((dir) => resolve(dir));
  const patterns = needles.map((n) => Buffer.from(n, 'utf8'));
  let polls = 0;
  let running = true;
  const poll = () => {
    const dir = `/proc/${pid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch {
      return; // the process has exited
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(join(dir, fd));
      } catch {
        continue;
      }
      if (NOT_FILES.test(target)) continue;
      const path = target.replace(/ \(deleted\)$/, '');
      if (skip.some((s) => path.startsWith(`${s}/`))) continue;
      files.add(target);
      try {
        const bytes = readFileSync(join(dir, fd));
        for (const [i, pattern] of patterns.entries()) if (bytes.includes(pattern)) leaks.add(`${target}: ${needles[i]}`);
      } catch {
        // Closed between the listing and the read.
      }
    }
  };
  const loop = (async () => {
    while (running) {
      poll();
      polls += 1;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop(): Promise<OpenFileReport> {
      running = false;
      await loop;
      return { files: [...files].sort(), leaks: [...leaks].sort(), polls };
    },
  };
}

/** Files under `dir` (recursively) whose bytes contain any of the texts. */
export function filesHolding(dir: string, needles: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      found.push(...filesHolding(path, needles));
      continue;
    }
    const bytes = readFileSync(path);
    if (needles.some((n) => bytes.includes(Buffer.from(n, 'utf8')))) found.push(path);
  }
  return found;
}
