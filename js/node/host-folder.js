// hostFolder(): a live FsProvider over a host folder, for MemFS.mount().
// It works over any object with node:fs's synchronous API (node:fs itself,
// or a memfs volume), so it never touches the host's fs module directly.
//
// The core resolves paths (and symlinks) itself and asks for one name at a
// time, so this provider only ever joins one checked name to a folder it
// already knows: it never follows a symlink (files are opened O_NOFOLLOW)
// and never sees "..". Handles name host paths; a handle whose node was
// removed or replaced keeps its open file (POSIX semantics) but no path.
// A file opened again by its path is checked to be the same inode, so a
// host's rename over it meanwhile is never mistaken for the node.
import { constants as nodeConstants } from "node:fs";
import pathModule from "node:path";

/**
 * @typedef {object} FsLike node:fs's synchronous API, as much as hostFolder uses
 * @property {(path: string, options: { bigint?: boolean, throwIfNoEntry: false }) => any} lstatSync
 *   BigIntStats with bigint: true, Stats without; undefined if there is no such entry
 * @property {(fd: number, options?: { bigint?: boolean }) => any} fstatSync
 * @property {(path: string, flags: number, mode?: number) => number} openSync
 * @property {(fd: number) => void} closeSync
 * @property {(fd: number, buf: Uint8Array, off: number, len: number, pos: number) => number} readSync
 * @property {(fd: number, buf: Uint8Array, off: number, len: number, pos: number) => number} writeSync
 * @property {(fd: number, len: number) => void} ftruncateSync
 * @property {(path: string, options: { withFileTypes: true }) => import("node:fs").Dirent[]} readdirSync
 * @property {(path: string) => string} readlinkSync
 * @property {(path: string, mode?: number) => void} mkdirSync
 * @property {(path: string) => void} rmdirSync
 * @property {(path: string) => void} unlinkSync
 * @property {(from: string, to: string) => void} renameSync
 * @property {(target: string, path: string) => void} symlinkSync
 * @property {(existing: string, path: string) => void} linkSync
 * @property {(path: string, atime: number, mtime: number) => void} utimesSync
 * @property {((path: string, atime: number, mtime: number) => void)} [lutimesSync]
 * @property {Record<string, number>} [constants]
 */

/** @param {string} code @param {string} what */
function fail(code, what) {
  return Object.assign(new Error(`${code}: ${what}`), { code });
}

/** @param {string} name */
function checkName(name) {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw fail("EINVAL", `bad name ${JSON.stringify(name)}`);
  }
}

/** @param {import("node:fs").BigIntStats | import("node:fs").Stats | import("node:fs").Dirent} s @returns {import("../index.js").FsProviderType} */
function typeOf(s) {
  if (s.isDirectory()) return "directory";
  if (s.isSymbolicLink()) return "symlink";
  return "file";
}

/**
 * A node the core has a handle for. `fd` is its host file while a
 * descriptor holds it (or for the one call after a create/checkOpen, see
 * `spare`); `canRead`/`canWrite` say what that fd allows.
 * @typedef {{ path: string | null, dev: bigint, ino: bigint, type: import("../index.js").FsProviderType, fd: number, canRead: boolean, canWrite: boolean, opens: number }} Node
 */

/**
 * Times a guest set with more precision than the host kept (node's utimes
 * takes a double, ~0.24 µs at today's times, and Node 20's libuv keeps
 * microseconds only): what the guest asked for, and the host's times and
 * ctime right after, which must still be current for it to count.
 * @typedef {{ a: bigint, m: bigint, hostA: bigint, hostM: bigint, ctime: bigint }} Precise
 */

/** Entries of the precise-times table before the oldest is dropped. */
const PRECISE_MAX = 4096;

/**
 * Seconds for node's utimes, as a double, `biasNs` over `ns`.
 * @param {bigint} ns @param {number} biasNs
 */
function utimeSeconds(ns, biasNs) {
  return Number(ns / 1_000_000_000n) + (Number(ns % 1_000_000_000n) + biasNs) / 1e9;
}

/**
 * Whether the host kept a time of whole microseconds other than the
 * wanted one: a libuv that truncates to microseconds (Node 20's) given a
 * double a little under the wanted time (today's times have ~0.24 µs of
 * precision in a double).
 * @param {bigint} got @param {bigint} want
 */
