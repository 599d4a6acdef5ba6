// opfsMount(): an FsProvider over the origin-private file system (OPFS), so
// that a page's files persist across reloads.
//
// OPFS is asynchronous (except sync access handles, in workers only) and
// the provider API is synchronous, so the provider keeps a mirror:
// - Mounting (async, before a program runs) reads the directory tree: names,
//   kinds, file sizes and times. Listing, lookup and stat never wait.
// - Directory changes (create, mkdir, unlink, rmdir, rename) apply to the
//   mirror at once and are queued, in order, for OPFS (write-behind).
// - File contents:
//   * on a page (or a worker with `syncHandles: false`): loaded into memory
//     on first access. In async mode (JSPI) the call answers "would block"
//     (js/providers/wait.js), the guest is suspended while the file loads,
//     and the call is made again; in sync mode it is EIO with a warning,
//     unless `preload: true` or `await provider.prefetch()` loaded it.
//     Writes change the memory copy and queue a write of the whole file
//     (several writes before it runs make one).
//   * in a worker (default there): every file has a FileSystemSyncAccessHandle,
//     opened at mount; reads, writes and truncation go straight to OPFS.
//     The queued directory changes are applied by flush(), which closes the
//     handles first (OPFS refuses to move or remove a file with one open)
//     and opens them again after.
// - `await provider.flush()` stores everything. run() and wasi.startAsync()
//   call it when the program ends (js/providers/wait.js settleWriteBehind),
//   so nothing is lost when they return. On a page the queue also runs
//   while the program waits.
//
// What a reload in the middle loses: the queued changes not yet applied.
// Each queued change is applied whole or not at all (a file's contents are
// written through createWritable(), which replaces the file only when
// closed), so OPFS holds the tree as it was after some prefix of the
// program's changes, never a torn file. In a worker, data written through a
// sync access handle is in OPFS already; only directory changes wait.
//
// Not stored: times set by the program (OPFS keeps only its own
// modification time; the mirror keeps them for the session), symlinks and
// hard links (ENOTSUP).
import { canSuspend, suspendOn, wouldBlock, writeBehindDone, writeBehindPending } from "./wait.js";

/** st_dev of every node: "OPFS". */
const DEV = 0x4f504653;

/**
 * The parts of the File System Access API used here (typed here: the DOM
 * library types sync access handles for workers only).
 * @typedef {{ kind: "file", name: string, getFile(): Promise<Blob & { lastModified: number }>,
 *   createWritable(options?: { keepExistingData?: boolean }): Promise<{ write(data: Uint8Array): Promise<void>, close(): Promise<void> }>,
 *   createSyncAccessHandle?(): Promise<SyncHandle>, move?(dir: DirHandle, name: string): Promise<void> }} FileHandle
 * @typedef {{ kind: "directory", name: string,
 *   getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirHandle>,
 *   getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>,
 *   removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>,
 *   entries(): AsyncIterable<[string, FileHandle | DirHandle]>,
 *   move?(dir: DirHandle, name: string): Promise<void> }} DirHandle
 * @typedef {{ read(buffer: Uint8Array, options: { at: number }): number, write(buffer: Uint8Array, options: { at: number }): number,
 *   truncate(size: number): void, getSize(): number, flush(): void, close(): void }} SyncHandle
 */

/**
 * @typedef {object} ONode
 * @property {"file" | "directory"} type
 * @property {string} name
 * @property {ONode | null} parent null for the root and for removed nodes
 * @property {Map<string, number>} children directories: name → handle
 * @property {number} size files: bytes
 * @property {bigint} atimeNs
 * @property {bigint} mtimeNs
 * @property {bigint} ctimeNs
 * @property {FileHandle | null} fh the OPFS file as found at mount (null for files made since)
 * @property {Uint8Array | null} data contents in memory (capacity ≥ size); null: not loaded
 * @property {SyncHandle | null} sah worker mode: the contents live in OPFS
 * @property {Promise<void> | null} loading
 * @property {string | null} failed why loading failed (reported once)
 * @property {boolean} queued a write of the contents waits in the queue
 * @property {number} opens descriptors open on it (the core's open/close)
 */

/**
 * @typedef {object} OpfsMountOptions
 * @property {boolean} [syncHandles] file data through sync access handles (default: in a worker)
 * @property {boolean} [preload] load every file's contents at mount (for sync mode on a page)
 * @property {boolean} [create] with a name: make the directory if missing (default true)
 */

