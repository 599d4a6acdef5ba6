// A guest whose memory is a shared WebAssembly.Memory (a SharedArrayBuffer):
// memory.grow does not detach a shared buffer, so wasi-web's cached views
// must be refreshed by length. The guest makes a call (views get cached),
// grows its memory, then moves data to and from the new pages with
// fd_write, fd_read and random_get, grows again and writes from the newest
// page. Run in Node and in headless Chromium, shared and not: same output.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import binaryen from "binaryen";
import * as wasiWeb from "../../js/index.js";
import { openLibraryPage } from "./helpers/pages.js";

/** @param {boolean} shared */
function grower(shared) {
  const text = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 1 100 ${shared ? "shared" : ""})
  (data (i32.const 1024) "start\\n")
  (data (i32.const 1040) "from page two\\n")
  (data (i32.const 1060) "random ok\\n")
  (data (i32.const 1080) "random zero\\n")
  (data (i32.const 1100) "from page four\\n")
  (func $ok (param $errno i32) (if (local.get $errno) (then unreachable)))
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $ok (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (local $n i32)
    ;; A call before growing: the host caches its views of memory.
    (call $print (i32.const 1024) (i32.const 6))
    (if (i32.ne (memory.grow (i32.const 2)) (i32.const 1)) (then unreachable))
    ;; fd_write from a new page.
    (memory.copy (i32.const 0x20000) (i32.const 1040) (i32.const 14))
    (call $print (i32.const 0x20000) (i32.const 14))
    ;; fd_read into a new page, echoed back.
    (i32.store (i32.const 16) (i32.const 0x21000))
    (i32.store (i32.const 20) (i32.const 64))
    (call $ok (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (local.set $n (i32.load (i32.const 24)))
    (call $print (i32.const 0x21000) (local.get $n))
    ;; random_get into a new page: 8 bytes that are not all zero.
    (call $ok (call $random_get (i32.const 0x22000) (i32.const 8)))
    (if (i64.eqz (i64.load (i32.const 0x22000)))
      (then (call $print (i32.const 1080) (i32.const 12)))
      (else (call $print (i32.const 1060) (i32.const 10))))
    ;; Grow again, and write from the newest page.
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 3)) (then unreachable))
    (memory.copy (i32.const 0x3fff0) (i32.const 1100) (i32.const 15))
    (call $print (i32.const 0x3fff0) (i32.const 15))))`;
  const module = binaryen.parseText(text);
  try {
    // Shared memory and memory.copy; not All, which emits encodings engines lack.
    module.setFeatures(
      binaryen.Features.Atomics | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.MutableGlobals,
    );
    if (!module.validate()) throw new Error("invalid test guest");
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

const EXPECTED = "start\nfrom page two\necho me\nrandom ok\nfrom page four\n";

test("the test guest really has a shared memory", async () => {
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(grower(true)), stubImports());
  assert.ok(instance.exports.memory.buffer instanceof SharedArrayBuffer);
  const plain = await WebAssembly.instantiate(await WebAssembly.compile(grower(false)), stubImports());
  assert.ok(plain.exports.memory.buffer instanceof ArrayBuffer);
});

function stubImports() {
  const f = () => 0;
  return { wasi_snapshot_preview1: { fd_write: f, fd_read: f, random_get: f } };
}

describe("in Node", () => {
  for (const shared of [true, false]) {
    test(`${shared ? "a shared" : "an ordinary"} memory grown by the guest`, async () => {
      const r = await wasiWeb.run(grower(shared), { args: ["grower"], stdin: "echo me\n" });
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, EXPECTED);
    });
  }

  test("in async mode too (when the engine has JSPI)", async () => {
    if (typeof WebAssembly.Suspending !== "function") {
      // Node 20 has no JSPI; Chromium below runs the same guest with async: true.
      assert.throws(() => new wasiWeb.WASI({ async: true }), /JSPI/);
      return;
    }
    const r = await wasiWeb.run(grower(true), { args: ["grower"], stdin: "echo me\n", async: true });
    assert.equal(r.stdout, EXPECTED);
  });
});

describe("in Chromium", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openLibraryPage());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the page can make shared memories (cross-origin isolated)", async () => {
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  });

  for (const shared of [true, false]) {
    for (const async of [false, true]) {
      test(`${shared ? "a shared" : "an ordinary"} memory grown by the guest${async ? ", async (JSPI)" : ""}`, async () => {
        const r = await page.evaluate(
          async ({ bytes, async }) => {
            const module = await WebAssembly.compile(new Uint8Array(bytes));
            const result = await wasiWeb.run(module, { args: ["grower"], stdin: "echo me\n", async });
            return result;
          },
          { bytes: [...grower(shared)], async },
        );
        assert.equal(r.exitCode, 0);
        assert.equal(r.stdout, EXPECTED);
      });
    }
  }

  test("in a worker", async () => {
    const r = await page.evaluate(
      (bytes) => wasiWeb.runInWorker(new Uint8Array(bytes), { args: ["grower"], stdin: "echo me\n" }),
      [...grower(true)],
    );
    assert.equal(r.stdout, EXPECTED);
  });
});
