// wasi:io (error, poll, streams): the resources and functions, and the
// module exports for `jco transpile --map 'wasi:io/*=wasi-web/preview2/io#*'`
// (served by the WASIp2 set with `configure()` from "wasi-web/preview2").
import { defaultHost } from "./default-host.js";
import { bytesOf, define, handle, self, waiting, wrap } from "./resource.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */
/** @typedef {import("../core.js").Preview2Core} Preview2Core */

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

/**
 * Runs a call that may reach a suspending mount through the host's
 * `mountCall` (component-host.js): in async mode on such a mount it may
 * return a Promise, so only the imports of MOUNT_ASYNC_IMPORTS (wasip2.js)
 * call it. A host without `mountCall` calls straight through.
 * @internal
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} call
 * @param {(error: unknown) => boolean} blocked whether a failure is a provider's "wait and call again"
 * @returns {T | Promise<T>}
 */
export function viaMounts(host, call, blocked) {
  const h = /** @type {Preview2Host & { mountCall?: (call: () => T, blocked: (error: unknown) => boolean) => T | Promise<T> }} */ (host);
  return typeof h.mountCall === "function" ? h.mountCall(call, blocked) : call();
}

/**
 * Whether a file stream's failure is a mount's "wait and call again": then
 * its `wasi:io/error` is dropped (the guest never sees it) and the call made
 * again once the provider's data is there.
 * @param {unknown} e what `streamCall` threw
 */
function mountBlocked(e) {
  const err = /** @type {{ tag?: unknown, val?: unknown } | null} */ (e);
  if (err?.tag !== "last-operation-failed" || !(err.val instanceof IoError)) return false;
  const [core, id] = self(err.val, IoError);
  if (core.filesystemErrorCode(id) !== "would-block") return false;
  // Never handed to the guest: freed now.
  core.drop(id);
  return true;
}

/**
 * A stream call that may reach a mount (a file stream).
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 */
const fileStreamCall = (host, f) => viaMounts(host, () => streamCall(host, f), mountBlocked);

/**
 * `f(value)` now, or once `value` (a Promise) resolves.
 * @template T, U
 * @param {T | Promise<T>} value
 * @param {(v: T) => U} f
 * @returns {U | Promise<U>}
 */
const then = (value, f) => (value instanceof Promise ? value.then(f) : f(value));

/**
 * `splice` / `blocking-splice` when a mount may make a call wait: the read
 * and the write as two calls, so that a write that must wait (an OPFS file
 * not loaded yet) is made again with the bytes already read. (The core's
 * splice reads first: made again whole, it would read the next bytes and
 * lose these.)
 * @param {Preview2Host} host
 * @param {Preview2Core} core
 * @param {number} id the output stream
 * @param {number} from the input stream
 * @param {number | bigint} len
 * @param {boolean} blocking
 */
function spliceViaMounts(host, core, id, from, len, blocking) {
  const budget = /** @type {bigint} */ (streamCall(host, () => core.checkWrite(id)));
  const want = BigInt(len) < budget ? BigInt(len) : budget;
  /** @type {() => Uint8Array | Promise<Uint8Array>} */
  const read = blocking
    ? () => waiting(host, () => streamCall(host, () => core.blockingRead(from, want)))
    : () => streamCall(host, () => core.read(from, want));
  // A Promise resolves to the bytes (a Promise it resolves to is followed).
  const got = /** @type {Uint8Array | Promise<Uint8Array>} */ (viaMounts(host, read, mountBlocked));
  return then(got, (bytes) => {
    const put = () =>
      streamCall(host, () => {
        core.write(id, bytes);
        if (blocking) core.flushStream(id);
      });
    return then(viaMounts(host, put, mountBlocked), () => BigInt(bytes.length));
  });
}

/**
 * Whether `src` is an input-stream implemented in JS (an HTTP body,
 * js/http/body.js) rather than one of the core's: the core cannot read it.
 * @param {unknown} src
 */
const hostStream = (src) => src instanceof InputStream && /** @type {any} */ (src).read !== /** @type {any} */ (InputStream.prototype).read;

/**
 * `splice` / `blocking-splice` from a JS input-stream into a core one: the
 * read through the stream's own methods, the write through ours (a blocking
 * one moves at most 4096 bytes, what blocking-write-and-flush takes).
 * @param {any} out
 * @param {any} src
 * @param {number | bigint} len
 * @param {boolean} blocking
 */
function spliceFromHost(out, src, len, blocking) {
  if (blocking) {
    const want = BigInt(len) < 4096n ? BigInt(len) : 4096n;
    return then(src.blockingRead(want), (/** @type {Uint8Array} */ bytes) =>
      then(out.blockingWriteAndFlush(bytes), () => BigInt(bytes.length)),
    );
  }
  return then(out.checkWrite(), (/** @type {bigint} */ budget) => {
    const bytes = /** @type {Uint8Array} */ (src.read(BigInt(len) < budget ? BigInt(len) : budget));
    return then(out.write(bytes), () => BigInt(bytes.length));
  });
}

/** Whether the host's calls may wait for a mount (`ComponentHost.waitsOnMounts`). @param {Preview2Host} host */
const mountsWait = (host) => /** @type {{ waitsOnMounts?: boolean }} */ (host).waitsOnMounts === true;

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
    return fileStreamCall(host, () => core.read(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingRead(len) {
    const [core, id, host] = self(this, InputStream);
    return viaMounts(host, () => waiting(host, () => streamCall(host, () => core.blockingRead(id, BigInt(len)))), mountBlocked);
  },
  /** @param {number | bigint} len */
  skip(len) {
    const [core, id, host] = self(this, InputStream);
    return streamCall(host, () => core.skip(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingSkip(len) {
    const [core, id, host] = self(this, InputStream);
    return viaMounts(host, () => waiting(host, () => streamCall(host, () => core.blockingSkip(id, BigInt(len)))), mountBlocked);
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
    return fileStreamCall(host, () => core.write(id, bytesOf(contents)));
  },
  /** @param {Uint8Array} contents */
  blockingWriteAndFlush(contents) {
    const [core, id, host] = self(this, OutputStream);
    return fileStreamCall(host, () => core.blockingWriteAndFlush(id, bytesOf(contents)));
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
    return fileStreamCall(host, () => core.writeZeroes(id, BigInt(len)));
  },
  /** @param {number | bigint} len */
  blockingWriteZeroesAndFlush(len) {
    const [core, id, host] = self(this, OutputStream);
    return fileStreamCall(host, () => core.blockingWriteZeroesAndFlush(id, BigInt(len)));
  },
  /** @param {unknown} src @param {number | bigint} len */
  splice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    if (hostStream(src)) return spliceFromHost(this, src, len, false);
    const from = handle(src, InputStream);
    if (mountsWait(host)) return spliceViaMounts(host, core, id, from, len, false);
    return streamCall(host, () => core.splice(id, from, BigInt(len)));
  },
  /** @param {unknown} src @param {number | bigint} len */
  blockingSplice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    if (hostStream(src)) return spliceFromHost(this, src, len, true);
    const from = handle(src, InputStream);
    if (mountsWait(host)) return spliceViaMounts(host, core, id, from, len, true);
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