const wrongMicrosecond = (got, want) => got % 1000n === 0n && got / 1000n !== want / 1000n;

/**
 * Whether host stat `s` is node `n`'s inode (the same dev and ino).
 * @param {{ dev: bigint, ino: bigint }} n @param {import("node:fs").BigIntStats} s
 */
const isNode = (n, s) => s.ino === n.ino && s.dev === n.dev;

/** Where a provider object keeps its HostFolder (an own property, so a spread copy of the provider works too). */
const STATE = Symbol("hostFolder");

/**
 * The provider's state and logic. One class for every hostFolder() and
 * provider methods shared by all of them (below): a program's calls then
 * always reach the same functions, which V8 keeps optimized from one mount
 * to the next (fresh closures per mount made every new mount deoptimize
 * the adapter's calls into it).
 */
class HostFolder {
  /** @type {FsLike} */
  fs;
  readonly;
  /** @type {(message: string) => void} */
  warn;
  /** @type {Record<string, number>} */
  C;
  NOFOLLOW;
  NONBLOCK;
  /** @type {Map<number, Node>} */
  nodes;
  /** @type {Map<string, number>} */
  byPath;
  next = 1;
  warned = new Set();
  /** By `${dev}:${ino}`, oldest first. @type {Map<string, Precise>} */
  precise = new Map();
  decoder = new TextDecoder("utf-8", { fatal: true });
  // The stat of the last lookup: the core stats what it just looked up
  // (stat of a path), so that stat answers from it once, within the same
  // core call, instead of asking the host again. Every other call drops it.
  /** @type {{ h: number, s: import("node:fs").BigIntStats } | null} */
  recent = null;
  /** A node whose fd is kept for the call that follows (a create's or checkOpen's, for the descriptor's open). @type {Node | null} */
  spare = null;

  /** @param {FsLike} fsLike @param {string} folder @param {{ readonly?: boolean, onWarning?: (message: string) => void }} options */
  constructor(fsLike, folder, options) {
    this.fs = fsLike;
    this.readonly = Boolean(options.readonly);
    this.warn = options.onWarning ?? ((/** @type {string} */ m) => process.emitWarning(m));
    this.C = fsLike.constants ?? nodeConstants;
    this.NOFOLLOW = this.C.O_NOFOLLOW ?? 0;
    // A FIFO or device in the folder must never block the process.
    this.NONBLOCK = this.C.O_NONBLOCK ?? 0;
    const root = pathModule.resolve(folder);
    const st = fsLike.lstatSync(root, { bigint: true, throwIfNoEntry: false });
    if (!st?.isDirectory()) throw new Error(`hostFolder: ${folder} is not a directory`);
    this.nodes = new Map([
      [0, { path: root, dev: st.dev, ino: st.ino, type: "directory", fd: -1, canRead: false, canWrite: false, opens: 0 }],
    ]);
    this.byPath = new Map([[root, 0]]);
  }

  /** @param {number} h */
  node(h) {
    const n = this.nodes.get(h);
    if (n === undefined) throw fail("EBADF", `no handle ${h}`);
    return n;
  }

  /** The host path of a live node. @param {number} h */
  pathOf(h) {
    const p = this.node(h).path;
    if (p === null) throw fail("ENOENT", "removed from the host");
    return p;
  }

  /** @param {number} dir @param {string} name */
  join(dir, name) {
    checkName(name);
    const d = this.pathOf(dir);
    return d === "/" ? `/${name}` : `${d}/${name}`;
  }

  mutable() {
    if (this.readonly) throw fail("EPERM", "read-only mount");
  }

  /** Forgets the path of `p` and everything under it (removed or replaced). @param {string} p */
  detach(p) {
    const { nodes, byPath } = this;
    const h = byPath.get(p);
    if (h !== undefined && /** @type {Node} */ (nodes.get(h)).type !== "directory") {
      // Nothing is under a file: no scan.
      byPath.delete(p);
      /** @type {Node} */ (nodes.get(h)).path = null;
      return;
    }
    for (const [q, h] of byPath) {
      if (q === p || q.startsWith(`${p}/`)) {
        byPath.delete(q);
        const n = nodes.get(h);
        if (n) n.path = null;
      }
    }
  }

