// wasi:http 0.2 (`wasi:http/types` and `wasi:http/outgoing-handler`) for
// jco-transpiled components: requests go out through fetch() (Node's or the
// page's); incoming requests and response-outparams are made by the Node
// server (server.js). Resources are JS objects; their streams and pollables
// are wasi:io's (body.js). js/http/README.md describes the behaviour.
import { BodyReader, BodyWriter, errorCodeOf, inputStream, outputStream, pollable } from "./body.js";
import { errorCodeFromFetch, internalError } from "./errors.js";
import { Fields, latin1, validName } from "./fields.js";

/** @typedef {import("../preview2/component-host.js").ComponentHost} ComponentHost */
/** @typedef {import("./errors.js").ErrorCode} ErrorCode */
/** @typedef {{ tag: string, val?: string }} Method */
/** @typedef {{ tag: string, val?: string }} Scheme */

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");

/** Whether fetch() can stream a request body: Node's can (HTTP/1.1 chunked); Chromium's only over HTTP/2. */
export const IN_NODE = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Most bytes a request body is buffered to when fetch() cannot stream it. */
export const MAX_BUFFERED_BODY = 64 << 20;

/**
 * Request headers a page's fetch() drops without a word (the Fetch
 * standard's forbidden request-headers): a request carrying one fails with
 * `HTTP-request-denied` instead (`content-length` is checked against the
 * body and left to fetch).
 */
const PAGE_FORBIDDEN = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
]);

/** @param {string} name */
export const pageForbidden = (name) => {
  const n = name.toLowerCase();
  return PAGE_FORBIDDEN.has(n) || n.startsWith("proxy-") || n.startsWith("sec-");
};

/** @param {Method} m */
export function methodName(m) {
  switch (m?.tag) {
    case "other":
      return String(m.val);
    case "get":
    case "head":
    case "post":
    case "put":
    case "delete":
    case "connect":
    case "options":
    case "trace":
    case "patch":
      return m.tag.toUpperCase();
    default:
      throw new TypeError(`wasi-web: not a wasi:http method: ${JSON.stringify(m)}`);
  }
}

/** @param {string} name @returns {Method} */
export function methodOf(name) {
  const lower = name.toLowerCase();
  const known = ["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"];
  return known.includes(lower) && name === name.toUpperCase() ? { tag: lower } : { tag: "other", val: name };
}

/** @param {Scheme} s */
export function schemeName(s) {
  if (s.tag === "HTTP") return "http";
  if (s.tag === "HTTPS") return "https";
  return String(s.val);
}

/**
 * What `set-path-with-query` takes (as wasmtime's http::uri::PathAndQuery):
 * RFC 3986 pchars, `/` and `?`, and the few it also lets through
 * (`"{}|^[]\\`); no space, control, `#`, `<`, `>`, backquote or non-ASCII.
 * Relative forms ("a/b", "?q") are accepted, as the suite's http-request
 * asks; sending one is refused (`HTTP-request-URI-invalid`).
 */
