// The on-disk half of the transpile cache (Node only): one directory per key
// under the cache directory, holding jco's files and a meta.json that lists
// them with their sizes and SHA-256. An entry is written in a temporary
// directory and renamed into place, so a crash leaves no half entry under a
// key; an entry that does not check out is deleted and rebuilt.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const FORMAT = 1;
const META = "meta.json";
/** jco's file names are `component.js`, `component.core2.wasm`, ...: nothing else is written or read. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const TMP_PREFIX = ".tmp-";
/** Temporary directories older than this are left over from a crash. */
const STALE_MS = 24 * 3600 * 1000;

/** @typedef {import("./transpile-cache.js").Transpiled} Transpiled */

/** @param {Uint8Array} data */
const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");

/**
 * The nearest package.json above `file` whose name is `name`.
 * @param {string} file
 * @param {string} name
 * @returns {{ file: string, version: string }}
 */
function packageJson(file, name) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8"));
      if (pkg.name === name) return { file: candidate, version: String(pkg.version) };
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json for ${name}`);
  }
}

/** @type {string | null | undefined} */
let version;

/**
 * The versions of jco and of the transpiler it loads (jco-transpile), as
 * installed next to wasi-web; null when jco is not found (no disk cache).
 */
export function jcoVersion() {
  if (version !== undefined) return version;
  try {
    const jco = packageJson(createRequire(import.meta.url).resolve("@bytecodealliance/jco/component"), "@bytecodealliance/jco");
    version = `jco@${jco.version}`;
    try {
      const require = createRequire(jco.file);
      const inner = packageJson(require.resolve("@bytecodealliance/jco-transpile/component"), "@bytecodealliance/jco-transpile");
      version += ` jco-transpile@${inner.version}`;
    } catch {
      // Older jco bundles its transpiler: its own version says it all.
    }
  } catch {
    version = null;
  }
  return version;
}

/**
 * The cache directory, created if needed: $WASI_WEB_CACHE_DIR, else
 * $XDG_CACHE_HOME/wasi-web, else ~/.cache/wasi-web, else one in os.tmpdir().
 * Null (no disk cache) if it cannot be made, or if another user owns it or
 * may write to it: cached JS is run, so nobody else may plant it.
 * @returns {string | null}
 */
export function cacheDir() {
  const env = process.env;
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  let dir = env.WASI_WEB_CACHE_DIR;
  if (!dir && env.XDG_CACHE_HOME) dir = path.join(env.XDG_CACHE_HOME, "wasi-web");
  if (!dir) {
    let home = "";
    try {
      home = os.homedir();
    } catch {
      // No home directory: a temporary one below.
    }
    dir = home ? path.join(home, ".cache", "wasi-web") : path.join(os.tmpdir(), `wasi-web-cache-${uid ?? "user"}`);
  }
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    if (!st.isDirectory()) return null;
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return null;
    return dir;
  } catch {
    return null;
  }
}

/** @param {string} dir */
function discard(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Best effort: a later sweep or rebuild tries again.
  }
}

/**
 * Reads the entry for `key`. `corrupt` says an entry was there but did not
 * check out (it is deleted, to be rebuilt).
 * @param {string} root
 * @param {string} key
 * @returns {{ entry: Transpiled | null, corrupt: boolean }}
 */
export function readEntry(root, key) {
  const dir = path.join(root, key);
  if (!fs.existsSync(dir)) return { entry: null, corrupt: false };
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, META), "utf8"));
    if (meta?.format !== FORMAT || meta.key !== key || typeof meta.name !== "string") throw new Error("bad meta.json");
    if (!Array.isArray(meta.files) || !Array.isArray(meta.imports) || !Array.isArray(meta.exports)) throw new Error("bad meta.json");
    /** @type {Map<string, Uint8Array>} */
    const files = new Map();
    for (const f of meta.files) {
      if (typeof f?.name !== "string" || !SAFE_NAME.test(f.name) || f.name === META) throw new Error("bad file name");
      const data = fs.readFileSync(path.join(dir, f.name));
      if (data.length !== f.size || sha256(data) !== f.sha256) throw new Error(`${f.name} does not match meta.json`);
      files.set(f.name, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    if (!files.has(`${meta.name}.js`)) throw new Error("no JS file");
    return { entry: { name: meta.name, files, imports: meta.imports, exports: meta.exports }, corrupt: false };
  } catch {
    discard(dir);
    return { entry: null, corrupt: true };
  }
}

/**
 * Removes temporary directories that crashed writers left behind.
 * @param {string} root
 */
function sweep(root) {
  try {
    for (const name of fs.readdirSync(root)) {
      if (!name.startsWith(TMP_PREFIX)) continue;
      const p = path.join(root, name);
      if (Date.now() - fs.statSync(p).mtimeMs > STALE_MS) discard(p);
    }
  } catch {
    // Best effort: an unreadable cache directory is only not swept.
  }
}

/**
 * Stores `out` under `key`: written in a temporary directory, then renamed
 * into place. Best effort: false if it was not stored (an error, odd file
 * names, or another process stored it first).
 * @param {string} root
 * @param {string} key
 * @param {Transpiled} out
 */
export function writeEntry(root, key, out) {
  if (![...out.files.keys()].every((name) => SAFE_NAME.test(name) && name !== META)) return false;
  sweep(root);
  let tmp = null;
  try {
    tmp = fs.mkdtempSync(path.join(root, `${TMP_PREFIX}${key.slice(0, 16)}-`));
    const files = [];
    for (const [name, data] of out.files) {
      fs.writeFileSync(path.join(tmp, name), data);
      files.push({ name, size: data.byteLength, sha256: sha256(data) });
    }
    const meta = { format: FORMAT, key, name: out.name, imports: out.imports, exports: out.exports, files };
    fs.writeFileSync(path.join(tmp, META), JSON.stringify(meta));
    fs.renameSync(tmp, path.join(root, key));
    return true;
  } catch {
    if (tmp) discard(tmp);
    return false;
  }
}
