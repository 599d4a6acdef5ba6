// Running a component: jco transpiles it to core modules plus JS (with
// `--instantiation sync`), and the JS is instantiated with a WASIp2's imports.
// In async mode it also passes `--async-mode jspi` with the imports that may
// wait (ASYNC_IMPORTS) and `wasi:cli/run#run` as async. jco's output is
// cached (transpile-cache.js).
import { init } from "../core.js";
import { collectedOutput } from "../host-base.js";
import { toBytes } from "../internal.js";
import { componentFetches, isComponent } from "../module.js";
import { settleWriteBehind } from "../providers/wait.js";
import { ASYNC_EXPORTS, ASYNC_IMPORTS, MOUNT_ASYNC_IMPORTS, WASIp2 } from "./wasip2.js";
import { withMissingInterfaces } from "./missing.js";
import { cachedTranspile } from "./transpile-cache.js";

// One header check for the whole package (js/module.js).
export { isComponent };
export { clearTranspileCache, transpileCacheStats } from "./transpile-cache.js";

/**
 * jco's browser API (`@bytecodealliance/jco/component`): what the caller
 * handed over, else imported on first use. The import is written out so that
 * bundlers see it and put jco (its transpiler is megabytes) in a chunk of its
 * own, loaded only when a component is run.
 * @param {JcoModule} [given]
 * @returns {Promise<JcoModule>}
 */
async function loadJco(given) {
  if (given !== undefined) {
    if (given === null || typeof given !== "object" || typeof given.generate !== "function") {
      throw new TypeError("options.jco must be the module `@bytecodealliance/jco/component` (with its generate())");
    }
    return given;
  }
  try {
    return await import("@bytecodealliance/jco/component");
  } catch (error) {
    // Say what really failed: a missing package, a page without a bundler or
    // import map, a network error, ...
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `wasi-web: running a WASI 0.2 component needs jco, and importing "@bytecodealliance/jco/component" failed: ${reason}. ` +
        "Install it next to wasi-web (npm install @bytecodealliance/jco), or hand it over: " +
        'run(bytes, { jco: await import("@bytecodealliance/jco/component") }) (from a CDN in a page without a bundler)',
      { cause: error },
    );
  }
}

/**
 * The part of jco's browser module wasi-web uses.
 * @typedef {{ generate(component: Uint8Array, options: object): Promise<{ files: [string, Uint8Array][], imports: string[], exports: [string, string][] }> }} JcoModule
 */

/** @param {string} source */
function dataUrl(source) {
  return `data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`;
}

/**
 * jco's output for a component, as files (`${name}.js` and its core
 * modules), from the cache when it has them. `instantiation` is jco's
 * `--instantiation` mode ("sync" by default; "async" lets getCoreModule
 * return Promises, for a page that fetches the modules); `async` transpiles
 * for JSPI, and `mounts` (with `async`) adds MOUNT_ASYNC_IMPORTS, for a host
 * whose `waitsOnMounts`; `cache: false` bypasses the cache; `jco` is jco's module
 * (`@bytecodealliance/jco/component`), imported on first use if not given.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} component
 * @param {{ async?: boolean, mounts?: boolean, instantiation?: "sync" | "async", cache?: boolean, jco?: JcoModule }} [options]
 * @returns {Promise<import("./transpile-cache.js").Transpiled>}
 */
export async function transpileFiles(component, options = {}) {
  const bytes = toBytes(component, "the component");
  const instantiation = options.instantiation ?? "sync";
  if (instantiation !== "sync" && instantiation !== "async") {
    throw new TypeError(`options.instantiation must be "sync" or "async", got ${String(instantiation)}`);
  }
  const name = "component";
  const generateOptions = {
    name,
    instantiation: { tag: instantiation },
    noTypescript: true,
    base64Cutoff: 0,
    ...(options.async === true
      ? {
          asyncMode: {
            tag: /** @type {const} */ ("jspi"),
            val: { imports: options.mounts === true ? [...ASYNC_IMPORTS, ...MOUNT_ASYNC_IMPORTS] : ASYNC_IMPORTS, exports: ASYNC_EXPORTS },
          },
        }
      : {}),
  };
  const transpile = async () => {
    const { generate } = await loadJco(options.jco);
    const out = await generate(bytes, generateOptions);
    return { name, files: new Map(out.files), imports: out.imports, exports: out.exports };
  };
  return cachedTranspile(bytes, generateOptions, transpile, options);
}

