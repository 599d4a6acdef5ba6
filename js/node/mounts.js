// --dir handling for the CLI. In Node, each host directory is mounted live
// (mountHostFolders: hostFolder providers, nothing copied, nothing written
// back). --browser cannot reach host files from the page, so it still copies
// them in and writes the guest's changes back (mountHostDirs, syncHostDirs).
import fs from "node:fs";
import path from "node:path";
import { hostFolder } from "./host-folder.js";
import { fromHostDir, toHostDir } from "./host-dirs.js";
import { writeQuietly } from "./stdio.js";

/**
 * The real path of a --dir's host side, or an Error that names it.
 * @param {string} host
 */
function realDir(host) {
  let real;
  try {
    real = fs.realpathSync(host);
  } catch (error) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (error);
    throw new Error(`--dir ${host}: ${code === "ENOENT" ? "no such directory" : message}`, { cause: error });
  }
  if (!fs.statSync(real).isDirectory()) throw new Error(`--dir ${host}: not a directory`);
  return real;
}

/**
 * Mounts the host side of each `--dir` live in `memfs`, like `wasmtime run
 * --dir`: the guest works on the real files. A directory given twice, or one
 * inside another with the same access, is mounted once, so that every
 * preopen of it sees one tree (and renames between them are not EXDEV).
 *
 * @param {import("../memfs.js").MemFS} memfs
 * @param {{host: string, guest: string, readonly?: boolean}[]} dirs
 * @returns {Record<string, string>} the preopens: guest path → MemFS path
 */
export function mountHostFolders(memfs, dirs) {
  const resolved = dirs.map((d) => ({ real: realDir(d.host), guest: d.guest, readonly: Boolean(d.readonly) }));
  /** @type {{ host: string, readonly: boolean, fsPath: string }[]} */
  const roots = [];
  /** @param {string} real @param {boolean} readonly */
  const key = (real, readonly) => `${readonly ? "r" : "w"}${real}`;
  /** @type {Map<string, string>} */
  const fsPathOf = new Map();
  const unique = [...new Map(resolved.map((d) => [key(d.real, d.readonly), d])).values()].sort((a, b) => a.real.length - b.real.length);
  const warn = (/** @type {string} */ message) => writeQuietly(2, new TextEncoder().encode(`${message}\n`));
  for (const { real, readonly } of unique) {
    const parent = roots.find((r) => r.readonly === readonly && real.startsWith(r.host.endsWith(path.sep) ? r.host : r.host + path.sep));
    if (parent) {
      fsPathOf.set(key(real, readonly), `${parent.fsPath}/${path.relative(parent.host, real).split(path.sep).join("/")}`);
    } else {
      const fsPath = `/host/${roots.length}`;
      memfs.mkdir("/host", { recursive: true });
      memfs.mount(fsPath, hostFolder(fs, real, { readonly, onWarning: warn }));
      roots.push({ host: real, readonly, fsPath });
      fsPathOf.set(key(real, readonly), fsPath);
    }
  }
  /** @type {Record<string, string>} */
  const preopens = {};
  for (const { real, guest, readonly } of resolved) preopens[guest] = /** @type {string} */ (fsPathOf.get(key(real, readonly)));
  return preopens;
}

/**
 * A host directory copied into the MemFS: where, and what was copied (for toHostDir).
 * @typedef {{ host: string, fsPath: string, loaded: Map<string, import("./host-dirs.js").Loaded> }} MountRoot
 */

/**
 * Copies the host side of each `--dir` into `memfs`. A directory given twice,
 * or one inside another, is copied once, so that every preopen of it sees the
 * same files, as on a real filesystem.
 *
 * @param {import("../memfs.js").MemFS} memfs
 * @param {{host: string, guest: string}[]} dirs
 * @returns {{ preopens: Record<string, string>, roots: MountRoot[] }}
 */
export function mountHostDirs(memfs, dirs) {
  const resolved = dirs.map(({ host, guest }) => ({ real: realDir(host), guest }));
  /** @type {MountRoot[]} */
  const roots = [];
  const byReal = [...new Set(resolved.map((d) => d.real))].sort((a, b) => a.length - b.length);
  /** @type {Map<string, string>} */
  const fsPathOf = new Map();
  for (const real of byReal) {
    const parent = roots.find((r) => real.startsWith(r.host.endsWith(path.sep) ? r.host : r.host + path.sep));
    if (parent) {
      fsPathOf.set(real, `${parent.fsPath}/${path.relative(parent.host, real).split(path.sep).join("/")}`);
    } else {
      const fsPath = `/host/${roots.length}`;
      roots.push({ host: real, fsPath, loaded: fromHostDir(real, { fs: memfs, at: fsPath }).loaded });
      fsPathOf.set(real, fsPath);
    }
  }
  /** @type {Record<string, string>} */
  const preopens = {};
  // Every real path got its MemFS path above.
  for (const { real, guest } of resolved) preopens[guest] = /** @type {string} */ (fsPathOf.get(real));
  return { preopens, roots };
}

/**
 * Writes the guest's changes back to every mounted host directory, and says
 * on stderr which were not written because the host changed them meanwhile.
 * @param {import("../memfs.js").MemFS} memfs
 * @param {MountRoot[]} roots
 * @returns {import("./host-dirs.js").Conflict[]}
 */
export function syncHostDirs(memfs, roots) {
  const conflicts = roots.flatMap((root) => toHostDir(memfs, root.fsPath, root.host, { loaded: root.loaded }).conflicts);
  for (const { path: where, reason } of conflicts) {
    writeQuietly(2, new TextEncoder().encode(`wasi-web: not writing back ${where}: ${reason}\n`));
  }
  return conflicts;
}
