// Serving a wasi:http/incoming-handler component from a Node http.Server,
// as `wasmtime serve` does: every request gets a fresh instance (its own
// WASIp2 host, in async mode: JSPI, Node 24+), an incoming-request over the
// Node request (its body read as the guest asks, its trailers at the end)
// and a response-outparam whose outgoing-response is written to the Node
// response as the guest writes it (trailers too).
import { BodyReader } from "./body.js";
import { describeErrorCode } from "./errors.js";
import { Fields, latin1 } from "./fields.js";
import { httpImports, methodOf } from "./types.js";
import { transpileComponent } from "../preview2/run.js";
import { WASIp2 } from "../preview2/wasip2.js";
import { WASIp3 } from "../preview3/wasip3.js";
import { chunksOf } from "../preview3/streams.js";
import { init } from "../core.js";
import { componentWasiVersion } from "../module.js";
import { httpImports3 } from "./p3.js";

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */
/** @typedef {import("./errors.js").ErrorCode} ErrorCode */

/**
 * Raw Node header pairs ([name, value, name, value, ...]) as field entries;
 * values as the bytes Node read (latin1).
 * @param {string[]} raw
 * @returns {[string, Uint8Array][]}
 */
function rawEntries(raw) {
  /** @type {[string, Uint8Array][]} */
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], Uint8Array.from(raw[i + 1], (c) => c.charCodeAt(0) & 0xff)]);
  return out;
}

/** Default cap on a request body (`maxBodySize`): what the client buffers at most too. */
export const DEFAULT_MAX_BODY_SIZE = 64 << 20;
/** Default longest wait for the next piece of a request body (`bodyTimeoutMs`). */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/**
 * What a handler sees of a Node request, the same for 0.2 and 0.3: method,
 * path with query, scheme (http), the Host header as authority, the
 * headers as Node read them.
 * @param {IncomingMessage} req
 */
function requestHead(req) {
  return {
    method: methodOf(req.method ?? "GET"),
    path: req.url,
    scheme: { tag: "HTTP" },
    authority: req.headers.host,
    headers: Fields.fromHost(rawEntries(req.rawHeaders)),
  };
}

/**
 * The request's trailers once its body is read, if it had any.
 * @param {IncomingMessage} req
 */
const requestTrailers = (req) => (req.rawTrailers.length > 0 ? Fields.fromHost(rawEntries(req.rawTrailers)) : undefined);

/**
 * The request body as the guest reads it, bounded against a hostile client:
 * more than `maxBodySize` bytes fails the read with
 * `HTTP-request-body-size`, no data for `bodyTimeoutMs` with
 * `connection-read-timeout`; either way the connection is closed once the
 * response is out (nothing more of the body is kept). A cut connection is
 * `connection-terminated`.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {{ maxBodySize: number, bodyTimeoutMs: number }} limits
 * @returns {AsyncGenerator<Uint8Array>}
 */
async function* requestBody(req, res, { maxBodySize, bodyTimeoutMs }) {
  const iterator = req[Symbol.asyncIterator]();
  let size = 0;
  /** @param {ErrorCode} code */
  const refuse = (code) => {
    res.shouldKeepAlive = false;
    if (!res.headersSent) res.setHeader("connection", "close");
    req.pause();
    return code;
  };
  for (;;) {
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {IteratorResult<Buffer>} */
    let r;
    try {
      r = await Promise.race([
        iterator.next(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(refuse({ tag: "connection-read-timeout" })), bodyTimeoutMs);
        }),
      ]);
    } catch (error) {
      if (error && typeof error === "object" && "tag" in error) throw error;
      throw { tag: "connection-terminated" };
    } finally {
      clearTimeout(timer);
    }
    if (r.done) return;
    size += r.value.length;
    if (size > maxBodySize) throw refuse({ tag: "HTTP-request-body-size", val: BigInt(size) });
    yield new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.length);
  }
}

/**
 * Answers 413 (and closes the connection) when the request declares a body
 * past the cap; the handler is not run. Returns whether it did.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {number} maxBodySize
 */
function refuseDeclaredBody(req, res, maxBodySize) {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!(declared > maxBodySize)) return false;
  res.shouldKeepAlive = false;
  res.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`request body of ${declared} bytes is over the limit of ${maxBodySize}\n`);
  return true;
}

/** A WASIp2 that runs one call of the handler as a run: trap handling, and every resource it held freed at the end. */
class HandlerHost extends WASIp2 {
  /**
   * Resolves to 0 (or the code the guest gave `exit`); a trap rejects, described.
   * @param {() => Promise<unknown>} call
   */
  serve(call) {
    return this.runGuestAsync(call, undefined);
  }
}

