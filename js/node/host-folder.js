// hostFolder(): a live FsProvider over a host folder, for MemFS.mount().
// It works over any object with node:fs's synchronous API (node:fs itself,
// or a memfs volume), so it never touches the host's fs module directly.
//
// The core resolves paths (and symlinks) itself and asks for one name at a
// time, so this provider only ever joins one checked name to a folder it
// already knows: it never follows a symlink (files are opened O_NOFOLLOW)
// and never sees "..". Handles name host paths; a handle whose node was
// removed or replaced keeps its open file (POSIX semantics) but no path.
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
 * @typedef {{ path: string | null, ino: bigint, type: import("../index.js").FsProviderType, fd: number, writable: boolean, opens: number }} Node
 */

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
  const readonly = Boolean(options.readonly);
  const warn = options.onWarning ?? ((/** @type {string} */ m) => process.emitWarning(m));
  const C = fsLike.constants ?? nodeConstants;
  const NOFOLLOW = C.O_NOFOLLOW ?? 0;
  // A FIFO or device in the folder must never block the process.
  const NONBLOCK = C.O_NONBLOCK ?? 0;
  const root = pathModule.resolve(folder);
  const st = fsLike.lstatSync(root, { bigint: true, throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new Error(`hostFolder: ${folder} is not a directory`);

  /** @type {Map<number, Node>} */
  const nodes = new Map([[0, { path: root, ino: st.ino, type: "directory", fd: -1, writable: false, opens: 0 }]]);
  /** @type {Map<string, number>} */
  const byPath = new Map([[root, 0]]);
  let next = 1;
  const warned = new Set();

  /** @param {number} h */
  const node = (h) => {
    const n = nodes.get(h);
    if (n === undefined) throw fail("EBADF", `no handle ${h}`);
    return n;
  };
  /** The host path of a live node. @param {number} h */
  const pathOf = (h) => {
    const p = node(h).path;
    if (p === null) throw fail("ENOENT", "removed from the host");
    return p;
  };
  /** @param {number} dir @param {string} name */
  const join = (dir, name) => {
    checkName(name);
    const d = pathOf(dir);
    return d === "/" ? `/${name}` : `${d}/${name}`;
  };
  const mutable = () => {
    if (readonly) throw fail("EPERM", "read-only mount");
  };
  /** Forgets the path of `p` and everything under it (removed or replaced). @param {string} p */
  const detach = (p) => {
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
  };
  /** @param {string} p @param {bigint} ino @param {import("../index.js").FsProviderType} type */
  const intern = (p, ino, type) => {
    const h = byPath.get(p);
    if (h !== undefined) {
      const n = /** @type {Node} */ (nodes.get(h));
      if (n.ino === ino) {
        n.type = type;
        return h;
      }
      // The host replaced the node: the old handle keeps its open file only.
      detach(p);
    }
    const id = next++;
    nodes.set(id, { path: p, ino, type, fd: -1, writable: false, opens: 0 });
    byPath.set(p, id);
    return id;
  };
  /** Opens the node's host file (writable if it can be, unless read-only). @param {Node} n @param {boolean} write */
  const openFd = (n, write) => {
    if (n.fd >= 0 && (n.writable || !write)) return;
    if (n.path === null) throw fail("ENOENT", "removed from the host");
    const flags = NOFOLLOW | NONBLOCK;
    let fd;
    let writable = false;
    if (!readonly) {
      try {
        fd = fsLike.openSync(n.path, C.O_RDWR | flags);
        writable = true;
      } catch (error) {
        // Not writable here (permissions, a read-only filesystem, a running
        // executable): reading still works.
        if (write) throw error;
      }
    } else if (write) {
      throw fail("EPERM", "read-only mount");
    }
    fd ??= fsLike.openSync(n.path, C.O_RDONLY | flags);
    if (n.fd >= 0) fsLike.closeSync(n.fd);
    n.fd = fd;
    n.writable = writable;
  };
  /** @param {Node} n */
  const openDir = (n) => {
    if (n.fd >= 0 || n.path === null) return;
    n.fd = fsLike.openSync(n.path, C.O_RDONLY | (C.O_DIRECTORY ?? 0) | NOFOLLOW);
    n.writable = false;
  };
  /** Runs `f(fd)` on the node's file; one not held open by a descriptor is closed again. @template T @param {number} h @param {boolean} write @param {(fd: number) => T} f @returns {T} */
  const withFd = (h, write, f) => {
    const n = node(h);
    openFd(n, write);
    try {
      return f(n.fd);
    } finally {
      if (n.opens === 0) closeFd(n);
    }
  };
  /** @param {Node} n */
  const closeFd = (n) => {
    if (n.fd >= 0) {
      const fd = n.fd;
      n.fd = -1;
      n.writable = false;
      fsLike.closeSync(fd);
    }
  };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // The stat of the last lookup: the core stats what it just looked up
  // (stat of a path), so that stat answers from it once, within the same
  // core call, instead of asking the host again. Every other call drops it.
  /** @type {{ h: number, s: import("node:fs").BigIntStats } | null} */
  let recent = null;
  /** A created file's fd kept for the call that follows (nothing holds it yet). @type {Node | null} */
  let spare = null;
  /** Closes the spare fd unless `n` is about to use it. @param {Node | null} n */
  const dropSpare = (n) => {
    const s = spare;
    spare = null;
    if (s !== null && s !== n && s.opens === 0) closeFd(s);
  };

  /** @type {import("../index.js").FsProvider & { readonly: boolean, openFiles(): number }} */
  const provider = {
    readonly,
    /** Host files this provider holds open (for leak checks). */
    openFiles: () => [...nodes.values()].filter((n) => n.fd >= 0).length,
    root: () => 0,
    lookup(dir, name) {
      recent = null;
      const p = join(dir, name);
      const s = fsLike.lstatSync(p, { bigint: true, throwIfNoEntry: false });
      if (s === undefined) return null;
      const type = typeOf(s);
      const handle = intern(p, s.ino, type);
      recent = { h: handle, s };
      return { handle, type };
    },
    size(h) {
      const r = recent;
      recent = null;
      if (r !== null && r.h === h) return r.s.size;
      const n = node(h);
      if (n.fd >= 0) return fsLike.fstatSync(n.fd).size;
      return Number(provider.stat(h).size);
    },
    stat(h) {
      const r = recent;
      recent = null;
      const n = node(h);
      const s =
        r !== null && r.h === h
          ? r.s
          : n.fd >= 0
            ? fsLike.fstatSync(n.fd, { bigint: true })
            : fsLike.lstatSync(pathOf(h), { bigint: true, throwIfNoEntry: false });
      if (s === undefined) throw fail("ENOENT", "removed from the host");
      return {
        dev: s.dev,
        ino: s.ino,
        type: typeOf(s),
        nlink: s.nlink,
        size: s.size,
        atimeNs: s.atimeNs,
        mtimeNs: s.mtimeNs,
        ctimeNs: s.ctimeNs,
      };
    },
    readlink: (h) => fsLike.readlinkSync(pathOf(h)),
    open(h) {
      const n = node(h);
      n.opens++;
      if (n.opens === 1) {
        // A directory too: it keeps answering stat after the host removes it.
        if (n.type === "directory") openDir(n);
        else if (n.type === "file") openFd(n, false);
      }
    },
    close(h) {
      const n = nodes.get(h);
      if (n === undefined) return;
      n.opens = Math.max(0, n.opens - 1);
      if (n.opens === 0) closeFd(n);
    },
    forget(h) {
      const n = nodes.get(h);
      if (n === undefined || h === 0) return;
      closeFd(n);
      nodes.delete(h);
      if (n.path !== null && byPath.get(n.path) === h) byPath.delete(n.path);
    },
    read(h, offset, length) {
      return withFd(h, false, (fd) => {
        const buf = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const n = fsLike.readSync(fd, buf, got, length - got, offset + got);
          if (n <= 0) break;
          got += n;
        }
        return got === length ? buf : buf.subarray(0, got);
      });
    },
    write(h, offset, data) {
      mutable();
      return withFd(h, true, (fd) => fsLike.writeSync(fd, data, 0, data.length, offset));
    },
    truncate(h, size) {
      mutable();
      withFd(h, true, (fd) => fsLike.ftruncateSync(fd, size));
    },
    readdir(h) {
      const dir = pathOf(h);
      const out = [];
      for (const e of fsLike.readdirSync(dir, { withFileTypes: true })) {
        const name = String(e.name);
        if (name.includes("\uFFFD") && !validUtf8(fsLike, dir, name, decoder)) {
          if (!warned.has(`${dir}/${name}`)) {
            warned.add(`${dir}/${name}`);
            warn(`wasi-web: skipping a file name in ${dir} that is not UTF-8 (${JSON.stringify(name)})`);
          }
          continue;
        }
        // For d_ino (Dirent has no inode number); numbers are enough here.
        const s = fsLike.lstatSync(`${dir === "/" ? "" : dir}/${name}`, { throwIfNoEntry: false });
        if (s === undefined) continue;
        out.push({ name, type: typeOf(s), ino: Number.isSafeInteger(s.ino) ? s.ino : 0 });
      }
      return out;
    },
    create(dir, name, exclusive) {
      mutable();
      const p = join(dir, name);
      const fd = fsLike.openSync(p, C.O_RDWR | C.O_CREAT | (exclusive ? C.O_EXCL : 0) | NOFOLLOW | NONBLOCK, 0o666);
      let h;
      try {
        h = intern(p, fsLike.fstatSync(fd, { bigint: true }).ino, "file");
      } catch (error) {
        fsLike.closeSync(fd);
        throw error;
      }
      const n = /** @type {Node} */ (nodes.get(h));
      if (n.fd >= 0 || n.opens > 0) {
        fsLike.closeSync(fd);
      } else {
        // Kept for the open (or write) that follows a create; closed by
        // the first call that does not need it (see `spare`).
        n.fd = fd;
        n.writable = true;
        spare = n;
      }
      return h;
    },
    mkdir(dir, name) {
      mutable();
      fsLike.mkdirSync(join(dir, name), 0o777);
    },
    unlink(dir, name) {
      mutable();
      const p = join(dir, name);
      fsLike.unlinkSync(p);
      detach(p);
    },
    rmdir(dir, name) {
      mutable();
      const p = join(dir, name);
      fsLike.rmdirSync(p);
      detach(p);
    },
    rename(dir, name, toDir, toName) {
      mutable();
      const from = join(dir, name);
      const to = join(toDir, toName);
      fsLike.renameSync(from, to);
      if (from === to) return;
      // What was at `to` is gone; what was under `from` is now under `to`.
      const moved = [...byPath].filter(([q]) => q === from || q.startsWith(`${from}/`));
      detach(to);
      for (const [q, h] of moved) {
        byPath.delete(q);
        const p = to + q.slice(from.length);
        byPath.set(p, h);
        /** @type {Node} */ (nodes.get(h)).path = p;
      }
    },
    symlink(dir, name, target) {
      mutable();
      fsLike.symlinkSync(target, join(dir, name));
    },
    link(h, dir, name) {
      mutable();
      fsLike.linkSync(pathOf(h), join(dir, name));
    },
    setTimes(h, atimeNs, mtimeNs) {
      mutable();
      const p = pathOf(h);
      const n = node(h);
      const s = fsLike.lstatSync(p, { bigint: true, throwIfNoEntry: false });
      if (s === undefined) throw fail("ENOENT", "removed from the host");
      // Seconds as a double, split so that small times keep their nanoseconds.
      const sec = (/** @type {bigint} */ ns) => Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
      const a = sec(atimeNs ?? s.atimeNs);
      const m = sec(mtimeNs ?? s.mtimeNs);
      if (n.type === "symlink") {
        if (!fsLike.lutimesSync) throw fail("ENOTSUP", "no lutimes");
        fsLike.lutimesSync(p, a, m);
      } else {
        fsLike.utimesSync(p, a, m);
      }
    },
  };
  // A created file's spare fd serves only the calls on that file that
  // follow at once (the descriptor's open, a write): any other call closes
  // it. The last lookup's stat serves only a stat or size right after it.
  const keepsSpare = new Set(["open", "read", "write", "truncate", "size", "stat"]);
  const keepsRecent = new Set(["size", "stat"]);
  const methods = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (provider));
  for (const [name, f] of Object.entries(methods)) {
    if (typeof f !== "function" || name === "root" || name === "openFiles") continue;
    methods[name] = (/** @type {unknown[]} */ ...a) => {
      dropSpare(keepsSpare.has(name) ? (nodes.get(/** @type {number} */ (a[0])) ?? null) : null);
      if (!keepsRecent.has(name)) recent = null;
      return f(...a);
    };
  }
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
