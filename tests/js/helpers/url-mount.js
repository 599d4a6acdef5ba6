// For the URL-mount tests: a local HTTP server that answers Range requests
// (206) for some files and ignores them (200, whole file) for others, and a
// WAT guest that reads byte ranges of one file and tries some writes.
import http from "node:http";
import { guest } from "./wat.js";

/** Deterministic bytes that differ at every offset (so a wrong range shows). @param {number} size */
export function patternBytes(size, seed = 1) {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}

/**
 * @typedef {{ body: Uint8Array, ranges?: boolean, etag?: string, status?: number }} Served
 *   `ranges` false: Range is ignored (200 + the whole body); `status`: answer only that, no body
 */

/**
 * @param {Record<string, Served>} files by URL path ("/big.bin")
 */
export async function startRangeServer(files) {
  const sent = { bytes: 0, requests: 0, ranged: 0 };
  const server = http.createServer((req, res) => {
    const path = new URL(/** @type {string} */ (req.url), "http://x").pathname;
    // Another origin than the test page: CORS, and CORP for its COEP.
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "range",
      "access-control-expose-headers": "content-range, etag",
      "cross-origin-resource-policy": "cross-origin",
      "cache-control": "no-store",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      return res.end();
    }
    sent.requests++;
    const f = files[path];
    if (f === undefined || f.status !== undefined) {
      res.writeHead(f?.status ?? 404, cors);
      return res.end();
    }
    const etag = f.etag === undefined ? {} : { etag: f.etag };
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (m !== null && f.ranges !== false) {
      const start = Number(m[1]);
      const end = Math.min(f.body.length, m[2] === "" ? f.body.length : Number(m[2]) + 1);
      if (start >= f.body.length || end <= start) {
        res.writeHead(416, { ...cors, "content-range": `bytes */${f.body.length}` });
        return res.end();
      }
      sent.ranged++;
      sent.bytes += end - start;
      res.writeHead(206, {
        ...cors,
        ...etag,
        "content-range": `bytes ${start}-${end - 1}/${f.body.length}`,
        "content-length": end - start,
      });
      return res.end(f.body.subarray(start, end));
    }
    sent.bytes += f.body.length;
    res.writeHead(200, { ...cors, ...etag, "content-length": f.body.length });
    res.end(f.body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    sent,
    files,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * A guest that opens `name` under the first preopen (fd 3), reads each
 * [offset, length] (length ≤ 64 KiB) with fd_pread and writes the bytes to
 * stdout, then tries three changes: create `new.txt`, open `name` with
 * O_TRUNC, mkdir `newdir`. Each call's errno goes to stderr as one byte, in
 * that order (open, each read, the three changes).
 * @param {string} name
 * @param {[number, number][]} reads
 */
export function readAtGuest(name, reads) {
  // Rights as wasi-libc asks them: reading only (FD_READ | FD_SEEK | FD_TELL), or all.
  const open = (path, oflags, rights = -1) =>
    `(call $path_open (i32.const 3) (i32.const 1) $str:${path} $len:${path} (i32.const ${oflags}) (i64.const ${rights}) (i64.const ${rights}) (i32.const 0) (i32.const 32))`;
  const readLines = reads.map(
    ([offset, length]) => `
      (i32.store (i32.const 16) (i32.const 65536))
      (i32.store (i32.const 20) (i32.const ${length}))
      (i32.store (i32.const 24) (i32.const 0))
      (call $errno (call $fd_pread (local.get $fd) (i32.const 16) (i32.const 1) (i64.const ${offset}) (i32.const 24)))
      (call $print (i32.const 1) (i32.const 65536) (i32.load (i32.const 24)))`,
  );
  return guest({
    imports: ["path_open", "fd_pread", "path_create_directory"],
    strings: { name, newfile: "new.txt", newdir: "newdir" },
    funcs: `(func $errno (param $e i32)
      (i32.store8 (i32.const 40) (local.get $e))
      (call $print (i32.const 2) (i32.const 40) (i32.const 1)))`,
    start: `
      (local $fd i32)
      (call $errno ${open("name", 0, 0x26)})
      (local.set $fd (i32.load (i32.const 32)))
      ${readLines.join("\n")}
      (call $errno ${open("newfile", 1)})
      (call $errno ${open("name", 8)})
      (call $errno (call $path_create_directory (i32.const 3) $str:newdir $len:newdir))`,
  });
}

/** The errno bytes a readAtGuest wrote to stderr. @param {string} stderr */
export const errnos = (stderr) => [...stderr].map((c) => c.charCodeAt(0));
