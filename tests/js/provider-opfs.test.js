// opfsMount(): the origin-private file system as a mount, in headless
// Chromium served over http (OPFS is per origin; a reload keeps it). On a
// page under JSPI the guest suspends while a file loads; in a worker, file
// data goes through sync access handles; in sync mode on a page a file not
// loaded is EIO unless preloaded. Directory changes are written behind and
// stored before run() returns. The mirror's semantics, the write-behind
// order and a reload midway are tested in Node too, on an in-memory
// stand-in for OPFS (helpers/fake-opfs.js); scripts/test.sh runs this file
// again under Node 24 (JSPI) for the lazy loading.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MemFS, run, WASI } from "../../js/index.js";
import { opfsMount } from "../../js/providers/opfs.js";
import { collectWaits, WOULD_BLOCK_CODE } from "../../js/providers/wait.js";
import { FakeOpfs } from "./helpers/fake-opfs.js";
import { openLibraryPage } from "./helpers/pages.js";
import { opfsReader, opfsWriter, WRITER_ERRNOS } from "./helpers/opfs-guests.js";

const DIR = "wasi-web-opfs-test";
const ENOENT = 44;
const EBADF = 8;
const EIO = 29;

const READ_BACK = ["keep.txt", "d/a.txt", "d/b.txt", "gone.txt", "b.txt"];
const READ_BACK_ERRNOS = [0, 0, 0, 0, 0, 0, ENOENT, EBADF, ENOENT, EBADF];
const EXPECTED_TREE = { "d/": "", "d/a.txt": "alpha\n", "d/b.txt": "bravo\n", "keep.txt": "kept\nmore\n" };

/** Loads the library (again, after a reload) as globalThis.wasiWeb and the provider as globalThis.opfs. */
async function loadLibrary(page) {
  await page.evaluate(async () => {
    globalThis.wasiWeb = await import("/js/index.js");
    await globalThis.wasiWeb.init();
    globalThis.opfs = await import("/js/providers/opfs.js");
  });
}

/** Empties the test directory of OPFS and puts `files` ({ name: text }) in it. */
async function resetOpfs(page, files) {
  await page.evaluate(
    async ({ dir, files }) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(dir, { recursive: true }).catch(() => {});
      const d = await root.getDirectoryHandle(dir, { create: true });
      for (const [name, text] of Object.entries(files)) {
        const w = await (await d.getFileHandle(name, { create: true })).createWritable();
        await w.write(text);
        await w.close();
      }
    },
    { dir: DIR, files },
  );
}

/** What OPFS holds under the test directory, read with the OPFS API: { "path": text, "dir/": "" }. */
async function opfsTree(page) {
  return page.evaluate(async (dir) => {
    const out = {};
    const walk = async (handle, prefix) => {
      for await (const [name, h] of handle.entries()) {
        if (h.kind === "directory") {
          out[`${prefix}${name}/`] = "";
          await walk(h, `${prefix}${name}/`);
        } else out[`${prefix}${name}`] = await (await h.getFile()).text();
      }
    };
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(dir), "");
    return Object.fromEntries(Object.entries(out).sort());
  }, DIR);
}

const codes = (text) => [...text].map((c) => c.charCodeAt(0));
const HAS_JSPI = typeof WebAssembly.Suspending === "function";

/** A MemFS with an OPFS stand-in holding keep.txt = "kept\n" mounted at /home. */
async function fakeMount(options = {}) {
  const fake = new FakeOpfs();
  fake.seed({ "keep.txt": "kept\n" });
  const provider = await opfsMount(fake.handle(), options);
  const fs = new MemFS();
  fs.mount("/home", provider);
  return { fake, provider, fs };
}

const home = { "/home": "/home" };

