import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS, checkModuleBytes, detectWasiVersion, run } from "../../js/index.js";
import { cat, catFile, guest, printer } from "./helpers/wat.js";

describe("run()", () => {
  test("collects stdout and stderr as strings, with the exit code", async () => {
    assert.deepEqual(await run(printer("out\n", { err: "err\n", exitCode: 5 })), { exitCode: 5, stdout: "out\n", stderr: "err\n" });
    assert.deepEqual(await run(printer("ok")), { exitCode: 0, stdout: "ok", stderr: "" });
  });

  test("takes bytes, an ArrayBuffer or a WebAssembly.Module", async () => {
    const bytes = printer("x");
    assert.equal((await run(bytes.slice().buffer)).stdout, "x");
    assert.equal((await run(new WebAssembly.Module(bytes))).stdout, "x");
    assert.equal((await run(Buffer.from(bytes))).stdout, "x");
  });

  test("passes args, env, stdin, fs and preopens", async () => {
    const fs = new MemFS();
    fs.mkdir("/box");
    fs.writeFile("/box/f.txt", "file\n");
    assert.equal((await run(catFile("f.txt"), { fs, preopens: { "/sandbox": "/box" } })).stdout, "file\n");
    assert.equal((await run(cat(), { stdin: "in\n", args: ["cat.wasm"], env: { A: "1" } })).stdout, "in\n");
  });

  test("detects wasi_unstable", async () => {
    const bytes = printer("unstable\n", { ns: "wasi_unstable", exitCode: 2 });
    assert.equal(detectWasiVersion(new WebAssembly.Module(bytes)), "unstable");
    assert.equal(detectWasiVersion(new WebAssembly.Module(printer("x"))), "preview1");
    assert.deepEqual(await run(bytes), { exitCode: 2, stdout: "unstable\n", stderr: "" });
  });

  test("a trap rejects with the output so far", async () => {
    const bytes = guest({ strings: { a: "partial" }, start: `(call $print (i32.const 1) $str:a $len:a) (unreachable)` });
    await assert.rejects(run(bytes, { args: ["t.wasm"] }), (e) => {
      assert.ok(e instanceof WebAssembly.RuntimeError);
      assert.match(e.message, /t\.wasm trapped: unreachable/);
      assert.equal(e.stdout, "partial");
      return true;
    });
  });

  test("rejects bad input clearly", async () => {
    await assert.rejects(run(new TextEncoder().encode("#!/bin/sh\necho hi\n")), /not a WebAssembly binary/);
    await assert.rejects(run(new Uint8Array(0)), /not a WebAssembly binary/);
    await assert.rejects(run("prog.wasm"), TypeError);
    const component = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    await assert.rejects(run(component), /component/);
    assert.throws(() => checkModuleBytes(component), /component/);
    const v2 = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]);
    await assert.rejects(run(v2), /unsupported WebAssembly binary version/);
    const truncated = printer("x").slice(0, 20);
    await assert.rejects(run(truncated), WebAssembly.CompileError);
    const plain = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    assert.equal(detectWasiVersion(new WebAssembly.Module(plain)), null);
    await assert.rejects(run(plain), /neither wasi_snapshot_preview1 nor wasi_unstable/);
    await assert.rejects(run(printer("x"), { stdout: "console" }), /does not take options.stdout/);
  });
});
