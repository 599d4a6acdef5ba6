// HTTP bodies as wasi:io streams. The core's streams live in its table; a
// body's bytes come from (or go to) JS (a fetch Response, a Node request),
// so these are `InputStream`/`OutputStream` objects (jco checks
// `instanceof`) whose methods are JS: a reader that pulls one chunk ahead
// (backpressure: nothing more is read until the guest takes it) and a writer
// whose queue a consumer drains. Their pollables are the core's external
// pollables (component-host.js), so `poll` mixes them with timers and stdin.
import { InputStream, IoError, OutputStream, Pollable } from "../preview2/io.js";
import { wrap } from "../preview2/resource.js";

/** @typedef {import("../preview2/component-host.js").ComponentHost} ComponentHost */
/** @typedef {{ tag: string, val?: unknown }} ErrorCode */

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");
const STATE = Symbol("wasi-web.http.state");
/**
 * The handle these JS-side resources carry for io.js's checks; never a
 * handle in the core's table (its table never grows that far).
 */
const NO_HANDLE = 0xffffffff;

/** Most bytes a writer queues while its consumer reads (the core's check-write budget). */
export const WRITE_BUDGET = 1 << 20;

/**
 * A pollable ready once `promise` settles, or at once without one.
 * @param {ComponentHost} host
 * @param {Promise<unknown> | null} promise
 */
export function pollable(host, promise) {
  if (promise) return wrap(Pollable, host, host.externalPollable(promise));
  const id = host.core.externalPollable();
  host.core.resolveExternal(id);
  return wrap(Pollable, host, id);
}

/**
 * Says why a wait cannot happen on a synchronous host: nothing can settle
 * a fetch while the component holds the only thread.
 * @returns {never}
 */
export function needsAsync() {
  throw new WebAssembly.RuntimeError(
    "wasi-web: waiting for an HTTP body needs async mode (JSPI): the host is synchronous, so nothing can arrive while the component blocks; " +
      "run it with { async: true }",
  );
}

/** A wasi:io error carrying an HTTP error-code (`http-error-code` reads it). */
export const HttpIoError = { prototype: Object.create(IoError.prototype) };
Object.assign(HttpIoError.prototype, {
  toDebugString() {
    const code = /** @type {ErrorCode} */ (/** @type {any} */ (this)[STATE]);
    return code.val === undefined ? code.tag : `${code.tag}: ${JSON.stringify(code.val)}`;
  },
  [symbolDispose]() {},
});

/**
 * @param {ComponentHost} host
 * @param {ErrorCode} code
 */
export function httpIoError(host, code) {
  const e = /** @type {any} */ (wrap(/** @type {any} */ (HttpIoError), host, NO_HANDLE));
  e[STATE] = code;
  return e;
}

/**
 * The error-code an io error carries, if it is one of these.
 * @param {unknown} error
 * @returns {ErrorCode | undefined}
 */
export function errorCodeOf(error) {
  return error !== null && typeof error === "object" && STATE in error && Object.prototype.isPrototypeOf.call(HttpIoError.prototype, error)
    ? /** @type {ErrorCode} */ (/** @type {any} */ (error)[STATE])
    : undefined;
}

/**
 * Pulls chunks from `next()` one at a time, when the guest wants more.
 * `next` resolves to a Uint8Array or `null` at the end, or rejects with an
 * error-code (`{ tag }`).
 */
export class BodyReader {
  /** @type {Uint8Array[]} */
  #chunks = [];
  /** @type {Promise<void> | null} */
  #pending = null;
  #ended = false;
  /** @type {ErrorCode | null} */
  #error = null;
  #errorReported = false;
  #next;
  /** Called once the end (or an error) is seen. */
  onEnd = () => {};

  /** @param {() => Promise<Uint8Array | null>} next */
  constructor(next) {
    this.#next = next;
  }

  get ended() {
    return this.#ended || this.#error !== null;
  }

  /** @returns {ErrorCode | null} */
  get error() {
    return this.#error;
  }

  /** Whether a read would not wait. */
  get ready() {
    return this.#chunks.length > 0 || this.ended;
  }

  /** Starts reading the next chunk unless one is buffered or coming. */
  pump() {
    if (this.#pending || this.ready) return this.#pending;
    this.#pending = this.#next().then(
      (chunk) => {
        this.#pending = null;
        if (chunk === null) this.#end();
        else if (chunk.length > 0) this.#chunks.push(chunk);
      },
      (/** @type {ErrorCode} */ error) => {
        this.#pending = null;
        this.#error = error;
        this.onEnd();
      },
    );
    return this.#pending;
  }

