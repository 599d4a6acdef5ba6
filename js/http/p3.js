// WASI 0.3 wasi:http (`types`' request and response, and `client.send`)
// over fetch(), for WASIp3 (js/preview3/). jco (`--async-mode jspi`) hands
// a stream<u8> parameter over as its Stream object and a future parameter as
// a Promise of the value, and takes an async iterable for a stream result
// and a Promise for a future result (js/preview3/README.md). `fields` and
// `request-options` are 0.2's classes (types.js), which carry the 0.3
// members too: jco keys both versions' members under one interface name.
// The server side (`handler`, request.consume-body of an incoming request,
// response.new) serves `wasi-web serve` (server.js).
import { byteStream, chunksOf, err, ok, readableOf } from "../preview3/streams.js";
import { errorCodeFromFetch, internalError } from "./errors.js";
import { Fields, latin1 } from "./fields.js";
import {
  concat,
  contentLength,
  IN_NODE,
  MAX_BUFFERED_BODY,
  methodName,
  pageFailure,
  pageForbidden,
  schemeName,
  validRequestPart,
} from "./types.js";

/** @typedef {import("./errors.js").ErrorCode} ErrorCode */
/** @typedef {{ tag: string, val?: string }} Method */
/** @typedef {{ tag: string, val?: string }} Scheme */

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");
/** The err of a `result` without an error type. */
const REFUSED = Object.freeze({});

/** Nanoseconds as milliseconds. @param {bigint | undefined} ns */
const ms = (ns) => (ns === undefined ? undefined : Number(ns / 1_000_000n));

/**
 * A promise and its resolver.
 * @template T
 */
