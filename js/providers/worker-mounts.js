// runInWorker()'s `mounts`: a provider cannot be posted to a worker (it is
// code with state), so the page names each mount with plain data and the
// worker makes the provider there: a URL mount reads with synchronous
// XMLHttpRequest, an OPFS mount with sync access handles.
import { opfsMount } from "./opfs.js";
import { urlMount } from "./url.js";

/**
 * @typedef {{ url: import("./url.js").UrlManifest, blockSize?: number }
 *   | { opfs: string | FileSystemDirectoryHandle, preload?: boolean, syncHandles?: boolean, create?: boolean }} WorkerMount
 */

/** "/a/b/" → "/a/b". @param {string} path */
const trim = (path) => path.replace(/\/+$/, "") || "/";

/** Whether `path` is `root` or below it. @param {string} path @param {string} root */
export const isUnder = (path, root) => root === "/" || path === root || path.startsWith(`${root}/`);

/**
 * Checks runInWorker()'s `mounts` option: { "/guest/path": WorkerMount }.
 * @param {unknown} mounts
 * @returns {[string, WorkerMount][]}
 */
export function workerMounts(mounts) {
  if (mounts === undefined) return [];
  if (mounts === null || typeof mounts !== "object") throw new TypeError("options.mounts must be an object: { path: { url } or { opfs } }");
  /** @type {[string, WorkerMount][]} */
  const out = [];
  for (const [path, spec] of Object.entries(mounts)) {
    if (!path.startsWith("/") || path.split("/").some((p) => p === "." || p === "..") || trim(path) === "/") {
      throw new TypeError(`options.mounts: ${JSON.stringify(path)} must be an absolute path below /`);
    }
    const s = /** @type {Record<string, unknown> | null} */ (spec);
    const url = s !== null && typeof s === "object" && "url" in s;
    const opfs = s !== null && typeof s === "object" && "opfs" in s;
    if (url === opfs) throw new TypeError(`options.mounts[${JSON.stringify(path)}] must be { url: manifest } or { opfs: name or handle }`);
    let m = /** @type {WorkerMount} */ (spec);
    const here = /** @type {{ location?: { href?: string } }} */ (globalThis).location?.href;
    if ("url" in m && typeof here === "string") {
      // Relative URLs mean the page's, not the worker script's.
      const manifest = m.url;
      m = { ...m, url: { ...manifest, base: new URL(manifest?.base ?? "", here).href } };
    }
    out.push([trim(path), m]);
  }
  for (const [a] of out) {
    if (out.some(([b]) => a !== b && isUnder(a, b))) throw new TypeError(`options.mounts: ${a} is inside another mount`);
  }
  return out;
}

/**
 * The provider for a mount, in the worker.
 * @param {WorkerMount} spec
 */
export async function providerFor(spec) {
  if ("url" in spec) return urlMount(spec.url, { blockSize: spec.blockSize });
  return opfsMount(spec.opfs, { preload: spec.preload, syncHandles: spec.syncHandles, create: spec.create });
}