/** @param {string} code @param {string} message */
function fail(code, message) {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

function inWorker() {
  const g = /** @type {{ WorkerGlobalScope?: Function }} */ (/** @type {unknown} */ (globalThis));
  return typeof g.WorkerGlobalScope === "function" && globalThis instanceof g.WorkerGlobalScope;
}

/** @param {unknown} e */
const message = (e) => String(/** @type {Error} */ (e)?.message ?? e);

/**
 * A provider for `memfs.mount(path, provider)` over an OPFS directory.
 * Make it with `await opfsMount(...)`.
 */
export class OpfsProvider {
  /** Contents may have to load (not with sync access handles): see js/providers/wait.js. */
  suspends;
  /** @type {ONode[]} handle → node; 0 is the root */
  #nodes = [];
  #root;
  #sahMode;
  /** @type {(() => Promise<void>)[]} */
  #ops = [];
  /** @type {Promise<void> | null} */
  #draining = null;
  /** @type {string[]} */
  #errors = [];
  #warned = false;
  #closed = false;

  /** @internal use opfsMount() @param {DirHandle} dir @param {boolean} sahMode */
  constructor(dir, sahMode) {
    this.#root = dir;
    this.#sahMode = sahMode;
    this.suspends = !sahMode;
    this.#nodes.push(this.#node("directory", "", null));
  }

  /** @param {"file" | "directory"} type @param {string} name @param {ONode | null} parent @returns {ONode} */
  #node(type, name, parent) {
    const t = nowNs();
    return {
      type,
      name,
      parent,
      children: new Map(),
      size: 0,
      atimeNs: t,
      mtimeNs: t,
      ctimeNs: t,
      fh: null,
      data: null,
      sah: null,
      loading: null,
      failed: null,
      queued: false,
      opens: 0,
    };
  }

  /** Reads the OPFS tree into the mirror. @internal @param {boolean} preload */
  async load(preload) {
    /** @param {DirHandle} dir @param {ONode} into */
    const walk = async (dir, into) => {
      for await (const [name, h] of dir.entries()) {
        if (name === "." || name === ".." || name.includes("/") || name.includes("\0")) continue;
        const n = this.#node(h.kind === "file" ? "file" : "directory", name, into);
        into.children.set(name, this.#nodes.push(n) - 1);
        if (h.kind === "directory") {
          await walk(h, n);
          continue;
        }
        n.fh = h;
        const file = await h.getFile();
        n.size = file.size;
        n.atimeNs = n.mtimeNs = n.ctimeNs = BigInt(Math.round(file.lastModified)) * 1_000_000n;
        if (this.#sahMode) {
          n.sah = await this.#openSah(h, name);
          n.size = n.sah.getSize();
        } else if (preload) {
          n.data = new Uint8Array(await file.arrayBuffer());
          n.size = n.data.length;
        }
      }
    };
    try {
      await walk(this.#root, this.#nodes[0]);
    } catch (error) {
      this.#closeHandles();
      throw error;
    }
  }

  /** @param {FileHandle} h @param {string} name */
  async #openSah(h, name) {
    if (typeof h.createSyncAccessHandle !== "function") {
      throw new TypeError("opfsMount: sync access handles exist in workers only; pass { syncHandles: false }");
    }
    try {
      return await h.createSyncAccessHandle();
    } catch (error) {
      throw new Error(`opfsMount: cannot open ${JSON.stringify(name)} (another tab or worker has it open?): ${message(error)}`, {
        cause: error,
      });
    }
  }

  #closeHandles() {
    for (const n of this.#nodes) {
      if (n.sah === null) continue;
      try {
        n.sah.flush();
        n.sah.close();
      } catch {
        // Already closed.
      }
      n.sah = null;
    }
  }

  // ---- the mirror ----

  /** @param {number} h */
  #get(h) {
    const n = this.#nodes[h];
    if (n === undefined) throw fail("EBADF", `no node ${h}`);
    return n;
  }

  /** @param {number} h */
  #dir(h) {
    const n = this.#get(h);
    if (n.type !== "directory") throw fail("ENOTDIR", n.name);
    return n;
  }

  /** @param {number} h */
  #file(h) {
    const n = this.#get(h);
    if (n.type !== "file") throw fail("EISDIR", n.name);
    return n;
  }

  /** Names from the root, or null for a removed node. @param {ONode} n */
  #path(n) {
    /** @type {string[]} */
    const names = [];
    for (let at = n; at !== this.#nodes[0];) {
      if (at.parent === null) return null;
      names.unshift(at.name);
      at = at.parent;
    }
    return names;
  }

  /** @param {ONode} dir */
  #touch(dir) {
    dir.mtimeNs = dir.ctimeNs = nowNs();
  }

  root() {
    return 0;
  }

  /** @param {number} dir @param {string} name */
  lookup(dir, name) {
    const h = this.#dir(dir).children.get(name);
    return h === undefined ? null : { handle: h, type: this.#nodes[h].type };
  }

  /** @param {number} h */
  stat(h) {
    const n = this.#get(h);
    let nlink = n.parent === null && h !== 0 ? 0 : 1;
    if (n.type === "directory") {
      nlink = 2;
      for (const c of n.children.values()) if (this.#nodes[c].type === "directory") nlink++;
    }
    return {
      type: n.type,
      dev: DEV,
      ino: h + 1,
      nlink,
      size: n.type === "file" ? n.size : 0,
      atimeNs: n.atimeNs,
      mtimeNs: n.mtimeNs,
      ctimeNs: n.ctimeNs,
    };
  }

  /** @param {number} h */
  readdir(h) {
    return [...this.#dir(h).children].map(([name, c]) => ({ name, type: this.#nodes[c].type, ino: c + 1 }));
  }

  /** @param {number} h @returns {never} */
  readlink(h) {
    throw fail("EINVAL", `${this.#get(h).name} is not a symlink`);
  }

  // ---- file contents ----

  /**
   * Makes sure a memory-mode file's contents are loaded, or throws (would
   * block, or EIO) before anything changed.
   * @param {ONode} n
   */
  #contents(n) {
    if (n.sah !== null || n.data !== null) return;
    if (n.failed !== null) {
      const why = n.failed;
      n.failed = null;
      throw fail("EIO", `${n.name}: ${why}`);
    }
    const fh = n.fh;
    if (fh === null) {
      // Made in this session and never written: empty.
      n.data = new Uint8Array(0);
      return;
    }
    if (canSuspend()) {
      n.loading ??= (async () => {
        try {
          const bytes = new Uint8Array(await (await fh.getFile()).arrayBuffer());
          // A truncation meanwhile made it loaded (empty): keep that.
          if (n.data === null) {
            n.data = bytes;
            n.size = bytes.length;
          }
        } catch (error) {
          n.failed = message(error);
        } finally {
          n.loading = null;
        }
      })();
      suspendOn(n.loading);
      throw wouldBlock();
    }
    if (!this.#warned) {
      this.#warned = true;
      console.warn(
        `wasi-web opfsMount: ${n.name} must be loaded from OPFS, and this program runs in sync mode, which cannot wait: ` +
          "the call fails with EIO. Run it in async mode (run(..., { async: true }), JSPI), in a worker (sync access handles), " +
          "or mount with { preload: true } or call `await provider.prefetch()` first.",
      );
    }
    throw fail("EIO", `${n.name} is not loaded and this call cannot wait`);
  }

  /**
   * Loads the contents of files (all, or those under `paths`) into memory,
   * so that a program in sync mode can use them.
   * @param {string[]} [paths] relative to the mount
   */
  async prefetch(paths) {
    /** @type {ONode[]} */
    const files = [];
    /** @param {ONode} n */
    const add = (n) => {
      if (n.type === "file") files.push(n);
      else for (const c of n.children.values()) add(this.#nodes[c]);
    };
    for (const p of paths ?? [""]) {
      let n = this.#nodes[0];
      for (const name of p.split("/").filter((s) => s !== "")) {
        const h = n.type === "directory" ? n.children.get(name) : undefined;
        if (h === undefined) throw fail("ENOENT", `prefetch: no ${JSON.stringify(p)}`);
        n = this.#nodes[h];
      }
      add(n);
    }
    for (const n of files) await this.prefetchNode(n);
  }

  /** @internal @param {ONode} n */
  async prefetchNode(n) {
    if (n.sah !== null || n.data !== null || n.fh === null) return;
    const bytes = new Uint8Array(await (await n.fh.getFile()).arrayBuffer());
    if (n.data === null) {
      n.data = bytes;
      n.size = bytes.length;
    }
  }

  /** A descriptor opened file `h`. @param {number} h */
  open(h) {
    this.#get(h).opens++;
  }

  /** @param {number} h */
  close(h) {
    const n = this.#nodes[h];
    if (n !== undefined && n.opens > 0) n.opens--;
  }

  /** @param {number} h @param {number} offset @param {number} length */
  read(h, offset, length) {
    const n = this.#file(h);
    this.#contents(n);
    const end = Math.min(n.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    if (n.sah !== null) {
      const out = new Uint8Array(end - offset);
      let done = 0;
      while (done < out.length) {
        const got = n.sah.read(out.subarray(done), { at: offset + done });
        if (got <= 0) throw fail("EIO", `${n.name}: short read`);
        done += got;
      }
      return out;
    }
    return /** @type {Uint8Array} */ (n.data).slice(offset, end);
  }

  /** Room for `size` bytes in a memory file. @param {ONode} n @param {number} size */
  #reserve(n, size) {
    const data = /** @type {Uint8Array} */ (n.data);
    if (size <= data.length) return data;
    const grown = new Uint8Array(Math.max(size, Math.min(data.length * 2, size + 64 * 1024 * 1024)));
    grown.set(data.subarray(0, n.size));
    n.data = grown;
    return grown;
  }

  /** @param {number} h @param {number} offset @param {Uint8Array} data */
  write(h, offset, data) {
    const n = this.#file(h);
    this.#contents(n);
    const end = offset + data.length;
    if (n.sah !== null) {
      let done = 0;
      while (done < data.length) {
        const put = n.sah.write(data.subarray(done), { at: offset + done });
        if (put <= 0) throw fail("EIO", `${n.name}: short write`);
        done += put;
      }
    } else {
      const buf = this.#reserve(n, end);
      // Bytes between the old end and a write past it read as zeros.
      if (offset > n.size) buf.fill(0, n.size, offset);
      buf.set(data, offset);
      this.#queueContents(n);
    }
    n.size = Math.max(n.size, end);
    n.mtimeNs = n.ctimeNs = nowNs();
    this.#pending();
    return data.length;
  }

  /** @param {number} h @param {number} size */
  truncate(h, size) {
    const n = this.#file(h);
    if (size === 0 && n.sah === null && n.data === null) n.data = new Uint8Array(0);
    this.#contents(n);
    if (n.sah !== null) n.sah.truncate(size);
    else {
      const buf = this.#reserve(n, size);
      if (size > n.size) buf.fill(0, n.size, size);
      this.#queueContents(n);
    }
    n.size = size;
    n.mtimeNs = n.ctimeNs = nowNs();
    this.#pending();
  }

  /** @param {number} h @param {bigint | null} atimeNs @param {bigint | null} mtimeNs */
  setTimes(h, atimeNs, mtimeNs) {
    const n = this.#get(h);
    if (atimeNs !== null) n.atimeNs = atimeNs;
    if (mtimeNs !== null) n.mtimeNs = mtimeNs;
    n.ctimeNs = nowNs();
  }

  // ---- directory changes: the mirror now, OPFS in order later ----

  /** @param {number} dir @param {string} name @param {boolean} exclusive */
  create(dir, name, exclusive) {
    const d = this.#dir(dir);
    const h = d.children.get(name);
    if (h !== undefined) {
      if (exclusive) throw fail("EEXIST", name);
      if (this.#nodes[h].type !== "file") throw fail("EISDIR", name);
      return h;
    }
    const n = this.#node("file", name, d);
    n.data = new Uint8Array(0);
    const nh = this.#nodes.push(n) - 1;
    d.children.set(name, nh);
    this.#touch(d);
    const path = /** @type {string[]} */ (this.#path(n));
    this.#queue(async () => {
      n.fh = await (await this.#dirAt(path.slice(0, -1))).getFileHandle(name, { create: true });
    });
    return nh;
  }

  /** @param {number} dir @param {string} name */
  mkdir(dir, name) {
    const d = this.#dir(dir);
    if (d.children.has(name)) throw fail("EEXIST", name);
    const n = this.#node("directory", name, d);
    d.children.set(name, this.#nodes.push(n) - 1);
    this.#touch(d);
    const path = /** @type {string[]} */ (this.#path(n));
    this.#queue(async () => {
      await (await this.#dirAt(path.slice(0, -1))).getDirectoryHandle(name, { create: true });
    });
  }

  /** @param {number} dir @param {string} name */
  unlink(dir, name) {
    const d = this.#dir(dir);
    const h = d.children.get(name);
    if (h === undefined) throw fail("ENOENT", name);
    const n = this.#nodes[h];
    if (n.type === "directory") throw fail("EISDIR", name);
    this.#detach(d, name, n);
    this.#queueRemove(d, name, n);
  }

  /** @param {number} dir @param {string} name */
  rmdir(dir, name) {
    const d = this.#dir(dir);
    const h = d.children.get(name);
    if (h === undefined) throw fail("ENOENT", name);
    const n = this.#nodes[h];
    if (n.type !== "directory") throw fail("ENOTDIR", name);
    if (n.children.size > 0) throw fail("ENOTEMPTY", name);
    this.#detach(d, name, n);
    this.#queueRemove(d, name, n);
  }

  /** @param {ONode} d @param {string} name @param {ONode} n */
  #detach(d, name, n) {
    d.children.delete(name);
    n.parent = null;
    this.#touch(d);
    n.ctimeNs = nowNs();
  }

  /** @param {ONode} d @param {string} name @param {ONode} n */
  #queueRemove(d, name, n) {
    const path = /** @type {string[]} */ (this.#path(d));
    this.#queue(async () => {
      await this.#release(n);
      await (await this.#dirAt(path)).removeEntry(name, { recursive: n.type === "directory" });
    });
  }

  /** @param {number} dir @param {string} name @param {number} toDir @param {string} toName */
  rename(dir, name, toDir, toName) {
    const from = this.#dir(dir);
    const to = this.#dir(toDir);
    const h = from.children.get(name);
    if (h === undefined) throw fail("ENOENT", name);
    const n = this.#nodes[h];
    const th = to.children.get(toName);
    const old = th === undefined ? null : this.#nodes[th];
    if (old === n) return;
    if (n.type === "directory") {
      // Not into itself or below it.
      for (let at = /** @type {ONode | null} */ (to); at !== null; at = at.parent) if (at === n) throw fail("EINVAL", name);
    }
    if (old !== null) {
      if (n.type === "directory" && old.type !== "directory") throw fail("ENOTDIR", toName);
      if (n.type !== "directory" && old.type === "directory") throw fail("EISDIR", toName);
      if (old.type === "directory" && old.children.size > 0) throw fail("ENOTEMPTY", toName);
    }
    const src = /** @type {string[]} */ (this.#path(n));
    const dst = /** @type {string[]} */ (this.#path(to));
    if (old !== null) this.#detach(to, toName, old);
    from.children.delete(name);
    to.children.set(toName, h);
    n.parent = to;
    n.name = toName;
    this.#touch(from);
    this.#touch(to);
    n.ctimeNs = nowNs();
    this.#queue(async () => {
      const parent = await this.#dirAt(src.slice(0, -1));
      const last = /** @type {string} */ (src.at(-1));
      const target = await this.#dirAt(dst);
      if (old !== null) {
        await this.#release(old);
        await target.removeEntry(toName, { recursive: old.type === "directory" });
      }
      await this.#release(n);
      const handle = n.type === "directory" ? await parent.getDirectoryHandle(last) : await parent.getFileHandle(last);
      if (typeof handle.move !== "function") throw new Error("this browser cannot move OPFS entries (FileSystemHandle.move)");
      await handle.move(target, toName);
      // The handle follows the move.
      if (handle.kind === "file") n.fh = handle;
    });
  }

  /** @returns {never} */
  symlink() {
    throw fail("ENOTSUP", "OPFS has no symlinks");
  }

  /** @returns {never} */
  link() {
    throw fail("ENOTSUP", "OPFS has no hard links");
  }

  // ---- the write-behind queue ----

  /** The OPFS directory at `names`. @param {string[]} names */
  async #dirAt(names) {
    let dir = this.#root;
    for (const name of names) dir = await dir.getDirectoryHandle(name);
    return dir;
  }

  /**
   * Before OPFS moves or removes a file: its sync access handle (and those
   * below a directory) must be closed; an open descriptor may still read a
   * removed file, so its contents move to memory.
   * @param {ONode} n
   */
  async #release(n) {
    if (n.type === "directory") {
      for (const c of n.children.values()) await this.#release(this.#nodes[c]);
      return;
    }
    if (n.sah === null) {
      // Not loaded yet but open: OPFS still has it at this point of the queue.
      if (n.data === null && n.fh !== null && n.opens > 0) await this.prefetchNode(n);
      return;
    }
    const bytes = new Uint8Array(n.size);
    n.sah.read(bytes, { at: 0 });
    n.sah.flush();
    n.sah.close();
    n.sah = null;
    n.data = bytes;
    n.fh = null;
  }

  /** @param {() => Promise<void>} op */
  #queue(op) {
    this.#ops.push(op);
    this.#pending();
    // A worker's program holds the thread: its changes wait for flush(),
    // which closes the sync access handles first. On a page they go now.
    if (!this.#sahMode) this.#kick();
  }

  /** Writes a memory file's contents (once per burst of writes). @param {ONode} n */
  #queueContents(n) {
    if (n.queued) return;
    n.queued = true;
    const path = /** @type {string[]} */ (this.#path(n) ?? []);
    if (path.length === 0) {
      // Removed already: nothing to store.
      n.queued = false;
      return;
    }
    this.#queue(async () => {
      n.queued = false;
      const bytes = /** @type {Uint8Array} */ (n.data).slice(0, n.size);
      const fh = await (await this.#dirAt(path.slice(0, -1))).getFileHandle(/** @type {string} */ (path.at(-1)), { create: true });
      const w = await fh.createWritable({ keepExistingData: false });
      await w.write(bytes);
      await w.close();
      n.fh = fh;
    });
  }

  #pending() {
    writeBehindPending(this);
  }

  /** Runs the queue, one change at a time, in order. */
  #kick() {
    if (this.#draining !== null) return;
    const drain = (async () => {
      // Never inside the provider call that queued: it changes the node
      // (a write's new size) after queueing, and the op reads it.
      await null;
      while (this.#ops.length > 0) {
        const op = /** @type {() => Promise<void>} */ (this.#ops.shift());
        try {
          await op();
        } catch (error) {
          this.#errors.push(message(error));
        }
      }
    })();
    this.#draining = drain.finally(() => {
      this.#draining = null;
      // Queued after the loop looked for the last time.
      if (this.#ops.length > 0) this.#kick();
    });
  }

  /**
   * Stores every change so far in OPFS; rejects, listing them, if some
   * could not be stored (the mirror keeps them for this session).
   */
  async flush() {
    writeBehindDone(this);
    if (this.#sahMode) {
      if (this.#ops.length > 0) {
        this.#kick();
        await this.#draining;
      }
      // Files made meanwhile get a sync access handle too; the rest are flushed.
      for (const n of this.#nodes) {
        if (n.sah !== null) n.sah.flush();
        else if (!this.#closed && n.type === "file" && n.parent !== null && n.fh !== null && !n.queued) {
          n.sah = await this.#openSah(n.fh, n.name);
          n.data = null;
        }
      }
    } else {
      while (this.#draining !== null) await this.#draining;
    }
    if (this.#errors.length > 0) {
      const errors = this.#errors.splice(0);
      throw new Error(`opfsMount: ${errors.length} change(s) could not be stored in OPFS: ${errors.join("; ")}`);
    }
  }

  /**
   * Stores everything, then closes the sync access handles (the provider
   * must not be used after). (Not `close`: that is the FsProvider's "a
   * descriptor closed", which the core calls.)
   */
  async unmount() {
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      this.#closeHandles();
    }
  }
}