const PATH = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?"{}|^[\]\\]*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** The longest path or authority: the http crate's URI limit (wasmtime refuses longer ones). */
const MAX_URI_PART = 65534;
/** RFC 3986 reg-name and userinfo characters. */
const REG_NAME = /^[A-Za-z0-9\-._~%!$&'()*+,;=]*$/;

/**
 * An authority as wasmtime's http::uri::Authority takes it:
 * `[userinfo@]host[:port]`, the host not empty (or an IP literal in
 * brackets), the port digits.
 * @param {string} a
 */
function validAuthority(a) {
  const at = a.lastIndexOf("@");
  const userinfo = at < 0 ? "" : a.slice(0, at);
  if (!/^[A-Za-z0-9\-._~%!$&'()*+,;=:]*$/.test(userinfo)) return false;
  const hostPort = a.slice(at + 1);
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  return m !== null && m[1] !== "" && (m[1].startsWith("[") || REG_NAME.test(m[1]));
}

/** Most header fields of a fetched response handed to the guest. */
export const MAX_RESPONSE_FIELDS = 1000;
/** Most bytes (names and values) of those fields: wasmtime's default field_size_limit. */
export const MAX_RESPONSE_FIELD_BYTES = 128 << 10;

/**
 * A fetch() Response's headers as field entries (values as the bytes they
 * were, `set-cookie` one entry each), checked against the limits above
 * before anything is copied: past them, the error-code
 * `HTTP-response-header-section-size` is thrown (a page's fetch() has no
 * limit of its own; Node's stops at 16 KiB).
 * @param {Headers} headers
 * @returns {[string, Uint8Array][]}
 */
export function responseEntries(headers) {
  /** @type {[string, string][]} */
  const pairs = [];
  for (const [k, v] of headers) if (k !== "set-cookie") pairs.push([k, v]);
  for (const c of headers.getSetCookie?.() ?? []) pairs.push(["set-cookie", c]);
  return boundedEntries(pairs, "HTTP-response-header-section-size");
}

/**
 * Header or trailer pairs (values as ByteStrings) as field entries, or the
 * error-code `tag` (with the section's size) when past the limits above.
 * @param {[string, string][]} pairs
 * @param {"HTTP-response-header-section-size" | "HTTP-response-trailer-section-size"} tag
 * @returns {[string, Uint8Array][]}
 */
export function boundedEntries(pairs, tag) {
  let size = 0;
  for (const [k, v] of pairs) size += k.length + v.length;
  if (pairs.length > MAX_RESPONSE_FIELDS || size > MAX_RESPONSE_FIELD_BYTES) throw { tag, val: Math.min(size, 0xffffffff) };
  return pairs.map(([k, v]) => [k, Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff)]);
}

/**
 * A status code a response may be given: 100 to 599 (RFC 9110's classes;
 * the suite's http-response refuses 600 and up).
 * @param {number} code
 */
export const validStatus = (code) => Number.isInteger(code) && code >= 100 && code <= 599;

const KNOWN_METHODS = ["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"];

/**
 * The request setters' rules, one place for 0.2 and 0.3 (js/http/p3.js):
 * each says whether the value may be set (wasmtime refuses the same ones).
 */
export const validRequestPart = {
  /** @param {Method} m */
  method: (m) => (m?.tag !== "other" || validName(m.val)) && methodName(m) !== undefined,
  /** @param {string | undefined} p */
  pathWithQuery: (p) => p == null || (typeof p === "string" && p.length <= MAX_URI_PART && PATH.test(p)),
  /** @param {Scheme | undefined} s */
  scheme: (s) => s?.tag !== "other" || SCHEME.test(String(s.val)),
  /** @param {string | undefined} a */
  authority: (a) => a == null || (typeof a === "string" && a.length <= MAX_URI_PART && validAuthority(a)),
};

/**
 * The method, scheme, authority and path of a request the guest builds,
 * with their setters' rules: 0.2's outgoing-request and 0.3's request
 * (p3.js) both extend it. `other` spellings of a known method or scheme
 * are stored as that one (`other("GET")` is `get`, `other("https")` is
 * HTTPS: wasi-http#194), and an empty path is `/`.
 */
export class RequestHead {
  /** @type {Method} */ #method = { tag: "get" };
  /** @type {Scheme | undefined} */ #scheme = undefined;
  /** @type {string | undefined} */ #authority = undefined;
  /** @type {string | undefined} */ #path = undefined;

  method() {
    return this.#method;
  }
  /** @param {Method} m */
  setMethod(m) {
    if (!validRequestPart.method(m)) throw REFUSED;
    const known = m.tag === "other" && KNOWN_METHODS.includes(String(m.val).toLowerCase()) && m.val === String(m.val).toUpperCase();
    this.#method = known ? { tag: String(m.val).toLowerCase() } : m;
  }
  pathWithQuery() {
    return this.#path;
  }
  /** @param {string | undefined} p */
  setPathWithQuery(p) {
    if (!validRequestPart.pathWithQuery(p)) throw REFUSED;
    this.#path = p === "" ? "/" : (p ?? undefined);
  }
  scheme() {
    return this.#scheme;
  }
  /** @param {Scheme | undefined} s */
  setScheme(s) {
    if (!validRequestPart.scheme(s)) throw REFUSED;
    if (s?.tag === "other" && s.val === "http") this.#scheme = { tag: "HTTP" };
    else if (s?.tag === "other" && s.val === "https") this.#scheme = { tag: "HTTPS" };
    else this.#scheme = s ?? undefined;
  }
  authority() {
    return this.#authority;
  }
  /** @param {string | undefined} a */
  setAuthority(a) {
    if (!validRequestPart.authority(a)) throw REFUSED;
    this.#authority = a ?? undefined;
  }
  // WASI 0.3 names the getters get-*.
  getMethod() {
    return this.#method;
  }
  getPathWithQuery() {
    return this.#path;
  }
  getScheme() {
    return this.#scheme;
  }
  getAuthority() {
    return this.#authority;
  }
  /**
   * The head as sent (a host-made request's parts are set as given).
   * @internal
   */
  head() {
    return { method: this.#method, scheme: this.#scheme, authority: this.#authority, path: this.#path };
  }
  /**
   * Sets the head of a request the host received.
   * @param {{ method: Method, scheme: Scheme | undefined, authority: string | undefined, path: string | undefined }} h
   * @internal
   */
  setHead(h) {
    this.#method = h.method;
    this.#scheme = h.scheme;
    this.#authority = h.authority;
    this.#path = h.path;
  }
}

/**
 * The URL a request's head gives, or why it cannot be sent: no authority →
 * `HTTP-request-URI-invalid`; a scheme other than http/https →
 * `HTTP-protocol-error` (none: https); userinfo (fetch() takes no
 * credentials in a URL) or a relative path → `HTTP-request-URI-invalid`.
 * @param {{ scheme: Scheme | undefined, authority: string | undefined, path: string | undefined }} head
 * @returns {{ url: URL } | { error: ErrorCode }}
 */
export function requestUrl({ scheme, authority, path }) {
  if (!authority || authority.includes("@")) return { error: { tag: "HTTP-request-URI-invalid" } };
  const schemeText = scheme ? schemeName(scheme) : "https";
  if (schemeText !== "http" && schemeText !== "https") return { error: { tag: "HTTP-protocol-error" } };
  if (path !== undefined && !path.startsWith("/") && path !== "*") return { error: { tag: "HTTP-request-URI-invalid" } };
  try {
    return { url: new URL(`${schemeText}://${authority}${path ?? "/"}`) };
  } catch {
    return { error: { tag: "HTTP-request-URI-invalid" } };
  }
}

/** The longest timer delay: setTimeout fires at once (after 1 ms) for a longer one. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Nanoseconds (a WIT duration) as milliseconds for a timer; undefined (no
 * timer) for one past MAX_TIMER_MS (24.8 days), which would otherwise fire at once.
 * @param {bigint | undefined} ns
 */
export const ms = (ns) => {
  if (ns === undefined) return undefined;
  const n = Number(BigInt(ns) / 1_000_000n);
  return n > MAX_TIMER_MS ? undefined : Math.max(0, n);
};

/**
 * An option<duration> from a setter: a u64 BigInt (as jco gives) or none.
 * @param {unknown} d
 * @returns {bigint | undefined}
 */
function duration(d) {
  if (d == null) return undefined;
  if (typeof d !== "bigint") throw new TypeError(`wasi-web: a duration must be a bigint, got ${typeof d}`);
  return BigInt.asUintN(64, d);
}

/** @param {unknown} v */
const ok = (v) => ({ tag: "ok", val: v });
/** @param {unknown} v */
const err = (v) => ({ tag: "err", val: v });

/**
 * The wasi:http interfaces for one host, keyed as jco's import object wants
 * them ("wasi:http/types", "wasi:http/outgoing-handler"). The resource
 * classes are made per call, bound to `getHost()` (their streams and
 * pollables live in that host's core).
 * @param {() => ComponentHost} getHost
 * @param {{ fetch?: typeof fetch }} [options] `fetch`: the function requests go through (default: globalThis.fetch at call time)
 */
export function httpImports(getHost, options = {}) {
  const fetchFn = () => options.fetch ?? globalThis.fetch;

  class RequestOptions {
    /** @type {bigint | undefined} */ connect = undefined;
    /** @type {bigint | undefined} */ firstByte = undefined;
    /** @type {bigint | undefined} */ betweenBytes = undefined;
    #frozen = false;
    /** Once a 0.3 request holds it, its setters fail with `immutable`. @internal */
    freeze() {
      this.#frozen = true;
    }
    #mutable() {
      if (this.#frozen) throw { tag: "immutable" };
    }
    connectTimeout() {
      return this.connect;
    }
    /** @param {bigint | undefined} d */
    setConnectTimeout(d) {
      this.#mutable();
      this.connect = duration(d);
    }
    firstByteTimeout() {
      return this.firstByte;
    }
    /** @param {bigint | undefined} d */
    setFirstByteTimeout(d) {
      this.#mutable();
      this.firstByte = duration(d);
    }
    betweenBytesTimeout() {
      return this.betweenBytes;
    }
    /** @param {bigint | undefined} d */
    setBetweenBytesTimeout(d) {
      this.#mutable();
      this.betweenBytes = duration(d);
    }
    // WASI 0.3 names the getters get-*; the setters are the same.
    getConnectTimeout() {
      return this.connect;
    }
    getFirstByteTimeout() {
      return this.firstByte;
    }
    getBetweenBytesTimeout() {
      return this.betweenBytes;
    }
    clone() {
      const c = new RequestOptions();
      Object.assign(c, { connect: this.connect, firstByte: this.firstByte, betweenBytes: this.betweenBytes });
      return c;
    }
    [symbolDispose]() {}
  }

  /** An outgoing body: its writer, and how it ended. */
  class OutgoingBody {
    /** @type {BodyWriter} */ writer;
    streamTaken = false;
    streamAlive = false;
    /** @type {"open" | "finished" | "dropped"} */ state = "open";
    /** @type {Fields | undefined} */ trailers = undefined;
    /** @type {number | undefined} content-length the headers promised */ expected;
    /** @type {(() => void)[]} */ #onEnd = [];
    /** Called with the trailers when finished (the server sends them). @type {((t: Fields | undefined) => void) | undefined} */
    onFinish;
    /** Whether a finish with trailers can be honoured (fetch cannot send them). */
    trailersSupported = false;

    /** @internal */
    constructor(/** @type {typeof INTERNAL} */ key, /** @type {number} */ limit, /** @type {number | undefined} */ expected) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: an outgoing-body is made by outgoing-request.body()");
      this.writer = new BodyWriter(limit);
      this.expected = expected;
    }

    write() {
      if (this.streamTaken || this.state !== "open") throw REFUSED;
      this.streamTaken = true;
      this.streamAlive = true;
      return outputStream(getHost(), this.writer, () => {
        this.streamAlive = false;
      });
    }

    /** Resolves when the body is finished or dropped. */
    ended() {
      if (this.state !== "open") return Promise.resolve();
      return new Promise((resolve) => this.#onEnd.push(() => resolve(undefined)));
    }

    /**
     * @param {OutgoingBody} body
     * @param {Fields | undefined} trailers
     */
    static finish(body, trailers) {
      if (!(body instanceof OutgoingBody)) throw new TypeError("wasi-web: expected an outgoing-body");
      if (body.streamAlive) throw new WebAssembly.RuntimeError("wasi-web: outgoing-body.finish while its output-stream is alive");
      if (body.writer.error) {
        const code = body.writer.error;
        body.#end("dropped");
        throw code;
      }
      if (body.expected !== undefined && body.writer.written !== body.expected) {
        body.writer.fail({ tag: "HTTP-request-body-size", val: BigInt(body.writer.written) });
        body.#end("dropped");
        throw { tag: "HTTP-request-body-size", val: BigInt(body.writer.written) };
      }
      if (trailers !== undefined && trailers !== null && !body.trailersSupported && trailers.entries().length > 0) {
        body.writer.fail(internalError("fetch() cannot send trailers"));
        body.#end("dropped");
        throw internalError("wasi-web: fetch() cannot send request trailers");
      }
      body.trailers = trailers ?? undefined;
      body.onFinish?.(body.trailers);
      body.#end("finished");
    }

    /** @param {"finished" | "dropped"} state */
    #end(state) {
      if (this.state !== "open") return;
      this.state = state;
      if (state === "dropped" && !this.writer.error) this.writer.fail(internalError("the outgoing-body was dropped without finish"));
      this.writer.close();
      for (const f of this.#onEnd.splice(0)) f();
    }

    [symbolDispose]() {
      this.#end("dropped");
    }
  }

  class OutgoingRequest extends RequestHead {
    #headers;
    /** @type {OutgoingBody | undefined} */ #body = undefined;
    #bodyTaken = false;

    /** @param {Fields} headers */
    constructor(headers) {
      super();
      if (!(headers instanceof Fields)) throw new TypeError("wasi-web: expected fields");
      this.#headers = headers.freeze();
    }
    body() {
      if (this.#bodyTaken) throw REFUSED;
      this.#bodyTaken = true;
      this.#body = new OutgoingBody(INTERNAL, MAX_BUFFERED_BODY, contentLength(this.#headers));
      return this.#body;
    }
    headers() {
      return this.#headers;
    }
    /** What handle() needs. @internal */
    parts() {
      return { ...this.head(), headers: this.#headers, body: this.#body };
    }
    [symbolDispose]() {}
  }

  class FutureIncomingResponse {
    /** @type {{ tag: "ok", val: IncomingResponse } | { tag: "err", val: ErrorCode } | undefined} */
    #result = undefined;
    #taken = false;
    /** @type {Promise<void>} */ #settled;
    /** @type {() => void} */ #onDrop;

    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {Promise<Response>} */ response,
      /** @type {(r: Response) => IncomingResponse} */ make,
      /** @type {(e: unknown) => Promise<ErrorCode>} */ mapError,
      /** @type {() => void} */ onDrop,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: a future-incoming-response is made by outgoing-handler.handle");
      this.#onDrop = onDrop;
      this.#settled = response.then(
        (r) => {
          try {
            this.#result = { tag: "ok", val: make(r) };
          } catch (code) {
            // Headers past the limits (responseEntries): an error-code, not a response.
            this.#result = { tag: "err", val: /** @type {ErrorCode} */ (code) };
          }
        },
        async (e) => {
          this.#result = { tag: "err", val: await mapError(e) };
        },
      );
    }
    subscribe() {
      return pollable(getHost(), this.#result ? null : this.#settled);
    }
    get() {
      if (!this.#result) return undefined;
      if (this.#taken) return err(undefined);
      this.#taken = true;
      return ok(this.#result);
    }
    [symbolDispose]() {
      // A response never taken frees its connection.
      if (!this.#taken) {
        if (this.#result?.tag === "ok") this.#result.val[symbolDispose]();
        else this.#onDrop();
      }
    }
  }

  class IncomingResponse {
    #status;
    #headers;
    /** @type {IncomingBody | undefined} */ #body;
    #consumed = false;
    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {number} */ status,
      /** @type {Fields} */ headers,
      /** @type {IncomingBody} */ body,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: an incoming-response is made by the host");
      this.#status = status;
      this.#headers = headers;
      this.#body = body;
    }
    status() {
      return this.#status;
    }
    headers() {
      return this.#headers;
    }
    consume() {
      if (this.#consumed || !this.#body) throw REFUSED;
      this.#consumed = true;
      return this.#body;
    }
    [symbolDispose]() {
      if (!this.#consumed) this.#body?.cancel();
    }
  }

  class IncomingBody {
    reader;
    #streamTaken = false;
    #streamAlive = false;
    #finished = false;
    /** @type {() => Fields | undefined} */ #trailers;
    /** @type {() => void} */ #cancel;
    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {BodyReader} */ reader,
      /** @type {() => Fields | undefined} */ trailers,
      /** @type {() => void} */ cancel,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: an incoming-body is made by the host");
      this.reader = reader;
      this.#trailers = trailers;
      this.#cancel = cancel;
    }
    stream() {
      if (this.#streamTaken) throw REFUSED;
      this.#streamTaken = true;
      this.#streamAlive = true;
      return inputStream(getHost(), this.reader, () => {
        this.#streamAlive = false;
      });
    }
    /** Stops reading (the guest dropped it unread). @internal */
    cancel() {
      if (!this.reader.ended) this.#cancel();
    }
    /** @param {IncomingBody} body */
    static finish(body) {
      if (!(body instanceof IncomingBody)) throw new TypeError("wasi-web: expected an incoming-body");
      if (body.#streamAlive) throw new WebAssembly.RuntimeError("wasi-web: incoming-body.finish while its input-stream is alive");
      body.#finished = true;
      return new FutureTrailers(INTERNAL, body.reader, body.#trailers);
    }
    [symbolDispose]() {
      // Dropped, not finished: nobody reads the rest, so stop reading it
      // (frees the connection).
      if (!this.#finished) this.cancel();
    }
  }

  class FutureTrailers {
    /** @type {{ tag: "ok", val: Fields | undefined } | { tag: "err", val: ErrorCode } | undefined} */
    #result = undefined;
    #taken = false;
    #settled;
    /** @internal */
    constructor(/** @type {typeof INTERNAL} */ key, /** @type {BodyReader} */ reader, /** @type {() => Fields | undefined} */ trailers) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: future-trailers are made by incoming-body.finish");
      const settle = () => {
        const e = reader.error;
        this.#result = e ? { tag: "err", val: e } : { tag: "ok", val: trailers() };
      };
      if (reader.ended) {
        settle();
        this.#settled = Promise.resolve();
      } else {
        this.#settled = reader.drain().then(settle);
      }
    }
    subscribe() {
      return pollable(getHost(), this.#result ? null : this.#settled);
    }
    get() {
      if (!this.#result) return undefined;
      if (this.#taken) return err(undefined);
      this.#taken = true;
      return ok(this.#result);
    }
    [symbolDispose]() {}
  }

  /** Incoming requests (the server makes them; see server.js). */
  class IncomingRequest {
    #parts;
    #consumed = false;
    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {{ method: Method, path: string | undefined, scheme: Scheme | undefined, authority: string | undefined, headers: Fields, body: IncomingBody }} */ parts,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: an incoming-request is made by the host");
      this.#parts = parts;
    }
    method() {
      return this.#parts.method;
    }
    pathWithQuery() {
      return this.#parts.path;
    }
    scheme() {
      return this.#parts.scheme;
    }
    authority() {
      return this.#parts.authority;
    }
    headers() {
      return this.#parts.headers;
    }
    consume() {
      if (this.#consumed) throw REFUSED;
      this.#consumed = true;
      return this.#parts.body;
    }
    [symbolDispose]() {}
  }

  class OutgoingResponse {
    #status = 200;
    #headers;
    /** @type {OutgoingBody | undefined} */ #body;
    #bodyTaken = false;
    /** @param {Fields} headers */
    constructor(headers) {
      if (!(headers instanceof Fields)) throw new TypeError("wasi-web: expected fields");
      this.#headers = headers.freeze();
    }
    statusCode() {
      return this.#status;
    }
    /** @param {number} code */
    setStatusCode(code) {
      if (!validStatus(code)) throw REFUSED;
      this.#status = code;
    }
    headers() {
      return this.#headers;
    }
    body() {
      if (this.#bodyTaken) throw REFUSED;
      this.#bodyTaken = true;
      this.#body = new OutgoingBody(INTERNAL, Infinity, contentLength(this.#headers));
      // The Node server sends trailers (chunked encoding).
      this.#body.trailersSupported = true;
      return this.#body;
    }
    /** @internal */
    parts() {
      return { status: this.#status, headers: this.#headers, body: this.#body, bodyTaken: this.#bodyTaken };
    }
    [symbolDispose]() {}
  }

  class ResponseOutparam {
    /** @type {(result: { tag: "ok", val: OutgoingResponse } | { tag: "err", val: ErrorCode }) => void} */
    #deliver;
    #set = false;
    /** @internal */
    constructor(/** @type {typeof INTERNAL} */ key, /** @type {ResponseOutparam["deliver"]} */ deliver) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: a response-outparam is made by the host");
      this.#deliver = deliver;
    }
    /**
     * Not implemented, as in wasmtime, which traps ("not implemented"): a
     * component that calls it gets the same on both.
     * @param {number} _status @param {Fields} _headers
     */
    sendInformational(_status, _headers) {
      throw new WebAssembly.RuntimeError("wasi-web: response-outparam.send-informational is not implemented (wasmtime traps the same way)");
    }
    /**
     * @param {ResponseOutparam} param
     * @param {{ tag: "ok", val: OutgoingResponse } | { tag: "err", val: ErrorCode }} response
     */
    static set(param, response) {
      if (!(param instanceof ResponseOutparam)) throw new TypeError("wasi-web: expected a response-outparam");
      if (param.#set) return;
      param.#set = true;
      param.#deliver(response);
    }
    /** @internal */
    get deliver() {
      return this.#deliver;
    }
    [symbolDispose]() {
      // Dropped without set: the server answers 500.
      if (!this.#set) {
        this.#set = true;
        this.#deliver({ tag: "err", val: internalError("the handler dropped the response-outparam without setting it") });
      }
    }
  }

  /**
   * @param {unknown} e an io error
   * @returns {ErrorCode | undefined}
   */
  function httpErrorCode(e) {
    return errorCodeOf(e);
  }

  /**
   * outgoing-handler.handle: sends the request with fetch().
   * @param {OutgoingRequest} request
   * @param {RequestOptions | undefined} options
   */
  function handle(request, options) {
    if (!(request instanceof OutgoingRequest)) throw new TypeError("wasi-web: expected an outgoing-request");
    const host = getHost();
    const { method, scheme, authority, path, headers, body } = request.parts();
    if (!host.async) {
      throw internalError(
        "wasi-web: wasi:http requests need async mode (JSPI): a synchronous host cannot wait for fetch(); run the component with { async: true }",
      );
    }
    const target = requestUrl({ scheme, authority, path });
    if ("error" in target) throw target.error;
    const { url } = target;
    const name = methodName(method);
    if (["CONNECT", "TRACE", "TRACK"].includes(name.toUpperCase())) throw { tag: "HTTP-request-method-invalid" };
    /** @type {[string, string][]} */
    const sendHeaders = [];
    for (const [k, v] of headers.entries()) {
      if (k.toLowerCase() === "content-length") continue;
      if (!IN_NODE && pageForbidden(k)) throw { tag: "HTTP-request-denied" };
      // Header values are bytes; fetch takes them as a ByteString (one char per byte).
      sendHeaders.push([k, latin1(v)]);
    }

    const controller = new AbortController();
    /** Why the request was aborted: a timeout's code, or a dropped body. @type {ErrorCode | undefined} */
    let reason;
    const abort = (/** @type {ErrorCode} */ code) => {
      reason ??= code;
      controller.abort();
    };
    /** @type {ReturnType<typeof setTimeout>[]} */
    const timers = [];
    // fetch() has no connect phase of its own: the connect timeout runs until
    // the response's headers, as the first-byte timeout does (README).
    const connectMs = ms(options?.connect);
    const firstByteMs = ms(options?.firstByte);
    if (connectMs !== undefined) timers.push(setTimeout(() => abort({ tag: "connection-timeout" }), connectMs));
    if (firstByteMs !== undefined) timers.push(setTimeout(() => abort({ tag: "connection-read-timeout" }), firstByteMs));
    const clearTimers = () => timers.forEach((t) => clearTimeout(t));
    const betweenMs = ms(options?.betweenBytes);

    /** @type {RequestInit & { duplex?: string }} */
    const init = { method: name, headers: sendHeaders, signal: controller.signal };
    // Redirects are the guest's to follow, as in wasmtime; a page's fetch can
    // only hide a manual redirect's response (status 0), so there it follows them.
    init.redirect = IN_NODE ? "manual" : "follow";
    const noBody = name === "GET" || name === "HEAD";
    /** @type {Promise<Response>} */
    let response;
    if (body && IN_NODE && !noBody && body.state === "open") {
      // Streamed as the guest writes it (chunked).
      body.writer.streaming = true;
      init.duplex = "half";
      init.body = new ReadableStream({
        async pull(c) {
          await body.writer.waitForData();
          const chunks = body.writer.take();
          for (const chunk of chunks) c.enqueue(chunk);
          if (chunks.length === 0 && body.writer.closed) {
            if (body.state === "finished") c.close();
            else c.error(new Error("the request body was not finished"));
          }
        },
        cancel() {
          body.writer.fail({ tag: "connection-terminated" });
        },
      });
      body.ended().then(() => {
        if (body.state === "dropped") abort(body.writer.error ?? internalError("the outgoing-body was dropped without finish"));
      });
      response = fetchFn()(url, init);
    } else if (body) {
      // Buffered: sent once the guest finishes the body.
      response = body.ended().then(() => {
        if (body.state !== "finished")
          throw Object.assign(new Error("body not finished"), {
            wasiCode: body.writer.error ?? internalError("the outgoing-body was dropped without finish"),
          });
        const bytes = concat(body.writer.take());
        if (bytes.length > 0) {
          if (noBody) throw Object.assign(new Error("GET/HEAD with a body"), { wasiCode: { tag: "HTTP-request-method-invalid" } });
          init.body = /** @type {Uint8Array<ArrayBuffer>} */ (bytes);
        }
        return fetchFn()(url, init);
      });
    } else {
      response = fetchFn()(url, init);
    }
    response.finally(clearTimers).catch(() => {});

    /** @param {unknown} e @returns {Promise<ErrorCode>} */
    const mapError = async (e) => {
      const given = /** @type {any} */ (e)?.wasiCode;
      if (given) return given;
      if (reason) return reason;
      if (IN_NODE) return errorCodeFromFetch(e, internalError(e instanceof Error ? e.message : String(e)));
      return pageFailure(url, fetchFn());
    };

    /** @param {Response} r */
    const make = (r) => {
      /** @type {[string, Uint8Array][]} */
      let entries;
      try {
        entries = responseEntries(r.headers);
      } catch (code) {
        r.body?.cancel().catch(() => {});
        throw code;
      }
      const reader = r.body?.getReader();
      const next = async () => {
        if (!reader) return null;
        /** @type {ReturnType<typeof setTimeout> | undefined} */
        let timer;
        if (betweenMs !== undefined) timer = setTimeout(() => abort({ tag: "connection-read-timeout" }), betweenMs);
        try {
          const { done, value } = await reader.read();
          return done ? null : value;
        } catch (e) {
          throw reason ?? (IN_NODE ? errorCodeFromFetch(e, { tag: "HTTP-response-incomplete" }) : { tag: "HTTP-response-incomplete" });
        } finally {
          clearTimeout(timer);
        }
      };
      const bodyReader = new BodyReader(next);
      const incoming = new IncomingBody(
        INTERNAL,
        bodyReader,
        () => undefined,
        () => {
          reader?.cancel().catch(() => {});
        },
      );
      return new IncomingResponse(INTERNAL, r.status, Fields.fromHost(entries), incoming);
    };
    return new FutureIncomingResponse(INTERNAL, response, make, mapError, () => controller.abort());
  }

  const classes = {
    Fields,
    IncomingRequest,
    OutgoingRequest,
    RequestOptions,
    ResponseOutparam,
    IncomingResponse,
    IncomingBody,
    FutureTrailers,
    OutgoingResponse,
    OutgoingBody,
    FutureIncomingResponse,
  };
  return {
    classes,
    imports: {
      "wasi:http/types": { ...classes, httpErrorCode },
      "wasi:http/outgoing-handler": { handle },
    },
    /** Makes host-side resources (server.js). */
    make: {
      /** @param {ConstructorParameters<typeof IncomingRequest>[1]} parts */
      incomingRequest: (parts) => new IncomingRequest(INTERNAL, parts),
      /** @param {BodyReader} reader @param {() => Fields | undefined} trailers @param {() => void} cancel */
      incomingBody: (reader, trailers, cancel) => new IncomingBody(INTERNAL, reader, trailers, cancel),
      /** @param {(r: any) => void} deliver */
      responseOutparam: (deliver) => new ResponseOutparam(INTERNAL, deliver),
      /** @param {OutgoingResponse} r */
      responseParts: (r) => r.parts(),
    },
  };
}

/** The err of a `result` without an error type (jco lowers any thrown non-Error as err). */
const REFUSED = Object.freeze({});

/** Keeps the internal constructors internal. */
const INTERNAL = Symbol("wasi-web.http.internal");

/**
 * The content-length the headers give, if one valid one.
 * @param {Fields} headers
 */
export function contentLength(headers) {
  const values = headers.get("content-length");
  if (values.length !== 1) return undefined;
  const text = new TextDecoder().decode(values[0]).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** @param {Uint8Array[]} chunks */
export function concat(chunks) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * In a page, fetch() rejects with the same TypeError for a refused
 * connection, a DNS or TLS failure and a CORS refusal. A no-cors HEAD to the
 * same URL tells them apart: it gets through CORS (an opaque response), so
 * if it succeeds the server answered and CORS refused the real request.
 * @param {URL} url
 * @param {typeof fetch} fetchFn
 * @returns {Promise<ErrorCode>}
 */
export async function pageFailure(url, fetchFn) {
  try {
    await fetchFn(url, { method: "HEAD", mode: "no-cors" });
    return { tag: "HTTP-request-denied" };
  } catch {
    return { tag: "destination-unavailable" };
  }
}
