// The page side of the benchmark: wasi-web and @bjorn3/browser_wasi_shim run
// the same workloads in this one page. run.mjs calls `measure()` through
// page.evaluate, one host × workload at a time.
import { runShim, runWasiWeb, timed } from "../lib/hosts.mjs";

// ?wasi-web=/some/dir/ loads another copy of the package (profile.mjs's build with function names).
const WASI_WEB_URL = `${new URLSearchParams(location.search).get("wasi-web") ?? "/"}js/index.js`;
const SHIM_URL = "/node_modules/@bjorn3/browser_wasi_shim/dist/index.js";

const modules = new Map();
async function guestModule(url) {
  if (!modules.has(url)) modules.set(url, await WebAssembly.compileStreaming(fetch(url)));
  return modules.get(url);
}

let wasiWeb;
let shim;
async function runner(host) {
  if (host === "wasi-web") {
    wasiWeb ??= await import(WASI_WEB_URL);
    // In a page the core loads with init() (older versions loaded it on import).
    await wasiWeb.init?.();
    return (module, job) => runWasiWeb(wasiWeb, module, job);
  }
  if (host === "shim") {
    shim ??= await import(SHIM_URL);
    return (module, job) => runShim(shim, module, job);
  }
  throw new Error(`unknown page host ${host}`);
}

/**
 * @param {string} host "wasi-web" | "shim"
 * @param {string} guestUrl
 * @param {{args: string[], inputs: Record<string, string>, outputs: string[]}} spec
 * @param {number} repeats
 * @param {number} minMs
 * @param {boolean} warmup one untimed full-size run first
 */
export async function measure(host, guestUrl, spec, repeats, minMs, warmup = true) {
  const run = await runner(host);
  const module = await guestModule(guestUrl);
  const enc = new TextEncoder();
  const job = {
    args: spec.args,
    inputs: Object.fromEntries(Object.entries(spec.inputs ?? {}).map(([k, v]) => [k, enc.encode(v)])),
    outputs: spec.outputs ?? [],
  };
  if (warmup) await timed(run, module, job);
  const ms = [];
  const runs = [];
  let result;
  for (let i = 0; i < repeats; i++) {
    const r = await timed(run, module, job, minMs);
    ms.push(r.ms);
    runs.push(r.runs);
    result = r.result;
  }
  return { host, ms, runs, result };
}
