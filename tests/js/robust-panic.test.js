// Traps in the guest and panics in the core: a clear error naming the
// program (and, for the core, the call), and the shared MemFS stays usable
// and consistent for JS and for the next programs, even ones made before.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS, WASI } from "../../js/index.js";
import { MemFsCore } from "../../js/core.js";
import { catFile, guest } from "./helpers/wat.js";

const instance = (bytes, wasi) => new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());

function sharedFs() {
  const fs = new MemFS();
  fs.mkdir("/d");
  fs.writeFile("/d/keep.txt", "keep me\n");
  return fs;
}

/** Runs catFile(name) on fs; returns its stdout. */
function cat(fs, name) {
  const wasi = new WASI({ fs, preopens: { "/d": "/d" }, stdout: "buffer" });
  assert.equal(wasi.start(instance(catFile(name), wasi)), 0);
  return wasi.stdout.text();
}

// A guest that writes whole.txt, starts part.txt, then does `trap`.
function writerThatTraps(trap, funcs = "") {
  return guest({
    imports: ["path_open", "fd_close"],
    strings: { whole: "whole.txt", part: "part.txt", body: "complete\n", half: "half" },
    funcs: `
      (func $create (param $p i32) (param $l i32) (result i32)
        (call $ok (call $path_open (i32.const 3) (i32.const 0) (local.get $p) (local.get $l)
          (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
        (i32.load (i32.const 32)))
      ${funcs}`,
    start: `
      (local $fd i32)
      (local.set $fd (call $create $str:whole $len:whole))
      (call $print (local.get $fd) $str:body $len:body)
      (call $ok (call $fd_close (local.get $fd)))
      (local.set $fd (call $create $str:part $len:part))
      (call $print (local.get $fd) $str:half $len:half)
      ${trap}`,
  });
}

describe("traps in the guest", () => {
  const traps = {
    unreachable: ["(unreachable)", "", WebAssembly.RuntimeError, /unreachable/],
    "out-of-bounds load": ["(drop (i32.load (i32.const 0x7ffffff0)))", "", WebAssembly.RuntimeError, /out of bounds/],
    "division by zero": ["(drop (i32.div_u (i32.const 1) (i32.const 0)))", "", WebAssembly.RuntimeError, /divi/],
    "stack overflow": ["(call $deep)", "(func $deep (call $deep))", RangeError, /stack/i],
  };
  for (const [name, [trap, funcs, Kind, message]] of Object.entries(traps)) {
    test(`${name}: named, flushed, and no file lost`, () => {
      const fs = sharedFs();
      const wasi = new WASI({ args: [`${name}.wasm`], fs, preopens: { "/d": "/d" }, stdout: "buffer" });
      assert.throws(
        () => wasi.start(instance(writerThatTraps(trap, funcs), wasi)),
        (e) => e instanceof Kind && e.message.startsWith(`${name}.wasm trapped: `) && message.test(e.message) && e.cause != null,
      );
      // Each write that returned is there; nothing else changed.
      assert.equal(fs.readFile("/d/whole.txt", "utf8"), "complete\n");
      assert.equal(fs.readFile("/d/part.txt", "utf8"), "half");
      assert.equal(fs.readFile("/d/keep.txt", "utf8"), "keep me\n");
      fs.checkInvariants();
      // The next program on the same MemFS works.
      assert.equal(cat(fs, "whole.txt"), "complete\n");
      fs.writeFile("/d/after.txt", "ok");
      assert.equal(cat(fs, "after.txt"), "ok");
    });
  }
});

describe("a panic in the core", () => {
  const mkdirGuest = guest({
    imports: ["path_create_directory"],
    strings: { dir: "newdir" },
    start: `(drop (call $path_create_directory (i32.const 3) $str:dir $len:dir))`,
  });

  test("is an Error naming the call and the program; the MemFS and other programs go on", () => {
    const fs = sharedFs();
    // Made before the panic; runs after it.
    const bystander = new WASI({ fs, preopens: { "/d": "/d" }, stdout: "buffer" });
    const bystanderInstance = instance(catFile("keep.txt"), bystander);
    const before = fs.usage();

    MemFsCore.armPanicForTests();
    const wasi = new WASI({ args: ["victim.wasm"], fs, preopens: { "/d": "/d" }, stdout: "buffer" });
    assert.throws(
      () => wasi.start(instance(mkdirGuest, wasi)),
      (e) =>
        e.constructor === Error &&
        /^wasi-web core panicked in path_create_directory: deliberate test panic/.test(e.message) &&
        /victim\.wasm/.test(e.message) &&
        e.cause instanceof WebAssembly.RuntimeError,
    );
    assert.equal(wasi.exitCode, undefined);
    wasi.flush(); // no throw: the dead core is left alone

    // JS uses the MemFS: nothing "busy", nothing half-done.
    assert.deepEqual(fs.readdir("/d"), ["keep.txt"]);
    fs.mkdir("/d/made-by-js");
    fs.rm("/d/made-by-js");
    assert.deepEqual(fs.usage(), before);
    fs.checkInvariants();
    // The program made before the panic, and a new one, run.
    assert.equal(bystander.start(bystanderInstance), 0);
    assert.equal(bystander.stdout.text(), "keep me\n");
    assert.equal(cat(fs, "keep.txt"), "keep me\n");
  });

  test("from a MemFS call: a trap there, then the MemFS works, and the next program's trap is its own", () => {
    const fs = sharedFs();
    MemFsCore.armPanicForTests();
    assert.throws(
      () => fs.mkdir("/d/x"),
      (e) => /wasi-web core panicked: .* in MemFS\.mkdir/.test(e.message) && e.cause instanceof WebAssembly.RuntimeError,
    );
    fs.mkdir("/d/y");
    assert.deepEqual(fs.readdir("/d"), ["keep.txt", "y"]);
    fs.checkInvariants();
    const wasi = new WASI({ args: ["plain.wasm"], fs });
    assert.throws(() => wasi.start(instance(guest({ start: "(unreachable)" }), wasi)), {
      message: /^plain\.wasm trapped/,
    });
  });

  test("each panic costs a few hundred bytes of the core's stack, no heap", () => {
    const fs = sharedFs();
    const stack0 = MemFsCore.coreStackProbe();
    const memory0 = MemFS.coreMemoryBytes();
    const panics = 20;
    for (let i = 0; i < panics; i++) {
      MemFsCore.armPanicForTests();
      const wasi = new WASI({ args: ["p.wasm"], fs, preopens: { "/d": "/d" } });
      assert.throws(() => wasi.start(instance(mkdirGuest, wasi)), /core panicked/);
    }
    const perPanic = (stack0 - MemFsCore.coreStackProbe()) / panics;
    console.log(`core stack lost per panic: ${perPanic} bytes; core memory ${memory0} -> ${MemFS.coreMemoryBytes()}`);
    assert.ok(perPanic >= 0 && perPanic < 4096, `${perPanic} bytes`);
    assert.equal(cat(fs, "keep.txt"), "keep me\n");
    fs.checkInvariants();
  });
});

describe("a tree deeper than the core's stack", () => {
  test("is removed, and the MemFS goes on", () => {
    const fs = new MemFS();
    fs.mkdir("/t");
    for (let i = 0; i < 50_000; i++) {
      fs.mkdir("/n");
      fs.rename("/t", "/n/d");
      fs.rename("/n", "/t");
    }
    fs.rm("/t", { recursive: true });
    assert.deepEqual(fs.usage(), { inodes: 1, bytes: 0 });
    fs.mkdir("/after");
    fs.checkInvariants();
  });
});
