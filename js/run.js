import { init } from "./core.js";
import { collectedOutput } from "./host-base.js";
import { compileProgram, componentWasiVersion, detectWasiVersion, isComponent } from "./module.js";
import { settleWriteBehind } from "./providers/wait.js";
import { signalOption } from "./waiting.js";
import { WASI } from "./wasi.js";

/**
 * Runs a WASI command to completion and collects its output.
 *
 * The WASI version comes from the module's imports. `options` are those of
 * `new WASI()` except `version`, `stdout` and `stderr` (both are buffered and
 * returned as strings) and `returnOnExit` (always true). If the program traps,
 * the promise rejects with the trap error, which also carries the `stdout` and
 * `stderr` collected so far.
 *
 * `options.signal` (an AbortSignal; needs `async: true`) stops the program at
 * its next WASI call or wait: the promise rejects with an "AbortError"
 * DOMException (with `stdout`/`stderr`), and what it wrote to the MemFS stays.
 *
 * @param {Uint8Array | ArrayBuffer | WebAssembly.Module} program
 * @param {import("./wasi.js").WASIOptions & { cwd?: string, timeZone?: string, cache?: boolean, signal?: AbortSignal }} [options]
 *   those of `new WASI()` (or of `new WASIp2()` for a component), and `signal`
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function run(program, options = {}) {
  if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
  for (const key of ["stdout", "stderr", "version", "returnOnExit"]) {
    if (/** @type {Record<string, unknown>} */ (options)[key] !== undefined) {
      throw new TypeError(`run() does not take options.${key}: it detects the version and buffers output; use new WASI() for that`);
    }
  }
  // A WASI 0.3 component always runs in async mode (JSPI).
  const p3 = componentWasiVersion(program) === "0.3";
  // A synchronous run holds the thread: nothing could abort it midway.
  if (signalOption(options.signal) !== undefined && options.async !== true && !p3) {
    throw new TypeError("options.signal needs async: true (JSPI); without JSPI use runInWorker()");
  }
  // In a page the core loads on first use (js/core.js); in Node it already has.
  await init();
  // A component runs through jco: a WASI 0.3 one on the 0.3 host (JSPI), a 0.2 one on the Preview 2 host.
  if (isComponent(program)) {
    if (p3) {
      // Always async: the option is not the 0.3 host's.
      const p3Options = { ...options };
      delete p3Options.async;
      return (await import("./preview3/run.js")).runP3Component(program, p3Options);
    }
    return (await import("./preview2/run.js")).runComponent(program, options);
  }
  const module = await compileProgram(program);
  const version = detectWasiVersion(module);
  if (version === null) {
    throw new TypeError("the module imports neither wasi_snapshot_preview1 nor wasi_unstable: it is not a WASI program");
  }
  const { signal, ...wasiOptions } = options;
  const wasi = new WASI({ ...wasiOptions, version, stdout: "buffer", stderr: "buffer", returnOnExit: true });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  try {
    const exitCode = options.async ? await wasi.startAsync(instance, { signal }) : wasi.start(instance);
    // Mounts that store changes later (OPFS) store them before the end is reported.
    await settleWriteBehind();
    return { exitCode, ...collectedOutput(wasi) };
  } catch (error) {
    if (error !== null && typeof error === "object") Object.assign(error, collectedOutput(wasi));
    throw error;
  }
}
