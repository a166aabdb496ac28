#!/usr/bin/env python3
"""
A small in-memory FUSE filesystem that models what survives a power cut.

Every file keeps two copies: what processes see now, and what a disk would hold after a cut
(its "durable" bytes). Writes and truncations since the file's last fsync are kept in memory
only; fsync moves them into the durable copy. Names behave the same way, per directory: a
create, unlink, mkdir, rmdir or rename becomes durable only when that directory is fsynced.
This is the
strict POSIX reading (Linux's fsync(2): "Calling fsync() does not necessarily ensure that the
entry in the directory containing the file has also reached disk. For that an explicit
fsync() on a file descriptor for the directory is also needed."), so a missing directory
fsync after a rename is caught, not hidden by a journal that happened to commit. A rename
between two directories is one change, as journalling filesystems record it: durable when
either directory is fsynced, never applied to one side only.

A cut throws away what is not durable ("drop"), or keeps a random subset of each file's
pending writes and a random prefix of each directory's pending name changes ("torn", as a
disk that had written some of its cache). After a cut every call fails with EIO until the
harness says "resume": the machine is off, so the process that was writing learns nothing
more and its file handles stay dead.

Files are opened with direct_io (no kernel page cache), so every write reaches this process
and a cut cannot be undone by the kernel writing back cached pages later. SQLite's -shm file
is the exception: it must be mmap-able, it is rebuilt by SQLite on the next open, and its
contents never count as durable data.

Control is a line protocol on stdin (answers "ok ..." or "err ..." on stdout):
  sync                     make everything durable (set-up is done before the cuts begin)
  clone SRC DST            copy a tree (durably)      remove PATH   delete a tree (durably)
  arm N MODE SEED          cut just before the Nth counted operation from now
  cut MODE SEED            cut now                     resume        power back on
  count                    counted operations since the last arm
  record on|off            keep every byte written from now on; grep HEX searches them
  quit
Asynchronous event: "cut N" when an armed cut fires.
"""
import errno
import os
import random
import stat
import subprocess
import sys
import threading
import time

import fusepy
from fusepy import FUSE, FuseOSError, Operations

LOCK = threading.RLock()
OUT_LOCK = threading.Lock()


def say(line):
    with OUT_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Inode:
    __slots__ = ("ino", "is_dir", "mode", "data", "durable", "pending", "entries", "durable_entries",
                 "names_pending", "mtime", "ctime", "uid", "gid")

    def __init__(self, ino, is_dir, mode):
        now = time.time_ns()
        self.ino = ino
        self.is_dir = is_dir
        self.mode = mode
        self.mtime = now
        self.ctime = now
        self.uid = os.getuid()
        self.gid = os.getgid()
        if is_dir:
            self.entries = {}
            self.durable_entries = {}
            self.names_pending = []
            self.data = self.durable = self.pending = None
        else:
            self.data = bytearray()
            self.durable = bytearray()
            self.pending = []
            self.entries = self.durable_entries = self.names_pending = None


def apply_write(buf, op):
    kind = op[0]
    if kind == "w":
        _, offset, chunk = op
        end = offset + len(chunk)
        if len(buf) < offset:
            buf.extend(b"\0" * (offset - len(buf)))
        buf[offset:end] = chunk
    else:
        _, length = op
        if length < len(buf):
            del buf[length:]
        else:
            buf.extend(b"\0" * (length - len(buf)))


class Move:
    """A rename between two directories: journalled as one change, durable as a whole when
    either directory is fsynced (as ext4, XFS and btrfs commit it), never half-applied."""
    __slots__ = ("src", "old", "dst", "new", "ino", "done")

    def __init__(self, src, old, dst, new, ino):
        self.src, self.old, self.dst, self.new, self.ino = src, old, dst, new, ino
        self.done = False

    def commit(self):
        if self.done:
            return
        self.done = True
        if self.src.durable_entries.get(self.old) == self.ino:
            del self.src.durable_entries[self.old]
        self.dst.durable_entries[self.new] = self.ino


def apply_name(entries, op):
    if isinstance(op, Move):
        op.commit()
        return
    kind = op[0]
    if kind == "set":
        entries[op[1]] = op[2]
    elif kind == "del":
        entries.pop(op[1], None)
    else:  # rename within one directory: atomic
        _, old, new, ino = op
        if entries.get(old) == ino:
            del entries[old]
        entries[new] = ino