describe("opfsMount on an OPFS stand-in (Node)", () => {
  test("a sync guest on a preloaded mount: its changes are stored, in order, before run() returns", async () => {
    const { fake, provider } = await fakeMount({ preload: true });
    const fs = new MemFS();
    fs.mount("/home", provider);
    const r = await run(opfsWriter(), { fs, preopens: home });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(codes(r.stderr), WRITER_ERRNOS);
    assert.deepEqual(fake.tree(), EXPECTED_TREE);
    assert.deepEqual(fake.log, [
      "create directory d",
      "create file a.txt",
      "write a.txt",
      "create file b.txt",
      "write b.txt",
      "move b.txt b.txt",
      "write keep.txt",
      "create file gone.txt",
      "write gone.txt",
      "remove gone.txt",
    ]);
    // The mirror answers at once, with what the guest did.
    assert.equal(fs.readFile("/home/keep.txt", "utf8"), "kept\nmore\n");
    assert.deepEqual(fs.readdir("/home/d").sort(), ["a.txt", "b.txt"]);
  });

  test("a reload while changes wait: a new mount sees the last stored state, never a torn file", async () => {
    const { fake, provider } = await fakeMount({ preload: true });
    /** @type {() => void} */
    let open = () => {};
    fake.gate = new Promise((resolve) => (open = resolve));
    const fs = new MemFS();
    fs.mount("/home", provider);
    const wasi = new WASI({ fs, preopens: home, stdout: "buffer", stderr: "buffer" });
    const { instance } = await WebAssembly.instantiate(opfsWriter(), wasi.getImportObject());
    assert.equal(wasi.start(instance), 0);
    // "Reload": mount the same directory again while the first mount's queue waits.
    const again = await opfsMount(fake.handle(), { preload: true });
    const fs2 = new MemFS();
    fs2.mount("/home", again);
    assert.deepEqual(fs2.readdir("/home"), ["keep.txt"]);
    assert.equal(fs2.readFile("/home/keep.txt", "utf8"), "kept\n");
    open();
    fake.gate = null;
    await provider.flush();
    assert.deepEqual(fake.tree(), EXPECTED_TREE);
  });

  test("POSIX answers from the mirror; what cannot be stored is refused", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const { fake, provider, fs } = await fakeMount();
    const code = (f) => {
      try {
        f();
        return "ok";
      } catch (error) {
        return error.code;
      }
    };
    fs.mkdir("/home/a");
    fs.writeFile("/home/a/x", "x1");
    fs.writeFile("/home/y", "y1");
    assert.equal(
      code(() => fs.rm("/home/a")),
      "ENOTEMPTY",
    );
    assert.equal(
      code(() => fs.rename("/home/a", "/home/a/inside")),
      "EINVAL",
    );
    assert.equal(
      code(() => fs.rename("/home/y", "/home/a")),
      "EISDIR",
    );
    assert.equal(
      code(() => fs.rename("/home/a", "/home/y")),
      "ENOTDIR",
    );
    assert.equal(
      code(() => fs.symlink("y", "/home/link")),
      "ENOTSUP",
    );
    // Renamed over an existing file: replaced.
    fs.rename("/home/y", "/home/a/x");
    assert.equal(fs.readFile("/home/a/x", "utf8"), "y1");
    // A file found at mount is loaded on first use: this call cannot wait.
    assert.equal(
      code(() => fs.readFile("/home/keep.txt")),
      "EIO",
    );
    assert.equal(warn.mock.callCount(), 1);
    await provider.prefetch(["keep.txt"]);
    assert.equal(fs.readFile("/home/keep.txt", "utf8"), "kept\n");
    fs.rename("/home/a", "/home/b");
    fs.rm("/home/keep.txt");
    await provider.flush();
    assert.deepEqual(fake.tree(), { "b/": "", "b/x": "y1" });
    const st = fs.stat("/home/b/x");
    assert.equal(st.size, 2);
    assert.equal(st.dev, fs.stat("/home/b").dev);
  });

  test("a change OPFS refuses is reported by flush(), naming it", async () => {
    const { fake, provider, fs } = await fakeMount();
    fs.mkdir("/home/d");
    await provider.flush();
    // Something else (another tab) removes d from OPFS behind the mirror's back.
    fake.root.children.clear();
    fs.writeFile("/home/d/f", "data");
    await assert.rejects(() => provider.flush(), /could not be stored in OPFS: .*no d/);
  });

  test("a lone write or truncation (nothing else queued) stores the file's new size", async () => {
    const { fake, provider } = await fakeMount({ preload: true });
    const h = provider.lookup(0, "keep.txt").handle;
    provider.write(h, 5, new TextEncoder().encode("more\n"));
    await provider.flush();
    assert.deepEqual(fake.tree(), { "keep.txt": "kept\nmore\n" });
    provider.truncate(h, 2);
    await provider.flush();
    assert.deepEqual(fake.tree(), { "keep.txt": "ke" });
  });

  test("loading a file answers would-block with a promise (what async mode waits for)", async () => {
    const { provider } = await fakeMount();
    const h = provider.lookup(0, "keep.txt").handle;
    const [thrown, waits] = collectWaits(() => {
      try {
        return provider.read(h, 0, 5);
      } catch (error) {
        return error;
      }
    });
    assert.equal(thrown.code, WOULD_BLOCK_CODE);
    assert.equal(waits.length, 1);
    await Promise.all(waits);
    assert.equal(new TextDecoder().decode(provider.read(h, 0, 5)), "kept\n");
  });

  test(`async mode, Node ${process.version}: ${HAS_JSPI ? "files load while the guest is suspended" : "refused without JSPI"}`, async () => {
    if (!HAS_JSPI) {
      assert.throws(() => new WASI({ async: true }), /options\.async needs JSPI/);
      return;
    }
    const { fake, fs } = await fakeMount();
    const r = await run(opfsWriter(), { fs, preopens: home, async: true });
    assert.deepEqual(codes(r.stderr), WRITER_ERRNOS);
    assert.deepEqual(fake.tree(), EXPECTED_TREE);
    const again = await opfsMount(fake.handle());
    const fs2 = new MemFS();
    fs2.mount("/home", again);
    const back = await run(opfsReader(READ_BACK), { fs: fs2, preopens: home, async: true });
    assert.equal(back.stdout, "kept\nmore\nalpha\nbravo\n");
    assert.deepEqual(codes(back.stderr), READ_BACK_ERRNOS);
  });
});

