// `wasi-web --browser FILE.wasm`: the same run, inside headless Chromium.
// Host dirs are loaded here, shipped to the page as a tree, and the tree
// that comes back is written to the host. A WASI 0.2 component is
// transpiled here by jco (cached) and its files served to the page.
import { fileURLToPath } from "node:url";
import { MemFS } from "../memfs.js";
import { isComponent } from "../module.js";
import { exportTree, importTree } from "../tree.js";
import { launchChromium, openRunnerPage } from "./chromium.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { startServer } from "./server.js";
import { readAllStdin, writeQuietly } from "./stdio.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** @typedef {import("../browser/page-runner.js").EncodedEntry} EncodedEntry */

/**
 * Tree entries with file data as base64, for the page.
 * @param {import("../tree.js").TreeEntry[]} entries
 * @returns {EncodedEntry[]}
 */
export function encodeTree(entries) {
  return entries.map((e) => (e.type === "file" ? { ...e, data: Buffer.from(e.data).toString("base64") } : e));
}

/**
 * The page's tree entries back with bytes.
 * @param {EncodedEntry[]} entries
 * @returns {import("../tree.js").TreeEntry[]}
 */
export function decodeTree(entries) {
  return entries.map((e) => (e.type === "file" ? { ...e, data: Buffer.from(e.data, "base64") } : e));
}

/**
 * jco's output for the page: instantiation mode, so its JS imports nothing
 * (no import map; the page passes WASIp2#imports), and async, so that the
 * page fetches and compiles the core modules asynchronously.
 * @param {Uint8Array} bytes
 */
async function transpileForPage(bytes) {
  const { transpileFiles } = await import("../preview2/run.js");
  return transpileFiles(bytes, { instantiation: "async" });
}

/**
 * Serves the program: the module itself, or a component's transpiled files.
 * @param {import("./server.js").Server} server
 * @param {Uint8Array} bytes
 * @param {import("../preview2/transpile-cache.js").Transpiled | null} transpiled
 * @returns {{ wasmUrl: string } | { componentUrl: string, componentImports: string[] }}
 */
function serveProgram(server, bytes, transpiled) {
  if (!transpiled) return { wasmUrl: server.route("/__wasi-web/program.wasm", bytes) };
  for (const [name, data] of transpiled.files) server.route(`/__wasi-web/component/${name}`, data);
  return { componentUrl: `${server.url}/__wasi-web/component/${transpiled.name}.js`, componentImports: transpiled.imports };
}

/**
 * @param {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} job
 * @returns {Promise<number>}
 */
export async function runInBrowser(job) {
  // Before the browser starts: a missing jco fails fast.
  const transpiled = isComponent(job.bytes) ? await transpileForPage(job.bytes) : null;
  const fs = new MemFS();
  const { preopens, roots } = mountHostDirs(fs, job.dirs);
  const server = await startServer(PACKAGE_ROOT);
  let browser;
  try {
    browser = await launchChromium();
    const page = await openRunnerPage(browser, server.url);
    await page.exposeFunction("__wasiWebWrite", (/** @type {number} */ fd, /** @type {string} */ base64) =>
      writeQuietly(fd, Buffer.from(base64, "base64")),
    );
    /** @type {import("../browser/page-runner.js").PageJob} */
    const pageJob = {
      ...serveProgram(server, job.bytes, transpiled),
      args: [job.argv0, ...job.args],
      env: job.env,
      preopens,
      tree: encodeTree(exportTree(fs, "/")),
      stdin: Buffer.from(readAllStdin()).toString("base64"),
      output: "stream",
    };
    // Runs in the page, where openRunnerPage loaded the runner.
    const result = await page.evaluate(
      (pageJob) => /** @type {import("./chromium.js").RunnerGlobal} */ (globalThis).__wasiWebRunner.runJob(pageJob),
      pageJob,
    );
    if (result.error) throw new Error(`in the browser: ${result.error}`);
    if (result.trap) writeQuietly(2, new TextEncoder().encode(`wasi-web: ${result.trap}\n`));
    const back = new MemFS();
    importTree(back, "/", decodeTree(result.tree));
    syncHostDirs(back, roots);
    // Set whenever there is no error.
    return /** @type {number} */ (result.exitCode) & 0xff;
  } finally {
    await browser?.close();
    await server.close();
  }
}
