// Many programs on one MemFS: 1,000 in sequence (Node) and 20 at once
// (Chromium, async mode with JSPI), with no corruption and no leak in the
// core's memory.
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { after, before, describe, test } from "node:test";
import { MemFS, WASI } from "../../js/index.js";
import { openLibraryPage } from "./helpers/pages.js";
import { assemble } from "./helpers/hostile.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

/** Collects garbage and lets FinalizationRegistry free dropped core objects. */
async function collect() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Program `id`: `rounds` times, appends "<id>:<round>\n" to log (one
 * fd_write each, O_APPEND), rewrites own-<id> with the round, makes and
 * removes tmp-<id>, then (if `sleepNs`) sleeps; finally prints input.txt.
 */
function program(id, rounds, sleepNs = 0) {
  const tag = String(id).padStart(2, "0");
  return assemble(`
    (data (i32.const 0x100) "log") (data (i32.const 0x108) "own-${tag}") (data (i32.const 0x118) "tmp-${tag}")
    (data (i32.const 0x128) "input.txt")
    (func $open (param $p i32) (param $l i32) (param $oflags i32) (param $fdflags i32) (result i32)
      (if (call $path_open (i32.const 3) (i32.const 0) (local.get $p) (local.get $l) (local.get $oflags)
            (i64.const -1) (i64.const -1) (local.get $fdflags) (i32.const 0x40))
        (then unreachable))
      (i32.load (i32.const 0x40)))
    (func $write (param $fd i32) (param $p i32) (param $l i32)
      (i32.store (i32.const 0x10) (local.get $p)) (i32.store (i32.const 0x14) (local.get $l))
      (if (call $fd_write (local.get $fd) (i32.const 0x10) (i32.const 1) (i32.const 0x44)) (then unreachable)))
    (func $line (param $r i32)
      ;; "${tag}:" then three digits of r then "\\n" at 0x200
      (i32.store8 (i32.const 0x200) (i32.const ${tag.charCodeAt(0)}))
      (i32.store8 (i32.const 0x201) (i32.const ${tag.charCodeAt(1)}))
      (i32.store8 (i32.const 0x202) (i32.const 58))
      (i32.store8 (i32.const 0x203) (i32.add (i32.const 48) (i32.div_u (local.get $r) (i32.const 100))))
      (i32.store8 (i32.const 0x204) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $r) (i32.const 10)) (i32.const 10))))
      (i32.store8 (i32.const 0x205) (i32.add (i32.const 48) (i32.rem_u (local.get $r) (i32.const 10))))
      (i32.store8 (i32.const 0x206) (i32.const 10)))
    (func $sleep
      (i64.store (i32.const 0x300) (i64.const 0))
      (i32.store8 (i32.const 0x308) (i32.const 0))
      (i32.store (i32.const 0x310) (i32.const 1))
      (i64.store (i32.const 0x318) (i64.const ${sleepNs}))
      (i32.store16 (i32.const 0x328) (i32.const 0))
      (if (call $poll_oneoff (i32.const 0x300) (i32.const 0x400) (i32.const 1) (i32.const 0x44)) (then unreachable)))
    (func $main
      (local $r i32) (local $fd i32) (local $n i32)
      (block $done (loop $round
        (br_if $done (i32.ge_u (local.get $r) (i32.const ${rounds})))
        (call $line (local.get $r))
        (local.set $fd (call $open (i32.const 0x100) (i32.const 3) (i32.const 1) (i32.const 1)))
        (call $write (local.get $fd) (i32.const 0x200) (i32.const 7))
        (if (call $fd_close (local.get $fd)) (then unreachable))
        (local.set $fd (call $open (i32.const 0x108) (i32.const 6) (i32.const 9) (i32.const 0)))
        (call $write (local.get $fd) (i32.const 0x200) (i32.const 7))
        (if (call $fd_close (local.get $fd)) (then unreachable))
        (local.set $fd (call $open (i32.const 0x118) (i32.const 6) (i32.const 9) (i32.const 0)))
        (call $write (local.get $fd) (i32.const 0x128) (i32.const 9))
        (if (call $path_unlink_file (i32.const 3) (i32.const 0x118) (i32.const 6)) (then unreachable))
        (if (call $fd_close (local.get $fd)) (then unreachable))
        ${sleepNs ? "(call $sleep)" : ""}
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
      (local.set $fd (call $open (i32.const 0x128) (i32.const 9) (i32.const 0) (i32.const 0)))
      (i32.store (i32.const 0x10) (i32.const 0x1000)) (i32.store (i32.const 0x14) (i32.const 0x100))
      (if (call $fd_read (local.get $fd) (i32.const 0x10) (i32.const 1) (i32.const 0x44)) (then unreachable))
      (local.set $n (i32.load (i32.const 0x44)))
      (call $write (i32.const 1) (i32.const 0x1000) (local.get $n)))
  `).bytes;
}

