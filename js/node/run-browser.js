// `wasi-web --browser FILE.wasm`: the same run, inside headless Chromium.
// Host dirs are loaded here, shipped to the page as a tree, and the tree
// that comes back is written to the host.
import { fileURLToPath } from "node:url";
import { MemFS } from "../memfs.js";
import { exportTree, importTree } from "../tree.js";
import { launchChromium, openRunnerPage } from "./chromium.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { startServer } from "./server.js";
import { readAllStdin, writeAll } from "./stdio.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Tree entries with file data as base64, for the page. */
export function encodeTree(entries) {
  return entries.map((e) => (e.type === "file" ? { ...e, data: Buffer.from(e.data).toString("base64") } : e));
}

export function decodeTree(entries) {
  return entries.map((e) => (e.type === "file" ? { ...e, data: Buffer.from(e.data, "base64") } : e));
}

/**
 * @param {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} job
 * @returns {Promise<number>}
 */
export async function runInBrowser(job) {
  const fs = new MemFS();
  const { preopens, roots } = mountHostDirs(fs, job.dirs);
  const server = await startServer(PACKAGE_ROOT);
  let browser;
  try {
    browser = await launchChromium();
    const page = await openRunnerPage(browser, server.url);
    await page.exposeFunction("__wasiWebWrite", (fd, base64) => writeAll(fd, Buffer.from(base64, "base64")));
    const result = await page.evaluate((pageJob) => globalThis.__wasiWebRunner.runJob(pageJob), {
      wasmUrl: server.route("/__wasi-web/program.wasm", job.bytes),
      args: [job.argv0, ...job.args],
      env: job.env,
      preopens,
      tree: encodeTree(exportTree(fs, "/")),
      stdin: Buffer.from(readAllStdin()).toString("base64"),
      output: "stream",
    });
    if (result.error) throw new Error(`in the browser: ${result.error}`);
    if (result.trap) writeAll(2, new TextEncoder().encode(`wasi-web: ${result.trap}\n`));
    const back = new MemFS();
    importTree(back, "/", decodeTree(result.tree));
    syncHostDirs(back, roots);
    return result.exitCode & 0xff;
  } finally {
    await browser?.close();
    await server.close();
  }
}