/**
 * Loads a component that exports wasi:http/incoming-handler and returns a
 * function that answers one Node request with a fresh instance of it.
 * `options` are WASIp2's (env, stdout, stderr, fs, preopens...); `async`
 * is always on. `maxBodySize` (bytes, default 64 MiB) and `bodyTimeoutMs`
 * (default 30 s) bound each request body (requestBody above).
 * @param {Uint8Array} component
 * @param {Omit<import("../preview2/wasip2.js").WASIp2Options, "async"> & { cache?: boolean, maxBodySize?: number, bodyTimeoutMs?: number }} [options]
 * @returns {Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>>}
 */
export async function incomingHandler(component, options = {}) {
  if (typeof WebAssembly.Suspending !== "function") {
    throw new Error("wasi-web: serving a wasi:http component needs JSPI (WebAssembly.Suspending): Node 24 or later");
  }
  await init();
  const { cache, maxBodySize = DEFAULT_MAX_BODY_SIZE, bodyTimeoutMs = DEFAULT_BODY_TIMEOUT_MS, ...hostOptions } = options;
  for (const [name, v] of Object.entries({ maxBodySize, bodyTimeoutMs })) {
    if (!(Number.isSafeInteger(v) && v > 0)) throw new RangeError(`wasi-web: ${name} must be a positive integer, got ${v}`);
  }
  const limits = { maxBodySize, bodyTimeoutMs };
  const transpiled = await transpileComponent(component, { async: true, cache });
  if (componentWasiVersion(component) === "0.3") {
    if (!transpiled.exports.some(([name]) => name.startsWith("wasi:http/handler"))) {
      throw new Error("wasi-web: the component does not export wasi:http/handler (it is not an HTTP handler)");
    }
    return async (req, res) => {
      if (!refuseDeclaredBody(req, res, maxBodySize)) await handleP3(transpiled, hostOptions, limits, req, res);
    };
  }
  if (!transpiled.exports.some(([name]) => name.startsWith("wasi:http/incoming-handler"))) {
    throw new Error("wasi-web: the component does not export wasi:http/incoming-handler (it is not an HTTP handler)");
  }
  return async (req, res) => {
    if (refuseDeclaredBody(req, res, maxBodySize)) return;
    const wasi = new HandlerHost({ ...hostOptions, async: true });
    const http = httpImports(() => wasi);
    const instance = /** @type {Record<string, any>} */ (transpiled.instantiate({ ...wasi.imports, ...http.imports }));
    const handler = instance.incomingHandler ?? Object.entries(instance).find(([k]) => k.startsWith("wasi:http/incoming-handler@"))?.[1];

    const chunks = requestBody(req, res, limits);
    const reader = new BodyReader(async () => {
      const r = await chunks.next();
      return r.done ? null : r.value;
    });
    const body = http.make.incomingBody(
      reader,
      () => requestTrailers(req),
      // A body the handler drops unread is discarded: the response still goes out on this connection.
      () => req.resume(),
    );
    const request = http.make.incomingRequest({ ...requestHead(req), body });

    /** @type {Promise<void> | undefined} */
    let sending;
    /** @type {any} */
    let response;
    const outparam = http.make.responseOutparam((/** @type {{ tag: string, val: any }} */ result) => {
      if (result.tag === "ok") response = result.val;
      sending = respond(res, result, http.make.responseParts);
    });
    try {
      const code = await wasi.serve(() => handler.handle(request, outparam));
      if (code !== 0) process.stderr.write(`wasi-web serve: the handler exited with ${code} on ${req.method} ${req.url}\n`);
    } catch (error) {
      const e = /** @type {Error} */ (error);
      process.stderr.write(`wasi-web serve: the handler failed on ${req.method} ${req.url}: ${e?.message ?? e}\n`);
      if (!sending && !res.headersSent) fail(res, 500, "the handler failed");
    }
    if (!sending && !res.headersSent) fail(res, 500, "the handler returned without a response");
    // A body the handler neither finished nor dropped is incomplete once it returns.
    const outgoing = response && http.make.responseParts(response).body;
    if (outgoing?.state === "open") outgoing[Symbol.dispose ?? Symbol.for("dispose")]();
    await sending;
  };
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function fail(res, status, text) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

/**
 * Writes an outgoing-response (or an error-code: 500) to the Node response,
 * the body as the guest writes it.
 * @param {ServerResponse} res
 * @param {{ tag: string, val: any }} result
 * @param {(r: any) => { status: number, headers: Fields, body: any, bodyTaken: boolean }} partsOf
 */
async function respond(res, result, partsOf) {
  if (result.tag !== "ok") {
    fail(res, 500, `the handler answered with an error: ${describeErrorCode(/** @type {ErrorCode} */ (result.val))}`);
    return;
  }
  const { status, headers, body } = partsOf(result.val);
  /** @type {Map<string, string[]>} */
  const grouped = new Map();
  for (const [k, v] of headers.entries()) {
    const list = grouped.get(k.toLowerCase()) ?? [];
    list.push(latin1(v));
    grouped.set(k.toLowerCase(), list);
  }
  res.statusCode = status;
  for (const [k, v] of grouped) res.setHeader(k, v.length === 1 ? v[0] : v);
  if (!body) {
    res.end();
    return;
  }
  const writer = body.writer;
  writer.streaming = true;
  for (;;) {
    await writer.waitForData();
    for (const chunk of writer.take()) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    }
    if (writer.closed && writer.queued === 0) break;
  }
  if (body.state !== "finished") {
    // Dropped without finish: the body is incomplete; cut the connection.
    res.destroy();
    return;
  }
  /** @type {[string, Uint8Array][]} */
  const trailers = body.trailers?.entries() ?? [];
  if (trailers.length > 0) res.addTrailers(trailers.map(([k, v]) => /** @type {[string, string]} */ ([k, latin1(v)])));
  res.end();
}