  /** @param {string} p @param {import("node:fs").BigIntStats} s @param {import("../index.js").FsProviderType} type */
  intern(p, s, type) {
    const { dev, ino } = s;
    const h = this.byPath.get(p);
    if (h !== undefined) {
      const n = /** @type {Node} */ (this.nodes.get(h));
      if (n.ino === ino && n.dev === dev) {
        n.type = type;
        return h;
      }
      // The host replaced the node: the old handle keeps its open file only.
      this.detach(p);
    }
    const id = this.next++;
    this.nodes.set(id, { path: p, dev, ino, type, fd: -1, canRead: false, canWrite: false, opens: 0 });
    this.byPath.set(p, id);
    return id;
  }

  /**
   * Makes the node's host fd allow reading and/or writing, opening (or
   * reopening) it if needed, with the access asked for, as wasmtime opens
   * a host file: a program that only reads never opens it for writing
   * (which a host watcher would see). What the fd allowed before stays
   * allowed (its descriptors still need it). The host's refusal (EACCES,
   * EROFS, ETXTBSY...) is thrown.
   * @param {Node} n @param {boolean} read @param {boolean} write
   */
  access(n, read, write) {
    if (n.fd >= 0 && (!read || n.canRead) && (!write || n.canWrite)) return;
    if (n.path === null) throw fail("ENOENT", "removed from the host");
    if (write) this.mutable();
    const { fs, C } = this;
    const w = write || (n.fd >= 0 && n.canWrite);
    // Read access unless only writing is asked for.
    const r = read || (n.fd >= 0 && n.canRead) || !w;
    const flags = this.NOFOLLOW | this.NONBLOCK;
    let fd;
    let canRead = r;
    if (w) {
      try {
        // Read+write also when only writing: a later reader shares the fd.
        fd = fs.openSync(n.path, C.O_RDWR | flags);
        canRead = true;
      } catch (error) {
        if (r) throw error;
        // A write-only file (no read permission).
        fd = fs.openSync(n.path, C.O_WRONLY | flags);
      }
    } else {
      fd = fs.openSync(n.path, C.O_RDONLY | flags);
    }
    this.same(n, fd);
    if (n.fd >= 0) fs.closeSync(n.fd);
    n.fd = fd;
    n.canRead = canRead;
    n.canWrite = w;
  }

  /**
   * Checks that `fd`, just opened by `n`'s path, is `n`'s inode; else the
   * host replaced the node since the core looked it up (a rename over it):
   * the fd is closed, the handle loses its path (the name is another node's
   * now, which the next lookup finds) and the call fails with ENOENT, as
   * for a node the host removed, rather than act on the other file.
   * @param {Node} n @param {number} fd
   */
  same(n, fd) {
    let s;
    try {
      s = this.fs.fstatSync(fd, { bigint: true });
    } catch (error) {
      this.fs.closeSync(fd);
      throw error;
    }
    if (isNode(n, s)) return;
    this.fs.closeSync(fd);
    if (n.path !== null) this.detach(n.path);
    throw fail("ENOENT", "replaced on the host");
  }

  /** Opens a directory's fd if it has none (the host's refusal is thrown). @param {Node} n */
  openDir(n) {
    if (n.fd >= 0) return;
    if (n.path === null) throw fail("ENOENT", "removed from the host");
    const fd = this.fs.openSync(n.path, this.C.O_RDONLY | (this.C.O_DIRECTORY ?? 0) | this.NOFOLLOW);
    this.same(n, fd);
    n.fd = fd;
    n.canRead = true;
    n.canWrite = false;
  }

  /** @param {Node} n */
  closeFd(n) {
    if (n.fd >= 0) {
      const fd = n.fd;
      n.fd = -1;
      n.canRead = false;
      n.canWrite = false;
      this.fs.closeSync(fd);
    }
  }

  /** A node's fd is closed after a call unless a descriptor holds it. @param {Node} n */
  release(n) {
    if (n.opens === 0 && n !== this.spare) this.closeFd(n);
  }

  /**
   * Every call starts here: the spare fd serves only the next call, and
   * only if it is on the same node; the last lookup's stat only a stat or
   * size right after it (which take it before calling this).
   * @param {number} h the node the call is on, -1 for none
   */
  begin(h) {
    this.recent = null;
    const s = this.spare;
    if (s !== null) {
      this.spare = null;
      if (this.nodes.get(h) !== s && s.opens === 0) this.closeFd(s);
    }
  }

