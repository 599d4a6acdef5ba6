// The worker side of worker mode: runs one guest synchronously; blocking
// calls wait with Atomics.wait on the channel from the page. When the
// program ends (exit, trap, or a stop the page asked for), it sends back
// what the program changed in its copy of the preopened trees, path by path,
// with each path's state before the run, for the page to merge
// (js/tree.js applyChanges).
import { ChannelReader } from "./channel.js";
import { MemFS } from "../memfs.js";
import { WASI } from "../wasi.js";
import { diffTree, exportTree, importTree } from "../tree.js";

/** An error as plain data for postMessage; the page rebuilds its class (RuntimeError...). */
function errorData(error) {
  if (error === null || typeof error !== "object") return { name: "Error", message: String(error) };
  const cause = error.cause;
  return {
    name: String(error.name ?? "Error"),
    message: String(error.message ?? error),
    stack: typeof error.stack === "string" ? error.stack : undefined,
    cause: cause !== undefined && cause !== error ? errorData(cause) : undefined,
  };
}

/** Every import first checks whether the page asked the program to stop. */
function stoppable(importObject, reader) {
  const out = {};
  for (const [ns, functions] of Object.entries(importObject)) {
    out[ns] = {};
    for (const [name, f] of Object.entries(functions)) {
      out[ns][name] = (...args) => {
        reader.checkStop();
        return f(...args);
      };
    }
  }
  return out;
}

/** The changes in every tree, and the data buffers to transfer with them. */
function collectChanges(fs, trees) {
  const changes = [];
  for (const [root, before] of trees) changes.push(...diffTree(root, before, exportTree(fs, root)));
  const transfer = new Set();
  for (const { before, after } of changes) {
    for (const state of [before, after]) if (state?.type === "file") transfer.add(state.data.buffer);
  }
  return { changes, transfer: [...transfer] };
}

self.onmessage = async ({ data: job }) => {
  const reader = new ChannelReader(job.channel);
  globalThis.__wasiWebBlock = (ms, input) => reader.block(ms, input);
  const fs = new MemFS({ limits: job.limits });
  for (const [path, entries] of job.trees) importTree(fs, path, entries);
  const send = (type) => (chunk) => self.postMessage({ type, chunk: chunk.slice() });
  const end = { type: "end", stopped: false };
  try {
    const wasi = new WASI({
      args: job.args,
      env: job.env,
      preopens: job.preopens,
      fs,
      stdin: reader,
      stdout: send("stdout"),
      stderr: send("stderr"),
      version: job.version,
    });
    // A Module instantiates to an Instance (not { instance }).
    const instance = await WebAssembly.instantiate(job.module, stoppable(wasi.getImportObject(), reader));
    end.exitCode = wasi.start(instance);
  } catch (error) {
    // A stop thrown inside a wait unwinds the core call it was in, and what
    // comes out may be whatever that left behind: the flag says what happened.
    if (reader.stopRequested) end.stopped = true;
    else end.error = errorData(error);
  }
  // The files go back however the program ended: a trap keeps its writes too.
  try {
    const { changes, transfer } = collectChanges(fs, job.trees);
    end.changes = changes;
    self.postMessage(end, transfer);
  } catch (error) {
    end.changes = [];
    end.syncError = errorData(error);
    self.postMessage(end);
  }
};

// The page waits for this before sending the job: messages sent while the
// module (and the core, with top-level await) is still loading can be lost.
self.postMessage({ type: "ready" });
