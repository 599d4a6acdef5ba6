// Runs one WASI program inside a browser page on behalf of a Node driver
// (the CLI's --browser and the Chromium conformance runner). Everything that
// crosses the page boundary is JSON: bytes travel as base64.
import { exportTree, importTree, MemFS, WASI, compileProgram, detectWasiVersion } from "../index.js";
import { fromBase64, toBase64 } from "./base64.js";

export const TRAP_EXIT_CODE = 134;

/**
 * @typedef {object} PageJob
 * @property {string} wasmUrl
 * @property {string[]} args argv, argv[0] included
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens guest path → MemFS path
 * @property {{path: string, type: string, data?: string, target?: string}[]} tree the MemFS from "/", data in base64
 * @property {string} stdin base64
 * @property {"stream" | "buffer"} output stream: each chunk goes to globalThis.__wasiWebWrite(fd, base64)
 */

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
  const result = { exitCode: null, trap: null, error: null, stdout: "", stderr: "", tree: [] };
  let wasi = null;
  try {
    const response = await fetch(job.wasmUrl);
    if (!response.ok) throw new Error(`fetching ${job.wasmUrl}: HTTP ${response.status}`);
    const module = await compileProgram(new Uint8Array(await response.arrayBuffer()));
    const version = detectWasiVersion(module);
    if (version === null) throw new Error("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
    wasi = new WASI({
      version,
      args: job.args,
      env: job.env,
      preopens: job.preopens,
      fs,
      stdin: fromBase64(job.stdin ?? ""),
      stdout: sink(1),
      stderr: sink(2),
    });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    try {
      result.exitCode = wasi.start(instance);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      result.trap = error.message;
      result.exitCode = TRAP_EXIT_CODE;
    }
  } catch (error) {
    result.error = String(error?.stack ?? error);
  }
  if (wasi && !stream) {
    result.stdout = wasi.stdout.text();
    result.stderr = wasi.stderr.text();
  }
  result.tree = exportTree(fs, "/").map((e) => (e.type === "file" ? { ...e, data: toBase64(e.data) } : e));
  return result;
}
