/**
 * What `MemFS.stat` and `MemFS.lstat` return: the core's plain record plus
 * node:fs-style predicates.
 */
export class Stats {
  /** @param {{type: "file" | "directory" | "symlink", size: number, ino: number, nlink: number, dev: number, atimeMs: number, mtimeMs: number, ctimeMs: number}} raw */
  constructor(raw) {
    /** @type {"file" | "directory" | "symlink"} */
    this.type = raw.type;
    /** @type {number} */ this.size = raw.size;
    /** @type {number} */ this.ino = raw.ino;
    /** @type {number} */ this.nlink = raw.nlink;
    /** @type {number} */ this.dev = raw.dev;
    /** @type {number} */ this.atimeMs = raw.atimeMs;
    /** @type {number} */ this.mtimeMs = raw.mtimeMs;
    /** @type {number} */ this.ctimeMs = raw.ctimeMs;
  }
  isFile() {
    return this.type === "file";
  }
  isDirectory() {
    return this.type === "directory";
  }
  isSymbolicLink() {
    return this.type === "symlink";
  }
  get atime() {
    return new Date(this.atimeMs);
  }
  get mtime() {
    return new Date(this.mtimeMs);
  }
  get ctime() {
    return new Date(this.ctimeMs);
  }
}