describe("1,500 programs in sequence on one MemFS (Node)", () => {
  test("no corruption, no leak", async () => {
    const fs = new MemFS();
    fs.mkdir("/work");
    fs.writeFile("/work/input.txt", "the input\n");
    const modules = Array.from({ length: 10 }, (_, i) => new WebAssembly.Module(program(i, 3)));
    const runOne = (i) => {
      const wasi = new WASI({ args: [`p${i}`], fs, preopens: { "/work": "/work" }, stdout: "buffer" });
      const code = wasi.start(new WebAssembly.Instance(modules[i % 10], wasi.getImportObject()));
      assert.equal(code, 0);
      assert.equal(wasi.stdout.text(), "the input\n");
    };
    await collect();
    const start = MemFS.coreMemoryBytes();
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) runOne(i);
    const ms = performance.now() - t0;
    await collect();
    const at1000 = { memory: MemFS.coreMemoryBytes(), usage: fs.usage() };
    // The core's memory only grows; it holds what programs not yet collected
    // by the JS GC still held. Another 500 runs must not grow it further.
    for (let i = 1000; i < 1500; i++) runOne(i);
    await collect();
    const end = { memory: MemFS.coreMemoryBytes(), usage: fs.usage() };
    console.log(
      `programs in sequence: core memory ${start} bytes at the start, ${at1000.memory} after 1,000 runs, ` +
        `${end.memory} after 1,500; usage ${JSON.stringify(at1000.usage)} -> ${JSON.stringify(end.usage)}; ` +
        `1,000 runs in ${ms.toFixed(0)} ms`,
    );
    const log = fs.readFile("/work/log", "utf8").split("\n").slice(0, -1);
    assert.equal(log.length, 4500);
    for (let i = 0; i < 1500; i++) {
      for (let r = 0; r < 3; r++) assert.equal(log[i * 3 + r], `${String(i % 10).padStart(2, "0")}:00${r}`);
    }
    assert.deepEqual(fs.readdir("/work").sort(), ["input.txt", "log", ...Array.from({ length: 10 }, (_, i) => `own-0${i}`)]);
    fs.checkInvariants();
    // The files grew (the log), nothing else: 13 more inodes than the root, /work and input.txt.
    assert.equal(end.usage.inodes, 3 + 11);
    assert.equal(end.usage.bytes, 10 + 4500 * 7 + 10 * 7);
    assert.ok(end.memory - at1000.memory <= 256 << 10, `core memory grew by ${end.memory - at1000.memory} bytes`);
  });
});

describe("20 programs at once on one MemFS (Chromium, JSPI)", () => {
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

  test("they interleave, and nothing is lost or mixed", async () => {
    const rounds = 10;
    const programs = Array.from({ length: 20 }, (_, i) => Buffer.from(program(i, rounds, 2_000_000)).toString("base64"));
    const r = await page.evaluate(
      async ({ programs }) => {
        const { MemFS, WASI } = wasiWeb;
        const fs = new MemFS();
        fs.mkdir("/work");
        fs.writeFile("/work/input.txt", "the input\n");
        const modules = await Promise.all(programs.map((b) => WebAssembly.compile(Uint8Array.from(atob(b), (c) => c.charCodeAt(0)))));
        const memory0 = MemFS.coreMemoryBytes();
        const batch = async () => {
          const runs = modules.map(async (module, i) => {
            const wasi = new WASI({ args: [`p${i}`], fs, preopens: { "/work": "/work" }, stdout: "buffer", async: true });
            const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
            const code = await wasi.startAsync(instance);
            return { code, out: wasi.stdout.text() };
          });
          return Promise.all(runs);
        };
        const t0 = performance.now();
        const first = await batch();
        const ms = performance.now() - t0;
        const log1 = fs.readFile("/work/log", "utf8");
        const memory1 = MemFS.coreMemoryBytes();
        for (let i = 0; i < 4; i++) await batch();
        let consistent = "ok";
        try {
          fs.checkInvariants();
        } catch (e) {
          consistent = e.message;
        }
        return {
          first,
          ms,
          log1,
          own: fs
            .readdir("/work")
            .filter((n) => n.startsWith("own-"))
            .map((n) => fs.readFile(`/work/${n}`, "utf8")),
          logLines: fs.readFile("/work/log", "utf8").split("\n").length - 1,
          usage: fs.usage(),
          memory: [memory0, memory1, MemFS.coreMemoryBytes()],
          consistent,
        };
      },
      { programs },
    );
    console.log(
      `20 at once: first batch in ${r.ms.toFixed(0)} ms; core memory ${r.memory.join(" -> ")} bytes (start, after 1 batch, after 5); usage ${JSON.stringify(r.usage)}`,
    );
    assert.deepEqual(
      r.first.map((x) => x.code),
      Array(20).fill(0),
    );
    assert.ok(r.first.every((x) => x.out === "the input\n"));
    const lines = r.log1.split("\n").slice(0, -1);
    assert.equal(lines.length, 20 * rounds);
    // Every line whole, each program's rounds in order, and the programs interleaved.
    for (let i = 0; i < 20; i++) {
      const mine = lines.filter((l) => l.startsWith(`${String(i).padStart(2, "0")}:`));
      assert.deepEqual(
        mine,
        Array.from({ length: rounds }, (_, k) => `${String(i).padStart(2, "0")}:${String(k).padStart(3, "0")}`),
      );
    }
    assert.ok(
      lines.slice(0, 20).some((l) => !l.startsWith("00:")),
      "the programs ran at the same time",
    );
    assert.equal(r.logLines, 5 * 20 * rounds);
    assert.equal(r.own.length, 20);
    assert.equal(r.consistent, "ok");
    assert.equal(r.usage.inodes, 3 + 21);
    assert.ok(r.memory[2] - r.memory[1] <= 1 << 20, `core memory grew ${r.memory[2] - r.memory[1]} bytes`);
  });
});
