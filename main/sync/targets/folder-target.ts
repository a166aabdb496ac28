/**
 * A folder sync target: a network share or a folder a sync client (OneDrive, Dropbox...) keeps
 * in step. The root must already exist: if a network drive is not mounted, creating the folder
 * would quietly put the team's bundles on the local disk instead, so a missing root is
 * "target not found". Files are written to a temp name, fsynced, then renamed into place.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { classifyFailure, SyncFailure } from '../sync-errors.js';
import { assertSafePath, type RemoteDigest, type RemoteEntry, type RemotePath, type SyncTarget } from '../sync-target.js';

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } catch {
    // Some network filesystems and Windows directories refuse fsync; the rename still orders writes.
  } finally {
    await handle.close();
  }
}

export function folderTarget(root: string): SyncTarget {
  if (!isAbsolute(root))
    throw new SyncFailure('refused', 'The sync folder must be a full path, for example /mnt/team-share or S:\\Inspections.');
  const where = `the folder ${root}`;
  const full = (path: RemotePath): string => {
    assertSafePath(path);
    return join(root, ...path);
  };
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw classifyFailure(error, where);
    }
  };
  const requireRoot = async (): Promise<void> => {
    const info = await stat(root).catch((error: unknown) => {
      throw classifyFailure(error, where);
    });
    if (!info.isDirectory())
      throw new SyncFailure('not_found', `${root} is a file, not a folder. Choose the shared folder itself.`);
  };

  return {
    where,
    probe: async () => {
      await requireRoot();
      // Cheap, and writes nothing: a synced drive would otherwise upload a probe file every time.
      await guard(() => access(root, constants.R_OK | constants.W_OK));
    },
    list: async (dir) => {
      await requireRoot();
      return guard(async () => {
        const entries = await readdir(full(dir), { withFileTypes: true }).catch((error: unknown) => {
          if ((error as { code?: string }).code === 'ENOENT') return [];
          throw error;
        });
        const result: RemoteEntry[] = [];
        for (const entry of entries) {
          if (entry.isDirectory()) result.push({ name: entry.name, isDir: true, size: null });
          else if (entry.isFile())
            result.push({ name: entry.name, isDir: false, size: (await stat(join(full(dir), entry.name))).size });
        }
        return result;
      });
    },
    ensureDir: async (dir) => {
      await requireRoot();
      await guard(() => mkdir(full(dir), { recursive: true }).then(() => undefined));
    },
    upload: async (path, localFile) => {
      await requireRoot();
      await guard(async () => {
        await copyFile(localFile, full(path));
        await fsyncPath(full(path), 'r+');
      });
    },
    move: async (from, to) => {
      await guard(async () => {
        await rename(full(from), full(to));
        await fsyncPath(join(full(to), '..'), 'r');
      });
    },
    stat: async (path) =>
      guard(async () => {
        const info = await stat(full(path)).catch((error: unknown) => {
          if ((error as { code?: string }).code === 'ENOENT') return null;
          throw error;
        });
        return info?.isFile() ? info.size : null;
      }),
    digest: async (path, maxBytes, localFile) =>
      guard(async () => {
        const hash = createHash('sha256');
        let size = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            size += chunk.length;
            if (size > maxBytes) {
              done(new SyncFailure('refused', `A file on ${where} is larger than any bundle can be, so it was not read.`));
              return;
            }
            hash.update(chunk);
            done(null, chunk);
          },
        });
        const source = createReadStream(full(path));
        if (localFile) await pipeline(source, counter, createWriteStream(localFile, { mode: 0o600 }));
        else
          await pipeline(source, counter, async (chunks: AsyncIterable<Buffer>) => {
            for await (const _chunk of chunks) {
              // drained: the hash is computed in the counter
            }
          });
        return { size, sha256: hash.digest('hex') } satisfies RemoteDigest;
      }),
    remove: async (path) => {
      await guard(() => rm(full(path), { force: true }));
    },
  };
}
