// urlMount(): read-only files behind URLs, fetched on first read in blocks
// (Range requests where the server answers 206, the whole file otherwise).
// Node side: sync mode (EIO + a warning unless prefetched), the provider's
// "would block" protocol, and, where Node has JSPI (Node 24: scripts/test.sh
// runs this file again there), guests in async mode that fetch while
// suspended. Chromium: the same under JSPI on a page, and in a Web Worker
// with synchronous XMLHttpRequest.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MemFS, runInWorker, WASI } from "../../js/index.js";
import { urlMount, urlMountFromManifest } from "../../js/providers/url.js";
import { collectWaits, WOULD_BLOCK_CODE } from "../../js/providers/wait.js";
import { openLibraryPage } from "./helpers/pages.js";
import { errnos, patternBytes, readAtGuest, startRangeServer } from "./helpers/url-mount.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const MiB = 1024 * 1024;
const BIG = 64 * MiB;
const EIO = 29;
const EPERM = 63;

const big = patternBytes(BIG, 7);
const small = new TextEncoder().encode("hello from a URL\n");
const plain = patternBytes(300 * 1024, 3);

/** @type {Awaited<ReturnType<typeof startRangeServer>>} */
let server;
before(async () => {
  server = await startRangeServer({
    "/data/big.bin": { body: big, etag: '"v1"' },
    "/data/dir/small.txt": { body: small },
    "/data/plain.bin": { body: plain, ranges: false },
    "/data/missing.bin": { body: new Uint8Array(0), status: 404 },
    "/data/short.bin": { body: patternBytes(1000) },
    "/data/manifest.json": { body: new TextEncoder().encode(JSON.stringify({ files: { "dir/small.txt": { size: small.length } } })) },
  });
});
after(() => server.close());

const manifest = () => ({
  base: `${server.url}/data/`,
  files: [
    { path: "big.bin", size: BIG, mtime: Date.UTC(2025, 0, 2) },
    { path: "dir/small.txt", size: small.length },
    { path: "plain.bin", size: plain.length },
    { path: "missing.bin", size: 10 },
    { path: "short.bin", size: 2000 },
  ],
  directories: ["empty"],
});

/**
 * Runs a guest on a MemFS with the provider at /data (preopened as /data).
 * @param {Uint8Array} bytes @param {import("../../js/providers/url.js").UrlProvider} provider
 */
async function runOn(bytes, provider, { async = false } = {}) {
  const fs = new MemFS();
  fs.mount("/data", provider);
  /** @type {Uint8Array[]} */
  const out = [];
  let err = "";
  const wasi = new WASI({
    fs,
    async,
    preopens: { "/data": "/data" },
    stdout: (chunk) => void out.push(chunk.slice()),
    stderr: (chunk) => void (err += String.fromCharCode(...chunk)),
  });
  const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
  const exitCode = async ? await wasi.startAsync(instance) : wasi.start(instance);
  const stdout = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  out.reduce((at, c) => (stdout.set(c, at), at + c.length), 0);
  return { exitCode, stdout, errnos: errnos(err), fs };
}