/**
 * Transpiles a component with jco (`--instantiation sync`) and compiles its
 * core modules. Returns `instantiate(imports)`, which gives the instance jco
 * makes (its exports, e.g. `{ run: { run } }`). With `{ async: true }` it
 * transpiles for JSPI (`--async-mode jspi`): the waiting imports may return
 * Promises and `run` returns one (for `new WASIp2({ async: true })`);
 * `mounts: true` too for a host whose `waitsOnMounts` (its filesystem calls
 * may wait for a URL or OPFS mount).
 * `cache: false` transpiles again even if the output is cached; `jco` hands
 * over jco's module. Imports the component needs that are not given trap
 * when called. `instantiation: "async"` makes `instantiate` return a
 * Promise (jco's async instantiation: a page's main thread refuses to
 * instantiate a core module over 8 MB synchronously).
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} component
 * @param {{ async?: boolean, mounts?: boolean, cache?: boolean, jco?: JcoModule, instantiation?: "sync" | "async" }} [options]
 * @returns {Promise<{ instantiate(imports: Record<string, object>): object, imports: string[], exports: [string, string][] }>}
 */
export async function transpileComponent(component, options = {}) {
  const { name, files, imports, exports } = await transpileFiles(component, {
    instantiation: options.instantiation,
    async: options.async,
    mounts: options.mounts,
    cache: options.cache,
    jco: options.jco,
  });
  const source = new TextDecoder().decode(files.get(`${name}.js`));
  /** @type {Map<string, WebAssembly.Module>} */
  const modules = new Map();
  for (const [file, data] of files) {
    // jco's output and the cache's files are views of plain ArrayBuffers.
    if (file.endsWith(".wasm")) modules.set(file, await WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (data)));
  }
  const generated = await import(/* webpackIgnore: true */ /* @vite-ignore */ dataUrl(source));
  return {
    imports,
    exports,
    // Interfaces the component imports that `imports` lacks get stand-ins
    // that trap when called (js/preview2/missing.js).
    /** @param {Record<string, object>} given */
    instantiate(given) {
      return generated.instantiate((/** @type {string} */ file) => {
        const m = modules.get(file);
        if (!m) throw new Error(`wasi-web: jco asked for an unknown core module ${file}`);
        return m;
      }, withMissingInterfaces(given, imports).imports);
    },
  };
}

/**
 * Runs a WASI 0.2 command component to completion (see `run()`): options as
 * for `new WASIp2()` except stdout/stderr, which are collected. With
 * `async: true` (JSPI) its waits suspend it instead of blocking the thread
 * (the default, where there is JSPI, for a component that imports
 * `wasi:http/outgoing-handler`: it waits for fetch()); `cache: false` transpiles it again even if jco's output is cached; `jco`
 * hands over jco's module (else it is imported on first use).
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} component
 * @param {Omit<import("./wasip2.js").WASIp2Options, "stdout" | "stderr"> & { cache?: boolean, signal?: AbortSignal, jco?: JcoModule }} [options]
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function runComponent(component, options = {}) {
  // A component that fetches can only wait for a response by suspending:
  // unless told otherwise, it runs in async mode where there is JSPI.
  const jspi = typeof (/** @type {{ Suspending?: unknown }} */ (WebAssembly).Suspending) === "function";
  const async = options.async ?? (jspi && componentFetches(component));
  const { signal, jco, ...hostOptions } = options;
  // In a page the core loads on first use (js/core.js).
  await init();
  // Fails early (no JSPI) before transpiling.
  const wasi = new WASIp2({ ...hostOptions, async, stdout: "buffer", stderr: "buffer" });
  // Its filesystem calls may wait for a URL or OPFS mount: they are async imports too.
  const mounts = wasi.waitsOnMounts;
  // A page's main thread refuses to instantiate a core module over 8 MB
  // synchronously (a componentize-js component's engine is 12 MB).
  const instantiation = "document" in globalThis ? "async" : "sync";
  const transpiled = await transpileComponent(component, { async, mounts, cache: options.cache, jco, instantiation });
  try {
    const instance = await transpiled.instantiate(wasi.imports);
    const exitCode = async ? await wasi.runAsync(instance, { signal }) : wasi.run(instance);
    // Mounts that store changes later (OPFS) store them before the end is reported.
    await settleWriteBehind();
    return { exitCode, ...collectedOutput(wasi) };
  } catch (error) {
    wasi.flush();
    if (error !== null && typeof error === "object") Object.assign(error, collectedOutput(wasi));
    throw error;
  }
}
