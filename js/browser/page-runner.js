// Runs one WASI program inside a browser page on behalf of a Node driver
// (the CLI's --browser and the Chromium conformance runner). Everything that
// crosses the page boundary is JSON: bytes travel as base64. A program is a
// core module (`wasmUrl`) or a WASI 0.2 component that the driver transpiled
// with jco (`componentUrl`: its JS, core modules next to it).
// From the modules themselves (not ../index.js, whose typings are the public
// .d.ts): the options handed to WASI and WASIp2 are checked against theirs.
import { MemFS } from "../memfs.js";
import { compileProgram, detectWasiVersion } from "../module.js";
import { exportTree, importTree } from "../tree.js";
import { WASI } from "../wasi.js";
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
 * @property {EncodedEntry[]} tree the MemFS from "/"
 * @property {string} stdin base64
 * @property {"stream" | "buffer"} output stream: each chunk goes to globalThis.__wasiWebWrite(fd, base64)
 */

/**
 * A tree entry (js/tree.js) with a file's data in base64.
 * @typedef {{ path: string, type: "directory" } |
 *           { path: string, type: "file", data: string } |
 *           { path: string, type: "symlink", target: string }} EncodedEntry
 */

/**
 * What runJob resolves to: the exit code, or the trap, or the error that
 * prevented the run; the output when it was buffered; the MemFS after.
 * @typedef {{ exitCode: number | null, trap: string | null, error: string | null, stdout: string, stderr: string, tree: EncodedEntry[] }} PageResult
 */

/**
 * The options both hosts take here.
 * @typedef {object} PageOptions
 * @property {string[]} args
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens
 * @property {MemFS} fs
 * @property {Uint8Array} stdin
 * @property {"buffer" | ((chunk: Uint8Array) => void)} stdout
 * @property {"buffer" | ((chunk: Uint8Array) => void)} stderr
 */

/** The page's global object, with the function the driver exposed for streamed output. */
const page = /** @type {typeof globalThis & { __wasiWebWrite(fd: number, base64: string): unknown }} */ (globalThis);

/**
 * A loaded program: `host` (its WASI or WASIp2), `start()` → exit code, and
 * how a trap is reported (as the Node CLI reports it).
 * @typedef {{ host: { stdout: { text(): string } | null, stderr: { text(): string } | null }, start(): number, trapMessage(error: Error): string }} Program
 */

/** @param {PageJob} job @param {PageOptions} options @returns {Promise<Program>} */
async function loadModule(job, options) {
  if (job.wasmUrl === undefined) throw new Error("the job names no program (wasmUrl or componentUrl)");
  const response = await fetch(job.wasmUrl);
  if (!response.ok) throw new Error(`fetching ${job.wasmUrl}: HTTP ${response.status}`);
  const module = await compileProgram(new Uint8Array(await response.arrayBuffer()));
  const version = detectWasiVersion(module);
  if (version === null) throw new Error("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
  const wasi = new WASI({ ...options, version });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  return { host: wasi, start: () => wasi.start(instance), trapMessage: (error) => error.message };
}

/** @param {PageJob} job @param {PageOptions} options @returns {Promise<Program>} */
async function loadComponent(job, options) {
  // runJob calls it for a job with a componentUrl.
  const url = /** @type {string} */ (job.componentUrl);
  const [{ WASIp2 }, { withMissingInterfaces }, generated] = await Promise.all([
    import("../preview2/wasip2.js"),
    import("../preview2/missing.js"),
    import(url),
  ]);
  const wasi = new WASIp2(options);
  // Async instantiation (as the driver transpiled it): a page's main thread
  // may not compile or instantiate large modules synchronously.
  /** @param {string} file */
  const fetchModule = (file) => WebAssembly.compileStreaming(fetch(new URL(file, url)));
  const { imports } = withMissingInterfaces(wasi.imports, job.componentImports ?? []);
  const instance = await generated.instantiate(fetchModule, imports);
  // WASIp2's trap errors name the component (`${args[0]} trapped: ...`).
  return { host: wasi, start: () => wasi.run(instance), trapMessage: (error) => error.message };
}

/**
 * @param {PageJob} job
 * @returns {Promise<PageResult>}
 */
export async function runJob(job) {
  const fs = new MemFS();
  importTree(
    fs,
    "/",
    job.tree.map((e) => (e.type === "file" ? { ...e, data: fromBase64(e.data) } : e)),
  );
  const stream = job.output === "stream";
  /** @param {number} fd @returns {PageOptions["stdout"]} */
  const sink = (fd) => (stream ? (chunk) => page.__wasiWebWrite(fd, toBase64(chunk)) : "buffer");
  /** @type {PageOptions} */
  const options = {
    args: job.args,
    env: job.env,
    preopens: job.preopens,
    fs,
    stdin: fromBase64(job.stdin ?? ""),
    stdout: sink(1),
    stderr: sink(2),
  };
  /** @type {PageResult} */
  const result = { exitCode: null, trap: null, error: null, stdout: "", stderr: "", tree: [] };
  /** @type {Program | null} */
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
    result.error = String(/** @type {Error | undefined} */ (error)?.stack ?? error);
  }
  if (program && !stream) {
    // Both sinks are "buffer": the host has their buffers.
    const { stdout, stderr } = program.host;
    result.stdout = /** @type {{ text(): string }} */ (stdout).text();
    result.stderr = /** @type {{ text(): string }} */ (stderr).text();
  }
  result.tree = exportTree(fs, "/").map((e) => (e.type === "file" ? { ...e, data: toBase64(e.data) } : e));
  return result;
}
