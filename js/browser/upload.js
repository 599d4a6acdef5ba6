// POSTs from the runner page to the CLI's bridge (js/node/run-browser.js).

/** The most bytes of an archive sent in one request. */
const UPLOAD_PIECE = 16 << 20;

/**
 * POSTs `bytes` to `url?at=OFFSET&total=SIZE`, piece after piece: Chromium's
 * renderer dies on a request body of some 400 MiB.
 * @param {string} url
 * @param {Uint8Array} bytes
 */
async function uploadPieces(url, bytes) {
  let sent = 0;
  do {
    // A copy of the piece (an ArrayBuffer of its own, as fetch() types want).
    const piece = bytes.slice(sent, sent + UPLOAD_PIECE);
    const response = await fetch(`${url}?at=${sent}&total=${bytes.length}`, { method: "POST", body: piece });
    if (!response.ok) return response.status;
    sent += piece.length;
  } while (sent < bytes.length);
  return 204;
}

/**
 * One POST of `bytes` to `url` ("post"), or an archive in pieces ("upload").
 * @param {"post" | "upload"} kind @param {string} url @param {Uint8Array} bytes
 * @returns {Promise<{ status: number, error?: string }>} the HTTP status; 0 and why when the request failed
 */
export async function post(kind, url, bytes) {
  try {
    if (kind === "upload") return { status: await uploadPieces(url, bytes) };
    const body = /** @type {Uint8Array<ArrayBuffer>} */ (bytes);
    return { status: (await fetch(url, { method: "POST", body })).status };
  } catch (error) {
    return { status: 0, error: String(error) };
  }
}
