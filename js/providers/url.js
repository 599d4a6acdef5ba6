// urlMount(): a read-only FsProvider whose files live behind URLs (a
// language runtime's standard library, a large dataset read in part).
//
// The tree (names, sizes, times) comes from a manifest, so listing and stat
// never fetch. File bytes are fetched on first read, in blocks, with an HTTP
// Range request where the server answers 206 (only the blocks a read needs)
// and the whole file where it answers 200 (then every block is cached at
// once). Fetched blocks stay cached for the provider's life.
//
// The provider API is synchronous and fetch() is not, so a read of a block
// not yet fetched is answered per environment:
// - async mode (JSPI: run({ async: true }), wasi.startAsync()): the fetch
//   starts, the call answers "would block" (js/providers/wait.js) before
//   anything changed, the guest is suspended until the fetch settles, and
//   the call is made again;
// - a Web Worker: a synchronous XMLHttpRequest (allowed in workers);
// - otherwise (sync mode on a page or in Node, the MemFS API): EIO for the
//   guest and a console warning once, unless `prefetch()` fetched it first.
import { canSuspend, suspendOn, wouldBlock } from "./wait.js";

const DEFAULT_BLOCK = 256 * 1024;
const DEFAULT_CACHE = 256 * 1024 * 1024;
/** st_dev of every node: "URL". */
const DEV = 0x55524c;

