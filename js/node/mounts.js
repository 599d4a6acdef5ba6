// --dir handling for the CLI: which host directories to copy into the MemFS,
// where, and how to write the guest's changes back.
import fs from "node:fs";
import path from "node:path";
import { fromHostDir, toHostDir } from "./host-dirs.js";
import { writeQuietly } from "./stdio.js";

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
  const resolved = dirs.map(({ host, guest }) => {
    let real;
    try {
      real = fs.realpathSync(host);
    } catch (error) {
      const { code, message } = /** @type {NodeJS.ErrnoException} */ (error);
      throw new Error(`--dir ${host}: ${code === "ENOENT" ? "no such directory" : message}`, { cause: error });
    }
    if (!fs.statSync(real).isDirectory()) throw new Error(`--dir ${host}: not a directory`);
    return { real, guest };
  });
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
