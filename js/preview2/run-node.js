// `wasi-web comp.wasm` for a WASI 0.2 component: js/node/run-node.js's run,
// through jco and WASIp2.
import { runWithProcessIo } from "../node/run-node.js";
import { WASIp2 } from "./host.js";
import { transpileComponent } from "./run.js";

/** @param {import("../node/run-node.js").Job} job */
export async function runComponentInNode(job) {
  const transpiled = await transpileComponent(job.bytes);
  return runWithProcessIo(
    job,
    (options) => new WASIp2(options),
    // jco's instantiate runs inside the trap handling: a trap while it
    // instantiates is reported like one in run.
    (wasi) => () => wasi.run(transpiled.instantiate(wasi.imports)),
    `${job.argv0} trapped: `,
  );
}
