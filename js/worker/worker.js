// The worker side of worker mode: runs one guest synchronously; blocking
// calls wait with Atomics.wait on the channel from the page.
import { ChannelReader } from "./channel.js";
import { MemFS } from "../memfs.js";
import { WASI } from "../wasi.js";
import { exportTree, importTree } from "../tree.js";

self.onmessage = async ({ data: job }) => {
  const reader = new ChannelReader(job.channel);
  globalThis.__wasiWebBlock = (ms, input) => reader.block(ms, input);
  const fs = new MemFS();
  for (const [path, entries] of job.trees) importTree(fs, path, entries);
  const send = (type) => (chunk) => self.postMessage({ type, chunk: chunk.slice() });
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
    const instance = await WebAssembly.instantiate(job.module, wasi.getImportObject());
    const exitCode = wasi.start(instance);
    const trees = job.trees.map(([path]) => [path, exportTree(fs, path)]);
    self.postMessage({ type: "exit", exitCode, trees });
  } catch (error) {
    self.postMessage({ type: "error", message: String(error?.message ?? error), name: error?.name });
  }
};

// The page waits for this before sending the job: messages sent while the
// module (and the core, with top-level await) is still loading can be lost.
self.postMessage({ type: "ready" });
