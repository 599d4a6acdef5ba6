// Copying host directories into a MemFS and the guest's changes back (Node only).
import fs from "node:fs";
import path from "node:path";
import { MemFS } from "../memfs.js";

/** @param {string} root @param {string} rel */
function fsJoin(root, rel) {
  if (rel === "") return root;
  return root.endsWith("/") ? root + rel : `${root}/${rel}`;
}

/**
 * Copies the host directory `hostDir` (files, directories, symlinks; other
 * kinds are skipped) into `memfs` at `fsPath`, which is created if missing.
 * Returns what was copied, `Map<relative path, type>`, for `toHostDir`.
 *
 * @param {string} hostDir
 * @param {{ fs?: MemFS, at?: string }} [options] the MemFS (default: a new one) and where in it (default "/")
 * @returns {{ fs: MemFS, loaded: Map<string, "file" | "directory" | "symlink"> }}
 */
export function fromHostDir(hostDir, options = {}) {
  const memfs = options.fs ?? new MemFS();
  const at = options.at ?? "/";
  /** @type {Map<string, "file" | "directory" | "symlink">} */
  const loaded = new Map();
  if (!fs.statSync(hostDir).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, '${hostDir}'`), { code: "ENOTDIR" });
  }
  memfs.mkdir(at, { recursive: true });
  /** @param {string} rel */
  const walk = (rel) => {
    const names = fs.readdirSync(path.join(hostDir, rel)).sort();
    for (const name of names) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const host = path.join(hostDir, relPath);
      const target = fsJoin(at, relPath);
      const st = fs.lstatSync(host);
      if (st.isDirectory()) {
        memfs.mkdir(target);
        loaded.set(relPath, "directory");
        walk(relPath);
      } else if (st.isSymbolicLink()) {
        memfs.symlink(fs.readlinkSync(host), target);
        loaded.set(relPath, "symlink");
      } else if (st.isFile()) {
        memfs.writeFile(target, fs.readFileSync(host));
        loaded.set(relPath, "file");
      }
    }
  };
  walk("");
  return { fs: memfs, loaded };
}

/**
 * What `host` is, not following a symlink; null if nothing.
 * @param {string} host
 * @returns {"directory" | "symlink" | "file" | "other" | null}
 */
function hostType(host) {
  try {
    const st = fs.lstatSync(host);
    if (st.isDirectory()) return "directory";
    if (st.isSymbolicLink()) return "symlink";
    if (st.isFile()) return "file";
    return "other";
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return null;
    throw error;
  }
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Makes `hostDir` match the MemFS directory `fsPath`: writes new and changed
 * files (with the guest's modification times), makes directories and
 * symlinks, and deletes what the guest deleted. With `loaded` (from
 * `fromHostDir`) only entries that were copied in are deleted, so files
 * created on the host meanwhile survive; without it the host directory is
 * mirrored exactly.
 *
 * @param {MemFS} memfs
 * @param {string} fsPath
 * @param {string} hostDir
 * @param {{ loaded?: Map<string, string> }} [options]
 * @returns {{ written: number, removed: number }}
 */
export function toHostDir(memfs, fsPath, hostDir, options = {}) {
  /** @type {Map<string, string>} */
  const entries = new Map();
  /** @param {string} rel */
  const walk = (rel) => {
    for (const name of memfs.readdir(fsJoin(fsPath, rel))) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const type = memfs.lstat(fsJoin(fsPath, relPath)).type;
      entries.set(relPath, type);
      if (type === "directory") walk(relPath);
    }
  };
  walk("");

  let written = 0;
  let removed = 0;
  fs.mkdirSync(hostDir, { recursive: true });

  // Deletions first, deepest first, so that a type change is a delete + create.
  /** @type {Map<string, string>} */
  const before = options.loaded ?? listHost(hostDir);
  const gone = [...before.keys()].filter((rel) => entries.get(rel) !== before.get(rel));
  gone.sort((a, b) => b.length - a.length);
  for (const rel of gone) {
    const host = path.join(hostDir, rel);
    if (hostType(host) === null) continue;
    if (entries.get(rel) === "directory" && hostType(host) === "directory") continue;
    fs.rmSync(host, { recursive: true, force: true });
    removed++;
  }

  for (const [rel, type] of entries) {
    const host = path.join(hostDir, rel);
    const full = fsJoin(fsPath, rel);
    const current = hostType(host);
    if (type === "directory") {
      if (current === "directory") continue;
      if (current !== null) fs.rmSync(host, { recursive: true, force: true });
      fs.mkdirSync(host);
      written++;
    } else if (type === "symlink") {
      const target = memfs.readlink(full);
      if (current === "symlink" && fs.readlinkSync(host) === target) continue;
      if (current !== null) fs.rmSync(host, { recursive: true, force: true });
      fs.symlinkSync(target, host);
      written++;
    } else {
      // Without an encoding, readFile gives bytes.
      const data = /** @type {Uint8Array} */ (memfs.readFile(full));
      if (current === "file" && sameBytes(fs.readFileSync(host), data)) continue;
      if (current !== null && current !== "file") fs.rmSync(host, { recursive: true, force: true });
      fs.writeFileSync(host, data);
      const st = memfs.lstat(full);
      fs.utimesSync(host, st.atimeMs / 1000, st.mtimeMs / 1000);
      written++;
    }
  }
  return { written, removed };
}

/**
 * What `hostDir` holds (files, directories, symlinks), by relative path.
 * @param {string} hostDir
 */
function listHost(hostDir) {
  /** @type {Map<string, "directory" | "symlink" | "file">} */
  const out = new Map();
  /** @param {string} rel */
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(hostDir, rel))) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const type = hostType(path.join(hostDir, relPath));
      if (type === null || type === "other") continue;
      out.set(relPath, type);
      if (type === "directory") walk(relPath);
    }
  };
  if (hostType(hostDir) === "directory") walk("");
  return out;
}