  /** The guest's precise times, if the host's are still the ones it set. @param {import("node:fs").BigIntStats} s */
  timesOf(s) {
    if (this.precise.size > 0) {
      const key = `${s.dev}:${s.ino}`;
      const p = this.precise.get(key);
      if (p !== undefined) {
        // Any change on the host since (a write, a chmod, its own utimes) moved ctime.
        if (s.ctimeNs === p.ctime) {
          return { atimeNs: s.atimeNs === p.hostA ? p.a : s.atimeNs, mtimeNs: s.mtimeNs === p.hostM ? p.m : s.mtimeNs };
        }
        this.precise.delete(key);
      }
    }
    return { atimeNs: s.atimeNs, mtimeNs: s.mtimeNs };
  }

  /**
   * The host path of `h` for a call that acts on it by path, checked to
   * still name its inode (else the host replaced it: ENOENT, as `same`).
   * @param {number} h
   */
  current(h) {
    const p = this.pathOf(h);
    if (!isNode(this.node(h), this.lstat(p))) {
      this.detach(p);
      throw fail("ENOENT", "replaced on the host");
    }
    return p;
  }

  /** @param {string} p */
  lstat(p) {
    const s = this.fs.lstatSync(p, { bigint: true, throwIfNoEntry: false });
    if (s === undefined) throw fail("ENOENT", "removed from the host");
    return /** @type {import("node:fs").BigIntStats} */ (s);
  }

  /** @param {number} dir @param {string} name */
  lookup(dir, name) {
    this.begin(-1);
    const p = this.join(dir, name);
    const s = this.fs.lstatSync(p, { bigint: true, throwIfNoEntry: false });
    if (s === undefined) return null;
    const type = typeOf(s);
    const handle = this.intern(p, s, type);
    this.recent = { h: handle, s };
    return { handle, type };
  }

  /** @param {number} h */
  size(h) {
    const r = this.recent;
    this.begin(h);
    if (r !== null && r.h === h) return r.s.size;
    const n = this.node(h);
    if (n.fd >= 0) return this.fs.fstatSync(n.fd).size;
    return this.lstat(this.pathOf(h)).size;
  }

  /** @param {number} h */
  stat(h) {
    const r = this.recent;
    this.begin(h);
    const n = this.node(h);
    const s = r !== null && r.h === h ? r.s : n.fd >= 0 ? this.fs.fstatSync(n.fd, { bigint: true }) : this.lstat(this.pathOf(h));
    const { atimeNs, mtimeNs } = this.timesOf(s);
    return { dev: s.dev, ino: s.ino, type: typeOf(s), nlink: s.nlink, size: s.size, atimeNs, mtimeNs, ctimeNs: s.ctimeNs };
  }

  /** @param {number} h */
  readlink(h) {
    this.begin(h);
    return this.fs.readlinkSync(this.pathOf(h));
  }

  /** @param {number} h @param {boolean} read @param {boolean} write */
  checkOpen(h, read, write) {
    this.begin(h);
    const n = this.node(h);
    // A directory is opened now too: one the host refuses (EACCES) fails
    // the guest's open, as on the host, not its first listing.
    if (n.type === "directory") this.openDir(n);
    else if (n.type === "file") this.access(n, read, write);
    else return;
    // Kept for the descriptor's open() that follows.
    if (n.opens === 0) this.spare = n;
  }

  /** @param {number} h */
  open(h) {
    this.begin(h);
    const n = this.node(h);
    n.opens++;
    if (n.opens === 1) {
      // A directory too: it keeps answering stat after the host removes it.
      if (n.type === "directory") {
        if (n.path !== null) this.openDir(n);
      } else if (n.type === "file") this.access(n, false, false);
    }
  }

  /** @param {number} h */
  close(h) {
    this.begin(h);
    const n = this.nodes.get(h);
    if (n === undefined) return;
    n.opens = Math.max(0, n.opens - 1);
    if (n.opens === 0) this.closeFd(n);
  }

