// Running a WASI 0.3 component: jco transpiles it for JSPI (`--async-mode
// jspi`, the same flags and transpile cache as a 0.2 component in async
// mode, js/preview2/run.js), and its output is instantiated with a
// WASIp3's imports and run with runAsync().
import { init } from "../core.js";
import { collectedOutput } from "../host-base.js";
import { transpileComponent } from "../preview2/run.js";
import { requireJspi, WASIp3 } from "./wasip3.js";

/**
 * Transpiles a WASI 0.3 component for JSPI and compiles its core modules:
 * `instantiate(imports)` gives the instance to hand to `WASIp3#runAsync`.
 * `mounts: true` for a host whose `waitsOnMounts` (its 0.2 filesystem
 * members may then wait for a URL or OPFS mount; the 0.3 ones always may);
 * `cache: false` transpiles again; `jco` hands over jco's module.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} component
 * @param {{ mounts?: boolean, cache?: boolean, jco?: import("../preview2/run.js").JcoModule }} [options]
 */
export function transpileP3(component, options = {}) {
  requireJspi();
  return transpileComponent(component, { async: true, mounts: options.mounts, cache: options.cache, jco: options.jco });
}

/**
 * Runs a WASI 0.3 command component to completion (see `run()`): options
 * as for `new WASIp3()` except stdout/stderr, which are collected. Needs
 * JSPI (Node 24+, Chromium 137+): elsewhere it rejects with an Error
 * saying so. `signal` stops it as for `WASIp2#runAsync`.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} component
 * @param {Omit<import("./wasip3.js").WASIp3Options, "stdout" | "stderr"> & { cache?: boolean, signal?: AbortSignal, jco?: import("../preview2/run.js").JcoModule }} [options]
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function runP3Component(component, options = {}) {
  requireJspi();
  const { signal, jco, cache, ...hostOptions } = options;
  await init();
  const wasi = new WASIp3({ ...hostOptions, stdout: "buffer", stderr: "buffer" });
  const transpiled = await transpileP3(component, { mounts: wasi.waitsOnMounts, cache, jco });
  try {
    const instance = transpiled.instantiate(wasi.imports);
    const exitCode = await wasi.runAsync(instance, { signal });
    return { exitCode, ...collectedOutput(wasi) };
  } catch (error) {
    wasi.flush();
    if (error !== null && typeof error === "object") Object.assign(error, collectedOutput(wasi));
    throw error;
  }
}
