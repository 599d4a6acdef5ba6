import { MemFsCore } from "./core.js";
import { CORE, decoder, encoder, toBytes } from "./internal.js";
import { Stats } from "./stats.js";

function checkPath(path, what = "path") {
  if (typeof path !== "string") throw new TypeError(`${what} must be a string, got ${typeof path}`);
  return path;
}

/**
 * An in-memory filesystem. Paths are absolute (`/a/b`); symlinks resolve
 * inside it and never escape its root. Methods are synchronous and throw
 * Errors with a node:fs-style `code` (`ENOENT`, `EEXIST`, `ENOTDIR`, ...).
 *
 * One MemFS may back several WASI instances, before, during and after runs.
 */
export class MemFS {
  constructor() {
    /** @internal */
    this[CORE] = new MemFsCore();
  }

  /**
   * @param {string} path
   * @param {{recursive?: boolean}} [options] recursive: create missing parents and accept an existing directory
   */
  mkdir(path, options = {}) {
    this[CORE].mkdir(checkPath(path), Boolean(options?.recursive));
  }

  /**
   * Creates or truncates a regular file. Strings are written as UTF-8.
   * @param {string} path
   * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} data
   */
  writeFile(path, data) {
    const bytes = typeof data === "string" ? encoder.encode(data) : toBytes(data, "data");
    this[CORE].writeFile(checkPath(path), bytes);
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
    const bytes = this[CORE].readFile(checkPath(path));
    return enc == null ? bytes : decoder.decode(bytes);
  }

  /**
   * Entry names in creation order, without `.` and `..`.
   * @param {string} path
   * @returns {string[]}
   */
  readdir(path) {
    return this[CORE].readdir(checkPath(path));
  }

  /** Follows symlinks. @param {string} path @returns {Stats} */
  stat(path) {
    return new Stats(this[CORE].stat(checkPath(path)));
  }

  /** Does not follow a final symlink. @param {string} path @returns {Stats} */
  lstat(path) {
    return new Stats(this[CORE].lstat(checkPath(path)));
  }

  /**
   * Creates `path` as a symlink whose text is `target` (like node:fs).
   * @param {string} target
   * @param {string} path
   */
  symlink(target, path) {
    this[CORE].symlink(checkPath(target, "target"), checkPath(path));
  }

  /** @param {string} path @returns {string} */
  readlink(path) {
    return this[CORE].readlink(checkPath(path));
  }

  /** POSIX rename. @param {string} from @param {string} to */
  rename(from, to) {
    this[CORE].rename(checkPath(from, "from"), checkPath(to, "to"));
  }

  /**
   * Removes a file, a symlink, or a directory (a non-empty one only with
   * `recursive`).
   * @param {string} path
   * @param {{recursive?: boolean}} [options]
   */
  rm(path, options = {}) {
    this[CORE].rm(checkPath(path), Boolean(options?.recursive));
  }

  /** Whether `path` exists (following symlinks). @param {string} path */
  exists(path) {
    return this[CORE].exists(checkPath(path));
  }
}