def commit_names(node, ops):
    for op in ops:
        apply_name(node.durable_entries, op)


COUNTED = {"write", "truncate", "fsync", "fsyncdir", "create", "mkdir", "unlink", "rmdir", "rename"}


class PowerCutFs(Operations):
    use_ns = True

    def __init__(self):
        self.inodes = {}
        self.next_ino = 1
        self.root = self.new_inode(True, 0o755)
        self.handles = {}
        self.next_fh = 1
        self.epoch = 0
        self.frozen = False
        self.armed_at = None
        self.arm_mode = "drop"
        self.arm_seed = 0
        self.counted = 0
        self.recording = False
        self.recorded = []

    # ---- bookkeeping ----
    def new_inode(self, is_dir, mode):
        node = Inode(self.next_ino, is_dir, mode)
        self.inodes[node.ino] = node
        self.next_ino += 1
        return node

    def resolve(self, path):
        node = self.root
        for part in [p for p in path.split("/") if p]:
            if not node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            ino = node.entries.get(part)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            node = self.inodes[ino]
        return node

    def parent_of(self, path):
        head, _, name = path.rstrip("/").rpartition("/")
        parent = self.resolve(head or "/")
        if not parent.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def gate(self, op, path):
        """Every call passes here: refused once the power is off; counted towards an armed cut."""
        if self.frozen:
            raise FuseOSError(errno.EIO)
        if op in COUNTED and not (path or "").endswith("-shm"):
            self.counted += 1
            if self.armed_at is not None and self.counted >= self.armed_at:
                self.cut(self.arm_mode, self.arm_seed)
                say("cut %d" % self.counted)
                raise FuseOSError(errno.EIO)

    def handle(self, fi):
        entry = self.handles.get(fi.fh) if fi is not None else None
        if entry is None or entry[1] != self.epoch:
            raise FuseOSError(errno.EIO)
        return entry[0]

    def open_handle(self, node, fi, path):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = (node, self.epoch)
        fi.fh = fh
        fi.direct_io = 0 if path.endswith("-shm") else 1
        fi.keep_cache = 0
        return 0

    def node_for(self, path, fh):
        if fh is not None and getattr(fh, "fh", 0):
            return self.handle(fh)
        if path is None:
            raise FuseOSError(errno.EBADF)
        return self.resolve(path)

    # ---- the power cut ----
    def cut(self, mode, seed):
        rng = random.Random(seed)
        for node in list(self.inodes.values()):
            if node.is_dir:
                keep = rng.randint(0, len(node.names_pending)) if mode == "torn" else 0
                commit_names(node, node.names_pending[:keep])
            else:
                if mode == "torn" and node.pending:
                    for op in node.pending:
                        if rng.random() < 0.5:
                            apply_write(node.durable, op)
                node.pending = []
                node.data = bytearray(node.durable)
        for node in self.inodes.values():
            if node.is_dir:
                node.names_pending = []
                node.entries = dict(node.durable_entries)
        self.epoch += 1
        self.handles = {}
        self.frozen = True
        self.armed_at = None
        self.collect()

    def collect(self):
        """Forgets inodes no durable name reaches any more."""
        seen = set()
        stack = [self.root.ino]
        while stack:
            ino = stack.pop()
            if ino in seen:
                continue
            seen.add(ino)
            node = self.inodes[ino]
            if node.is_dir:
                stack.extend(node.entries.values())
        for ino in list(self.inodes):
            if ino not in seen:
                del self.inodes[ino]

    def sync_all(self):
        for node in self.inodes.values():
            if node.is_dir:
                commit_names(node, node.names_pending)
                node.names_pending = []
            else:
                for op in node.pending:
                    apply_write(node.durable, op)
                node.pending = []

    def clone_tree(self, node):
        copy = self.new_inode(node.is_dir, node.mode)
        if node.is_dir:
            for name, ino in node.entries.items():
                child = self.clone_tree(self.inodes[ino])
                copy.entries[name] = child.ino
            copy.durable_entries = dict(copy.entries)
        else:
            copy.data = bytearray(node.data)
            copy.durable = bytearray(node.data)
        return copy

    # ---- names ----
    def link_name(self, parent, name, ino):
        parent.entries[name] = ino
        parent.names_pending.append(("set", name, ino))
        parent.mtime = time.time_ns()

    def unlink_name(self, parent, name):
        parent.entries.pop(name, None)
        parent.names_pending.append(("del", name))
        parent.mtime = time.time_ns()

    # ---- FUSE operations ----
    def getattr(self, path, fh=None):
        with LOCK:
            self.gate("getattr", path)
            node = self.node_for(path, fh)
            if node.is_dir:
                mode, size, nlink = stat.S_IFDIR | node.mode, 4096, 2
            else:
                mode, size, nlink = stat.S_IFREG | node.mode, len(node.data), 1
            return {
                "st_mode": mode, "st_size": size, "st_nlink": nlink, "st_uid": node.uid, "st_gid": node.gid,
                "st_mtime": node.mtime, "st_ctime": node.ctime, "st_atime": node.mtime, "st_ino": node.ino,
                "st_blocks": (size + 511) // 512, "st_blksize": 4096,
            }

    def access(self, path, amode):
        with LOCK:
            self.gate("access", path)
            self.resolve(path)
            return 0

    def readdir(self, path, fh):
        with LOCK:
            self.gate("readdir", path)
            node = self.resolve(path)
            return [".", ".."] + sorted(node.entries)

    def opendir(self, path):
        with LOCK:
            self.gate("opendir", path)
            if not self.resolve(path).is_dir:
                raise FuseOSError(errno.ENOTDIR)
            return 0

    def releasedir(self, path, fh):
        return 0

    def fsyncdir(self, path, datasync, fh):
        with LOCK:
            self.gate("fsyncdir", path)
            node = self.resolve(path)
            commit_names(node, node.names_pending)
            node.names_pending = []
            return 0

    def mkdir(self, path, mode):
        with LOCK:
            self.gate("mkdir", path)
            parent, name = self.parent_of(path)
            if name in parent.entries:
                raise FuseOSError(errno.EEXIST)
            node = self.new_inode(True, mode & 0o7777)
            self.link_name(parent, name, node.ino)
            return 0

    def rmdir(self, path):
        with LOCK:
            self.gate("rmdir", path)
            parent, name = self.parent_of(path)
            node = self.resolve(path)
            if not node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            if node.entries:
                raise FuseOSError(errno.ENOTEMPTY)
            self.unlink_name(parent, name)
            return 0

    def create(self, path, mode, fi):
        with LOCK:
            self.gate("create", path)
            parent, name = self.parent_of(path)
            existing = parent.entries.get(name)
            if existing is not None:
                node = self.inodes[existing]
                if fi.flags & os.O_EXCL:
                    raise FuseOSError(errno.EEXIST)
                if fi.flags & os.O_TRUNC:
                    node.data = bytearray()
                    node.pending.append(("t", 0))
            else:
                node = self.new_inode(False, mode & 0o7777)
                self.link_name(parent, name, node.ino)
            return self.open_handle(node, fi, path)

    def open(self, path, fi):
        with LOCK:
            self.gate("open", path)
            node = self.resolve(path)
            if node.is_dir:
                raise FuseOSError(errno.EISDIR)
            if fi.flags & os.O_TRUNC:
                self.counted_truncate(node, 0, path)
            return self.open_handle(node, fi, path)

    def counted_truncate(self, node, length, path):
        self.gate("truncate", path)
        op = ("t", length)
        apply_write(node.data, op)
        node.pending.append(op)
        node.mtime = time.time_ns()

    def release(self, path, fi):
        with LOCK:
            if fi is not None:
                self.handles.pop(fi.fh, None)
            return 0

    def flush(self, path, fi):
        return 0

    def read(self, path, size, offset, fi):
        with LOCK:
            self.gate("read", path)
            node = self.handle(fi)
            return bytes(node.data[offset:offset + size])

    def write(self, path, data, offset, fi):
        with LOCK:
            self.gate("write", path)
            node = self.handle(fi)
            op = ("w", offset, bytes(data))
            apply_write(node.data, op)
            node.pending.append(op)
            node.mtime = time.time_ns()
            if self.recording:
                self.recorded.append((path or "?", bytes(data)))
            return len(data)

    def truncate(self, path, length, fh=None):
        with LOCK:
            node = self.node_for(path, fh)
            self.counted_truncate(node, length, path)
            return 0

    def fsync(self, path, datasync, fi):
        with LOCK:
            self.gate("fsync", path)
            node = self.node_for(path, fi)
            if not node.is_dir:
                for op in node.pending:
                    apply_write(node.durable, op)
                node.pending = []
            return 0

    def unlink(self, path):
        with LOCK:
            self.gate("unlink", path)
            parent, name = self.parent_of(path)
            if name not in parent.entries:
                raise FuseOSError(errno.ENOENT)
            if self.inodes[parent.entries[name]].is_dir:
                raise FuseOSError(errno.EISDIR)
            self.unlink_name(parent, name)
            return 0

    def rename(self, old, new):
        with LOCK:
            self.gate("rename", old)
            src, old_name = self.parent_of(old)
            dst, new_name = self.parent_of(new)
            ino = src.entries.get(old_name)
            if ino is None:
                raise FuseOSError(errno.ENOENT)
            replaced = dst.entries.get(new_name)
            if replaced is not None and self.inodes[replaced].is_dir and self.inodes[replaced].entries:
                raise FuseOSError(errno.ENOTEMPTY)
            if src is dst:
                del src.entries[old_name]
                src.entries[new_name] = ino
                src.names_pending.append(("rename", old_name, new_name, ino))
                src.mtime = time.time_ns()
            else:
                move = Move(src, old_name, dst, new_name, ino)
                del src.entries[old_name]
                dst.entries[new_name] = ino
                src.names_pending.append(move)
                dst.names_pending.append(move)
                src.mtime = dst.mtime = time.time_ns()
            return 0

    def chmod(self, path, mode):
        with LOCK:
            self.gate("chmod", path)
            self.resolve(path).mode = mode & 0o7777
            return 0

    def chown(self, path, uid, gid):
        with LOCK:
            self.gate("chown", path)
            node = self.resolve(path)
            if uid != -1:
                node.uid = uid
            if gid != -1:
                node.gid = gid
            return 0

    def utimens(self, path, times=None):
        with LOCK:
            self.gate("utimens", path)
            node = self.resolve(path)
            node.mtime = times[1] if times else time.time_ns()
            return 0

    def statfs(self, path):
        return {"f_bsize": 4096, "f_frsize": 4096, "f_blocks": 1 << 20, "f_bfree": 1 << 19, "f_bavail": 1 << 19,
                "f_files": 1 << 16, "f_ffree": 1 << 15, "f_favail": 1 << 15, "f_namemax": 255}

    def init(self, path):
        say("ready")

    # ---- control ----
    def command(self, words):
        verb = words[0]
        if verb == "sync":
            self.sync_all()
        elif verb == "clone":
            source = self.resolve(words[1])
            parent, name = self.parent_of(words[2])
            if name in parent.entries:
                return "err exists"
            copy = self.clone_tree(source)
            parent.entries[name] = copy.ino
            parent.durable_entries[name] = copy.ino
        elif verb == "remove":
            parent, name = self.parent_of(words[1])
            parent.entries.pop(name, None)
            parent.durable_entries.pop(name, None)
            parent.names_pending = [op for op in parent.names_pending if isinstance(op, Move) or name not in op[1:3]]
            self.collect()
        elif verb == "arm":
            self.counted = 0
            self.armed_at = int(words[1])
            self.arm_mode = words[2]
            self.arm_seed = int(words[3])
        elif verb == "cut":
            if not self.frozen:
                self.cut(words[1], int(words[2]))
        elif verb == "resume":
            self.frozen = False
            self.armed_at = None
        elif verb == "count":
            return "ok %d" % self.counted
        elif verb == "record":
            self.recording = words[1] == "on"
            self.recorded = []
        elif verb == "grep":
            needle = bytes.fromhex(words[1])
            hits = sorted({path for path, chunk in self.recorded if needle in chunk})
            return "ok %d %s" % (len(hits), " ".join(hits))
        else:
            return "err unknown command"
        return "ok"


def control(fs, mountpoint):
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        with LOCK:
            try:
                answer = fs.command(words)
            except Exception as error:  # the harness reads the reason
                answer = "err %s" % error
        say(answer)
    subprocess.run(["fusermount", "-u", "-z", mountpoint], check=False)


def main():
    mountpoint = sys.argv[1]
    fs = PowerCutFs()
    threading.Thread(target=control, args=(fs, mountpoint), daemon=True).start()
    FUSE(fs, mountpoint, raw_fi=True, foreground=True, nothreads=True, fsname="powercut", hard_remove=True,
         entry_timeout=0, attr_timeout=0, negative_timeout=0, big_writes=True, max_write=131072)


if __name__ == "__main__":
    main()