/** A WASIp3 that runs one call of the handler as a run (as HandlerHost). */
class HandlerHost3 extends WASIp3 {
  /** @param {() => Promise<unknown>} call */
  serve(call) {
    return this.runGuestAsync(call, undefined);
  }
}

/**
 * Answers one Node request with a fresh instance of a WASI 0.3
 * `wasi:http/handler`: the response's body stream and trailers future are
 * sent before the run ends (the guest may still be writing them after
 * `handle` returned).
 * @param {{ instantiate(imports: Record<string, object>): object }} transpiled
 * @param {object} hostOptions
 * @param {{ maxBodySize: number, bodyTimeoutMs: number }} limits
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function handleP3(transpiled, hostOptions, limits, req, res) {
  const wasi = new HandlerHost3(hostOptions);
  const http = httpImports3();
  const base = /** @type {Record<string, Record<string, unknown>>} */ (wasi.imports);
  // types and client from the same httpImports3: send() takes only the requests its own `request.new` made.
  const imports = {
    ...base,
    "wasi:http/types": { ...base["wasi:http/types"], ...http.imports["wasi:http/types"] },
    "wasi:http/client": { ...base["wasi:http/client"], ...http.imports["wasi:http/client"] },
  };
  const instance = /** @type {Record<string, any>} */ (transpiled.instantiate(imports));
  const handler = instance.handler ?? Object.entries(instance).find(([k]) => k.startsWith("wasi:http/handler@"))?.[1];
  const request = http.make.incomingRequest({
    ...requestHead(req),
    source: requestBody(req, res, limits),
    trailers: () => requestTrailers(req),
    cancel: () => req.resume(),
  });
  try {
    await wasi.serve(async () => {
      /** @type {unknown} */
      let response;
      try {
        response = await handler.handle(request);
      } catch (error) {
        // An err result (jco throws it as a ComponentError with the error-code as payload).
        const code = /** @type {{ payload?: ErrorCode }} */ (error)?.payload;
        if (code && typeof code === "object" && "tag" in code) {
          fail(res, 500, `the handler answered with an error: ${describeErrorCode(code)}`);
          return;
        }
        throw error;
      }
      const { status, headers, guest } = http.make.responseParts(response);
      res.statusCode = status;
      /** @type {Map<string, string[]>} */
      const grouped = new Map();
      for (const [k, v] of headers.entries()) grouped.set(k.toLowerCase(), [...(grouped.get(k.toLowerCase()) ?? []), latin1(v)]);
      for (const [k, v] of grouped) res.setHeader(k, v.length === 1 ? v[0] : v);
      if (guest?.contents) {
        for await (const chunk of chunksOf(guest.contents)) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
        }
      }
      const t = await guest?.trailers;
      if (t?.tag === "err") {
        guest?.sent({ tag: "err", val: t.val });
        res.destroy();
        return;
      }
      /** @type {[string, Uint8Array][]} */
      const trailers = t?.val instanceof Fields ? t.val.entries() : [];
      if (trailers.length > 0) res.addTrailers(trailers.map(([k, v]) => /** @type {[string, string]} */ ([k, latin1(v)])));
      res.end();
      guest?.sent({ tag: "ok", val: undefined });
    });
  } catch (error) {
    const e = /** @type {Error} */ (error);
    process.stderr.write(`wasi-web serve: the handler failed on ${req.method} ${req.url}: ${e?.message ?? e}\n`);
    if (!res.headersSent) fail(res, 500, "the handler failed");
    else res.destroy();
  }
}