  #end() {
    this.#ended = true;
    this.onEnd();
  }

  /**
   * Up to `len` buffered bytes (maybe none); throws a stream-error at the end.
   * @param {ComponentHost} host
   * @param {number} len
   * @returns {Uint8Array}
   */
  take(host, len) {
    if (this.#chunks.length === 0) {
      if (this.#error) {
        // Reported once; after that the stream is closed, as in wasmtime.
        if (this.#errorReported) throw { tag: "closed" };
        this.#errorReported = true;
        throw { tag: "last-operation-failed", val: httpIoError(host, this.#error) };
      }
      if (this.#ended) throw { tag: "closed" };
      this.pump();
      return new Uint8Array(0);
    }
    const first = this.#chunks[0];
    let out;
    if (first.length <= len) {
      this.#chunks.shift();
      out = first;
    } else {
      out = first.slice(0, len);
      this.#chunks[0] = first.subarray(len);
    }
    if (this.#chunks.length === 0) this.pump();
    return out;
  }

  /** Reads to the end, dropping the bytes (trailers come after the body). */
  async drain() {
    this.#chunks = [];
    while (!this.ended) {
      await this.pump();
      this.#chunks = [];
    }
  }
}

/**
 * The input-stream of a BodyReader.
 * @param {ComponentHost} host
 * @param {BodyReader} reader
 * @param {() => void} onDrop
 */
export function inputStream(host, reader, onDrop) {
  const s = /** @type {any} */ (wrap(/** @type {any} */ (BodyInput), host, NO_HANDLE));
  s[STATE] = { host, reader, onDrop, dropped: false };
  return s;
}

/**
 * @param {unknown} s
 * @returns {{ host: ComponentHost, reader: BodyReader, onDrop: () => void, dropped: boolean }}
 */
function inputState(s) {
  const st = /** @type {any} */ (s)?.[STATE];
  if (!st?.reader) throw new TypeError("wasi-web: expected an HTTP body input-stream");
  if (st.dropped) throw new Error("wasi-web: this input-stream was dropped and cannot be used");
  return st;
}

/** The largest length one read returns (as the core's reads: its maxIoBytes default). */
const MAX_READ = 16 << 20;

/** @param {number | bigint} len */
const clampLen = (len) => Number(BigInt(len) > BigInt(MAX_READ) ? BigInt(MAX_READ) : BigInt(len));

/**
 * Waits (async mode) until `f` has something to give.
 * @template T
 * @param {ReturnType<typeof inputState>} st
 * @param {() => T} f
 * @returns {T | Promise<T>}
 */
function whenReady(st, f) {
  if (st.reader.ready) return f();
  if (!st.host.async) needsAsync();
  return (async () => {
    while (!st.reader.ready) await st.reader.pump();
    return f();
  })();
}

export const BodyInput = { prototype: Object.create(InputStream.prototype) };
Object.assign(BodyInput.prototype, {
  /** @param {number | bigint} len */
  read(len) {
    const st = inputState(this);
    return st.reader.take(st.host, clampLen(len));
  },
  /** @param {number | bigint} len */
  blockingRead(len) {
    const st = inputState(this);
    return whenReady(st, () => st.reader.take(st.host, clampLen(len)));
  },
  /** @param {number | bigint} len */
  skip(len) {
    const st = inputState(this);
    return BigInt(st.reader.take(st.host, clampLen(len)).length);
  },
  /** @param {number | bigint} len */
  blockingSkip(len) {
    const st = inputState(this);
    return whenReady(st, () => BigInt(st.reader.take(st.host, clampLen(len)).length));
  },
  subscribe() {
    const st = inputState(this);
    return pollable(st.host, st.reader.ready ? null : st.reader.pump());
  },
  [symbolDispose]() {
    const st = /** @type {any} */ (this)[STATE];
    if (!st || st.dropped) return;
    st.dropped = true;
    st.onDrop();
  },
});

/**
 * Bytes the guest writes, queued for a consumer: `take()` gives the queue
 * and `waitForData()` resolves when there is more or the writer closed.
 * Without a consumer attached (a request body written before `handle`, or
 * any body in a page, which fetch sends in one piece) the queue may grow to
 * `limit`; with one, to WRITE_BUDGET, and check-write waits for it to drain.
 */
export class BodyWriter {
  /** @type {Uint8Array[]} */
  #queue = [];
  #queued = 0;
  /** Bytes written in all. */
  written = 0;
  closed = false;
  /** @type {ErrorCode | null} set when the consumer failed: the next write reports it */
  error = null;
  streaming = false;
  limit;
  /** @type {(() => void)[]} */
  #dataWaiters = [];
  /** @type {(() => void)[]} */
  #drainWaiters = [];

  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
  }

  get budget() {
    const cap = this.streaming ? WRITE_BUDGET : this.limit - this.written;
    return Math.max(0, cap - (this.streaming ? this.#queued : 0));
  }

  /** @param {Uint8Array} chunk */
  push(chunk) {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.written += chunk.length;
    this.#wake(this.#dataWaiters);
  }

  /** Everything queued, emptied. */
  take() {
    const q = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    this.#wake(this.#drainWaiters);
    return q;
  }

  get queued() {
    return this.#queued;
  }

  /** No more writes: finished, dropped or failed. */
  close() {
    this.closed = true;
    this.#wake(this.#dataWaiters);
    this.#wake(this.#drainWaiters);
  }

  /** @param {ErrorCode} code */
  fail(code) {
    this.error ??= code;
    this.close();
  }

  /** @returns {Promise<void>} */
  waitForData() {
    if (this.#queued > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#dataWaiters.push(resolve));
  }

  /** @returns {Promise<void>} */
  waitForRoom() {
    if (this.budget > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** @param {(() => void)[]} list */
  #wake(list) {
    for (const f of list.splice(0)) f();
  }
}

/**
 * The output-stream of a BodyWriter.
 * @param {ComponentHost} host
 * @param {BodyWriter} writer
 * @param {() => void} onDrop
 */
export function outputStream(host, writer, onDrop) {
  const s = /** @type {any} */ (wrap(/** @type {any} */ (BodyOutput), host, NO_HANDLE));
  s[STATE] = { host, writer, onDrop, dropped: false, finished: false };
  return s;
}

/**
 * @param {unknown} s
 * @returns {{ host: ComponentHost, writer: BodyWriter, onDrop: () => void, dropped: boolean }}
 */
function outputState(s) {
  const st = /** @type {any} */ (s)?.[STATE];
  if (!st?.writer) throw new TypeError("wasi-web: expected an HTTP body output-stream");
  if (st.dropped) throw new Error("wasi-web: this output-stream was dropped and cannot be used");
  return st;
}

/**
 * check-write: what may be written now; a stream-error once the body is
 * finished or the consumer failed.
 * @param {ReturnType<typeof outputState>} st
 */
function room(st) {
  const w = st.writer;
  if (w.error) {
    const code = w.error;
    // Reported once, then closed.
    w.error = null;
    w.closed = true;
    throw { tag: "last-operation-failed", val: httpIoError(st.host, code) };
  }
  if (w.closed) throw { tag: "closed" };
  return w.budget;
}

/**
 * @param {ReturnType<typeof outputState>} st
 * @param {Uint8Array} bytes
 */
function put(st, bytes) {
  const budget = room(st);
  if (bytes.length > budget) {
    if (!st.writer.streaming && bytes.length > 0) {
      // A buffered body past its cap: the request cannot be sent.
      st.writer.fail({ tag: "HTTP-request-body-size", val: BigInt(st.writer.written + bytes.length) });
      room(st);
    }
    // As wasmtime: a write past what check-write granted traps.
    throw new WebAssembly.RuntimeError("wasi-web: output-stream write exceeded the budget check-write gave");
  }
  if (bytes.length > 0) st.writer.push(bytes.slice());
}

export const BodyOutput = { prototype: Object.create(OutputStream.prototype) };
Object.assign(BodyOutput.prototype, {
  checkWrite() {
    return BigInt(room(outputState(this)));
  },
  /** @param {Uint8Array} contents */
  write(contents) {
    put(outputState(this), contents);
  },
  /** @param {Uint8Array} contents */
  blockingWriteAndFlush(contents) {
    const st = outputState(this);
    if (contents.length > 4096) throw new WebAssembly.RuntimeError("wasi-web: blocking-write-and-flush takes at most 4096 bytes");
    if (room(st) >= contents.length) return put(st, contents);
    if (!st.host.async) needsAsync();
    return (async () => {
      while (!st.writer.closed && st.writer.budget < contents.length) await st.writer.waitForRoom();
      put(st, contents);
    })();
  },
  flush() {
    room(outputState(this));
  },
  // Queued bytes are the host's: a flush has nothing more to wait for.
  blockingFlush() {
    room(outputState(this));
  },
  subscribe() {
    const st = outputState(this);
    const w = st.writer;
    return pollable(st.host, w.closed || w.budget > 0 ? null : w.waitForRoom());
  },
  /** @param {number | bigint} len */
  writeZeroes(len) {
    put(outputState(this), new Uint8Array(Number(len)));
  },
  /** @param {number | bigint} len */
  blockingWriteZeroesAndFlush(len) {
    return this.blockingWriteAndFlush(new Uint8Array(Number(len)));
  },
  /** @param {any} src @param {number | bigint} len */
  splice(src, len) {
    const st = outputState(this);
    const n = Math.min(Number(len), room(st));
    const chunk = src.read(BigInt(n));
    put(st, chunk);
    return BigInt(chunk.length);
  },
  /** @param {any} src @param {number | bigint} len */
  blockingSplice(src, len) {
    const st = outputState(this);
    const go = () => {
      const n = Math.min(Number(len), room(st));
      const chunk = src.blockingRead(BigInt(n));
      const finish = (/** @type {Uint8Array} */ c) => {
        put(st, c);
        return BigInt(c.length);
      };
      return chunk instanceof Promise ? chunk.then(finish) : finish(chunk);
    };
    if (room(st) > 0) return go();
    if (!st.host.async) needsAsync();
    return st.writer.waitForRoom().then(go);
  },
  [symbolDispose]() {
    const st = /** @type {any} */ (this)[STATE];
    if (!st || st.dropped) return;
    st.dropped = true;
    st.onDrop();
  },
});