/** The bytes a readAtGuest should print. @param {Uint8Array} file @param {[number, number][]} reads */
const expected = (file, reads) => {
  const parts = reads.map(([o, n]) => file.subarray(o, Math.min(file.length, o + n)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return all;
};

describe("urlMount: the tree comes from the manifest", () => {
  test("listing and stat fetch nothing", () => {
    const p = urlMount(manifest());
    const fs = new MemFS();
    fs.mount("/data", p);
    assert.deepEqual([...fs.readdir("/data")].sort(), ["big.bin", "dir", "empty", "missing.bin", "plain.bin", "short.bin"]);
    assert.deepEqual(fs.readdir("/data/dir"), ["small.txt"]);
    assert.deepEqual(fs.readdir("/data/empty"), []);
    const s = fs.stat("/data/big.bin");
    assert.equal(s.type, "file");
    assert.equal(s.size, BIG);
    assert.equal(s.mtimeMs, Date.UTC(2025, 0, 2));
    assert.equal(fs.stat("/data/dir").type, "directory");
    assert.equal(p.stats.requests, 0);
    assert.equal(server.sent.requests, 0);
  });

  test("urlMountFromManifest: relative URLs resolve against the manifest's own", async () => {
    const p = await urlMountFromManifest(`${server.url}/data/manifest.json`);
    await p.prefetch();
    const h = p.lookup(p.lookup(0, "dir").handle, "small.txt").handle;
    assert.equal(new TextDecoder().decode(p.read(h, 0, 100)), "hello from a URL\n");
    await assert.rejects(() => urlMountFromManifest(`${server.url}/data/nope.json`), /HTTP 404/);
  });

  test("bad manifests are refused with a TypeError naming the problem", () => {
    const base = "http://x/";
    assert.throws(() => urlMount(null), /manifest must be an object/);
    assert.throws(() => urlMount({ base, files: 3 }), /files must be an array or an object/);
    assert.throws(() => urlMount({ base, files: [{ path: "../x", size: 1 }] }), /bad path/);
    assert.throws(() => urlMount({ base, files: [{ path: "a//b", size: 1 }] }), /bad path/);
    assert.throws(() => urlMount({ base, files: [{ path: "a", size: -1 }] }), /size/);
    assert.throws(
      () =>
        urlMount({
          base,
          files: [
            { path: "a", size: 1 },
            { path: "a", size: 2 },
          ],
        }),
      /listed twice/,
    );
    assert.throws(
      () =>
        urlMount({
          base,
          files: [
            { path: "a", size: 1 },
            { path: "a/b", size: 2 },
          ],
        }),
      /is a file/,
    );
    assert.throws(() => urlMount({ files: [{ path: "a", size: 1 }] }), /no URL/);
    assert.throws(() => urlMount({ base, files: [] }, { blockSize: 1000 }), /blockSize/);
    // The object form, with per-file absolute URLs.
    const p = urlMount({ files: { "x/y.txt": { size: 3, url: "http://h/y" } } });
    assert.deepEqual(p.readdir(p.lookup(0, "x").handle), [{ name: "y.txt", type: "file", ino: 3 }]);
  });
});

test("runInWorker() checks its mounts before a worker starts", async () => {
  const program = readAtGuest("big.bin", []);
  const url = { base: "http://x/", files: [] };
  await assert.rejects(() => runInWorker(program, { mounts: { "/data": {} } }), /must be \{ url: manifest \} or \{ opfs/);
  await assert.rejects(() => runInWorker(program, { mounts: { data: { url } } }), /absolute path/);
  await assert.rejects(() => runInWorker(program, { mounts: { "/a": { url }, "/a/b": { url } } }), /inside another mount/);
  await assert.rejects(
    () => runInWorker(program, { mounts: { "/data": { url } }, preopens: { "/": "/" } }),
    /mount \/data is inside the preopened \/, which is copied/,
  );
});

describe("urlMount in sync mode", () => {
  test("a read that needs a fetch is EIO with a warning naming the ways out; writes are EPERM", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const p = urlMount(manifest());
    const r = await runOn(readAtGuest("dir/small.txt", [[0, 5]]), p);
    assert.equal(r.exitCode, 0);
    // open, read, create, O_TRUNC, mkdir
    assert.deepEqual(r.errnos, [0, EIO, EPERM, EPERM, EPERM]);
    assert.equal(p.stats.requests, 0);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0].arguments[0]), /async: true.*Web Worker.*prefetch/s);
  });

  test("prefetch() makes files readable without waiting", async () => {
    const p = urlMount(manifest());
    await p.prefetch(["dir"]);
    assert.equal(p.stats.bytesFetched, small.length);
    const reads = /** @type {[number, number][]} */ ([
      [0, 5],
      [6, 100],
    ]);
    const r = await runOn(readAtGuest("dir/small.txt", reads), p);
    assert.deepEqual(r.errnos, [0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(r.stdout, expected(small, reads));
    // The MemFS API reads through the mount too.
    assert.equal(new TextDecoder().decode(r.fs.readFile("/data/dir/small.txt")), "hello from a URL\n");
    assert.equal(p.stats.requests, 1);
    await assert.rejects(() => p.prefetch(["missing.bin"]), /missing\.bin: HTTP 404/);
    await assert.rejects(() => p.prefetch(["nope"]), /no "nope"/);
  });
});

describe("urlMount's waiting protocol (what async mode relies on)", () => {
  test("a read of a block not fetched answers would-block with a promise, then reads from the cache", async () => {
    const p = urlMount(manifest(), { blockSize: 64 * 1024 });
    const h = p.lookup(0, "big.bin").handle;
    const offset = 40_000_000;
    const [thrown, waits] = collectWaits(() => {
      try {
        return p.read(h, offset, 4096);
      } catch (error) {
        return error;
      }
    });
    assert.equal(thrown.code, WOULD_BLOCK_CODE);
    assert.equal(waits.length, 1);
    await Promise.all(waits);
    const [bytes, none] = collectWaits(() => p.read(h, offset, 4096));
    assert.equal(none.length, 0);
    assert.deepEqual(bytes, big.subarray(offset, offset + 4096));
    // One 64 KiB block, by one Range request.
    assert.deepEqual({ ...p.stats }, { bytesFetched: 64 * 1024, requests: 1, rangeRequests: 1, wholeFileRequests: 0 });
  });

  test("the cache keeps at most maxCacheBytes, dropping the least recently used blocks", async () => {
    const K64 = 64 * 1024;
    const p = urlMount(manifest(), { blockSize: K64, maxCacheBytes: 2 * K64 });
    const h = p.lookup(0, "big.bin").handle;
    /** Reads 10 bytes at block `i`, waiting for the fetch if it must. */
    const readBlock = async (i) => {
      const [first, waits] = collectWaits(() => {
        try {
          return p.read(h, i * K64, 10);
        } catch (error) {
          return error;
        }
      });
      if (waits.length > 0) {
        assert.equal(first.code, WOULD_BLOCK_CODE);
        await Promise.all(waits);
        return collectWaits(() => p.read(h, i * K64, 10))[0];
      }
      return first;
    };
    for (const i of [0, 1, 0, 2]) assert.deepEqual(await readBlock(i), big.subarray(i * K64, i * K64 + 10));
    // Block 1 was the least recently used when block 2 came.
    assert.equal(p.cachedBytes, 2 * K64);
    assert.equal(p.stats.requests, 3);
    await readBlock(0);
    assert.equal(p.stats.requests, 3);
    await readBlock(1);
    assert.equal(p.stats.requests, 4);
    assert.equal(p.cachedBytes, 2 * K64);
    await assert.rejects(() => p.prefetch(["big.bin"]), /do not fit the cache/);
    assert.throws(() => urlMount(manifest(), { blockSize: K64, maxCacheBytes: 1000 }), /maxCacheBytes/);
  });

  test("a failed fetch is EIO once, for the retried call; a later read tries again", async () => {
    const p = urlMount(manifest());
    const h = p.lookup(0, "missing.bin").handle;
    const [e1, waits] = collectWaits(() => {
      try {
        return p.read(h, 0, 10);
      } catch (error) {
        return error;
      }
    });
    assert.equal(e1.code, WOULD_BLOCK_CODE);
    await Promise.all(waits);
    const [e2] = collectWaits(() => {
      try {
        return p.read(h, 0, 10);
      } catch (error) {
        return error;
      }
    });
    assert.equal(e2.code, "EIO");
    assert.match(e2.message, /HTTP 404/);
    const [e3] = collectWaits(() => {
      try {
        return p.read(h, 0, 10);
      } catch (error) {
        return error;
      }
    });
    assert.equal(e3.code, WOULD_BLOCK_CODE);
  });

  test("a server whose bytes disagree with the manifest, or change, gives EIO, never made-up data", async () => {
    const p = urlMount(manifest());
    // short.bin is 1000 bytes on the server, 2000 in the manifest.
    await assert.rejects(() => p.prefetch(["short.bin"]), /short\.bin: asked for bytes 0-1999, got "bytes 0-999\/1000"/);
    const q = urlMount(manifest(), { blockSize: 4096 });
    await q.prefetch([]);
    const h = q.lookup(0, "big.bin").handle;
    const [, w1] = collectWaits(() => assert.throws(() => q.read(h, 0, 10), { code: WOULD_BLOCK_CODE }));
    await Promise.all(w1);
    server.files["/data/big.bin"].etag = '"v2"';
    try {
      const [, w2] = collectWaits(() => assert.throws(() => q.read(h, 1 << 20, 10), { code: WOULD_BLOCK_CODE }));
      await Promise.all(w2);
      assert.throws(() => collectWaits(() => q.read(h, 1 << 20, 10)), /file changed on the server/);
    } finally {
      server.files["/data/big.bin"].etag = '"v1"';
    }
  });
});

describe(`urlMount in async mode, Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI, async mode is refused, so only prefetched data can be read", () => {
      assert.throws(() => new WASI({ async: true }), /options\.async needs JSPI/);
    });
    return;
  }

  test("a guest reading 4 KiB at 40 MB and 100 bytes at 0 of a 64 MiB file fetches two blocks", async () => {
    const p = urlMount(manifest());
    const before = server.sent.bytes;
    const reads = /** @type {[number, number][]} */ ([
      [40_000_000, 4096],
      [0, 100],
      [40_001_000, 1000],
    ]);
    const r = await runOn(readAtGuest("big.bin", reads), p, { async: true });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.errnos, [0, 0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(r.stdout, expected(big, reads));
    // Two 256 KiB blocks (the third read hits the first's block) of 64 MiB.
    assert.equal(p.stats.bytesFetched, 2 * 256 * 1024);
    assert.equal(p.stats.rangeRequests, 2);
    assert.equal(server.sent.bytes - before, 2 * 256 * 1024);
    console.log(`# read 5196 bytes of a ${BIG}-byte URL file: fetched ${p.stats.bytesFetched} bytes in ${p.stats.requests} requests`);
  });

  test("a server that ignores Range: the whole file once, then every read from the cache", async () => {
    const p = urlMount(manifest(), { blockSize: 64 * 1024 });
    const reads = /** @type {[number, number][]} */ ([
      [200_000, 5000],
      [10, 10],
      [299_000, 60_000],
    ]);
    const r = await runOn(readAtGuest("plain.bin", reads), p, { async: true });
    assert.deepEqual(r.errnos, [0, 0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(r.stdout, expected(plain, reads));
    assert.deepEqual({ ...p.stats }, { bytesFetched: plain.length, requests: 1, rangeRequests: 1, wholeFileRequests: 0 });
  });

  test("a fetch that fails is EIO for the guest", async () => {
    const p = urlMount(manifest());
    const r = await runOn(readAtGuest("missing.bin", [[0, 10]]), p, { async: true });
    assert.deepEqual(r.errnos, [0, EIO, EPERM, EPERM, EPERM]);
    assert.equal(r.stdout.length, 0);
  });
});

