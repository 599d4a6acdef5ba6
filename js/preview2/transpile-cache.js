// A cache of jco's output. Transpiling a component takes seconds and the same
// bytes are often run again, so the output is kept under a key made of the
// SHA-256 of the component, the transpile options and jco's version: in
// memory everywhere, and on disk in Node (transpile-cache-node.js).
// `cache: false` or WASI_WEB_NO_CACHE=1 (Node) turns both off.

/**
 * jco's output: file name → bytes (`${name}.js` and the core modules).
 * @typedef {{ name: string, files: Map<string, Uint8Array>, imports: string[], exports: [string, string][] }} Transpiled
 */

/** Memory kept by the in-memory cache; the newest entry always stays. */
const MAX_MEMORY_BYTES = 128 << 20;

/** @type {Map<string, { promise: Promise<Transpiled>, size: number }>} */
const memory = new Map();
const stats = { memoryHits: 0, diskHits: 0, misses: 0, corrupt: 0, writes: 0 };

const IS_NODE = typeof process === "object" && typeof process?.versions?.node === "string";
/** @type {Promise<typeof import("./transpile-cache-node.js") | null> | undefined} */
let nodeStore;

function diskStore() {
  if (!IS_NODE) return Promise.resolve(null);
  // A specifier in a variable, so that bundlers leave this Node-only module
  // out of browser builds.
  const specifier = "./transpile-cache-node.js";
  nodeStore ??= import(/* webpackIgnore: true */ /* @vite-ignore */ specifier).catch(() => null);
  return nodeStore;
}

/**
 * Whether caching is off: `options.cache === false`, or WASI_WEB_NO_CACHE set (not "0") in Node.
 * @param {{ cache?: boolean }} [options]
 */
function cacheDisabled(options = {}) {
  if (options.cache === false) return true;
  const env = IS_NODE ? process.env.WASI_WEB_NO_CACHE : undefined;
  return env !== undefined && env !== "" && env !== "0";
}

/** @param {Uint8Array} data */
async function sha256Hex(data) {
  // A copy when the view is over a SharedArrayBuffer, which digest() refuses.
  const source = data.buffer instanceof ArrayBuffer ? /** @type {Uint8Array<ArrayBuffer>} */ (data) : data.slice();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", source));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A copy whose file map callers may change without touching the cache.
 * @param {Transpiled} out
 * @returns {Transpiled}
 */
function copy(out) {
  return { ...out, files: new Map(out.files) };
}

/**
 * @param {string} key
 * @param {Promise<Transpiled>} promise
 */
function remember(key, promise) {
  const slot = { promise, size: 0 };
  memory.set(key, slot);
  promise.then(
    (out) => {
      for (const data of out.files.values()) slot.size += data.byteLength;
      let total = 0;
      for (const s of memory.values()) total += s.size;
      // Oldest first (Map order); a hit moves an entry to the end.
      for (const [k, s] of memory) {
        if (total <= MAX_MEMORY_BYTES || s === slot) break;
        memory.delete(k);
        total -= s.size;
      }
    },
    () => {
      if (memory.get(key) === slot) memory.delete(key);
    },
  );
}

/**
 * jco's output for `bytes` with `generateOptions`, from the cache or from
 * `transpile()` (then stored).
 * @param {Uint8Array} bytes the component
 * @param {object} generateOptions jco `generate()` options, part of the key
 * @param {() => Promise<Transpiled>} transpile
 * @param {{ cache?: boolean }} [options]
 * @returns {Promise<Transpiled>}
 */
export async function cachedTranspile(bytes, generateOptions, transpile, options = {}) {
  // No WebCrypto digest (an insecure browser context): no key, no cache.
  if (cacheDisabled(options) || typeof globalThis.crypto?.subtle?.digest !== "function") {
    stats.misses++;
    return transpile();
  }
  const store = await diskStore();
  const version = store?.jcoVersion() ?? null;
  const key = await sha256Hex(
    new TextEncoder().encode(
      `wasi-web transpile v1\n${await sha256Hex(bytes)}\n${JSON.stringify(generateOptions)}\n${version ?? "unknown jco"}`,
    ),
  );
  const hit = memory.get(key);
  if (hit) {
    stats.memoryHits++;
    memory.delete(key);
    memory.set(key, hit);
    return copy(await hit.promise);
  }
  const promise = (async () => {
    // On disk only with a known jco version: the key must change with jco.
    const dir = store && version ? store.cacheDir() : null;
    if (store && dir) {
      const found = store.readEntry(dir, key);
      if (found.entry) {
        stats.diskHits++;
        return found.entry;
      }
      if (found.corrupt) stats.corrupt++;
    }
    stats.misses++;
    const out = await transpile();
    if (store && dir && store.writeEntry(dir, key, out)) stats.writes++;
    return out;
  })();
  remember(key, promise);
  return copy(await promise);
}

/**
 * Counters since the process (or page) started: hits in memory and on disk,
 * misses (transpiled by jco), corrupt disk entries dropped, entries written;
 * `memoryEntries` is how many outputs memory holds.
 */
export function transpileCacheStats() {
  return { ...stats, memoryEntries: memory.size };
}

/** Empties the in-memory cache (the disk cache stays). */
export function clearTranspileCache() {
  memory.clear();
}