/** @param {string} code @param {string} message */
function fail(code, message) {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * @typedef {object} UrlFileEntry one file of a manifest
 * @property {string} path "/"-separated, relative to the mount ("lib/os.py")
 * @property {number} size bytes
 * @property {string} [url] absolute, or relative to the manifest's `base`; default `base` + the path
 * @property {number | string | Date} [mtime] ms since the epoch, or a date string
 */

/**
 * @typedef {object} UrlManifest
 * @property {string} [base] URL the files' relative URLs (or paths) resolve against
 * @property {UrlFileEntry[] | Record<string, Omit<UrlFileEntry, "path">>} files
 * @property {string[]} [directories] extra (e.g. empty) directories
 */

/**
 * @typedef {object} UrlMountOptions
 * @property {number} [blockSize] bytes per fetched block (a power of two, 4 KiB to 64 MiB; default 256 KiB)
 * @property {typeof fetch} [fetch] the fetch() for async reads and prefetch (default globalThis.fetch)
 * @property {boolean} [syncXhr] use synchronous XMLHttpRequest when the call cannot wait (default: in a Web Worker only)
 * @property {number} [maxCacheBytes] fetched blocks kept, least recently used dropped first (default 256 MiB; Infinity for all)
 */

/**
 * @typedef {object} UrlNode
 * @property {"file" | "directory"} type
 * @property {string} path
 * @property {Map<string, number>} children directories: name → handle
 * @property {number} size
 * @property {bigint} mtimeNs
 * @property {string} url
 * @property {Map<number, Uint8Array>} blocks fetched blocks by index
 * @property {Map<number, Promise<void>>} inflight
 * @property {Map<number, string>} failed why a block's last fetch failed (reported once)
 * @property {boolean | undefined} ranges whether the server answered a Range request with 206
 * @property {string | null} etag the first response's ETag, checked on later ones
 * @property {number} handle
 */

/** @param {unknown} t @param {string} what */
function timeNs(t, what) {
  if (t === undefined) return 0n;
  const ms = t instanceof Date ? t.getTime() : typeof t === "string" ? Date.parse(t) : t;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
    throw new TypeError(`${what}: mtime must be a date, a date string or ms ≥ 0`);
  return BigInt(Math.round(ms * 1e6));
}

/** @param {unknown} path @param {string} what */
function splitPath(path, what) {
  if (typeof path !== "string") throw new TypeError(`${what}: path must be a string`);
  const parts = path.split("/").filter((p, i, all) => !(p === "" && (i === 0 || i === all.length - 1)));
  if (parts.length === 0 || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\0"))) {
    throw new TypeError(`${what}: bad path ${JSON.stringify(path)}`);
  }
  return parts;
}

/** The base a relative `base` or URL resolves against: the page's address, if any. */
function pageUrl() {
  const href = /** @type {{ location?: { href?: string } }} */ (globalThis).location?.href;
  return typeof href === "string" ? href : undefined;
}

/** Whether this thread may block on a synchronous XMLHttpRequest (a worker). */
function inWorker() {
  const g = /** @type {{ WorkerGlobalScope?: Function, XMLHttpRequest?: Function }} */ (/** @type {unknown} */ (globalThis));
  return typeof g.XMLHttpRequest === "function" && typeof g.WorkerGlobalScope === "function" && globalThis instanceof g.WorkerGlobalScope;
}

/**
 * A read-only provider for `memfs.mount(path, provider)` serving the files
 * of `manifest` from their URLs. `stats.bytesFetched` counts the bytes
 * received so far.
 */
export class UrlProvider {
  /** MemFS.mount() refuses every change before it reaches the provider (EPERM). */
  readonly = true;
  /** Reads may have to wait for a fetch (not with synchronous XMLHttpRequest): see js/providers/wait.js. */
  suspends = true;
  /** What was fetched so far. */
  stats = { bytesFetched: 0, requests: 0, rangeRequests: 0, wholeFileRequests: 0 };
  /** @type {UrlNode[]} handle → node; 0 is the root */
  #nodes = [];
  #blockSize;
  /** @type {typeof fetch | undefined} */
  #fetch;
  #syncXhr;
  #warned = false;
  #maxCache;
  /** Cached blocks, least recently used first: "handle:index" → [node, index, bytes]. @type {Map<string, [UrlNode, number, number]>} */
  #lru = new Map();
  #cachedBytes = 0;

  /** @param {UrlManifest} manifest @param {UrlMountOptions} [options] */
  constructor(manifest, options = {}) {
    const blockSize = options.blockSize ?? DEFAULT_BLOCK;
    if (!Number.isSafeInteger(blockSize) || blockSize < 4096 || blockSize > 64 * 1024 * 1024 || (blockSize & (blockSize - 1)) !== 0) {
      throw new TypeError("urlMount: blockSize must be a power of two from 4096 to 64 MiB");
    }
    this.#blockSize = blockSize;
    const maxCache = options.maxCacheBytes ?? DEFAULT_CACHE;
    if (typeof maxCache !== "number" || !(maxCache >= blockSize))
      throw new TypeError("urlMount: maxCacheBytes must be a number ≥ blockSize");
    this.#maxCache = maxCache;
    if (options.fetch !== undefined && typeof options.fetch !== "function")
      throw new TypeError("urlMount: options.fetch must be a function");
    this.#fetch = options.fetch ?? (typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined);
    this.#syncXhr = options.syncXhr ?? inWorker();
    this.suspends = !this.#syncXhr;
    if (manifest === null || typeof manifest !== "object") throw new TypeError("urlMount: the manifest must be an object");
    const base = manifest.base === undefined ? pageUrl() : new URL(manifest.base, pageUrl()).href;
    this.#nodes.push(this.#node("directory", ""));
    const files = Array.isArray(manifest.files)
      ? manifest.files
      : manifest.files !== null && typeof manifest.files === "object"
        ? Object.entries(manifest.files).map(([path, f]) => ({ ...f, path }))
        : null;
    if (files === null) throw new TypeError("urlMount: manifest.files must be an array or an object");
    for (const dir of manifest.directories ?? []) this.#dirAt(splitPath(dir, "manifest.directories"), dir);
    for (const f of files) {
      const what = `manifest file ${JSON.stringify(f?.path)}`;
      const parts = splitPath(f?.path, what);
      if (!Number.isSafeInteger(f.size) || f.size < 0) throw new TypeError(`${what}: size must be a whole number of bytes`);
      const rel = f.url ?? parts.map(encodeURIComponent).join("/");
      if (typeof rel !== "string") throw new TypeError(`${what}: url must be a string`);
      let url;
      try {
        url = new URL(rel, base).href;
      } catch {
        throw new TypeError(`${what}: no URL (give manifest.base or an absolute url)`);
      }
      const dir = this.#dirAt(parts.slice(0, -1), f.path);
      const name = /** @type {string} */ (parts.at(-1));
      if (dir.children.has(name)) throw new TypeError(`${what}: listed twice, or also a directory`);
      const node = this.#node("file", parts.join("/"));
      node.size = f.size;
      node.mtimeNs = timeNs(f.mtime, what);
      node.url = url;
      dir.children.set(name, this.#nodes.push(node) - 1);
    }
  }

  /** @param {"file" | "directory"} type @param {string} path @returns {UrlNode} */
  #node(type, path) {
    return {
      type,
      path,
      children: new Map(),
      size: 0,
      mtimeNs: 0n,
      url: "",
      blocks: new Map(),
      inflight: new Map(),
      failed: new Map(),
      ranges: undefined,
      etag: null,
      handle: this.#nodes.length,
    };
  }

  /** The directory at `parts`, made if missing. @param {string[]} parts @param {string} what */
  #dirAt(parts, what) {
    let dir = this.#nodes[0];
    for (const name of parts) {
      const h = dir.children.get(name);
      if (h === undefined) {
        const node = this.#node("directory", dir.path === "" ? name : `${dir.path}/${name}`);
        dir.children.set(name, this.#nodes.push(node) - 1);
        dir = node;
      } else if (this.#nodes[h].type !== "directory") {
        throw new TypeError(`manifest: ${JSON.stringify(what)} needs ${JSON.stringify(name)} to be a directory, but it is a file`);
      } else {
        dir = this.#nodes[h];
      }
    }
    return dir;
  }

  /** @param {number} h */
  #get(h) {
    const n = this.#nodes[h];
    if (n === undefined) throw fail("EBADF", `no node ${h}`);
    return n;
  }

  /** @param {number} h */
  #file(h) {
    const n = this.#get(h);
    if (n.type !== "file") throw fail("EISDIR", n.path);
    return n;
  }

  root() {
    return 0;
  }

  /** @param {number} dir @param {string} name */
  lookup(dir, name) {
    const d = this.#get(dir);
    if (d.type !== "directory") throw fail("ENOTDIR", d.path);
    const h = d.children.get(name);
    return h === undefined ? null : { handle: h, type: this.#nodes[h].type };
  }

  /** @param {number} h */
  stat(h) {
    const n = this.#get(h);
    let nlink = 1;
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
      atimeNs: n.mtimeNs,
      mtimeNs: n.mtimeNs,
      ctimeNs: n.mtimeNs,
    };
  }

  /** @param {number} h */
  readdir(h) {
    const d = this.#get(h);
    if (d.type !== "directory") throw fail("ENOTDIR", d.path);
    return [...d.children].map(([name, c]) => ({ name, type: this.#nodes[c].type, ino: c + 1 }));
  }

  /** @param {number} h @returns {never} */
  readlink(h) {
    throw fail("EINVAL", `${this.#get(h).path} is not a symlink`);
  }

  /**
   * `length` bytes at `offset` (fewer at the end of the file), from the
   * cache or fetched now (see the top of this file).
   * @param {number} h @param {number} offset @param {number} length
   */
  read(h, offset, length) {
    const n = this.#file(h);
    const end = Math.min(n.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const bs = this.#blockSize;
    const first = Math.floor(offset / bs);
    const last = Math.floor((end - 1) / bs);
    /** @type {number[]} */
    const missing = [];
    for (let i = first; i <= last; i++) if (!n.blocks.has(i)) missing.push(i);
    if (missing.length > 0) {
      // A fetch that failed is reported once, to the call it was made for
      // (its retry); a later read tries again.
      const why = missing.map((i) => n.failed.get(i)).find((w) => w !== undefined);
      if (why !== undefined) {
        for (const i of missing) n.failed.delete(i);
        throw fail("EIO", `${n.url}: ${why}`);
      }
      if (canSuspend()) {
        suspendOn(this.#fetchAsync(n, missing));
        throw wouldBlock();
      }
      if (!this.#syncXhr) {
        this.#warnNoWait(n);
        throw fail("EIO", `${n.path} is not fetched yet and this call cannot wait`);
      }
      this.#fetchSync(n, missing);
    }
    const out = new Uint8Array(end - offset);
    /** @type {Set<string>} */
    const used = new Set();
    for (let i = first; i <= last; i++) {
      const block = /** @type {Uint8Array} */ (n.blocks.get(i));
      used.add(this.#touch(n, i));
      const from = Math.max(offset, i * bs);
      const to = Math.min(end, i * bs + block.length);
      out.set(block.subarray(from - i * bs, to - i * bs), from - offset);
    }
    // Only here, after a read has its blocks: dropping them between a fetch
    // and the retried read could make that read fetch forever.
    this.#evict(used);
    return out;
  }

  /** Caches a block; returns its key. @param {UrlNode} n @param {number} i @param {Uint8Array} bytes */
  #store(n, i, bytes) {
    const key = `${n.handle}:${i}`;
    const old = this.#lru.get(key);
    if (old !== undefined) this.#cachedBytes -= old[2];
    this.#lru.delete(key);
    this.#lru.set(key, [n, i, bytes.length]);
    this.#cachedBytes += bytes.length;
    n.blocks.set(i, bytes);
    return key;
  }

  /** Marks a block as just used; returns its key. @param {UrlNode} n @param {number} i */
  #touch(n, i) {
    const key = `${n.handle}:${i}`;
    const entry = this.#lru.get(key);
    if (entry !== undefined) {
      this.#lru.delete(key);
      this.#lru.set(key, entry);
    }
    return key;
  }

  /** Drops the least recently used blocks past maxCacheBytes, except `keep` (the read's own). @param {Set<string>} keep */
  #evict(keep) {
    for (const [key, [n, i, size]] of this.#lru) {
      if (this.#cachedBytes <= this.#maxCache) break;
      if (keep.has(key)) continue;
      this.#lru.delete(key);
      n.blocks.delete(i);
      this.#cachedBytes -= size;
    }
  }

  /** Bytes of fetched blocks held now. */
  get cachedBytes() {
    return this.#cachedBytes;
  }

  /** @param {UrlNode} n */
  #warnNoWait(n) {
    if (this.#warned) return;
    this.#warned = true;
    console.warn(
      `wasi-web urlMount: reading ${n.path} needs a fetch, and this program runs in sync mode, which cannot wait for one: ` +
        "the read fails with EIO. Run it in async mode (run(..., { async: true }), JSPI), in a Web Worker, " +
        "or call `await provider.prefetch([...paths])` before the run.",
    );
  }

  /**
   * The blocks to fetch, as runs of consecutive indices: [first, last].
   * @param {number[]} indices ascending
   */
  #runs(indices) {
    /** @type {[number, number][]} */
    const runs = [];
    for (const i of indices) {
      const run = runs.at(-1);
      if (run !== undefined && run[1] === i - 1) run[1] = i;
      else runs.push([i, i]);
    }
    return runs;
  }

  /** Byte range [start, end) of a run of blocks. @param {UrlNode} n @param {[number, number]} run */
  #span(n, run) {
    return [run[0] * this.#blockSize, Math.min(n.size, (run[1] + 1) * this.#blockSize)];
  }

  /**
   * Stores what a response brought, or throws why it cannot be used.
   * @param {UrlNode} n @param {number} start @param {number} end
   * @param {{ status: number, contentRange: string | null, etag: string | null, body: Uint8Array }} r
   */
  #accept(n, start, end, r) {
    this.stats.bytesFetched += r.body.length;
    if (r.etag !== null) {
      // Blocks from two versions of a file would make up data that was never there.
      if (n.etag !== null && n.etag !== r.etag) throw new Error(`the file changed on the server (ETag ${n.etag} → ${r.etag})`);
      n.etag = r.etag;
    }
    const bs = this.#blockSize;
    if (r.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(r.contentRange ?? "");
      if (m === null || Number(m[1]) !== start || Number(m[2]) !== end - 1 || r.body.length !== end - start) {
        throw new Error(`asked for bytes ${start}-${end - 1}, got ${JSON.stringify(r.contentRange)} (${r.body.length} bytes)`);
      }
      if (m[3] !== "*" && Number(m[3]) !== n.size) throw new Error(`the server's size ${m[3]} is not the manifest's ${n.size}`);
      n.ranges = true;
      for (let at = start; at < end; at += bs) this.#store(n, at / bs, r.body.subarray(at - start, Math.min(end, at + bs) - start));
      return;
    }
    if (r.status === 200) {
      if (r.body.length !== n.size) throw new Error(`the server sent ${r.body.length} bytes, the manifest says ${n.size}`);
      n.ranges = false;
      for (let at = 0; at < n.size; at += bs) this.#store(n, at / bs, r.body.subarray(at, Math.min(n.size, at + bs)));
      return;
    }
    throw new Error(`HTTP ${r.status}`);
  }

  /** Range header for [start, end), or none when the server ignores ranges. @param {UrlNode} n @param {number} start @param {number} end */
  #rangeHeader(n, start, end) {
    return n.ranges === false ? null : `bytes=${start}-${end - 1}`;
  }

  /** @param {string | null} range */
  #count(range) {
    this.stats.requests++;
    if (range === null) this.stats.wholeFileRequests++;
    else this.stats.rangeRequests++;
  }

  /**
   * Fetches the blocks synchronously (a worker); throws EIO on failure.
   * @param {UrlNode} n @param {number[]} missing
   */
  #fetchSync(n, missing) {
    for (const run of this.#runs(missing)) {
      if (n.blocks.has(run[0])) continue; // a whole-file answer brought it
      const [start, end] = this.#span(n, run);
      const range = this.#rangeHeader(n, start, end);
      this.#count(range);
      try {
        const xhr = new XMLHttpRequest();
        xhr.open("GET", n.url, false);
        xhr.responseType = "arraybuffer";
        if (range !== null) xhr.setRequestHeader("Range", range);
        xhr.send();
        const body = new Uint8Array(/** @type {ArrayBuffer} */ (xhr.response ?? new ArrayBuffer(0)));
        this.#accept(n, start, end, {
          status: xhr.status,
          contentRange: xhr.getResponseHeader("Content-Range"),
          etag: xhr.getResponseHeader("ETag"),
          body,
        });
      } catch (error) {
        throw fail("EIO", `${n.url}: ${/** @type {Error} */ (error)?.message ?? error}`);
      }
    }
  }

  /**
   * Fetches the blocks not already on their way; resolves (never rejects)
   * when all have arrived or failed (failures are kept in `n.failed`).
   * @param {UrlNode} n @param {number[]} missing
   * @returns {Promise<void>}
   */
  #fetchAsync(n, missing) {
    /** @type {Promise<void>[]} */
    const waits = [];
    const fresh = [];
    for (const i of missing) {
      const p = n.inflight.get(i);
      if (p === undefined) fresh.push(i);
      else if (!waits.includes(p)) waits.push(p);
    }
    for (const run of this.#runs(fresh)) {
      const [start, end] = this.#span(n, run);
      const p = this.#fetchRun(n, run, start, end);
      for (let i = run[0]; i <= run[1]; i++) n.inflight.set(i, p);
      waits.push(p);
    }
    return Promise.all(waits).then(() => {});
  }

  /** @param {UrlNode} n @param {[number, number]} run @param {number} start @param {number} end */
  async #fetchRun(n, run, start, end) {
    const range = this.#rangeHeader(n, start, end);
    try {
      if (this.#fetch === undefined) throw new Error("no fetch() here: pass options.fetch");
      this.#count(range);
      const res = await this.#fetch(n.url, range === null ? {} : { headers: { Range: range } });
      const body = new Uint8Array(await res.arrayBuffer());
      this.#accept(n, start, end, {
        status: res.status,
        contentRange: res.headers.get("Content-Range"),
        etag: res.headers.get("ETag"),
        body,
      });
    } catch (error) {
      const why = String(/** @type {Error} */ (error)?.message ?? error);
      for (let i = run[0]; i <= run[1]; i++) if (!n.blocks.has(i)) n.failed.set(i, why);
    } finally {
      for (let i = run[0]; i <= run[1]; i++) n.inflight.delete(i);
    }
  }

  /**
   * Fetches files now, so that a program in sync mode can read them: the
   * files at `paths` (relative to the mount; a directory means everything
   * under it), or every file. Rejects, naming them, if some could not be
   * fetched.
   * @param {string[]} [paths]
   * @returns {Promise<void>}
   */
  async prefetch(paths) {
    /** @type {UrlNode[]} */
    const files = [];
    /** @param {UrlNode} n */
    const add = (n) => {
      if (n.type === "file") files.push(n);
      else for (const c of n.children.values()) add(this.#nodes[c]);
    };
    if (paths === undefined) add(this.#nodes[0]);
    else {
      if (!Array.isArray(paths)) throw new TypeError("prefetch(paths): paths must be an array of strings");
      for (const p of paths) {
        let n = this.#nodes[0];
        for (const name of p === "" || p === "/" ? [] : splitPath(p, "prefetch")) {
          const h = n.type === "directory" ? n.children.get(name) : undefined;
          if (h === undefined) throw fail("ENOENT", `prefetch: no ${JSON.stringify(p)} in the manifest`);
          n = this.#nodes[h];
        }
        add(n);
      }
    }
    const bs = this.#blockSize;
    const total = files.reduce((sum, n) => sum + n.size, 0);
    if (total > this.#maxCache) {
      throw new RangeError(`urlMount prefetch: ${total} bytes do not fit the cache (maxCacheBytes ${this.#maxCache}); raise maxCacheBytes`);
    }
    await Promise.all(
      files.map((n) => {
        const missing = [];
        for (let i = 0; i * bs < n.size; i++) if (!n.blocks.has(i)) missing.push(i);
        return missing.length === 0 ? undefined : this.#fetchAsync(n, missing);
      }),
    );
    const bad = files.filter((n) => n.failed.size > 0);
    if (bad.length > 0) {
      const why = bad.map((n) => `${n.path}: ${n.failed.values().next().value}`).join("; ");
      for (const n of bad) n.failed.clear();
      throw new Error(`urlMount prefetch failed for ${why}`);
    }
  }

  // A read-only mount: MemFS.mount() honours `readonly` and refuses changes
  // itself; these answer the same if the provider is mounted writable.
  /** @returns {never} */
  write() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  truncate() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  create() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  mkdir() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  unlink() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  rmdir() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  rename() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  symlink() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  link() {
    throw fail("EROFS", "read-only URL mount");
  }
  /** @returns {never} */
  setTimes() {
    throw fail("EROFS", "read-only URL mount");
  }
}

/**
 * A read-only provider serving the files a manifest lists from their URLs:
 * `fs.mount("/data", urlMount({ base: "https://x/data/", files: [{ path: "a.csv", size: 123 }] }))`.
 * @param {UrlManifest} manifest
 * @param {UrlMountOptions} [options]
 */
export function urlMount(manifest, options) {
  return new UrlProvider(manifest, options);
}

/**
 * Fetches a JSON manifest and makes its provider; the manifest's relative
 * URLs (and `base`) resolve against the manifest's own URL.
 * @param {string | URL} url
 * @param {UrlMountOptions} [options]
 */
export async function urlMountFromManifest(url, options = {}) {
  const f = options.fetch ?? globalThis.fetch;
  const href = new URL(url, pageUrl()).href;
  const res = await f(href);
  if (!res.ok) throw new Error(`urlMount: manifest ${href}: HTTP ${res.status}`);
  const manifest = /** @type {UrlManifest} */ (await res.json());
  return new UrlProvider({ ...manifest, base: new URL(manifest.base ?? ".", href).href }, options);
}