describe("opfsMount in Chromium", () => {
  /** @type {Awaited<ReturnType<typeof openLibraryPage>>} */
  let lib;
  before(async () => {
    lib = await openLibraryPage();
  });
  after(async () => {
    await lib?.browser.close();
    await lib?.server.close();
  });

  test("Chromium page, JSPI: a guest's changes are in OPFS when run() returns, and a reloaded page reads them back", async () => {
    const { page } = lib;
    await resetOpfs(page, { "keep.txt": "kept\n" });
    await loadLibrary(page);
    const writer = [...opfsWriter()];
    const r = await page.evaluate(
      async ({ writer, dir }) => {
        const { MemFS, run } = globalThis.wasiWeb;
        const fs = new MemFS();
        fs.mount("/home", await globalThis.opfs.opfsMount(dir));
        return run(new Uint8Array(writer), { fs, preopens: { "/home": "/home" }, async: true });
      },
      { writer, dir: DIR },
    );
    assert.equal(r.exitCode, 0);
    assert.deepEqual(codes(r.stderr), WRITER_ERRNOS);
    assert.deepEqual(await opfsTree(page), EXPECTED_TREE);

    await page.reload();
    await loadLibrary(page);
    const reader = [...opfsReader(READ_BACK)];
    const back = await page.evaluate(
      async ({ reader, dir }) => {
        const { MemFS, run } = globalThis.wasiWeb;
        const fs = new MemFS();
        fs.mount("/home", await globalThis.opfs.opfsMount(dir));
        const listing = fs.readdir("/home").sort();
        return { listing, ...(await run(new Uint8Array(reader), { fs, preopens: { "/home": "/home" }, async: true })) };
      },
      { reader, dir: DIR },
    );
    assert.deepEqual(back.listing, ["d", "keep.txt"]);
    assert.equal(back.stdout, "kept\nmore\nalpha\nbravo\n");
    assert.deepEqual(codes(back.stderr), READ_BACK_ERRNOS);
  });

  test("Chromium page, sync mode: a file not loaded is EIO with a warning; preload: true loads it", async () => {
    const { page } = lib;
    await resetOpfs(page, { "keep.txt": "kept\n" });
    await loadLibrary(page);
    const reader = [...opfsReader(["keep.txt"])];
    const r = await page.evaluate(
      async ({ reader, dir }) => {
        const { MemFS, run } = globalThis.wasiWeb;
        const warnings = [];
        const warn = console.warn;
        console.warn = (m) => warnings.push(String(m));
        try {
          const lazy = new MemFS();
          lazy.mount("/home", await globalThis.opfs.opfsMount(dir));
          const plain = await run(new Uint8Array(reader), { fs: lazy, preopens: { "/home": "/home" } });
          const loaded = new MemFS();
          loaded.mount("/home", await globalThis.opfs.opfsMount(dir, { preload: true }));
          const preloaded = await run(new Uint8Array(reader), { fs: loaded, preopens: { "/home": "/home" } });
          return { plain, preloaded, warnings };
        } finally {
          console.warn = warn;
        }
      },
      { reader, dir: DIR },
    );
    assert.deepEqual(codes(r.plain.stderr), [0, EIO]);
    assert.equal(r.plain.stdout, "");
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /async: true.*worker.*preload/s);
    assert.deepEqual(codes(r.preloaded.stderr), [0, 0]);
    assert.equal(r.preloaded.stdout, "kept\n");
  });

  test("Chromium runInWorker({ mounts: { opfs } }): changes are stored before it resolves", async () => {
    const { page } = lib;
    await resetOpfs(page, { "keep.txt": "kept\n" });
    const inWorker = (program) =>
      page.evaluate(
        async ({ program, dir }) => {
          const r = await globalThis.wasiWeb.runInWorker(new Uint8Array(program), {
            mounts: { "/home": { opfs: dir } },
            preopens: { "/home": "/home" },
          });
          return { ...r, stderr: [...r.stderr].map((c) => c.charCodeAt(0)) };
        },
        { program, dir: DIR },
      );
    const w = await inWorker([...opfsWriter()]);
    assert.equal(w.exitCode, 0);
    assert.deepEqual(w.stderr, WRITER_ERRNOS);
    assert.deepEqual(await opfsTree(page), EXPECTED_TREE);
    const back = await inWorker([...opfsReader(READ_BACK)]);
    assert.equal(back.stdout, "kept\nmore\nalpha\nbravo\n");
    assert.deepEqual(back.stderr, READ_BACK_ERRNOS);
  });

  test("Chromium worker, sync access handles: a sync guest's changes persist and another worker reads them back", async () => {
    const { page } = lib;
    await resetOpfs(page, { "keep.txt": "kept\n" });
    const inWorker = (program) =>
      page.evaluate(
        async ({ program, dir }) => {
          const source = `
            import { init, MemFS, run } from "${location.origin}/js/index.js";
            import { opfsMount } from "${location.origin}/js/providers/opfs.js";
            onmessage = async ({ data }) => {
              try {
                await init();
                const fs = new MemFS();
                const provider = await opfsMount(data.dir);
                fs.mount("/home", provider);
                const r = await run(new Uint8Array(data.program), { fs, preopens: { "/home": "/home" } });
                await provider.unmount();
                postMessage(r);
              } catch (error) {
                postMessage({ error: String(error?.stack ?? error) });
              }
            };`;
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })), { type: "module" });
          const answer = new Promise((resolve, reject) => {
            worker.onmessage = (e) => resolve(e.data);
            worker.onerror = (e) => reject(new Error(e.message));
          });
          worker.postMessage({ program, dir });
          try {
            return await answer;
          } finally {
            worker.terminate();
          }
        },
        { program, dir: DIR },
      );
    const w = await inWorker([...opfsWriter()]);
    assert.equal(w.error, undefined);
    assert.equal(w.exitCode, 0);
    assert.deepEqual(codes(w.stderr), WRITER_ERRNOS);
    assert.deepEqual(await opfsTree(page), EXPECTED_TREE);
    const back = await inWorker([...opfsReader(READ_BACK)]);
    assert.equal(back.error, undefined);
    assert.equal(back.stdout, "kept\nmore\nalpha\nbravo\n");
    assert.deepEqual(codes(back.stderr), READ_BACK_ERRNOS);
  });
});
