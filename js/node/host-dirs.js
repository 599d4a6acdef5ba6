// Copying host directories into a MemFS and the guest's changes back (Node only).
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { MemFS } from "../memfs.js";

/**
 * What `fromHostDir` copied at one path: enough to tell later whether the
 * guest or the host changed it, without a second copy of the bytes.
 * @typedef {{ type: "directory" }
 *   | { type: "symlink", target: string }
 *   | { type: "file", size: number, mtimeMs: number, sha256: string }} Loaded
 */

/**
 * A host path that `toHostDir` left alone because writing the guest's change
 * would lose something on the host.
 * @typedef {{ path: string, reason: string }} Conflict
 */

const CHANGED = "it changed on the host during the run";

/** @param {string} root @param {string} rel */
function fsJoin(root, rel) {
  if (rel === "") return root;
  return root.endsWith("/") ? root + rel : `${root}/${rel}`;
}

/** @param {Uint8Array} data */
function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Copies the host directory `hostDir` (files, directories, symlinks; other
 * kinds are skipped) into `memfs` at `fsPath`, which is created if missing.
 * Returns what was copied, `Map<relative path, Loaded>`, for `toHostDir`.
 *
 * @param {string} hostDir
 * @param {{ fs?: MemFS, at?: string }} [options] the MemFS (default: a new one) and where in it (default "/")
 * @returns {{ fs: MemFS, loaded: Map<string, Loaded> }}
 */
export function fromHostDir(hostDir, options = {}) {
  const memfs = options.fs ?? new MemFS();
  const at = options.at ?? "/";
  /** @type {Map<string, Loaded>} */
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
        loaded.set(relPath, { type: "directory" });
        walk(relPath);
      } else if (st.isSymbolicLink()) {
        const link = fs.readlinkSync(host);
        memfs.symlink(link, target);
        loaded.set(relPath, { type: "symlink", target: link });
      } else if (st.isFile()) {
        // Size and mtime from the descriptor that was read, so they match the bytes.
        const fd = fs.openSync(host, "r");
        try {
          const fst = fs.fstatSync(fd);
          const data = fs.readFileSync(fd);
          memfs.writeFile(target, data);
          loaded.set(relPath, { type: "file", size: fst.size, mtimeMs: fst.mtimeMs, sha256: sha256(data) });
        } finally {
          fs.closeSync(fd);
        }
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
    const { code } = /** @type {NodeJS.ErrnoException} */ (error);
    // ENOTDIR: a parent became a file, so nothing is there either.
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
}

/**
 * What the host has at `host` now, in the baseline's terms; null if nothing,
 * "other" for kinds that are never loaded (FIFOs, sockets, devices).
 * @param {string} host
 * @returns {Loaded | "other" | null}
 */
function hostNow(host) {
  const type = hostType(host);
  if (type === null || type === "other") return type;
  if (type === "directory") return { type };
  if (type === "symlink") return { type, target: fs.readlinkSync(host) };
  const data = fs.readFileSync(host);
  return { type, size: data.length, mtimeMs: fs.lstatSync(host).mtimeMs, sha256: sha256(data) };
}

/**
 * Whether two entries hold the same thing. For files the content decides, not
 * the mtime: a host `touch` is not an edit worth refusing a write for.
 * @param {Loaded | "other" | null} a @param {Loaded | "other" | null} b
 */
function same(a, b) {
  if (a === null || b === null || a === "other" || b === "other") return a === b && a !== "other";
  if (a.type !== b.type) return false;
  if (a.type === "symlink" && b.type === "symlink") return a.target === b.target;
  if (a.type === "file" && b.type === "file") return a.size === b.size && a.sha256 === b.sha256;
  return true;
}

/**
 * Writes `data` to `host` through a temp file in the same folder and a rename,
 * so that a crash never leaves half a file and a hard link to the old file
 * outside keeps its content (as a guest's "write temp, rename over" would).
 * @param {string} host @param {Uint8Array} data @param {import("../stats.js").Stats} st the MemFS file's stat
 */
