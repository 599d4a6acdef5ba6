// WASI 0.2 components on wasi-web's Preview 2 host in headless Chromium:
//   1. run(bytes) transpiles with jco in the page. jco's own transpiler is a
//      component that imports WASI 0.2; an import map points it at
//      wasi-web/preview2, so jco runs on wasi-web too.
//   2. A Preview 1 program and a component share one MemFS in the page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openP2Page } from "./helpers/pages.js";
import { requirePackage, requireP2Guests } from "./helpers/prereq.js";
import { mutator } from "./helpers/wat.js";

let server;
let browser;
let page;

before(async () => {
  requireP2Guests("hello", "ifaces");
  requirePackage("@bytecodealliance/jco");
  ({ server, browser, page } = await openP2Page("p2"));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("chromium: run() transpiles a component with jco in the page and runs it on a MemFS", async () => {
  const result = await page.evaluate(async () => {
    const { MemFS, run } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/hello.wasm")).arrayBuffer());
    const fs = new MemFS();
    fs.mkdir("/data");
    fs.writeFile("/data/from-host.txt", "in the browser\n");
    try {
      const r = await run(bytes, { fs, args: ["hello"], preopens: { "/data": "/data" }, stdin: "typed\n" });
      return { ...r, written: fs.readFile("/data/from-p2.txt", "utf8") };
    } catch (e) {
      return { error: String(e?.stack ?? e) };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.match(result.stdout, /^hello from a component\n[^]*read: in the browser\n[^]*stdin: typed\n$/);
  assert.equal(result.stderr, "to stderr\n");
  assert.equal(result.exitCode, 1);
  assert.equal(result.written, "written by p2\n");
});

test("chromium: every interface (ifaces guest), and Preview 1 + Preview 2 on one MemFS", async () => {
  const result = await page.evaluate(
    async ({ p1 }) => {
      const { MemFS, run } = await import("/js/index.js");
      await (await import("/js/index.js")).init();
      const get = async (n) => new Uint8Array(await (await fetch(`/tests/p2guests/out/${n}.wasm`)).arrayBuffer());
      try {
        const fs = new MemFS();
        fs.mkdir("/data");
        const ifaces = await run(await get("ifaces"), {
          fs,
          args: ["ifaces", "a b"],
          env: { P2: "yes=1" },
          cwd: "/data",
          tty: [false, true, false],
          preopens: { "/data": "/data" },
          stdin: "abcdef",
        });
        const box = new MemFS();
        box.mkdir("/box");
        for (const f of ["hello.txt", "gone.txt", "old.txt"]) box.writeFile(`/box/${f}`, `${f}\n`);
        const first = await run(new Uint8Array(p1), { fs: box, preopens: { "/": "/box" } });
        const second = await run(await get("hello"), { fs: box, args: ["hello", "/data/hello.txt"], preopens: { "/data": "/box" } });
        return { ifaces, first, second, after: box.readFile("/box/from-p2.txt", "utf8") };
      } catch (e) {
        return { error: String(e?.stack ?? e) };
      }
    },
    { p1: Array.from(mutator()) },
  );
  assert.equal(result.error, undefined, result.error);
  const lines = result.ifaces.stdout.trimEnd().split("\n");
  assert.deepEqual(
    lines.filter((l) => !l.startsWith("ok ")),
    ["done"],
    result.ifaces.stdout,
  );
  assert.equal(result.ifaces.exitCode, 0);
  assert.equal(result.first.exitCode, 0);
  assert.match(result.second.stdout, /read: changed by the guest\n/);
  assert.equal(result.after, "written by p2\n");
});
