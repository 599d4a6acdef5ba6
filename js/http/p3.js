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
  boundedEntries,
  concat,
  contentLength,
  IN_NODE,
  MAX_BUFFERED_BODY,
  MAX_RESPONSE_FIELDS,
  methodName,
  ms,
  pageFailure,
  pageForbidden,
  RequestHead,
  requestUrl,
  responseEntries,
  validStatus,
} from "./types.js";

/** @typedef {import("./errors.js").ErrorCode} ErrorCode */
/** @typedef {{ tag: string, val?: string }} Method */
/** @typedef {{ tag: string, val?: string }} Scheme */

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");
/** The err of a `result` without an error type. */
const REFUSED = Object.freeze({});

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
 * A guest's future as a Promise with a handler attached: a request refused
 * before its trailers are read must not leave a rejection unhandled (which
 * ends Node); whoever reads it later still sees the rejection.
 * @param {unknown} future
 */
function handled(future) {
  const p = Promise.resolve(future);
  p.catch(() => {});
  return p;
}

/**
 * The 0.3 members of wasi:http/types and wasi:http/client.
 * @param {{ fetch?: typeof fetch }} [options] `fetch`: what requests go through (default: globalThis.fetch at call time)
 */
export function httpImports3(options = {}) {
  const fetchFn = () => options.fetch ?? globalThis.fetch;
  // In Node (and no fetch given) requests go over node:http, which can send
  // and receive trailers (node-client.js).
  const viaNodeHttp = IN_NODE && options.fetch === undefined;

  class Request extends RequestHead {
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
      super();
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
      // The request's options are immutable from here on (wasmtime's too).
      options?.freeze?.();
      const request = new Request(INTERNAL, headers, contents ?? undefined, handled(trailers), options ?? undefined, sent.resolve);
      return [request, sent.promise];
    }
    getOptions() {
      // A copy each time (each is a handle of its own), immutable as the request's.
      const copy = this.#options?.clone();
      copy?.freeze();
      return copy;
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
      if (request.#taken) throw new WebAssembly.RuntimeError("wasi-web: request.consume-body of a request already sent or consumed");
      request.#taken = true;
      if (!incoming) return ownBody(request.#contents, request.#trailers, res, request.#sent);
      // Read the guest's future (its write waits for a reader).
      Promise.resolve(res).catch(() => {});
      const done = deferred();
      const stream = byteStream(incoming.source, {
        onEnd(/** @type {unknown} */ error) {
          // The server's body source throws error-codes (a size cap, a timeout, a cut connection).
          const code = error && typeof error === "object" && "tag" in error ? error : { tag: "connection-terminated" };
          done.resolve(error === undefined ? ok(incoming.trailers()) : err(code));
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
      request.setHead(parts);
      request.#incoming = { source: parts.source, trailers: parts.trailers, cancel: parts.cancel };
      return request;
    }
    /** What send() needs, once. @internal */
    take() {
      if (this.#taken) throw new WebAssembly.RuntimeError("wasi-web: this request was already sent");
      this.#taken = true;
      return {
        ...this.head(),
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
    /** @type {() => [string, string][] | undefined} */ #trailersOf;
    /** @type {(code: ErrorCode) => void} */ #abort;
    /** A response the guest made (`new`): its body stream, trailers future and the resolver of the future `new` returned. @type {{ contents: any, trailers: Promise<any>, sent: (r: any) => void } | undefined} */
    #guest;

    /** @internal */
    constructor(
      /** @type {typeof INTERNAL} */ key,
      /** @type {{ status: number, body: ReadableStream<Uint8Array> | null } | undefined} fetch()'s Response or node-client's */ r,
      /** @type {() => ErrorCode | undefined} */ reason,
      /** @type {number | undefined} */ betweenMs,
      /** @type {(code: ErrorCode) => void} */ abort,
      /** @type {[string, Uint8Array][]} r's headers (responseEntries) */ entries = [],
      /** @type {() => [string, string][] | undefined} its trailers, once the body is read */ trailers = () => undefined,
    ) {
      if (key !== INTERNAL) throw new TypeError("wasi-web: a response is made by client.send or response.new");
      this.#trailersOf = trailers;
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
      response.#guest = { contents: contents ?? undefined, trailers: handled(trailers), sent: sent.resolve };
      return [response, sent.promise];
    }
    getStatusCode() {
      return this.#status;
    }
    /** @param {number} code */
    setStatusCode(code) {
      if (!validStatus(code)) throw REFUSED;
      this.#status = code;
    }
    /** What the server sends. @internal */
    parts() {
      if (this.#consumed) throw new TypeError("wasi-web: the handler returned a response whose body it consumed");
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
      if (response.#consumed) throw new WebAssembly.RuntimeError("wasi-web: response.consume-body called twice");
      response.#consumed = true;
      const guest = response.#guest;
      if (guest) return ownBody(guest.contents, guest.trailers, _res, guest.sent);
      // Read the guest's future even though nothing depends on it: its write
      // (the guest's drop of the sender) waits for a reader, and would keep
      // jco's scheduler polling for good.
      Promise.resolve(_res).catch(() => {});
      const done = deferred();
      const reader = response.#body?.getReader();
      const betweenMs = response.#betweenMs;
      const abort = response.#abort;
      const reason = response.#reason;
      const trailersOf = response.#trailersOf;
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
          if (error === undefined) {
            const t = trailersOf();
            try {
              done.resolve(ok(t ? Fields.fromHost(boundedEntries(t, "HTTP-response-trailer-section-size")) : undefined));
            } catch (code) {
              done.resolve(err(/** @type {ErrorCode} */ (code)));
            }
          } else
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
    const target = requestUrl({ scheme, authority, path });
    if ("error" in target) return refuse(target.error);
    const { url } = target;
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

    // The guest's trailers: an error aborts the request; through fetch() (a
    // page, or a fetch given in options) trailers cannot go out, so a request
    // that has some fails.
    const trailerEntries = trailers.then(
      (/** @type {any} */ t) => {
        const fields = t?.tag === "ok" ? t.val : undefined;
        if (t?.tag === "err") abort(t.val);
        else if (fields instanceof Fields && fields.entries().length > 0) {
          if (!viaNodeHttp) abort(internalError("fetch() cannot send request trailers"));
          return fields.entries().map(([k, v]) => /** @type {[string, string]} */ ([k, latin1(v)]));
        }
        return undefined;
      },
      (/** @type {unknown} */ e) => {
        // A trailers future that failed fails the request (unhandled, it would end Node).
        abort(internalError(e instanceof Error ? e.message : String(e)));
        return undefined;
      },
    );
    const trailersChecked = trailerEntries.then(() => undefined);

    /** @type {RequestInit & { duplex?: string }} */
    const init = { method: name, headers: sendHeaders, signal: controller.signal, redirect: IN_NODE ? "manual" : "follow" };
    const noBody = name === "GET" || name === "HEAD";
    /** @type {AsyncIterable<Uint8Array> | undefined} */
    let streamed;
    try {
      if (contents && IN_NODE && !noBody && expected === undefined) {
        if (viaNodeHttp) streamed = chunksOf(contents);
        else {
          init.body = readableOf(contents);
          init.duplex = "half";
        }
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
      const r = viaNodeHttp
        ? await (
            await nodeClient()
          ).nodeRequest(url, {
            method: name,
            headers: sendHeaders,
            body: streamed ?? /** @type {Uint8Array | undefined} */ (init.body),
            trailers: async () => {
              const entries = await trailerEntries;
              if (reason) throw new Error("aborted");
              return entries;
            },
            signal: controller.signal,
            maxFields: MAX_RESPONSE_FIELDS,
          })
        : await fetchFn()(url, init);
      sent(ok(undefined));
      /** @type {[string, Uint8Array][]} */
      let entries;
      try {
        entries = responseEntries(r.headers);
      } catch (code) {
        // Headers past the limits: the error-code, and the body is not read.
        r.body?.cancel().catch(() => {});
        return err(/** @type {ErrorCode} */ (code));
      }
      const responseTrailers = "trailers" in r && typeof r.trailers === "function" ? r.trailers : () => undefined;
      return ok(new Response(INTERNAL, r, () => reason, ms(options?.betweenBytes), abort, entries, responseTrailers));
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

/**
 * consume-body of a request or response the component made itself (as
 * wasmtime): its own body stream (empty if it gave none) and trailers
 * future handed back; what the consumer puts in `res` settles the future
 * `new` returned.
 * @param {any} contents the guest's stream<u8>, or undefined
 * @param {Promise<any>} trailers
 * @param {Promise<unknown>} res
 * @param {(r: any) => void} sent
 */
function ownBody(contents, trailers, res, sent) {
  Promise.resolve(res).then(
    (r) => sent(r ?? ok(undefined)),
    () => sent(err(internalError("the body's consumer failed"))),
  );
  const stream = byteStream(contents ? chunksOf(contents) : []);
  return [stream, trailers];
}

/**
 * js/http/node-client.js, loaded in Node only: a specifier in a variable,
 * so that bundlers leave this Node-only module out of browser builds.
 * @returns {Promise<typeof import("./node-client.js")>}
 */
function nodeClient() {
  const specifier = "./node-client.js";
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}

/** Keeps the internal constructors internal. */
const INTERNAL = Symbol("wasi-web.http.p3.internal");