function deferred() {
  /** @type {(value: T) => void} */
  let resolve = () => {};
  /** @type {Promise<T>} */
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The 0.3 members of wasi:http/types and wasi:http/client.
 * @param {{ fetch?: typeof fetch }} [options] `fetch`: what requests go through (default: globalThis.fetch at call time)
 */
export function httpImports3(options = {}) {
  const fetchFn = () => options.fetch ?? globalThis.fetch;

  class Request {
    /** @type {Method} */ #method = { tag: "get" };
    /** @type {Scheme | undefined} */ #scheme = undefined;
    /** @type {string | undefined} */ #authority = undefined;
    /** @type {string | undefined} */ #path = undefined;
    #headers;
    /** @type {any} */ #contents;
    /** @type {Promise<any>} */ #trailers;
    /** @type {any} */ #options;
    /** Settles the future `new` returned: ok once the body is sent, or the error. */
    #sent;
    #taken = false;

    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {Fields} */ headers,
      /** @type {any} */ contents,
      /** @type {Promise<any>} */ trailers,
      /** @type {any} */ options,
      /** @type {(r: any) => void} */ sent,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: a request is made by request.new");
      this.#headers = headers.freeze();
      this.#contents = contents;
      this.#trailers = trailers;
      this.#options = options;
      this.#sent = sent;
    }

    /**
     * @param {Fields} headers
     * @param {any} contents a stream<u8> or undefined
     * @param {Promise<any>} trailers
     * @param {any} options a request-options or undefined
     */
    static new(headers, contents, trailers, options) {
      if (!(headers instanceof Fields)) throw new TypeError("wasi-web: expected fields");
      const sent = deferred();
      const request = new Request(INTERNAL, headers, contents ?? undefined, Promise.resolve(trailers), options ?? undefined, sent.resolve);
      return [request, sent.promise];
    }
    getMethod() {
      return this.#method;
    }
    /** @param {Method} m */
    setMethod(m) {
      if (!validRequestPart.method(m)) throw REFUSED;
      this.#method = m;
    }
    getPathWithQuery() {
      return this.#path;
    }
    /** @param {string | undefined} p */
    setPathWithQuery(p) {
      if (!validRequestPart.pathWithQuery(p)) throw REFUSED;
      this.#path = p ?? undefined;
    }
    getScheme() {
      return this.#scheme;
    }
    /** @param {Scheme | undefined} s */
    setScheme(s) {
      if (!validRequestPart.scheme(s)) throw REFUSED;
      this.#scheme = s ?? undefined;
    }
    getAuthority() {
      return this.#authority;
    }
    /** @param {string | undefined} a */
    setAuthority(a) {
      if (!validRequestPart.authority(a)) throw REFUSED;
      this.#authority = a ?? undefined;
    }
    getOptions() {
      return this.#options;
    }
    getHeaders() {
      return this.#headers;
    }
    /**
     * The body of a request the host made (server.js) as a stream<u8>, and a
     * future of its trailers (or the error that cut it).
     * @param {Request} request
     * @param {Promise<unknown>} res
     */
    static consumeBody(request, res) {
      if (!(request instanceof Request)) throw new TypeError("wasi-web: expected a request");
      const incoming = request.#incoming;
      if (!incoming) throw new WebAssembly.RuntimeError("wasi-web: consume-body of a request the component made is not supported");
      if (request.#taken) throw new WebAssembly.RuntimeError("wasi-web: request.consume-body called twice");
      request.#taken = true;
      // Read the guest's future (its write waits for a reader).
      Promise.resolve(res).catch(() => {});
      const done = deferred();
      const stream = byteStream(incoming.source, {
        onEnd(/** @type {unknown} */ error) {
          done.resolve(error === undefined ? ok(incoming.trailers()) : err({ tag: "connection-terminated" }));
        },
        onCancel() {
          incoming.cancel();
          done.resolve(ok(undefined));
        },
      });
      return [stream, done.promise];
    }
    /** @type {{ source: AsyncIterable<Uint8Array>, trailers: () => Fields | undefined, cancel: () => void } | undefined} */
    #incoming;
    /**
     * A request the host received (server.js).
     * @param {{ method: Method, scheme: Scheme | undefined, authority: string | undefined, path: string | undefined, headers: Fields, source: AsyncIterable<Uint8Array>, trailers: () => Fields | undefined, cancel: () => void }} parts
     * @internal
     */
    static incoming(parts) {
      const request = new Request(INTERNAL, parts.headers, undefined, Promise.resolve(ok(undefined)), undefined, () => {});
      request.#method = parts.method;
      request.#scheme = parts.scheme;
      request.#authority = parts.authority;
      request.#path = parts.path;
      request.#incoming = { source: parts.source, trailers: parts.trailers, cancel: parts.cancel };
      return request;
    }
    /** What send() needs, once. @internal */
    take() {
      if (this.#taken) throw new WebAssembly.RuntimeError("wasi-web: this request was already sent");
      this.#taken = true;
      return {
        method: this.#method,
        scheme: this.#scheme,
        authority: this.#authority,
        path: this.#path,
        headers: this.#headers,
        contents: this.#contents,
        trailers: this.#trailers,
        options: this.#options,
        sent: this.#sent,
      };
    }
    [symbolDispose]() {}
  }

  class Response {
    #status;
    #headers;
    /** @type {ReadableStream<Uint8Array> | null} */ #body;
    #consumed = false;
    /** @type {() => ErrorCode | undefined} why the body failed, if a timeout or abort cut it */
    #reason;
    /** @type {number | undefined} */ #betweenMs;
    /** @type {(code: ErrorCode) => void} */ #abort;
    /** A response the guest made (`new`): its body stream, trailers future and the resolver of the future `new` returned. @type {{ contents: any, trailers: Promise<any>, sent: (r: any) => void } | undefined} */
    #guest;

    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {globalThis.Response | undefined} */ r,
      /** @type {() => ErrorCode | undefined} */ reason,
      /** @type {number | undefined} */ betweenMs,
      /** @type {(code: ErrorCode) => void} */ abort,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: a response is made by client.send or response.new");
      /** @type {[string, Uint8Array][]} */
      const entries = [];
      const enc = (/** @type {string} */ s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
      if (r) {
        for (const [k, v] of r.headers) if (k !== "set-cookie") entries.push([k, enc(v)]);
        for (const c of r.headers.getSetCookie?.() ?? []) entries.push(["set-cookie", enc(c)]);
      }
      this.#status = r?.status ?? 200;
      this.#headers = Fields.fromHost(entries);
      this.#body = r?.body ?? null;
      this.#reason = reason;
      this.#betweenMs = betweenMs;
      this.#abort = abort;
    }
    /**
     * A handler's response: status 200, `headers`, the guest's body stream
     * and trailers future, which the server (server.js) sends.
     * @param {Fields} headers
     * @param {any} contents
     * @param {Promise<any>} trailers
     */
    static new(headers, contents, trailers) {
      if (!(headers instanceof Fields)) throw new TypeError("wasi-web: expected fields");
      const response = new Response(
        INTERNAL,
        undefined,
        () => undefined,
        undefined,
        () => {},
      );
      response.#headers = headers.freeze();
      const sent = deferred();
      response.#guest = { contents: contents ?? undefined, trailers: Promise.resolve(trailers), sent: sent.resolve };
      return [response, sent.promise];
    }
    getStatusCode() {
      return this.#status;
    }
    /** @param {number} code */
    setStatusCode(code) {
      if (!(code >= 100 && code <= 999)) throw REFUSED;
      this.#status = code;
    }
    /** What the server sends. @internal */
    parts() {
      return { status: this.#status, headers: this.#headers, guest: this.#guest };
    }
    getHeaders() {
      return this.#headers;
    }
    /**
     * The body as a stream<u8>, and a future of the trailers (always none:
     * fetch() does not expose them) or the error that cut the body.
     * @param {Response} response
     * @param {Promise<unknown>} _res
     */
    static consumeBody(response, _res) {
      if (!(response instanceof Response)) throw new TypeError("wasi-web: expected a response");
      if (response.#guest) throw new WebAssembly.RuntimeError("wasi-web: consume-body of a response the component made is not supported");
      if (response.#consumed) throw new WebAssembly.RuntimeError("wasi-web: response.consume-body called twice");
      response.#consumed = true;
      // Read the guest's future even though nothing depends on it: its write
      // (the guest's drop of the sender) waits for a reader, and would keep
      // jco's scheduler polling for good.
      Promise.resolve(_res).catch(() => {});
      const done = deferred();
      const reader = response.#body?.getReader();
      const betweenMs = response.#betweenMs;
      const abort = response.#abort;
      const reason = response.#reason;
      // One chunk per guest read; each wait bounded by the between-bytes timeout.
      const source = {
        async *[Symbol.asyncIterator]() {
          if (!reader) return;
          for (;;) {
            /** @type {ReturnType<typeof setTimeout> | undefined} */
            let timer;
            if (betweenMs !== undefined) timer = setTimeout(() => abort({ tag: "connection-read-timeout" }), betweenMs);
            try {
              const { done: end, value } = await reader.read();
              if (end) return;
              yield value;
            } finally {
              clearTimeout(timer);
            }
          }
        },
      };
      const stream = byteStream(source, {
        onEnd(/** @type {unknown} */ error) {
          if (error === undefined) done.resolve(ok(undefined));
          else
            done.resolve(
              err(
                reason() ??
                  (IN_NODE ? errorCodeFromFetch(error, { tag: "HTTP-response-incomplete" }) : { tag: "HTTP-response-incomplete" }),
              ),
            );
        },
        onCancel() {
          reader?.cancel().catch(() => {});
          done.resolve(ok(undefined));
        },
      });
      return [stream, done.promise];
    }
    [symbolDispose]() {
      if (!this.#consumed) this.#body?.cancel().catch(() => {});
    }
  }

  /**
   * client.send: the request through fetch(); resolves to ok(response) once
   * its headers are in, or err(error-code).
   * @param {Request} request
   */
  async function send(request) {
    if (!(request instanceof Request)) throw new TypeError("wasi-web: expected a request");
    const { method, scheme, authority, path, headers, contents, trailers, options, sent } = request.take();
    /** @param {ErrorCode} code */
    const refuse = (code) => {
      sent(err(code));
      // The guest's body is not read: drop our end.
      if (contents) chunksOf(contents).return(undefined);
      return err(code);
    };
    if (!authority) return refuse({ tag: "HTTP-request-URI-invalid" });
    const schemeText = scheme ? schemeName(scheme) : "https";
    if (schemeText !== "http" && schemeText !== "https") return refuse({ tag: "HTTP-protocol-error" });
    /** @type {URL} */
    let url;
    try {
      url = new URL(`${schemeText}://${authority}${path ?? "/"}`);
    } catch {
      return refuse({ tag: "HTTP-request-URI-invalid" });
    }
    const name = methodName(method);
    if (["CONNECT", "TRACE", "TRACK"].includes(name.toUpperCase())) return refuse({ tag: "HTTP-request-method-invalid" });
    /** @type {[string, string][]} */
    const sendHeaders = [];
    for (const [k, v] of headers.entries()) {
      if (k.toLowerCase() === "content-length") continue;
      if (!IN_NODE && pageForbidden(k)) return refuse({ tag: "HTTP-request-denied" });
      sendHeaders.push([k, latin1(v)]);
    }
    const expected = contentLength(headers);

    const controller = new AbortController();
    /** @type {ErrorCode | undefined} */
    let reason;
    const abort = (/** @type {ErrorCode} */ code) => {
      reason ??= code;
      controller.abort();
    };
    const connectMs = ms(options?.connect);
    const firstByteMs = ms(options?.firstByte);
    /** @type {ReturnType<typeof setTimeout>[]} */
    const timers = [];
    if (connectMs !== undefined) timers.push(setTimeout(() => abort({ tag: "connection-timeout" }), connectMs));
    if (firstByteMs !== undefined) timers.push(setTimeout(() => abort({ tag: "connection-read-timeout" }), firstByteMs));

    // Trailers cannot go out through fetch(): a request that has some fails.
    const trailersChecked = trailers.then((/** @type {any} */ t) => {
      const fields = t?.tag === "ok" ? t.val : undefined;
      if (fields instanceof Fields && fields.entries().length > 0) abort(internalError("fetch() cannot send request trailers"));
      else if (t?.tag === "err") abort(t.val);
    });

    /** @type {RequestInit & { duplex?: string }} */
    const init = { method: name, headers: sendHeaders, signal: controller.signal, redirect: IN_NODE ? "manual" : "follow" };
    const noBody = name === "GET" || name === "HEAD";
    try {
      if (contents && IN_NODE && !noBody && expected === undefined) {
        init.body = readableOf(contents);
        init.duplex = "half";
      } else if (contents) {
        // Buffered: a page's fetch() streams request bodies only over HTTP/2;
        // a content-length is checked first.
        /** @type {Uint8Array[]} */
        const chunks = [];
        let size = 0;
        for await (const chunk of chunksOf(contents)) {
          size += chunk.byteLength;
          if (size > MAX_BUFFERED_BODY) return refuse({ tag: "HTTP-request-body-size", val: BigInt(size) });
          chunks.push(chunk);
        }
        if (expected !== undefined && size !== expected) return refuse({ tag: "HTTP-request-body-size", val: BigInt(size) });
        await trailersChecked;
        if (reason) return refuse(reason);
        if (size > 0) {
          if (noBody) return refuse({ tag: "HTTP-request-method-invalid" });
          init.body = /** @type {Uint8Array<ArrayBuffer>} */ (concat(chunks));
        }
      }
      const r = await fetchFn()(url, init);
      sent(ok(undefined));
      return ok(new Response(INTERNAL, r, () => reason, ms(options?.betweenBytes), abort));
    } catch (e) {
      /** @type {ErrorCode} */
      const code =
        reason ??
        (IN_NODE ? errorCodeFromFetch(e, internalError(e instanceof Error ? e.message : String(e))) : await pageFailure(url, fetchFn()));
      sent(err(code));
      return err(code);
    } finally {
      timers.forEach((t) => clearTimeout(t));
    }
  }

  return {
    imports: {
      "wasi:http/types": { Request, Response },
      "wasi:http/client": { send },
    },
    /** For the server (server.js): an incoming request, and what a response holds. */
    make: {
      /** @param {Parameters<typeof Request.incoming>[0]} parts */
      incomingRequest: (parts) => Request.incoming(parts),
      /** @param {unknown} r */
      responseParts: (r) => {
        if (!(r instanceof Response)) throw new TypeError("wasi-web: the handler did not return a response");
        return r.parts();
      },
    },
  };
}

/** Keeps the internal constructors internal. */
const INTERNAL = Symbol("wasi-web.http.p3.internal");