  /** @param {number} h */
  forget(h) {
    this.begin(-1);
    const n = this.nodes.get(h);
    if (n === undefined || h === 0) return;
    this.closeFd(n);
    this.nodes.delete(h);
    if (n.path !== null && this.byPath.get(n.path) === h) this.byPath.delete(n.path);
  }

  /** Reads straight into `buf` (a view of the core's memory) until it is full or the file ends: the count. @param {number} h @param {number} offset @param {Uint8Array} buf */
  readInto(h, offset, buf) {
    this.begin(h);
    const n = this.node(h);
    this.access(n, true, false);
    try {
      let got = 0;
      while (got < buf.length) {
        const k = this.fs.readSync(n.fd, buf, got, buf.length - got, offset + got);
        if (k <= 0) break;
        got += k;
      }
      return got;
    } finally {
      this.release(n);
    }
  }

  /** @param {number} h @param {number} offset @param {Uint8Array} data */
  write(h, offset, data) {
    this.begin(h);
    const n = this.node(h);
    this.access(n, false, true);
    try {
      return this.fs.writeSync(n.fd, data, 0, data.length, offset);
    } finally {
      this.release(n);
    }
  }

  /** @param {number} h @param {number} size */
  truncate(h, size) {
    this.begin(h);
    const n = this.node(h);
    this.access(n, false, true);
    try {
      this.fs.ftruncateSync(n.fd, size);
    } finally {
      this.release(n);
    }
  }

  /** @param {number} h */
  readdir(h) {
    this.begin(h);
    const { fs } = this;
    const dir = this.pathOf(h);
    // Listed by path: the path must still name this directory.
    const self = fs.lstatSync(dir, { bigint: true, throwIfNoEntry: false });
    if (self === undefined || !isNode(this.node(h), self)) {
      this.detach(dir);
      throw fail("ENOENT", "replaced on the host");
    }
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const name = String(e.name);
      if (name.includes("\uFFFD") && !validUtf8(fs, dir, name, this.decoder)) {
        if (!this.warned.has(`${dir}/${name}`)) {
          this.warned.add(`${dir}/${name}`);
          this.warn(`wasi-web: skipping a file name in ${dir} that is not UTF-8 (${JSON.stringify(name)})`);
        }
        continue;
      }
      // For d_ino (Dirent has no inode number); numbers are enough here.
      const s = fs.lstatSync(`${dir === "/" ? "" : dir}/${name}`, { throwIfNoEntry: false });
      if (s === undefined) continue;
      out.push({ name, type: typeOf(s), ino: Number.isSafeInteger(s.ino) ? s.ino : 0 });
    }
    return out;
  }

  /** @param {number} dir @param {string} name @param {boolean} exclusive */
  create(dir, name, exclusive) {
    this.begin(-1);
    this.mutable();
    const { fs, C } = this;
    const p = this.join(dir, name);
    const fd = fs.openSync(p, C.O_RDWR | C.O_CREAT | (exclusive ? C.O_EXCL : 0) | this.NOFOLLOW | this.NONBLOCK, 0o666);
    let h;
    try {
      h = this.intern(p, fs.fstatSync(fd, { bigint: true }), "file");
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    const n = /** @type {Node} */ (this.nodes.get(h));
    if (n.fd >= 0 || n.opens > 0) {
      fs.closeSync(fd);
    } else {
      // Kept for the checkOpen/open (or write) that follows a create.
      n.fd = fd;
      n.canRead = true;
      n.canWrite = true;
      this.spare = n;
    }
    return h;
  }

  /** @param {number} dir @param {string} name */
  mkdir(dir, name) {
    this.begin(-1);
    this.mutable();
    this.fs.mkdirSync(this.join(dir, name), 0o777);
  }

  /** @param {number} dir @param {string} name */
  unlink(dir, name) {
    this.begin(-1);
    this.mutable();
    const p = this.join(dir, name);
    this.fs.unlinkSync(p);
    this.detach(p);
  }

  /** @param {number} dir @param {string} name */
  rmdir(dir, name) {
    this.begin(-1);
    this.mutable();
    const p = this.join(dir, name);
    this.fs.rmdirSync(p);
    this.detach(p);
  }

  /** @param {number} dir @param {string} name @param {number} toDir @param {string} toName */
  rename(dir, name, toDir, toName) {
    this.begin(-1);
    this.mutable();
    const from = this.join(dir, name);
    const to = this.join(toDir, toName);
    this.fs.renameSync(from, to);
    if (from === to) return;
    // What was at `to` is gone; what was under `from` is now under `to`.
    const moved = [...this.byPath].filter(([q]) => q === from || q.startsWith(`${from}/`));
    this.detach(to);
    for (const [q, h] of moved) {
      this.byPath.delete(q);
      const p = to + q.slice(from.length);
      this.byPath.set(p, h);
      /** @type {Node} */ (this.nodes.get(h)).path = p;
    }
  }

  /** @param {number} dir @param {string} name @param {string} target */
  symlink(dir, name, target) {
    this.begin(-1);
    this.mutable();
    this.fs.symlinkSync(target, this.join(dir, name));
  }

  /** @param {number} h @param {number} dir @param {string} name */
  link(h, dir, name) {
    this.begin(-1);
    this.mutable();
    this.fs.linkSync(this.current(h), this.join(dir, name));
  }

  /** @param {number} h @param {bigint | null} atimeNs @param {bigint | null} mtimeNs */
  setTimes(h, atimeNs, mtimeNs) {
    this.begin(h);
    this.mutable();
    const { fs } = this;
    const p = this.pathOf(h);
    const symlink = this.node(h).type === "symlink";
    if (symlink && !fs.lutimesSync) throw fail("ENOTSUP", "no lutimes");
    const before = this.timesOf(this.lstat(this.current(h)));
    const a = atimeNs ?? before.atimeNs;
    const m = mtimeNs ?? before.mtimeNs;
    /** @param {number} bias */
    const utimes = (bias) => {
      if (symlink)
        /** @type {NonNullable<FsLike["lutimesSync"]>} */ (fs.lutimesSync).call(fs, p, utimeSeconds(a, bias), utimeSeconds(m, bias));
      else fs.utimesSync(p, utimeSeconds(a, bias), utimeSeconds(m, bias));
    };
    utimes(0);
    let s = this.lstat(p);
    if (wrongMicrosecond(s.atimeNs, a) || wrongMicrosecond(s.mtimeNs, m)) {
      // Half a microsecond up: the truncation then lands on the right one.
      utimes(500);
      s = this.lstat(p);
    }
    // A double cannot carry nanoseconds (and an older libuv keeps
    // microseconds): what the host lost is reported to the guest for as
    // long as nothing changes the file.
    const key = `${s.dev}:${s.ino}`;
    this.precise.delete(key);
    if (s.atimeNs !== a || s.mtimeNs !== m) {
      if (this.precise.size >= PRECISE_MAX) this.precise.delete(/** @type {string} */ (this.precise.keys().next().value));
      this.precise.set(key, { a, m, hostA: s.atimeNs, hostM: s.mtimeNs, ctime: s.ctimeNs });
    }
  }
}

