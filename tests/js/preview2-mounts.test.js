// WASI 0.2 components on suspending mounts (URL, OPFS on a page): in async
// mode (JSPI) the filesystem imports that reach a provider are async imports
// too (MOUNT_ASYNC_IMPORTS), and a call whose provider must fetch or load
// suspends the component until the data is there, then is made again. The
// component (tests/p2guests fsmount.rs) uses std's files: reads with a
// checksum, a read at an offset, a listing, stat, writes.
// Node: a sync host still gets EIO (as before); under Node 24 (JSPI:
// scripts/test.sh runs this file again there) URL mounts from a local HTTP
// server and OPFS on an in-memory stand-in. Chromium: URL and OPFS mounts
// on a page, with a reload.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { MemFS, run } from "../../js/index.js";
import { opfsMount } from "../../js/providers/opfs.js";
import { urlMount } from "../../js/providers/url.js";
import { ASYNC_IMPORTS, MOUNT_ASYNC_IMPORTS, WASIp2 } from "../../js/preview2/index.js";
import { FakeOpfs } from "./helpers/fake-opfs.js";
import { openP2Page } from "./helpers/pages.js";
import { p2Guest, requireP2Guests, requirePackage } from "./helpers/prereq.js";
import { patternBytes, startRangeServer } from "./helpers/url-mount.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const MiB = 1024 * 1024;
const BIG = 64 * MiB;
const BLOCK = 256 * 1024;
const EIO = 29;

requireP2Guests("fsmount");
requirePackage("@bytecodealliance/jco");
const guest = readFileSync(p2Guest("fsmount"));

const big = patternBytes(BIG, 11);
const small = new TextEncoder().encode("hello from a URL\n");

