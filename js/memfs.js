import { MemFsCore, requireCore } from "./core.js";
import { CORE, decoder, encoder, toBytes } from "./internal.js";
import { abandon, recoverFs, repair } from "./recovery.js";
import { Stats } from "./stats.js";
import { checkProvider, ProviderAdapter } from "./mount.js";
import { noteMount } from "./providers/wait.js";

/** `Symbol.dispose`, or Node's name for it where the engine lacks it. */
const symbolDispose = Symbol.dispose ?? Symbol.for("nodejs.dispose");

/**
 * @param {unknown} path
 * @returns {string}
 */
function checkPath(path, what = "path") {
  if (typeof path !== "string") throw new TypeError(`${what} must be a string, got ${typeof path}`);
  return path;
}

const LIMIT_NAMES = ["maxBytes", "maxFileSize", "maxInodes", "maxSymlinks", "maxPathLength"];

/**
 * @param {unknown} limits
 * @returns {Record<string, number> | undefined}
 */
function checkLimits(limits) {
  if (limits === undefined) return undefined;
  if (limits === null || typeof limits !== "object") throw new TypeError("options.limits must be an object");
  /** @type {Record<string, number>} */
  const out = {};
  for (const [key, value] of Object.entries(limits)) {
    if (!LIMIT_NAMES.includes(key)) {
      throw new TypeError(`options.limits.${key} is not a limit (${LIMIT_NAMES.join(", ")})`);
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value >= 0) || !(Number.isInteger(value) || value === Infinity)) {
      throw new TypeError(`options.limits.${key} must be a whole number >= 0 or Infinity, got ${String(value)}`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * An in-memory filesystem. Paths are absolute (`/a/b`; a relative path is
 * refused with EINVAL); symlinks resolve inside it and never escape its
 * root. Methods are synchronous and throw Errors with a node:fs-style `code`
 * (`ENOENT`, `EEXIST`, `ENOTDIR`, ...).
 *
 * One MemFS may back several WASI instances, before, during and after runs.
 * `close()` (or `using fs = new MemFS()`) frees its memory at once.
 */
/**
 * The names of MemFsCore's methods, which `#call` forwards to.
 * @typedef {Extract<{ [K in keyof MemFsCore]: MemFsCore[K] extends (...args: never[]) => unknown ? K : never }[keyof MemFsCore], string>} CoreMethod
 */

export class MemFS {
  /**
   * The Rust core's filesystem (js/core.js).
   * @internal
   * @type {MemFsCore}
   */
  [CORE];

  /**
   * @param {object} [options]
   * @param {{maxBytes?: number, maxFileSize?: number, maxInodes?: number, maxSymlinks?: number, maxPathLength?: number}} [options.limits]
   *   maxBytes: stored file data in all (ENOSPC, default 1 GiB); maxFileSize: one file's size, holes included (EFBIG, default and most 2^63 - 1);
   *   maxInodes: files + directories + symlinks (ENOSPC, default 1,048,576); maxSymlinks: followed in one path
   *   (ELOOP, default 40); maxPathLength: bytes in a path or symlink target (ENAMETOOLONG, default 4096).
   */
  constructor(options = {}) {
    requireCore("new MemFS()");
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const limits = checkLimits(options.limits);
    /** @internal */
    this[CORE] = limits === undefined ? new MemFsCore() : MemFsCore.withLimits(limits);
  }

  /**
   * Calls the core. A trap inside it (a Rust panic, which aborts, or stack
   * exhaustion) becomes an Error naming the MemFS method, and what the
   * trap abandoned is released (js/recovery.js) so the MemFS stays usable.
   */
  /**
   * @template {CoreMethod} K
   * @param {K} name
   * @param {Parameters<MemFsCore[K]>} args
   * @returns {ReturnType<MemFsCore[K]>}
   */
  #call(name, ...args) {
    const core = this[CORE];
    const method = /** @type {(...a: Parameters<MemFsCore[K]>) => ReturnType<MemFsCore[K]>} */ (core[name]);
    try {
      return method.apply(core, args);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      const panic = MemFsCore.takePanic();
      this.#replaceCore();
      const what = panic === undefined ? `trapped (${error.message})` : `panicked: ${panic}`;
      throw new Error(`wasi-web core ${what} in MemFS.${name}`, { cause: error });
    } finally {
      // A trap in a callback this call made (a mount's provider) is
      // repaired now that the call is over.
      repair();
    }
  }

  /**
   * After a trap in a method of this MemFS's core object: that object is
   * still referenced (and borrowed) by the call the trap cut short, so a
   * new one on the same filesystem takes its place and the old one is
   * freed, and the filesystem's borrow released, once no call into the
   * core is in progress (js/recovery.js). Until then the filesystem is
   * "busy" (EBUSY).
   */
  #replaceCore() {
    const old = this[CORE];
    this[CORE] = MemFsCore.share(old);
    abandon(old);
    recoverFs(this[CORE]);
  }

  /** The limits in force (defaults filled in). */
  get limits() {
    return this.#call("limits");
  }

  /** What the filesystem holds: inodes (the root included) and bytes of stored file data. */
  usage() {
    const [inodes, bytes] = this.#call("usage");
    return { inodes, bytes };
  }

  /** Checks the filesystem's internal consistency (for tests); throws an Error saying what is wrong. */
  checkInvariants() {
    this.#call("checkInvariants");
  }

  /** Bytes of the core's own WebAssembly.Memory, shared by every MemFS and WASI (for leak checks). */
  static coreMemoryBytes() {
    requireCore("MemFS.coreMemoryBytes()");
    return MemFsCore.coreMemoryBytes();
  }

  /**
   * Frees everything the filesystem holds, at once (the core's memory is
   * reused by the next MemFS). Every later call throws "MemFS is closed";
   * a program still running on it gets EBADF from its descriptors, and a
   * new WASI on it throws. Closing twice does nothing.
   */
  close() {
    this.#call("close");
  }

  /** `using fs = new MemFS()` closes it at the end of the block. */
  [symbolDispose]() {
    this.close();
  }

  /** Whether close() has been called. */
  get closed() {
    return this[CORE].closed;
  }

  /**
   * @param {string} path
   * @param {{recursive?: boolean}} [options] recursive: create missing parents and accept an existing directory
   */
  mkdir(path, options = {}) {
    this.#call("mkdir", checkPath(path), Boolean(options?.recursive));
  }

  /**
   * Creates or truncates a regular file. Strings are written as UTF-8.
   * @param {string} path
   * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} data
   */
  writeFile(path, data) {
    const bytes = typeof data === "string" ? encoder.encode(data) : toBytes(data, "data");
    this.#call("writeFile", checkPath(path), bytes);
  }

  /**
   * The whole file: bytes (a copy), or a string for encoding "utf8".
   * @param {string} path
   * @param {"utf8" | "utf-8" | {encoding?: "utf8" | "utf-8" | null} | null} [encoding]
   * @returns {Uint8Array | string}
   */
  readFile(path, encoding) {
    const enc = encoding !== null && typeof encoding === "object" ? encoding.encoding : encoding;
    if (enc != null && enc !== "utf8" && enc !== "utf-8") {
      throw new TypeError(`unsupported encoding ${JSON.stringify(enc)}: use "utf8" or none`);
    }
    const bytes = this.#call("readFile", checkPath(path));
    return enc == null ? bytes : decoder.decode(bytes);
  }

  /**
   * Entry names in creation order, without `.` and `..`.
   * @param {string} path
   * @returns {string[]}
   */
  readdir(path) {
    return this.#call("readdir", checkPath(path));
  }

  /** Follows symlinks. @param {string} path @returns {Stats} */
  stat(path) {
    return new Stats(this.#call("stat", checkPath(path)));
  }

  /** Does not follow a final symlink. @param {string} path @returns {Stats} */
  lstat(path) {
    return new Stats(this.#call("lstat", checkPath(path)));
  }

  /**
   * Creates `path` as a symlink whose text is `target` (like node:fs).
   * @param {string} target
   * @param {string} path
   */
  symlink(target, path) {
    this.#call("symlink", checkPath(target, "target"), checkPath(path));
  }

  /** @param {string} path @returns {string} */
  readlink(path) {
    return this.#call("readlink", checkPath(path));
  }

  /** POSIX rename. @param {string} from @param {string} to */
  rename(from, to) {
    this.#call("rename", checkPath(from, "from"), checkPath(to, "to"));
  }

  /**
   * Removes a file, a symlink, or a directory (a non-empty one only with
   * `recursive`).
   * @param {string} path
   * @param {{recursive?: boolean}} [options]
   */
  rm(path, options = {}) {
    this.#call("rm", checkPath(path), Boolean(options?.recursive));
  }

  /**
   * Mounts `provider` at `path` (a new name, or an empty directory that
   * nothing has open): from then on, everything under `path` is the
   * provider's, live, for this API and for every program on this MemFS.
   * Paths and symlinks are still resolved here, so the provider only ever
   * gets one name at a time. `readonly` (or `provider.readonly`) refuses
   * every change with EPERM. Renames and links across mounts are EXDEV;
   * the MemFS limits do not count the provider's files.
   * @param {string} path
   * @param {import("./index.js").FsProvider} provider e.g. `hostFolder(fs, dir)` from wasi-web/node
   * @param {{ readonly?: boolean }} [options]
   */
  mount(path, provider, options = {}) {
    const p = checkProvider(provider);
    const readonly = Boolean(options?.readonly ?? /** @type {{ readonly?: unknown }} */ (p).readonly);
    this.#call("mount", checkPath(path), new ProviderAdapter(p), readonly);
    // A provider that may have to wait (URL, OPFS): async-mode programs made after this suspend on file data.
    noteMount(this, p);
  }

  /**
   * The whole filesystem as a tar archive (POSIX pax, readable by `tar`):
   * directories, files (holes as zeros), symlinks, hard links, atime and
   * mtime to the nanosecond. Files only held open (unlinked) are left out.
   * @returns {Uint8Array}
   */
  snapshot() {
    return this.#call("snapshot");
  }

  /**
   * A new MemFS holding what a tar archive holds (from `snapshot()`, or
   * `tar --format=pax`/ustar/GNU). Hard links share an inode again; ctime is
   * the restore time; modes and owners are ignored (a MemFS has none). A
   * malformed or truncated archive, a name outside the root (`/x`, `..`,
   * through a symlink), a device or FIFO entry throws an Error with code
   * `EINVAL`; one beyond `options.limits` throws `ENOSPC`/`EFBIG`/
   * `ENAMETOOLONG` (checked before the data is stored).
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} bytes
   * @param {{ limits?: {maxBytes?: number, maxFileSize?: number, maxInodes?: number, maxSymlinks?: number, maxPathLength?: number} }} [options]
   * @returns {MemFS}
   */
  static fromSnapshot(bytes, options = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const limits = checkLimits(options.limits);
    const data = toBytes(bytes, "bytes");
    const fs = new MemFS();
    let core;
    try {
      core = MemFsCore.fromSnapshot(data, limits);
    } catch (error) {
      fs.close();
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      const panic = MemFsCore.takePanic();
      throw new Error(`wasi-web core ${panic === undefined ? `trapped (${error.message})` : `panicked: ${panic}`} in MemFS.fromSnapshot`, {
        cause: error,
      });
    }
    fs[CORE].free();
    fs[CORE] = core;
    return fs;
  }

  /** Whether `path` exists (following symlinks). @param {string} path */
  exists(path) {
    return this.#call("exists", checkPath(path));
  }
}
