// Components (WASI 0.2 and 0.3) are transpiled by jco in the page: jco's transpiler
// is itself a component whose WASI imports ("@bytecodealliance/preview2-shim/…")
// Vite points at wasi-web's own WASI 0.2 host (www/vite.config.js). It is
// loaded the first time a component runs (a chunk of its own).
// The worker then gets jco's output (JS source and core modules) and runs it
// on a WASIp2 (worker.js). With JSPI it is transpiled for async mode (jco's
// `asyncMode: jspi`), so that its reads of stdin wait for typed lines. A
// WASI 0.3 component needs JSPI (its streams and futures are async) and
// runs on a WASIp3.

/**
 * jco's output for one component, `--instantiation sync`: `source` exports
 * `instantiate(getCoreModule, imports)`; `modules` are its core modules;
 * `async`: transpiled for JSPI (run with `WASIp2({ async: true })`);
 * `p3`: a WASI 0.3 component (always async, run on a `WASIp3`).
 * @typedef {{ source: string, modules: [string, Uint8Array][], async: boolean, p3: boolean }} Transpiled
 */

import { componentWasiVersion } from "wasi-web";

/** The header of a component: `\0asm`, version 0x0d, layer 1. */
const COMPONENT_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** @param {Uint8Array} bytes */
export function isComponent(bytes) {
  return bytes.length >= 8 && COMPONENT_HEADER.every((b, i) => bytes[i] === b);
}

/** jco's output by the component's bytes, sync and async. @type {Record<"sync" | "async", WeakMap<Uint8Array, Promise<Transpiled>>>} */
const cache = { sync: new WeakMap(), async: new WeakMap() };

/** A clear error for a failed transpile. */
export class TranspileError extends Error {}

/**
 * Transpiles a component with jco (once per bytes and mode).
 * @param {Uint8Array} bytes
 * @param {{ async?: boolean }} [options] async: for JSPI (its waits suspend it)
 * @returns {Promise<Transpiled>}
 */
export function transpile(bytes, { async = false } = {}) {
  const p3 = componentWasiVersion(bytes) === "0.3";
  if (p3 && !async) {
    return Promise.reject(
      new TranspileError("it is a WASI 0.3 component, which needs JSPI (WebAssembly.Suspending: Chromium 137+), and this browser has none"),
    );
  }
  const map = cache[async ? "async" : "sync"];
  let done = map.get(bytes);
  if (!done) {
    done = transpileOnce(bytes, async);
    map.set(bytes, done);
    done.catch(() => map.delete(bytes));
  }
  return done;
}

/** @param {Uint8Array} bytes @param {boolean} async @returns {Promise<Transpiled>} */
async function transpileOnce(bytes, async) {
  /** @type {{ generate(bytes: Uint8Array, options: object): Promise<{ files: [string, Uint8Array][] }> }} */
  let jco;
  try {
    jco = await import("@bytecodealliance/jco/component");
  } catch (error) {
    throw new TranspileError(
      `jco (@bytecodealliance/jco), which turns components into JavaScript, could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // Loaded with jco (which uses the same host's interfaces), not with the page.
  const { ASYNC_EXPORTS, ASYNC_IMPORTS } = await import("wasi-web/preview2");
  const name = "component";
  let out;
  try {
    out = await jco.generate(bytes, {
      name,
      instantiation: { tag: "sync" },
      noTypescript: true,
      base64Cutoff: 0,
      ...(async ? { asyncMode: { tag: "jspi", val: { imports: ASYNC_IMPORTS, exports: ASYNC_EXPORTS } } } : {}),
    });
  } catch (error) {
    throw new TranspileError(`jco could not transpile it: ${describe(error)}`);
  }
  const files = new Map(out.files);
  const js = files.get(`${name}.js`);
  if (!js) throw new TranspileError("jco made no JavaScript for it");
  /** @type {[string, Uint8Array][]} */
  const modules = [];
  for (const [file, data] of files) if (file.endsWith(".wasm")) modules.push([file, data]);
  return { source: new TextDecoder().decode(js), modules, async, p3: componentWasiVersion(bytes) === "0.3" };
}

/** jco throws strings or `{ payload }` as well as Errors. @param {unknown} error */
function describe(error) {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && "payload" in error) return String(error.payload);
  return String(error);
}