describe("urlMount in Chromium", () => {
  /** @type {Awaited<ReturnType<typeof openLibraryPage>>} */
  let lib;
  before(async () => {
    lib = await openLibraryPage();
  });
  after(async () => {
    await lib?.browser.close();
    await lib?.server.close();
  });

  test("Chromium page, JSPI: a guest reads a few KB of a 64 MiB URL file", async () => {
    const reads = /** @type {[number, number][]} */ ([
      [40_000_000, 4096],
      [0, 100],
    ]);
    const guestBytes = [...readAtGuest("big.bin", reads)];
    const r = await lib.page.evaluate(
      async ({ guestBytes, base, size }) => {
        const { MemFS, WASI } = globalThis.wasiWeb;
        const { urlMount } = await import("/js/providers/url.js");
        const p = urlMount({ base, files: [{ path: "big.bin", size }] });
        const fs = new MemFS();
        fs.mount("/data", p);
        const out = [];
        let err = [];
        const wasi = new WASI({
          fs,
          async: true,
          preopens: { "/data": "/data" },
          stdout: (c) => void out.push(...c),
          stderr: (c) => void err.push(...c),
        });
        const { instance } = await WebAssembly.instantiate(new Uint8Array(guestBytes), wasi.getImportObject());
        const exitCode = await wasi.startAsync(instance);
        return { exitCode, out, err, stats: { ...p.stats } };
      },
      { guestBytes, base: `${server.url}/data/`, size: BIG },
    );
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.err, [0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(new Uint8Array(r.out), expected(big, reads));
    assert.equal(r.stats.bytesFetched, 2 * 256 * 1024);
    console.log(`# Chromium JSPI: read 4196 bytes of ${BIG}: fetched ${r.stats.bytesFetched} bytes`);
  });

  test("Chromium runInWorker({ mounts }): the worker makes the URL mount and fetches only what the guest reads", async () => {
    const reads = /** @type {[number, number][]} */ ([
      [40_000_000, 4096],
      [0, 100],
    ]);
    const guestBytes = [...readAtGuest("big.bin", reads)];
    const before = server.sent.bytes;
    const r = await lib.page.evaluate(
      async ({ guestBytes, base, size }) => {
        const out = [];
        const result = await globalThis.wasiWeb.runInWorker(new Uint8Array(guestBytes), {
          mounts: { "/data": { url: { base, files: [{ path: "big.bin", size }] } } },
          preopens: { "/data": "/data" },
          stdout: (c) => void out.push(...c),
        });
        return { exitCode: result.exitCode, err: [...result.stderr].map((c) => c.charCodeAt(0)), out };
      },
      { guestBytes, base: `${server.url}/data/`, size: BIG },
    );
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.err, [0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(new Uint8Array(r.out), expected(big, reads));
    assert.equal(server.sent.bytes - before, 2 * 256 * 1024);
  });

  test("Chromium Web Worker, sync mode: synchronous XMLHttpRequest fetches the blocks", async () => {
    const reads = /** @type {[number, number][]} */ ([
      [40_000_000, 4096],
      [0, 100],
    ]);
    const guestBytes = [...readAtGuest("big.bin", reads)];
    const r = await lib.page.evaluate(
      async ({ guestBytes, base, size }) => {
        const source = `
          import { init, MemFS, WASI } from "${location.origin}/js/index.js";
          import { urlMount } from "${location.origin}/js/providers/url.js";
          onmessage = async ({ data }) => {
            await init();
            const p = urlMount({ base: data.base, files: [{ path: "big.bin", size: data.size }] });
            const fs = new MemFS();
            fs.mount("/data", p);
            const out = [], err = [];
            const wasi = new WASI({ fs, preopens: { "/data": "/data" }, stdout: (c) => void out.push(...c), stderr: (c) => void err.push(...c) });
            const { instance } = await WebAssembly.instantiate(new Uint8Array(data.guestBytes), wasi.getImportObject());
            const exitCode = wasi.start(instance);
            postMessage({ exitCode, out, err, stats: { ...p.stats } });
          };`;
        const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
        const worker = new Worker(url, { type: "module" });
        const answer = new Promise((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
        });
        worker.postMessage({ guestBytes, base, size });
        try {
          return await answer;
        } finally {
          worker.terminate();
        }
      },
      { guestBytes, base: `${server.url}/data/`, size: BIG },
    );
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.err, [0, 0, 0, EPERM, EPERM, EPERM]);
    assert.deepEqual(new Uint8Array(r.out), expected(big, reads));
    assert.equal(r.stats.bytesFetched, 2 * 256 * 1024);
  });
});
