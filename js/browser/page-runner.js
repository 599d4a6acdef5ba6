// Runs one WASI program inside a browser page on behalf of a Node driver
// (the CLI's --browser and the Chromium conformance runner). Everything that
// crosses the page boundary is JSON: bytes travel as base64. A program is a
// core module (`wasmUrl`) or a WASI 0.2 component that the driver transpiled
// with jco (`componentUrl`: its JS, core modules next to it).
import { exportTree, importTree, MemFS, WASI, compileProgram, detectWasiVersion } from "../index.js";
import { fromBase64, toBase64 } from "./base64.js";

export const TRAP_EXIT_CODE = 134;

/**
 * @typedef {object} PageJob
 * @property {string} [wasmUrl] a core module
 * @property {string} [componentUrl] jco's JS for a component (`instantiation: "async"`)
 * @property {string[]} [componentImports] the interfaces it imports (those wasi-web lacks get trapping stand-ins)
 * @property {string[]} args argv, argv[0] included
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens guest path → MemFS path
 * @property {{path: string, type: string, data?: string, target?: string}[]} tree the MemFS from "/", data in base64
 * @property {string} stdin base64
 * @property {"stream" | "buffer"} output stream: each chunk goes to globalThis.__wasiWebWrite(fd, base64)
 */

/**
 * A loaded program: `host` (its WASI or WASIp2), `start()` → exit code, and
 * how a trap is reported (as the Node CLI reports it).
 * @typedef {{ host: { stdout: { text(): string } | null, stderr: { text(): string } | null }, start(): number, trapMessage(error: Error): string }} Program
 */

/** @returns {Promise<Program>} */
async function loadModule(job, options) {
  const response = await fetch(job.wasmUrl);
  if (!response.ok) throw new Error(`fetching ${job.wasmUrl}: HTTP ${response.status}`);
  const module = await compileProgram(new Uint8Array(await response.arrayBuffer()));
  const version = detectWasiVersion(module);
  if (version === null) throw new Error("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
  const wasi = new WASI({ ...options, version });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  return { host: wasi, start: () => wasi.start(instance), trapMessage: (error) => error.message };
}

/** @returns {Promise<Program>} */
async function loadComponent(job, options) {
  const url = job.componentUrl;
  const [{ WASIp2 }, { withMissingInterfaces }, generated] = await Promise.all([
    import("../preview2/host.js"),
    import("../preview2/missing.js"),
    import(url),
  ]);
  const wasi = new WASIp2(options);
  // Async instantiation (as the driver transpiled it): a page's main thread
  // may not compile or instantiate large modules synchronously.
  const fetchModule = (file) => WebAssembly.compileStreaming(fetch(new URL(file, url)));
  const { imports } = withMissingInterfaces(wasi.imports, job.componentImports ?? []);
  const instance = await generated.instantiate(fetchModule, imports);
  return { host: wasi, start: () => wasi.run(instance), trapMessage: (error) => `${job.args[0]} trapped: ${error.message}` };
}

/**
 * @param {PageJob} job
 * @returns {Promise<{ exitCode: number | null, trap: string | null, error: string | null, stdout: string, stderr: string, tree: object[] }>}
 */
export async function runJob(job) {
  const fs = new MemFS();
  importTree(
    fs,
    "/",
    job.tree.map((e) => (e.type === "file" ? { ...e, data: fromBase64(e.data) } : e)),
  );
  const stream = job.output === "stream";
  const sink = (fd) => (stream ? (chunk) => globalThis.__wasiWebWrite(fd, toBase64(chunk)) : "buffer");
  const options = {
    args: job.args,
    env: job.env,
    preopens: job.preopens,
    fs,
    stdin: fromBase64(job.stdin ?? ""),
    stdout: sink(1),
    stderr: sink(2),
  };
  const result = { exitCode: null, trap: null, error: null, stdout: "", stderr: "", tree: [] };
  let program = null;
  try {
    program = job.componentUrl ? await loadComponent(job, options) : await loadModule(job, options);
    try {
      result.exitCode = program.start();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      result.trap = program.trapMessage(error);
      result.exitCode = TRAP_EXIT_CODE;
    }
  } catch (error) {
    result.error = String(error?.stack ?? error);
  }
  if (program && !stream) {
    result.stdout = program.host.stdout.text();
    result.stderr = program.host.stderr.text();
  }
  result.tree = exportTree(fs, "/").map((e) => (e.type === "file" ? { ...e, data: toBase64(e.data) } : e));
  return result;
}