/**
 * @typedef {import("../index.js").FsProvider & { readonly: boolean, openFiles(): number, [STATE]: HostFolder }} HostFolderProvider
 */

// The provider's methods: the same function objects for every hostFolder().
function root() {
  return 0;
}
/** @this {HostFolderProvider} */
function openFiles() {
  return [...this[STATE].nodes.values()].filter((n) => n.fd >= 0).length;
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name */
function lookup(dir, name) {
  return this[STATE].lookup(dir, name);
}
/** @this {HostFolderProvider} @param {number} h */
function size(h) {
  return this[STATE].size(h);
}
/** @this {HostFolderProvider} @param {number} h */
function stat(h) {
  return this[STATE].stat(h);
}
/** @this {HostFolderProvider} @param {number} h */
function readlink(h) {
  return this[STATE].readlink(h);
}
/** @this {HostFolderProvider} @param {number} h @param {boolean} read @param {boolean} write */
function checkOpen(h, read, write) {
  this[STATE].checkOpen(h, read, write);
}
/** @this {HostFolderProvider} @param {number} h */
function open(h) {
  this[STATE].open(h);
}
/** @this {HostFolderProvider} @param {number} h */
function close(h) {
  this[STATE].close(h);
}
/** @this {HostFolderProvider} @param {number} h */
function forget(h) {
  this[STATE].forget(h);
}
/** @this {HostFolderProvider} @param {number} h @param {number} offset @param {number} length */
function read(h, offset, length) {
  const buf = new Uint8Array(length);
  const got = this[STATE].readInto(h, offset, buf);
  return got === length ? buf : buf.subarray(0, got);
}
/** @this {HostFolderProvider} @param {number} h @param {number} offset @param {Uint8Array} buf */
function readInto(h, offset, buf) {
  return this[STATE].readInto(h, offset, buf);
}
/** @this {HostFolderProvider} @param {number} h @param {number} offset @param {Uint8Array} data */
function write(h, offset, data) {
  return this[STATE].write(h, offset, data);
}
/** @this {HostFolderProvider} @param {number} h @param {number} n */
function truncate(h, n) {
  this[STATE].truncate(h, n);
}
/** @this {HostFolderProvider} @param {number} h */
function readdir(h) {
  return this[STATE].readdir(h);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name @param {boolean} exclusive */
function create(dir, name, exclusive) {
  return this[STATE].create(dir, name, exclusive);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name */
function mkdir(dir, name) {
  this[STATE].mkdir(dir, name);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name */
function unlink(dir, name) {
  this[STATE].unlink(dir, name);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name */
function rmdir(dir, name) {
  this[STATE].rmdir(dir, name);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name @param {number} toDir @param {string} toName */
function rename(dir, name, toDir, toName) {
  this[STATE].rename(dir, name, toDir, toName);
}
/** @this {HostFolderProvider} @param {number} dir @param {string} name @param {string} target */
function symlink(dir, name, target) {
  this[STATE].symlink(dir, name, target);
}
/** @this {HostFolderProvider} @param {number} h @param {number} dir @param {string} name */
function link(h, dir, name) {
  this[STATE].link(h, dir, name);
}
/** @this {HostFolderProvider} @param {number} h @param {bigint | null} atimeNs @param {bigint | null} mtimeNs */
function setTimes(h, atimeNs, mtimeNs) {
  this[STATE].setTimes(h, atimeNs, mtimeNs);
}

/**
 * A provider for `memfs.mount(at, hostFolder(fs, dir))`: live operations
 * on the folder's real files (no copy, nothing written back later).
 * @param {FsLike} fsLike node:fs, or an object with its sync API
 * @param {string} folder the host folder
 * @param {{ readonly?: boolean, onWarning?: (message: string) => void }} [options]
 *   readonly: every change is refused (EPERM, as wasmtime's read-only preopen);
 *   onWarning: told about names that are not UTF-8 (skipped); default process.emitWarning
 * @returns {import("../index.js").FsProvider & { readonly: boolean, openFiles(): number }}
 */
export function hostFolder(fsLike, folder, options = {}) {
  if (typeof fsLike?.lstatSync !== "function") throw new TypeError("hostFolder: the first argument must have node:fs's sync API");
  if (typeof folder !== "string" || folder === "") throw new TypeError("hostFolder: folder must be a path");
  const state = new HostFolder(fsLike, folder, options);
  /** @type {HostFolderProvider} */
  const provider = {
    readonly: state.readonly,
    [STATE]: state,
    /** Host files this provider holds open (for leak checks). */
    openFiles,
    root,
    lookup,
    size,
    stat,
    readlink,
    checkOpen,
    open,
    close,
    forget,
    read,
    readInto,
    write,
    truncate,
    readdir,
    create,
    mkdir,
    unlink,
    rmdir,
    rename,
    symlink,
    link,
    setTimes,
  };
  return provider;
}

/**
 * Whether `name` (as node decoded it, with U+FFFD) is really that text on
 * the host: else the host name is not UTF-8 and cannot be named by WASI.
 * @param {FsLike} fsLike @param {string} dir @param {string} name @param {TextDecoder} decoder
 */
function validUtf8(fsLike, dir, name, decoder) {
  try {
    const raw = /** @type {Buffer[]} */ (/** @type {unknown} */ (fsLike.readdirSync(dir, /** @type {never} */ ({ encoding: "buffer" }))));
    for (const b of raw) {
      let text;
      try {
        text = decoder.decode(b);
      } catch {
        continue;
      }
      if (text === name) return true;
    }
  } catch {
    // An unreadable listing: treat the name as not representable.
  }
  return false;
}
