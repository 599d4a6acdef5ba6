// Worker mode, for browsers without JSPI: the guest runs in a Web Worker and
// its blocking calls (sleep, poll_oneoff, reads of stdin) wait for real with
// Atomics.wait on a SharedArrayBuffer, while the page stays responsive and
// feeds stdin. SharedArrayBuffer needs a cross-origin isolated page: serve it
// with `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp`.
import { ChannelWriter, createChannel } from "./channel.js";
import { compileProgram, detectWasiVersion } from "../module.js";
import { MemFS } from "../memfs.js";
import { StdinQueue } from "../stdin-queue.js";
import { encoder, toBytes } from "../internal.js";
import { exportTree, importTree } from "../tree.js";

/**
 * Runs a WASI command in a worker. The MemFS directories it preopens are
 * copied in, and the program's changes are copied back when it ends; don't
 * change them from the page meanwhile.
 *
 * @param {Uint8Array | ArrayBuffer | WebAssembly.Module} program
 * @param {object} [options] as for run(), plus stdout/stderr callbacks
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function runInWorker(program, options = {}) {
  if (typeof SharedArrayBuffer === "undefined" || globalThis.crossOriginIsolated === false) {
    throw new Error(
      "worker mode needs SharedArrayBuffer: serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
  const module = await compileProgram(program);
  const version = detectWasiVersion(module);
  if (version === null) throw new TypeError("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
  const fs = options.fs ?? new MemFS();
  const preopens = options.preopens ?? {};
  const roots = [...new Set(Object.values(preopens))];
  const trees = roots.map((path) => [path, exportTree(fs, path)]);
  const channel = createChannel();
  const writer = new ChannelWriter(channel);
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const out = { stdout: [], stderr: [] };
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const pump = feedStdin(options.stdin, writer);
  try {
    return await new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      const job = { module, version, args: options.args ?? [], env: options.env ?? {}, preopens, trees, channel };
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
          worker.postMessage(job);
        } else if (data.type === "stdout" || data.type === "stderr") {
          out[data.type].push(decoder[data.type].decode(data.chunk, { stream: true }));
          options[data.type]?.(data.chunk);
        } else if (data.type === "exit") {
          for (const [path, entries] of data.trees) {
            for (const name of fs.readdir(path)) fs.rm(`${path === "/" ? "" : path}/${name}`, { recursive: true });
            importTree(fs, path, entries);
          }
          resolve({ exitCode: data.exitCode, stdout: out.stdout.join(""), stderr: out.stderr.join("") });
        } else {
          const error = new Error(data.message);
          error.name = data.name ?? "Error";
          reject(error);
        }
      };
    });
  } finally {
    pump.stop();
    worker.terminate();
  }
}

/** Moves stdin from the page into the channel, retrying while the ring is full. */
function feedStdin(stdin, writer) {
  let stopped = false;
  const queue =
    stdin instanceof StdinQueue
      ? stdin
      : stdin == null || typeof stdin === "string" || stdin instanceof Uint8Array || stdin instanceof ArrayBuffer
        ? null
        : StdinQueue.from(stdin);
  const writeAll = async (bytes) => {
    let off = 0;
    while (!stopped && off < bytes.length) {
      off += writer.write(bytes.subarray(off));
      if (off < bytes.length) await new Promise((r) => setTimeout(r, 5));
    }
  };
  (async () => {
    if (queue === null) {
      if (stdin != null) await writeAll(typeof stdin === "string" ? encoder.encode(stdin) : toBytes(stdin, "stdin"));
      writer.end();
      return;
    }
    for (;;) {
      const chunk = queue.read(65536);
      if (chunk === null) break;
      if (chunk === undefined) {
        await queue.wait();
        continue;
      }
      await writeAll(chunk);
    }
    writer.end();
  })();
  return {
    stop() {
      stopped = true;
    },
  };
}
