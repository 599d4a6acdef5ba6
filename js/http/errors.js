// wasi:http `error-code`s from fetch() failures. Node's fetch (undici) says
// what failed in `error.cause.code` (a system errno or an undici code); a
// browser says only "TypeError: Failed to fetch" for a refused connection, a
// DNS failure, a TLS failure and a CORS refusal alike (client.js tells a CORS
// refusal apart with a no-cors probe). See js/http/README.md for the table.

/** @typedef {{ tag: string, val?: unknown }} ErrorCode */

/** @param {string} [message] @returns {ErrorCode} */
export const internalError = (message) => ({ tag: "internal-error", val: message });

/** System and undici error codes → error-code. */
const BY_CODE = /** @type {Record<string, (code: string) => ErrorCode>} */ ({
  ECONNREFUSED: () => ({ tag: "connection-refused" }),
  ECONNRESET: () => ({ tag: "connection-terminated" }),
  EPIPE: () => ({ tag: "connection-terminated" }),
  UND_ERR_SOCKET: () => ({ tag: "connection-terminated" }),
  UND_ERR_CLOSED: () => ({ tag: "connection-terminated" }),
  ENOTFOUND: (code) => ({ tag: "DNS-error", val: { rcode: code, infoCode: undefined } }),
  EAI_FAIL: (code) => ({ tag: "DNS-error", val: { rcode: code, infoCode: undefined } }),
  EAI_NONAME: (code) => ({ tag: "DNS-error", val: { rcode: code, infoCode: undefined } }),
  EAI_AGAIN: () => ({ tag: "DNS-timeout" }),
  ETIMEDOUT: () => ({ tag: "connection-timeout" }),
  UND_ERR_CONNECT_TIMEOUT: () => ({ tag: "connection-timeout" }),
  EHOSTUNREACH: () => ({ tag: "destination-IP-unroutable" }),
  ENETUNREACH: () => ({ tag: "destination-IP-unroutable" }),
  EHOSTDOWN: () => ({ tag: "destination-unavailable" }),
  EADDRNOTAVAIL: () => ({ tag: "destination-IP-unroutable" }),
  UND_ERR_HEADERS_TIMEOUT: () => ({ tag: "connection-read-timeout" }),
  UND_ERR_BODY_TIMEOUT: () => ({ tag: "connection-read-timeout" }),
  UND_ERR_HEADERS_OVERFLOW: () => ({ tag: "HTTP-response-header-section-size", val: undefined }),
  // node:http's parser (the 0.3 client in Node): headers past its 16 KiB.
  HPE_HEADER_OVERFLOW: () => ({ tag: "HTTP-response-header-section-size", val: undefined }),
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: () => ({ tag: "HTTP-response-incomplete" }),
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: () => ({ tag: "HTTP-request-body-size", val: undefined }),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: () => ({ tag: "HTTP-response-body-size", val: undefined }),
  ERR_TLS_CERT_ALTNAME_INVALID: () => ({ tag: "TLS-certificate-error" }),
  DEPTH_ZERO_SELF_SIGNED_CERT: () => ({ tag: "TLS-certificate-error" }),
  SELF_SIGNED_CERT_IN_CHAIN: () => ({ tag: "TLS-certificate-error" }),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: () => ({ tag: "TLS-certificate-error" }),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => ({ tag: "TLS-certificate-error" }),
  CERT_HAS_EXPIRED: () => ({ tag: "TLS-certificate-error" }),
  CERT_NOT_YET_VALID: () => ({ tag: "TLS-certificate-error" }),
  EPROTO: () => ({ tag: "TLS-protocol-error" }),
});

/**
 * The error-code for a failed fetch() or body read in Node or a browser.
 * `fallback` is the code when nothing more is known.
 * @param {unknown} error
 * @param {ErrorCode} fallback
 * @returns {ErrorCode}
 */
export function errorCodeFromFetch(error, fallback) {
  /** @type {any} */
  let e = error;
  // undici wraps the system error: TypeError("fetch failed", { cause }), at times twice.
  for (let depth = 0; e && depth < 4; depth++, e = e.cause) {
    const code = typeof e.code === "string" ? e.code : undefined;
    if (code) {
      const map = BY_CODE[code];
      if (map) return map(code);
      if (code.startsWith("HPE_")) return { tag: "HTTP-protocol-error" };
      if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return { tag: "TLS-protocol-error" };
      if (code.startsWith("CERT_") || code.includes("CERT")) return { tag: "TLS-certificate-error" };
    }
    // The Fetch standard's blocked ports (Node's fetch and browsers refuse them).
    if (e.message === "bad port") return { tag: "HTTP-request-denied" };
    // AggregateError (happy eyeballs tried several addresses): the first says why.
    if (Array.isArray(e.errors) && e.errors.length > 0 && !e.cause) e = { cause: e.errors[0] };
  }
  return fallback;
}

/**
 * A readable description of an error-code (for messages and the CLI).
 * @param {ErrorCode} code
 */
export function describeErrorCode(code) {
  if (code.val === undefined) return code.tag;
  return `${code.tag}(${JSON.stringify(code.val, (_, v) => (typeof v === "bigint" ? String(v) : v))})`;
}
