// One host × one workload in this Node process, as a child of run.mjs:
//   node bench/node-host.mjs <host> <workload name> [repeats]
// host: "node" (node:wasi), "wasi-web", "wasi-web-mount" (wasi-web with /work a live
// hostFolder mount of a temp dir, as the CLI's --dir), or "shim" (browser_wasi_shim under Node, for reference).
// Prints one JSON line: { ms: [..], result }.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runShim, runWasiWeb, timed, PREOPEN } from "./lib/hosts.mjs";
import { GUEST_FILES } from "./lib/common.mjs";
import { MIN_SAMPLE_MS, WORKLOADS, jobOf } from "./lib/workloads.mjs";

const [hostName, workloadName, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 3);
const workload = WORKLOADS.find((w) => w.name === workloadName);
if (!workload) throw new Error(`unknown workload ${workloadName}`);

async function nodeWasiRunner() {
  process.removeAllListeners("warning"); // node:wasi's ExperimentalWarning
  const { WASI } = await import("node:wasi");
  return async (module, job) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-bench-"));
    const outPath = path.join(dir, ".stdout");
    const errPath = path.join(dir, ".stderr");
    const stdout = fs.openSync(outPath, "w");
    const stderr = fs.openSync(errPath, "w");
    const work = path.join(dir, "work");
    fs.mkdirSync(work);
    for (const [name, bytes] of Object.entries(job.inputs ?? {})) fs.writeFileSync(path.join(work, name), bytes);
    try {
      const wasi = new WASI({
        version: "preview1",
        args: job.args,
        env: {},
        preopens: { [PREOPEN]: work },
        stdout,
        stderr,
        returnOnExit: true,
      });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      const exitCode = wasi.start(instance);
      return {
        exitCode,
        stdout: fs.readFileSync(outPath),
        stderr: fs.readFileSync(errPath, "utf8"),
        files: () => {
          const files = Object.fromEntries(
            (job.outputs ?? []).map((n) => [n, fs.existsSync(path.join(work, n)) ? fs.readFileSync(path.join(work, n)) : null]),
          );
          fs.rmSync(dir, { recursive: true, force: true });
          return files;
        },
      };
    } finally {
      fs.closeSync(stdout);
      fs.closeSync(stderr);
    }
  };
}

async function runner(name) {
  if (name === "node") return nodeWasiRunner();
  if (name === "wasi-web") {
    // BENCH_WASI_WEB: another copy of the package (profile.mjs's build with function names).
    const api = await import(process.env.BENCH_WASI_WEB ? path.resolve(process.env.BENCH_WASI_WEB, "js/index.js") : "../js/index.js");
    return (module, job) => runWasiWeb(api, module, job);
  }
  if (name === "wasi-web-mount") {
    const api = await import("../js/index.js");
    const { hostFolder } = await import("../js/node/index.js");
    return async (module, job) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-bench-"));
      for (const [name, bytes] of Object.entries(job.inputs ?? {})) fs.writeFileSync(path.join(dir, name), bytes);
      const r = await runWasiWeb(api, module, job, (memfs) => memfs.mount(PREOPEN, hostFolder(fs, dir)));
      const files = r.files();
      fs.rmSync(dir, { recursive: true, force: true });
      return { ...r, files: () => files };
    };
  }
  if (name === "shim") {
    const shim = await import("@bjorn3/browser_wasi_shim");
    return (module, job) => runShim(shim, module, job);
  }
  throw new Error(`unknown host ${name}`);
}

const run = await runner(hostName);
const module = await WebAssembly.compile(fs.readFileSync(GUEST_FILES[workload.guest]));
// Warm-up: one untimed full-size run (JIT, and memory growth of the host's own heap).
await timed(run, module, jobOf(workload));
const ms = [];
const runs = [];
let result;
// The timed part, on the clock of V8's profiler (µs), for profile.mjs to cut
// start-up and warm-up out of a --cpu-prof profile.
const windowUs = [Number(process.hrtime.bigint() / 1000n)];
for (let i = 0; i < repeats; i++) {
  const r = await timed(run, module, jobOf(workload), MIN_SAMPLE_MS);
  ms.push(r.ms);
  runs.push(r.runs);
  result = r.result;
}
windowUs.push(Number(process.hrtime.bigint() / 1000n));
process.stdout.write(JSON.stringify({ host: hostName, workload: workload.name, ms, runs, result, windowUs }) + "\n");