/** FNV-1a 64 of `data`, as the guest prints it. @param {Uint8Array} data */
function fnv1a(data) {
  let h = 0xcbf29ce484222325n;
  for (const b of data) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

/** The guest's command line: commands separated by "--". @param {string[][]} cmds */
const argv = (cmds) => ["fsmount", ...cmds.flatMap((c, i) => (i === 0 ? c : ["--", ...c]))];

/** @type {Awaited<ReturnType<typeof startRangeServer>>} */
let server;
before(async () => {
  server = await startRangeServer({
    "/d/big.bin": { body: big, etag: '"v1"' },
    "/d/dir/small.txt": { body: small },
    "/d/missing.bin": { body: new Uint8Array(0), status: 404 },
  });
});
after(() => server.close());

const manifest = () => ({
  base: `${server.url}/d/`,
  files: [
    { path: "big.bin", size: BIG },
    { path: "dir/small.txt", size: small.length },
    { path: "missing.bin", size: 10 },
  ],
  directories: ["empty"],
});

/** A MemFS with the URL provider at /data. */
function urlFs() {
  const provider = urlMount(manifest());
  const fs = new MemFS();
  fs.mount("/data", provider);
  return { fs, provider };
}

const data = { "/data": "/data" };

const PARTIAL = [
  ["read", "/data/big.bin", "5000"],
  ["at", "/data/big.bin", String(40 * MiB + 123), "3000"],
  ["read", "/data/dir/small.txt"],
  ["list", "/data"],
  ["list", "/data/dir"],
  ["stat", "/data/big.bin"],
];
const PARTIAL_OUT = [
  `read /data/big.bin: 5000 bytes, fnv1a ${fnv1a(big.subarray(0, 5000))}`,
  `at /data/big.bin ${40 * MiB + 123}: 3000 bytes, fnv1a ${fnv1a(big.subarray(40 * MiB + 123, 40 * MiB + 3123))}`,
  `read /data/dir/small.txt: ${small.length} bytes, fnv1a ${fnv1a(small)}`,
  "list /data: big.bin dir/ empty/ missing.bin",
  "list /data/dir: small.txt",
  `stat /data/big.bin: file ${BIG}`,
  "",
].join("\n");

describe("a component on a URL mount (Node)", () => {
  test("sync host: listing and stat work, a read that needs a fetch is EIO (errno 29) with the provider's warning", async () => {
    const { fs, provider } = urlFs();
    const warnings = [];
    const warn = console.warn;
    console.warn = (m) => warnings.push(String(m));
    let r;
    try {
      r = await run(guest, {
        fs,
        preopens: data,
        args: argv([
          ["read", "/data/dir/small.txt"],
          ["list", "/data"],
          ["stat", "/data/big.bin"],
        ]),
      });
    } finally {
      console.warn = warn;
    }
    assert.equal(r.exitCode, 1);
    assert.equal(
      r.stdout,
      `error read /data/dir/small.txt: errno ${EIO}\nlist /data: big.bin dir/ empty/ missing.bin\nstat /data/big.bin: file ${BIG}\n`,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /small\.txt needs a fetch, and this program runs in sync mode/);
    assert.equal(provider.stats.requests, 0);
    assert.equal(new WASIp2({ fs }).waitsOnMounts, false);
  });

  test("MOUNT_ASYNC_IMPORTS name the filesystem calls, none of ASYNC_IMPORTS", () => {
    assert.ok(MOUNT_ASYNC_IMPORTS.includes("wasi:filesystem/types#[method]descriptor.open-at"));
    assert.ok(MOUNT_ASYNC_IMPORTS.includes("wasi:filesystem/types#[method]directory-entry-stream.read-directory-entry"));
    assert.ok(MOUNT_ASYNC_IMPORTS.includes("wasi:io/streams#[method]input-stream.read"));
    assert.deepEqual(
      MOUNT_ASYNC_IMPORTS.filter((i) => ASYNC_IMPORTS.includes(i)),
      [],
    );
  });
});

describe(`components on URL and OPFS mounts in async mode, Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI, async mode is refused (a sync host gets EIO, above)", () => {
      const { fs } = urlFs();
      assert.throws(() => new WASIp2({ fs, async: true }), /options\.async needs JSPI/);
    });
    return;
  }

  test("URL: a partial read fetches only the blocks it needs", async () => {
    const { fs, provider } = urlFs();
    assert.equal(new WASIp2({ fs, async: true }).waitsOnMounts, true);
    // Mounted after the host was made: not seen (as for WASI).
    const later = new MemFS();
    const host = new WASIp2({ fs: later, async: true });
    later.mount("/data", urlMount(manifest()));
    assert.equal(host.waitsOnMounts, false);

    const before = server.sent.bytes;
    const r = await run(guest, { fs, async: true, preopens: data, args: argv(PARTIAL) });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, PARTIAL_OUT);
    assert.equal(r.exitCode, 0);
    // Two 256 KiB blocks of the 64 MiB file, and the small file: nothing else.
    assert.equal(provider.stats.bytesFetched, 2 * BLOCK + small.length);
    assert.equal(server.sent.bytes - before, 2 * BLOCK + small.length);
    assert.equal(provider.stats.rangeRequests, 3);
  });

  test("URL: 3 MiB read in many fetches reads right; a failed fetch is EIO, then tried again", async () => {
    const { fs, provider } = urlFs();
    const r = await run(guest, {
      fs,
      async: true,
      preopens: data,
      args: argv([
        ["read", "/data/big.bin", String(3 * MiB)],
        ["read", "/data/missing.bin"],
        ["read", "/data/missing.bin"],
        ["read", "/data/big.bin", "10"],
      ]),
    });
    assert.equal(
      r.stdout,
      [
        `read /data/big.bin: ${3 * MiB} bytes, fnv1a ${fnv1a(big.subarray(0, 3 * MiB))}`,
        `error read /data/missing.bin: errno ${EIO}`,
        `error read /data/missing.bin: errno ${EIO}`,
        `read /data/big.bin: 10 bytes, fnv1a ${fnv1a(big.subarray(0, 10))}`,
        "",
      ].join("\n"),
    );
    assert.equal(r.exitCode, 1);
    // 12 blocks of the big file once (cached after), the missing one per attempt.
    assert.equal(provider.stats.bytesFetched, 3 * MiB);
    assert.equal(provider.stats.requests, (3 * MiB) / BLOCK + 2);
  });

  test("URL: a MemFS file next to the mount, and a write to the read-only mount", async () => {
    const { fs } = urlFs();
    fs.mkdir("/tmp");
    const r = await run(guest, {
      fs,
      async: true,
      preopens: { ...data, "/tmp": "/tmp" },
      args: argv([
        ["write", "/tmp/x.txt", "memfs"],
        ["read", "/tmp/x.txt"],
        ["write", "/data/new.txt", "no"],
      ]),
    });
    const text = new TextEncoder().encode("memfs");
    // A read-only mount: EPERM (63), as a read-only preopen in wasmtime.
    assert.equal(
      r.stdout,
      `wrote /tmp/x.txt: 5 bytes\nread /tmp/x.txt: 5 bytes, fnv1a ${fnv1a(text)}\nerror write /data/new.txt: errno 63\n`,
    );
    assert.equal(fs.readFile("/tmp/x.txt", "utf8"), "memfs");
  });

  test("URL: an abort while a fetch is pending ends the run", async () => {
    /** @type {(v?: unknown) => void} */
    let release = () => {};
    const gate = new Promise((resolve) => (release = resolve));
    let started = 0;
    // A fetch that answers only when released: the component waits in it.
    const slowFetch = async (/** @type {string} */ url, /** @type {RequestInit} */ init) => {
      started++;
      await gate;
      return fetch(url, init);
    };
    const provider = urlMount(manifest(), { fetch: slowFetch });
    const fs = new MemFS();
    fs.mount("/data", provider);
    const controller = new AbortController();
    const done = run(guest, { fs, async: true, preopens: data, args: argv([["read", "/data/big.bin", "10"]]), signal: controller.signal });
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error("enough"));
    await assert.rejects(done, (e) => e.name === "AbortError" && /enough/.test(e.message));
    release();
  });

  test("OPFS (a stand-in): files load while it is suspended; its writes are stored before run() returns", async () => {
    const fake = new FakeOpfs();
    fake.seed({ "keep.txt": "kept\n", "sub/a.txt": "alpha\n" });
    const fs = new MemFS();
    fs.mount("/home", await opfsMount(fake.handle()));
    const home = { "/home": "/home" };
    const r = await run(guest, {
      fs,
      async: true,
      preopens: home,
      args: argv([
        ["read", "/home/keep.txt"],
        ["append", "/home/keep.txt", "more\n"],
        ["write", "/home/sub/b.txt", "bravo\n"],
        ["list", "/home/sub"],
        ["read", "/home/sub/a.txt"],
      ]),
    });
    const enc = (/** @type {string} */ s) => new TextEncoder().encode(s);
    assert.equal(
      r.stdout,
      [
        `read /home/keep.txt: 5 bytes, fnv1a ${fnv1a(enc("kept\n"))}`,
        "appended /home/keep.txt: 5 bytes",
        "wrote /home/sub/b.txt: 6 bytes",
        "list /home/sub: a.txt b.txt",
        `read /home/sub/a.txt: 6 bytes, fnv1a ${fnv1a(enc("alpha\n"))}`,
        "",
      ].join("\n"),
    );
    assert.equal(r.exitCode, 0);
    // Stored in "OPFS" when run() resolved (write-behind settled).
    assert.deepEqual(fake.tree(), { "keep.txt": "kept\nmore\n", "sub/": "", "sub/a.txt": "alpha\n", "sub/b.txt": "bravo\n" });
    // A new mount (a reload) reads them back.
    const fs2 = new MemFS();
    fs2.mount("/home", await opfsMount(fake.handle()));
    const back = await run(guest, {
      fs: fs2,
      async: true,
      preopens: home,
      args: argv([
        ["read", "/home/keep.txt"],
        ["read", "/home/sub/b.txt"],
      ]),
    });
    assert.equal(
      back.stdout,
      `read /home/keep.txt: 10 bytes, fnv1a ${fnv1a(enc("kept\nmore\n"))}\nread /home/sub/b.txt: 6 bytes, fnv1a ${fnv1a(enc("bravo\n"))}\n`,
    );
  });

  test("descriptor.read of a URL file and descriptor.write to an OPFS file wait for their providers", async () => {
    const { fs, provider } = urlFs();
    const url = await run(guest, { fs, async: true, preopens: data, args: argv([["pread", "big.bin", String(20 * MiB), "100"]]) });
    assert.equal(url.stdout, `pread big.bin ${20 * MiB}: 100 bytes, fnv1a ${fnv1a(big.subarray(20 * MiB, 20 * MiB + 100))}\n`);
    assert.equal(provider.stats.bytesFetched, BLOCK);

    const fake = new FakeOpfs();
    fake.seed({ "keep.txt": "kept\n" });
    const fs2 = new MemFS();
    fs2.mount("/home", await opfsMount(fake.handle()));
    const opfs = await run(guest, {
      fs: fs2,
      async: true,
      preopens: { "/home": "/home" },
      args: argv([
        ["pwrite", "keep.txt", "2", "XY"],
        ["pread", "keep.txt", "0", "10"],
      ]),
    });
    const text = new TextEncoder().encode("keXY\n");
    assert.equal(opfs.stdout, `pwrote keep.txt 2: 2 bytes\npread keep.txt 0: 5 bytes, fnv1a ${fnv1a(text)}\n`);
    assert.deepEqual(fake.tree(), { "keep.txt": "keXY\n" });
  });

  test("OPFS (a stand-in): blocking-splice into a file not loaded yet loses no bytes", async () => {
    const fake = new FakeOpfs();
    fake.seed({ "src.txt": "0123456789abcdef", "dst.txt": "head:" });
    const fs = new MemFS();
    fs.mount("/home", await opfsMount(fake.handle()));
    // Both files load on first use: the first read and the first write wait.
    const r = await run(guest, { fs, async: true, preopens: { "/home": "/home" }, args: argv([["splice", "src.txt", "dst.txt"]]) });
    assert.equal(r.stdout, "spliced src.txt dst.txt: 16 bytes\n");
    assert.equal(r.exitCode, 0);
    assert.equal(fake.tree()["dst.txt"], "head:0123456789abcdef");
  });
});

describe("a component on URL and OPFS mounts in Chromium", () => {
  /** @type {Awaited<ReturnType<typeof openP2Page>>} */
  let p;
  before(async () => {
    p = await openP2Page("p2-mounts");
  });
  after(async () => {
    await p?.browser.close();
    await p?.server.close();
  });

  /** Loads the library and the providers on the page (again after a reload). */
  const load = () =>
    p.page.evaluate(async () => {
      globalThis.wasiWeb = await import("/js/index.js");
      await globalThis.wasiWeb.init();
      globalThis.url = await import("/js/providers/url.js");
      globalThis.opfs = await import("/js/providers/opfs.js");
      globalThis.guest = new Uint8Array(await (await fetch("/tests/p2guests/out/fsmount.wasm")).arrayBuffer());
    });

  test("Chromium page, JSPI: a component reads a URL-mounted file in part, fetching only what it reads", async () => {
    await load();
    const before = server.sent.bytes;
    const r = await p.page.evaluate(
      async ({ manifest, args }) => {
        const { MemFS, run } = globalThis.wasiWeb;
        const provider = globalThis.url.urlMount(manifest);
        const fs = new MemFS();
        fs.mount("/data", provider);
        const out = await run(globalThis.guest, { fs, async: true, preopens: { "/data": "/data" }, args });
        return { ...out, stats: provider.stats };
      },
      { manifest: manifest(), args: argv(PARTIAL) },
    );
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, PARTIAL_OUT);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stats.bytesFetched, 2 * BLOCK + small.length);
    assert.equal(server.sent.bytes - before, 2 * BLOCK + small.length);
  });

  test("Chromium page, JSPI: a component writes OPFS files that a reloaded page reads back", async () => {
    const DIR = "wasi-web-p2-mounts-test";
    await load();
    await p.page.evaluate(async (dir) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(dir, { recursive: true }).catch(() => {});
      const d = await root.getDirectoryHandle(dir, { create: true });
      const w = await (await d.getFileHandle("keep.txt", { create: true })).createWritable();
      await w.write("kept\n");
      await w.close();
    }, DIR);
    const runOn = (args) =>
      p.page.evaluate(
        async ({ dir, args }) => {
          const { MemFS, run } = globalThis.wasiWeb;
          const fs = new MemFS();
          fs.mount("/home", await globalThis.opfs.opfsMount(dir));
          return run(globalThis.guest, { fs, async: true, preopens: { "/home": "/home" }, args });
        },
        { dir: DIR, args },
      );
    const enc = (/** @type {string} */ s) => new TextEncoder().encode(s);
    const w = await runOn(
      argv([
        ["read", "/home/keep.txt"],
        ["append", "/home/keep.txt", "more\n"],
        ["write", "/home/new.txt", "fresh\n"],
      ]),
    );
    assert.equal(
      w.stdout,
      `read /home/keep.txt: 5 bytes, fnv1a ${fnv1a(enc("kept\n"))}\nappended /home/keep.txt: 5 bytes\nwrote /home/new.txt: 6 bytes\n`,
    );
    assert.equal(w.exitCode, 0);

    await p.page.reload();
    await load();
    const back = await runOn(
      argv([
        ["list", "/home"],
        ["read", "/home/keep.txt"],
        ["read", "/home/new.txt"],
      ]),
    );
    assert.equal(
      back.stdout,
      `list /home: keep.txt new.txt\nread /home/keep.txt: 10 bytes, fnv1a ${fnv1a(enc("kept\nmore\n"))}\nread /home/new.txt: 6 bytes, fnv1a ${fnv1a(enc("fresh\n"))}\n`,
    );
    assert.equal(back.exitCode, 0);
    // And with the OPFS API itself.
    const text = await p.page.evaluate(async (dir) => {
      const d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      return (await (await d.getFileHandle("keep.txt")).getFile()).text();
    }, DIR);
    assert.equal(text, "kept\nmore\n");
  });

  test("Chromium page, sync mode: a component's read of a file not loaded is EIO, as before", async () => {
    await load();
    const r = await p.page.evaluate(
      async ({ manifest, args }) => {
        const { MemFS, run } = globalThis.wasiWeb;
        const fs = new MemFS();
        fs.mount("/data", globalThis.url.urlMount(manifest));
        const warn = console.warn;
        console.warn = () => {};
        try {
          return await run(globalThis.guest, { fs, preopens: { "/data": "/data" }, args });
        } finally {
          console.warn = warn;
        }
      },
      {
        manifest: manifest(),
        args: argv([
          ["read", "/data/dir/small.txt"],
          ["list", "/data/dir"],
        ]),
      },
    );
    assert.equal(r.stdout, `error read /data/dir/small.txt: errno ${EIO}\nlist /data/dir: small.txt\n`);
    assert.equal(r.exitCode, 1);
  });
});
