// wasi:cli@0.3 (stdin, stdout, stderr as streams; environment's
// get-initial-cwd), on the WASI 0.2 host's core: the 0.3 functions that
// differ from 0.2 only. The rest (environment, exit, terminal-*) is the
// same function in both, and jco keys both versions' members under one
// unversioned name ("wasi:cli/stdout"), so wasip3.js merges these into the
// 0.2 objects. Output goes through the core's stdout/stderr streams, so it
// is buffered and flushed exactly as a 0.2 component's or a Preview 1
// program's.
import { CHUNK_BYTES, chunksOf, err, guestStream, ok, pulledStream } from "./streams.js";

/** @typedef {import("../preview2/resource.js").Preview2Host} Preview2Host */

/**
 * A core stream failure ("closed", or an io-error handle) as a wasi:cli
 * `error-code`. Anything else (a sink that threw, the core gone after a
 * panic) is `io` too: thrown inside jco's stream machinery it would be an
 * unhandled rejection, not a trap.
 * @param {Preview2Host} host
 * @param {unknown} e
 */
function cliError(host, e) {
  if (e === "closed") return "pipe";
  if (typeof e === "number") {
    try {
      host.core.drop(e);
    } catch {
      // The core is gone: nothing to free.
    }
  } else {
    // Not a stream error: the component's next call throws it (WASIp3#fail).
    /** @type {{ fail?: (e: unknown) => void }} */ (host).fail?.(e);
  }
  return "io";
}

/**
 * `write-via-stream` to the core's stdout (`getStdout`) or stderr: moves
 * the guest's stream in chunks of at most 64 KiB (each written as far as
 * the core's budget allows), flushes at its end, and resolves the future.
 * @param {Preview2Host} host
 * @param {"getStdout" | "getStderr"} which
 * @param {Parameters<typeof chunksOf>[0]} data
 */
async function writeOutput(host, which, data) {
  const core = host.core;
  const id = core[which]();
  try {
    for await (const chunk of chunksOf(data)) {
      // Aborted: nothing more is written; the component's next call traps.
      if (/** @type {{ stopped?: boolean }} */ (host).stopped) return err("io");
      let rest = chunk;
      while (rest.byteLength > 0) {
        let budget = Number(core.checkWrite(id));
        if (budget === 0) {
          core.flushStream(id);
          budget = Number(core.checkWrite(id));
          // Output the core cannot take at all is a failed stream, not a hang.
          if (budget === 0) return err("io");
        }
        const n = Math.min(budget, rest.byteLength);
        core.write(id, rest.subarray(0, n));
        rest = rest.subarray(n);
      }
      // The guest's write is complete once the host took it, and 0.3 has no
      // flush: what it wrote must be out now, not when the stream ends (a
      // prompt before a read of stdin, with the stream kept open).
      core.flushStream(id);
    }
    core.flushStream(id);
    return ok();
  } catch (e) {
    return err(cliError(host, e));
  } finally {
    try {
      core.drop(id);
    } catch {
      // The core is gone (a panic): nothing to free.
    }
  }
}

/**
 * One `blocking-read` of stdin (async mode: awaits what the core waits for,
 * then reads again). A stdin callback that threw (the CLI's "stopped", say)
 * fails the read; `flush()` rethrows what it threw, so the read fails with
 * it (and the run ends) instead of the guest seeing `io` and going on.
 * @param {Preview2Host & { flush?: () => void }} host
 * @param {number} id
 * @returns {Promise<Uint8Array>}
 */
async function readStdinOnce(host, id) {
  for (;;) {
    try {
      return host.core.blockingRead(id, BigInt(CHUNK_BYTES));
    } catch (e) {
      if (e !== "would-block") {
        // A failed read may be a stdin callback that threw (the core keeps
        // it as an I/O error): flush() rethrows what it threw, which ends
        // the run, rather than the guest going on after `io`.
        host.flush?.();
        throw e;
      }
    }
    host.flush?.();
    await /** @type {{ wait: () => Promise<void> }} */ (/** @type {unknown} */ (host)).wait();
  }
}

/**
 * `read-via-stream` of stdin: a stream pulled from the core's stdin (as
 * wasi:io `blocking-read`: a read of stdin flushes stdout and stderr first;
 * in async mode it awaits the StdinQueue), and a future that resolves
 * when it ends (ok at end of input or when the guest drops the stream).
 * @param {Preview2Host} host
 */
function readStdin(host) {
  const core = host.core;
  /** @type {number | undefined} */
  let id = core.getStdin();
  /** @type {(v: ReturnType<typeof ok> | ReturnType<typeof err>) => void} */
  let settle = () => {};
  const done = new Promise((resolve) => (settle = resolve));
  /** @param {ReturnType<typeof ok> | ReturnType<typeof err>} result */
  const finish = (result) => {
    if (id !== undefined) {
      try {
        core.drop(id);
      } catch {
        // The core is gone (a panic): nothing to free.
      }
      id = undefined;
    }
    settle(result);
  };
  const stream = pulledStream(
    async () => {
      if (id === undefined) return undefined;
      const sid = id;
      try {
        /** @type {Uint8Array} */
        const bytes = await readStdinOnce(host, sid);
        if (bytes.byteLength > 0) return bytes;
        // A zero-length read is not the end; ask again.
        return new Uint8Array(0);
      } catch (e) {
        finish(e === "closed" ? ok() : err(cliError(host, e)));
        return undefined;
      }
    },
    () => finish(ok()),
  );
  return [stream, done];
}

/**
 * The 0.3 members of wasi:cli that 0.2 lacks.
 * @param {() => Preview2Host} getHost
 */
export function cliImports3(getHost) {
  return {
    "wasi:cli/environment": { getInitialCwd: () => getHost().core.initialCwd() },
    "wasi:cli/stdin": { readViaStream: () => readStdin(getHost()) },
    "wasi:cli/stdout": {
      /** @param {Parameters<typeof chunksOf>[0]} data */
      writeViaStream: (data) => (guestStream(data), writeOutput(getHost(), "getStdout", data)),
    },
    "wasi:cli/stderr": {
      /** @param {Parameters<typeof chunksOf>[0]} data */
      writeViaStream: (data) => (guestStream(data), writeOutput(getHost(), "getStderr", data)),
    },
  };
}
