// WASI 0.3 `client.send` in Node over node:http(s) instead of fetch(), for
// what fetch() cannot do: send request trailers and hand back a response's
// trailers (js/http/p3.js loads this only in Node). It answers as fetch()
// does (status, Headers, a ReadableStream body) plus the trailers; errors
// are node:http's (their `code` maps as fetch's causes do: errors.js).
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

/**
 * @typedef {object} NodeRequestInit
 * @property {string} method
 * @property {[string, string][]} headers
 * @property {AsyncIterable<Uint8Array> | Uint8Array | undefined} body
 *   streamed (chunked) when an iterable, sent with its content-length when bytes
 * @property {() => Promise<[string, string][] | undefined>} trailers
 *   awaited once the body is written; a rejection aborts the request
 * @property {AbortSignal} signal
 * @property {number} maxFields the most response header fields wanted: one more
 *   is parsed (Node drops what is past its parser's limit without a word), so
 *   that a response with too many shows it
 */

/**
 * @param {URL} url
 * @param {NodeRequestInit} init
 * @returns {Promise<{ status: number, headers: Headers, body: ReadableStream<Uint8Array>, trailers: () => [string, string][] | undefined }>}
 */
export function nodeRequest(url, init) {
  /** @type {Record<string, string[]>} */
  const headers = {};
  for (const [k, v] of init.headers) (headers[k.toLowerCase()] ??= []).push(v);
  if (init.body instanceof Uint8Array) headers["content-length"] = [String(init.body.byteLength)];
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(url, { method: init.method, headers, signal: init.signal });
    req.maxHeadersCount = init.maxFields + 1;
    req.on("error", reject);
    req.on("response", (res) => {
      const h = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
      resolve({
        status: res.statusCode ?? 0,
        headers: h,
        body: /** @type {ReadableStream<Uint8Array>} */ (Readable.toWeb(res)),
        trailers: () => {
          if (res.rawTrailers.length === 0) return undefined;
          /** @type {[string, string][]} */
          const out = [];
          for (let i = 0; i + 1 < res.rawTrailers.length; i += 2) out.push([res.rawTrailers[i], res.rawTrailers[i + 1]]);
          return out;
        },
      });
    });
    (async () => {
      if (init.body instanceof Uint8Array) req.write(init.body);
      else if (init.body) {
        for await (const chunk of init.body) {
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        }
      }
      const trailers = await init.trailers();
      if (trailers && trailers.length > 0) {
        // Trailers go out only in a chunked body (not with a content-length, nor a GET's empty one).
        if (!req.chunkedEncoding) throw new Error("request trailers need a chunked body");
        req.addTrailers(trailers);
      }
      req.end();
    })().catch((e) => req.destroy(e));
  });
}