/**
 * Mounts an OPFS directory: `fs.mount("/home", await opfsMount("home"))`.
 * @param {string | DirHandle | FileSystemDirectoryHandle} dir a FileSystemDirectoryHandle, or the name of a directory at the OPFS root (made if missing, unless `create: false`)
 * @param {OpfsMountOptions} [options]
 */
export async function opfsMount(dir, options = {}) {
  /** @type {DirHandle} */
  let handle;
  if (typeof dir === "string") {
    const storage = /** @type {{ storage?: { getDirectory?: () => Promise<DirHandle> } }} */ (globalThis.navigator ?? {}).storage;
    if (typeof storage?.getDirectory !== "function")
      throw new TypeError("opfsMount: this environment has no OPFS (navigator.storage.getDirectory)");
    const root = await storage.getDirectory();
    let at = root;
    for (const name of dir.split("/").filter((s) => s !== "")) at = await at.getDirectoryHandle(name, { create: options.create ?? true });
    handle = at;
  } else if (dir !== null && typeof dir === "object" && /** @type {DirHandle} */ (dir).kind === "directory") {
    handle = /** @type {DirHandle} */ (/** @type {unknown} */ (dir));
  } else {
    throw new TypeError("opfsMount: give a FileSystemDirectoryHandle or a directory name");
  }
  const provider = new OpfsProvider(handle, options.syncHandles ?? inWorker());
  await provider.load(Boolean(options.preload));
  return provider;
}