function replaceFile(host, data, st) {
  const temp = path.join(path.dirname(host), `.${path.basename(host)}.wasi-web-${randomBytes(6).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(temp, data, { flag: "wx" });
    // Keep the host file's permissions (an executable script stays executable).
    if (hostType(host) === "file") fs.chmodSync(temp, fs.statSync(host).mode & 0o7777);
    fs.utimesSync(temp, st.atimeMs / 1000, st.mtimeMs / 1000);
    fs.renameSync(temp, host);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes the guest's changes in the MemFS directory `fsPath` back to
 * `hostDir`.
 *
 * With `loaded` (from `fromHostDir` on the same folder), only what the guest
 * changed since the copy is written: new and modified files, directories and
 * symlinks are created, and what the guest deleted is deleted. A path that
 * the host also changed meanwhile is left as the host has it and reported in
 * `conflicts`. A directory is removed only if empty on the host (never
 * recursively). What the guest did not touch is never written or deleted.
 *
 * Without `loaded`, new and differing entries are written over the host's;
 * nothing is deleted unless `delete: true`, which then mirrors the MemFS
 * directory exactly (removing host entries it lacks, recursively).
 *
 * @param {MemFS} memfs
 * @param {string} fsPath
 * @param {string} hostDir
 * @param {{ loaded?: Map<string, Loaded | string>, delete?: boolean }} [options]
 * @returns {{ written: number, removed: number, conflicts: Conflict[] }}
 */
export function toHostDir(memfs, fsPath, hostDir, options = {}) {
  /** @type {Map<string, Loaded>} */
  const entries = new Map();
  /** @param {string} rel */
  const walk = (rel) => {
    for (const name of memfs.readdir(fsJoin(fsPath, rel))) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const full = fsJoin(fsPath, relPath);
      const type = memfs.lstat(full).type;
      if (type === "directory") {
        entries.set(relPath, { type });
        walk(relPath);
      } else if (type === "symlink") {
        entries.set(relPath, { type, target: memfs.readlink(full) });
      } else {
        // Without an encoding, readFile gives bytes.
        const data = /** @type {Uint8Array} */ (memfs.readFile(full));
        entries.set(relPath, { type, size: data.length, mtimeMs: 0, sha256: sha256(data) });
      }
    }
  };
  walk("");
  fs.mkdirSync(hostDir, { recursive: true });
  return options.loaded
    ? writeChanges(memfs, fsPath, hostDir, entries, options.loaded)
    : mirror(memfs, fsPath, hostDir, entries, options.delete === true);
}

/**
 * Creates the MemFS entry `rel` at `host` (nothing is there, or a file being replaced).
 * @param {MemFS} memfs @param {string} fsPath @param {string} rel @param {string} host @param {Loaded} entry
 */
function create(memfs, fsPath, rel, host, entry) {
  const full = fsJoin(fsPath, rel);
  if (entry.type === "directory") fs.mkdirSync(host);
  else if (entry.type === "symlink") fs.symlinkSync(entry.target, host);
  else replaceFile(host, /** @type {Uint8Array} */ (memfs.readFile(full)), memfs.lstat(full));
}

/**
 * toHostDir against a baseline: see there.
 * @param {MemFS} memfs @param {string} fsPath @param {string} hostDir
 * @param {Map<string, Loaded>} entries @param {Map<string, Loaded | string>} loaded
 * @returns {{ written: number, removed: number, conflicts: Conflict[] }}
 */
function writeChanges(memfs, fsPath, hostDir, entries, loaded) {
  let written = 0;
  let removed = 0;
  /** @type {Conflict[]} */
  const conflicts = [];
  // Paths whose host side could not be made to match: nothing is created
  // under them and no second conflict is reported for them.
  /** @type {Set<string>} */
  const blocked = new Set();
  const isBlocked = (/** @type {string} */ rel) => {
    for (let i = rel.lastIndexOf("/"); i > 0; i = rel.lastIndexOf("/", i - 1)) {
      if (blocked.has(rel.slice(0, i))) return true;
    }
    return blocked.has(rel);
  };
  const conflict = (/** @type {string} */ rel, /** @type {string} */ reason) => {
    blocked.add(rel);
    conflicts.push({ path: path.join(hostDir, rel), reason });
  };
  // A failing step (a read-only host file) is reported and the rest goes on,
  // rather than stopping halfway.
  const attempt = (/** @type {string} */ rel, /** @type {() => void} */ step) => {
    try {
      step();
    } catch (error) {
      conflict(rel, /** @type {Error} */ (error).message);
    }
  };
  /**
   * The baseline of `rel`; an old-style type-only baseline says nothing of
   * the content, so the host's current entry (of that type) stands in for it.
   * @param {string} rel @returns {Loaded | null}
   */
  const baseline = (rel) => {
    const b = loaded.get(rel);
    if (b === undefined) return null;
    if (typeof b !== "string") return b;
    const now = hostNow(path.join(hostDir, rel));
    return now !== null && now !== "other" && now.type === b
      ? now
      : /** @type {Loaded} */ ({ type: b, target: "", size: -1, mtimeMs: 0, sha256: "" });
  };

  // Removals first, deepest first, so that a directory is empty when its
  // turn comes and a type change is a removal and then a creation.
  const gone = [...loaded.keys()].filter((rel) => {
    const b = baseline(rel);
    const now = entries.get(rel);
    return b !== null && (now === undefined || now.type !== b.type);
  });
  gone.sort((a, b) => b.length - a.length);
  for (const rel of gone) {
    const host = path.join(hostDir, rel);
    const base = /** @type {Loaded} */ (baseline(rel));
    attempt(rel, () => {
      const now = hostNow(host);
      if (now === null) return; // removed on both sides
      if (base.type === "directory") {
        if (now === "other" || now.type !== "directory") return conflict(rel, CHANGED);
        try {
          // Never recursive: what the host added meanwhile stays.
          fs.rmdirSync(host);
          removed++;
        } catch (error) {
          const { code } = /** @type {NodeJS.ErrnoException} */ (error);
          if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
          conflict(rel, `${CHANGED} (it is not empty)`);
        }
      } else if (same(now, base)) {
        fs.unlinkSync(host);
        removed++;
      } else {
        conflict(rel, CHANGED);
      }
    });
  }

  for (const [rel, entry] of entries) {
    if (isBlocked(rel)) continue;
    const host = path.join(hostDir, rel);
    const base = baseline(rel);
    if (base !== null && same(entry, base)) continue; // the guest left it as loaded
    attempt(rel, () => {
      const now = hostNow(host);
      if (same(now, entry)) return; // already as the guest has it
      // The host side must still be as loaded: nothing for a new entry or a
      // type change (removed above), the loaded entry for a modified one.
      if (!same(now, base === null || base.type !== entry.type ? null : base)) return conflict(rel, CHANGED);
      if (entry.type === "symlink" && now !== null) fs.unlinkSync(host);
      create(memfs, fsPath, rel, host, entry);
      written++;
    });
  }
  return { written, removed, conflicts };
}

/**
 * toHostDir without a baseline: see there.
 * @param {MemFS} memfs @param {string} fsPath @param {string} hostDir
 * @param {Map<string, Loaded>} entries @param {boolean} remove
 * @returns {{ written: number, removed: number, conflicts: Conflict[] }}
 */
function mirror(memfs, fsPath, hostDir, entries, remove) {
  let written = 0;
  let removed = 0;
  /** @type {Conflict[]} */
  const conflicts = [];
  if (remove) {
    const extra = [...listHost(hostDir)].filter(([rel, type]) => entries.get(rel)?.type !== type).map(([rel]) => rel);
    extra.sort((a, b) => b.length - a.length);
    for (const rel of extra) {
      const host = path.join(hostDir, rel);
      if (hostType(host) === null) continue;
      // Asked for: the host folder is to become a mirror.
      fs.rmSync(host, { recursive: true, force: true });
      removed++;
    }
  }
  /** @type {Set<string>} */
  const blocked = new Set();
  for (const [rel, entry] of entries) {
    const parent = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    if (blocked.has(parent)) {
      blocked.add(rel);
      continue;
    }
    const host = path.join(hostDir, rel);
    const now = hostNow(host);
    if (same(now, entry)) continue;
    // Overwriting a file with a file or a symlink with a symlink loses
    // nothing that was asked to be kept; anything else needs a deletion.
    if (now !== null && (now === "other" || now.type !== entry.type)) {
      blocked.add(rel);
      conflicts.push({ path: host, reason: "something else is there on the host (pass delete: true to replace it)" });
      continue;
    }
    if (entry.type === "symlink" && now !== null) fs.unlinkSync(host);
    create(memfs, fsPath, rel, host, entry);
    written++;
  }
  return { written, removed, conflicts };
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

/**
 * A host directory copied into a MemFS: where, and what was copied (the
 * baseline `toHostDir` writes back against); js/node/mounts.js makes them.
 * @typedef {{ host: string, fsPath: string, loaded: Map<string, Loaded> }} CopiedDir
 */

/**
 * Replays the guest's renames on the host before `toHostDir`, so that a
 * renamed file or directory is renamed there too (its inode, and hard links
 * to it outside the folder, stay) rather than deleted and written anew.
 * `renames` are MemFS paths `[from, to]` (from a comparison of inode numbers
 * before and after the run), parents before children. A rename is made only
 * where the host still has `from` as loaded and `to` as loaded or absent;
 * otherwise it is left to `toHostDir`, which then deletes and creates (or
 * reports a conflict). The baseline is updated to match. Returns how many
 * were made.
 *
 * @param {CopiedDir} root
 * @param {[string, string][]} renames
 */
export function replayRenames(root, renames) {
  const prefix = `${root.fsPath}/`;
  const inside = renames.filter(([from, to]) => from.startsWith(prefix) && to.startsWith(prefix));
  const sources = new Set(inside.map(([from]) => from.slice(prefix.length)));
  /** @type {[string, string][]} directory moves made so far, to translate later sources */
  const moved = [];
  const translate = (/** @type {string} */ rel) => {
    for (const [from, to] of moved) {
      if (rel.startsWith(`${from}/`)) rel = to + rel.slice(from.length);
    }
    return rel;
  };
  let made = 0;
  for (const [fromPath, toPath] of inside) {
    const from = translate(fromPath.slice(prefix.length));
    const to = toPath.slice(prefix.length);
    // A cycle of renames (a swap) would overwrite a source: left to toHostDir.
    if (sources.has(to)) continue;
    const base = root.loaded.get(from);
    if (base === undefined) continue;
    const hostFrom = path.join(root.host, from);
    const hostTo = path.join(root.host, to);
    const nowFrom = hostNow(hostFrom);
    if (!(base.type === "directory" ? nowFrom !== null && nowFrom !== "other" && nowFrom.type === "directory" : same(nowFrom, base))) {
      continue;
    }
    const baseTo = root.loaded.get(to) ?? null;
    const nowTo = hostNow(hostTo);
    if (baseTo === null ? nowTo !== null : baseTo.type === "directory" || !same(nowTo, baseTo)) continue;
    try {
      fs.renameSync(hostFrom, hostTo);
    } catch {
      continue; // e.g. a new parent the guest made: toHostDir creates it
    }
    made++;
    // The baseline follows: what was loaded at `from` (and below) is now at `to`.
    for (const key of [...root.loaded.keys()]) {
      if (key === to || key.startsWith(`${to}/`)) root.loaded.delete(key);
    }
    for (const [key, value] of [...root.loaded]) {
      if (key === from || key.startsWith(`${from}/`)) {
        root.loaded.delete(key);
        root.loaded.set(to + key.slice(from.length), value);
      }
    }
    if (base.type === "directory") moved.push([from, to]);
  }
  return made;
}
