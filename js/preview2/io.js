// wasi:io (error, poll, streams): the resources and functions, and the
// module exports for `jco transpile --map 'wasi:io/*=wasi-web/preview2/io#*'`
// (served by the WASIp2 set with `configure()` from "wasi-web/preview2").
import { defaultHost } from "./default-host.js";
import { bytesOf, define, handle, self, waiting, wrap } from "./resource.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */

/** Most pollables one `poll` takes: `MAX_POLL` in src/preview2/io.rs. */
const MAX_POLL = 65536;

/**
 * Turns what the core throws for a stream call into a `stream-error`.
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 * @returns {T}
 */
function streamCall(host, f) {
  try {
    return f();
  } catch (e) {
    if (e === "closed") throw { tag: "closed" };
    if (typeof e === "number") throw { tag: "last-operation-failed", val: wrap(IoError, host, e) };
    throw e;
  }
}

export const IoError = define("Error", "wasi:io/error.error");
Object.assign(IoError.prototype, {
  toDebugString() {
    const [core, id] = self(this, IoError);
    return core.errorToDebugString(id);
  },
});

export const Pollable = define("Pollable", "wasi:io/poll.pollable");
Object.assign(Pollable.prototype, {
  ready() {
    const [core, id] = self(this, Pollable);
    return core.pollableReady(id);
  },
  block() {
    const [core, id, host] = self(this, Pollable);
    return waiting(host, () => core.pollableBlock(id));
  },
});

export const InputStream = define("InputStream", "wasi:io/streams.input-stream");
Object.assign(InputStream.prototype, {
  /** @param {number | bigint} len */
  read(len) {
    const [core, id, host] = self(this, InputStream);
    return streamCall(host, () => core.read(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingRead(len) {
    const [core, id, host] = self(this, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingRead(id, BigInt(len))));
  },
  /** @param {number | bigint} len */
  skip(len) {
    const [core, id, host] = self(this, InputStream);
    return streamCall(host, () => core.skip(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingSkip(len) {
    const [core, id, host] = self(this, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingSkip(id, BigInt(len))));
  },
  subscribe() {
    const [core, id, host] = self(this, InputStream);
    return wrap(Pollable, host, core.subscribeInput(id));
  },
});

export const OutputStream = define("OutputStream", "wasi:io/streams.output-stream");
Object.assign(OutputStream.prototype, {
  checkWrite() {
    const [core, id, host] = self(this, OutputStream);
    return streamCall(host, () => core.checkWrite(id));
  },
  /** @param {Uint8Array} contents */
  write(contents) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.write(id, bytesOf(contents)));
  },
  /** @param {Uint8Array} contents */
  blockingWriteAndFlush(contents) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.blockingWriteAndFlush(id, bytesOf(contents)));
  },
  flush() {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.flushStream(id));
  },
  blockingFlush() {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.flushStream(id));
  },
  subscribe() {
    const [core, id, host] = self(this, OutputStream);
    return wrap(Pollable, host, core.subscribeOutput(id));
  },
  /** @param {number | bigint} len */
  writeZeroes(len) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.writeZeroes(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingWriteZeroesAndFlush(len) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.blockingWriteZeroesAndFlush(id, BigInt(len)));
  },
  /** @param {unknown} src @param {number | bigint} len */
  splice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    const from = handle(src, InputStream);
    return streamCall(host, () => core.splice(id, from, BigInt(len)));
  },
  /** @param {unknown} src @param {number | bigint} len */
  blockingSplice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    const from = handle(src, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingSplice(id, from, BigInt(len))));
  },
});

/**
 * The wasi:io interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function ioImports(getHost) {
  return {
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": {
      Pollable,
      /** @param {ArrayLike<unknown>} list */
      poll(list) {
        const host = getHost();
        // The core refuses longer lists too; checked here before the
        // handles are gathered (the limit and message are the core's).
        if (list?.length > MAX_POLL) throw new Error(`wasi-web: poll takes at most ${MAX_POLL} pollables, not ${list.length}`);
        const ids = Uint32Array.from(Array.from(list, (p) => handle(p, Pollable)));
        return waiting(host, () => host.core.poll(ids));
      },
    },
    "wasi:io/streams": { InputStream, OutputStream },
  };
}

const mapped = ioImports(defaultHost);
export const error = mapped["wasi:io/error"];
export const poll = mapped["wasi:io/poll"];
export const streams = mapped["wasi:io/streams"];
