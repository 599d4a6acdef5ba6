// WASI 0.3 components (tests/p3guests, built with the wasip3 crate) on
// wasi-web's 0.3 host in Node. They need JSPI: under Node 24 (scripts/test.sh
// runs this file there too, NODE24_FILES) every guest runs through run(),
// WASIp3 and the CLI; under Node 20 the same entry points must refuse with
// the clear "needs JSPI" error. Detection and the stream helpers are plain
// JS and are checked under both.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { MemFS, run, StdinQueue } from "../../js/index.js";
import { componentWasiVersion } from "../../js/module.js";
import { byteStream, chunksOf, readableOf, WASIp3, NEEDS_JSPI, transpileP3 } from "../../js/preview3/index.js";
import { runCli } from "./helpers/cli.js";
import { bigBin, P3_CASES } from "./helpers/preview3.js";
import { p2Guest, p3Guest, requirePackage } from "./helpers/prereq.js";
import { mutator } from "./helpers/wat.js";

const JSPI = typeof WebAssembly.Suspending === "function";
const GUESTS = ["hello", "cli", "clocks", "fs", "fsorder", "sockets", "tz"];
const guest = (/** @type {string} */ name) => readFileSync(p3Guest(name));
const sum = (/** @type {string} */ s) => [...Buffer.from(s)].reduce((a, b) => a + b, 0);

requirePackage("@bytecodealliance/jco");

// ---- detection (any Node) ----

/** A component whose one top-level section (id) holds `text`. */
function componentWith(id, text) {
  const body = new TextEncoder().encode(text);
  assert.ok(body.length < 128);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, id, body.length, ...body]);
}

test("componentWasiVersion: the built 0.3 guests are 0.3, the 0.2 ones 0.2, a module none", () => {
  for (const name of GUESTS) assert.equal(componentWasiVersion(guest(name)), "0.3", name);
  for (const name of ["hello", "ifaces", "sleep"]) assert.equal(componentWasiVersion(readFileSync(p2Guest(name))), "0.2", name);
  assert.equal(componentWasiVersion(mutator()), undefined);
  assert.equal(componentWasiVersion(new Uint8Array([1, 2, 3])), undefined);
});

test("componentWasiVersion: 0.3.x releases and 0.3.0 release candidates, in imports or exports only", () => {
  assert.equal(componentWasiVersion(componentWith(10, "wasi:cli/stdout@0.3.0-rc-2026-03-15")), "0.3");
  assert.equal(componentWasiVersion(componentWith(10, "wasi:filesystem/types@0.3.0-rc-2025-09-16")), "0.3");
  assert.equal(componentWasiVersion(componentWith(11, "wasi:cli/run@0.3.2")), "0.3");
  assert.equal(componentWasiVersion(componentWith(10, "wasi:cli/stdout@0.2.6")), "0.2");
  assert.equal(componentWasiVersion(componentWith(10, "wasi:cli/stdout@0.30.0")), "0.2");
  // A nested module (section 1) naming 0.3 does not make the component 0.3.
  assert.equal(componentWasiVersion(componentWith(1, "wasi:cli/stdout@0.3.2")), "0.2");
  // A truncated section is not read past the end.
  const cut = componentWith(10, "wasi:cli/stdout@0.3.2").subarray(0, 14);
  assert.equal(componentWasiVersion(cut), "0.2");
});

// ---- stream helpers (any Node) ----

/** A stand-in for jco's lifted Stream: gives `chunks`, at most `count` bytes a read, as jco does. */
function fakeGuestStream(chunks) {
  const queue = chunks.map((c) => Uint8Array.from(c));
  const reads = [];
  let disposed = 0;
  return {
    reads,
    get disposed() {
      return disposed;
    },
    async read({ count }) {
      reads.push(count);
      const next = queue.shift();
      if (next === undefined) return { value: undefined, done: true };
      if (next.length > count) queue.unshift(next.subarray(count));
      return { value: Array.from(next.subarray(0, count)), done: false };
    },
    [Symbol.dispose]() {
      disposed++;
    },
  };
}

test("chunksOf: reads the guest's stream in chunks, disposes it at the end and on an early stop", async () => {
  const s = fakeGuestStream([[1, 2, 3], new Array(70000).fill(7), [9]]);
  const got = [];
  for await (const c of chunksOf(s)) got.push(c.length);
  assert.deepEqual(got, [3, 65536, 70000 - 65536, 1]);
  assert.ok(s.reads.every((n) => n === 65536));
  assert.equal(s.disposed, 1);
  const early = fakeGuestStream([[1], [2], [3]]);
  for await (const c of chunksOf(early, { chunkBytes: 2 })) {
    assert.deepEqual([...c], [1]);
    break;
  }
  assert.equal(early.disposed, 1);
  assert.equal(early.reads.length, 1);
  await assert.rejects(chunksOf(early, { chunkBytes: 0 }).next(), /chunkBytes/);
});

test("chunksOf: an aborted signal drops the guest's stream, during a pending read too", async () => {
  // A read that never completes, as jco's for a guest that exited: only the drop ends it.
  let release = () => {};
  let disposed = 0;
  const stuck = {
    read: () => new Promise((resolve) => (release = () => resolve({ value: undefined, done: true }))),
    [Symbol.dispose]() {
      disposed++;
      release();
    },
  };
  const controller = new AbortController();
  const reading = chunksOf(stuck, { signal: controller.signal }).next();
  await new Promise((r) => setImmediate(r));
  assert.equal(disposed, 0);
  controller.abort();
  assert.deepEqual(await reading, { value: undefined, done: true });
  assert.ok(disposed >= 1);
  const before = fakeGuestStream([[1]]);
  const got = [];
  for await (const c of chunksOf(before, { signal: AbortSignal.abort() })) got.push(c);
  assert.deepEqual([got, before.reads.length, before.disposed], [[], 0, 1]);
  await assert.rejects(chunksOf(before, { signal: "no" }).next(), TypeError);
});

test("readableOf: a guest stream as a ReadableStream", async () => {
  const text = await new Response(readableOf(fakeGuestStream([[104, 105], [33]]))).text();
  assert.equal(text, "hi!");
});

test("byteStream: pulls its source only as the guest reads, cuts big chunks, reports the end", async () => {
  let pulled = 0;
  let ended = null;
  async function* source() {
    pulled++;
    yield new Uint8Array(150_000);
    pulled++;
    yield "abc";
    pulled++;
  }
  const s = byteStream(source(), { onEnd: (...e) => (ended = e) });
  assert.equal(pulled, 0);
  const sizes = [];
  for (;;) {
    const { value, done } = await s.next();
    if (done) break;
    sizes.push(value.length);
    if (sizes.length === 1) assert.equal(pulled, 1);
  }
  assert.deepEqual(sizes, [65536, 65536, 150_000 - 131072, 3]);
  assert.deepEqual(ended, []);
  // A failing source ends the stream and says why; a cancelled one says so.
  const failing = byteStream(
    (async function* () {
      yield "x";
      throw new Error("source broke");
    })(),
    { onEnd: (...e) => (ended = e) },
  );
  assert.equal((await failing.next()).value.length, 1);
  assert.equal((await failing.next()).done, true);
  assert.match(String(ended[0]), /source broke/);
  let cancelled = false;
  const dropped = byteStream([new Uint8Array(3)], { onCancel: () => (cancelled = true) });
  await dropped.return();
  assert.equal(cancelled, true);
  assert.equal((await dropped.next()).done, true);
  // Not bytes: the stream ends with the error.
  const bad = byteStream([{}], { onEnd: (...e) => (ended = e) });
  assert.equal((await bad.next()).done, true);
  assert.match(String(ended[0]), /not bytes/);
  assert.throws(() => byteStream(42), TypeError);
});

if (!JSPI) {
  // ---- Node without JSPI (Node 20): a clear refusal, never a hang or a crash ----

  test("without JSPI: run() of a 0.3 component rejects saying it needs JSPI", async () => {
    await assert.rejects(run(guest("hello")), (e) => e instanceof Error && e.message === NEEDS_JSPI);
    await assert.rejects(run(guest("hello"), { async: true }), (e) => e.message === NEEDS_JSPI);
    assert.throws(
      () => new WASIp3(),
      (e) => e.message === NEEDS_JSPI,
    );
    assert.throws(
      () => transpileP3(guest("hello")),
      (e) => e.message === NEEDS_JSPI,
    );
  });

  test("without JSPI: the CLI exits 1 with the message", async () => {
    const r = await runCli([p3Guest("hello")]);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /WASI 0\.3 components need JSPI/);
    assert.equal(r.stdout, "");
  });
} else {
  // ---- Node 24: every guest ----

  /** A MemFS with /data holding `files`. */
  function fsWith(files = {}) {
    const fs = new MemFS();
    fs.mkdir("/data");
    for (const [name, text] of Object.entries(files)) fs.writeFile(`/data/${name}`, text);
    return fs;
  }

  for (const c of P3_CASES) {
    test(`run(): ${c.name}`, async () => {
      const fs = fsWith(c.files);
      const options = { fs, preopens: { "/data": "/data" }, ...c.options };
      if (c.trap) {
        await assert.rejects(run(guest(c.guest), options), (e) => {
          assert.ok(e instanceof WebAssembly.RuntimeError, String(e));
          assert.match(e.message, c.trap);
          assert.equal(e.stdout, c.stdout);
          assert.match(e.stderr, /panicked at .*\nboom\n/);
          return true;
        });
        return;
      }
      const r = await run(guest(c.guest), options);
      assert.equal(r.stdout, c.stdout);
      if (c.stderr !== undefined) assert.equal(r.stderr, c.stderr);
      assert.equal(r.exitCode, c.exitCode);
      if (c.guest === "fs") {
        // What the guest left, byte for byte; what it only read, unchanged.
        assert.deepEqual(fs.readdir("/data").sort(), ["big.bin", "input.txt"]);
        assert.deepEqual(new Uint8Array(fs.readFile("/data/big.bin")), bigBin());
        assert.equal(fs.readFile("/data/input.txt", "utf8"), "hello input\n");
      }
      if (c.guest === "fsorder") {
        assert.deepEqual(fs.readdir("/data").sort(), ["log.txt", "new.txt", "sub", "w.txt"]);
        assert.equal(fs.readFile("/data/log.txt", "utf8"), "ABC");
        assert.equal(fs.readFile("/data/new.txt", "utf8"), "created");
      }
    });
  }

  test("WASIp3: stdin fed after the start wakes the guest; output goes to a callback sink", async () => {
    const stdin = new StdinQueue();
    const chunks = [];
    const wasi = new WASIp3({ args: ["cli"], stdin, stdout: (c) => chunks.push(Buffer.from(c).toString()), stderr: "buffer" });
    const { instantiate } = await transpileP3(guest("cli"));
    const done = wasi.runAsync(instantiate(wasi.imports));
    // The guest prints its first lines, then waits in its read of stdin (it cannot end without input).
    while (!chunks.join("").includes("tty stdin=true")) await new Promise((r) => setImmediate(r));
    assert.match(chunks.join(""), /^args=\["cli"\]\n/);
    stdin.push("late ");
    stdin.push("input");
    stdin.end();
    assert.equal(await done, 0);
    assert.match(
      chunks.join(""),
      new RegExp(`stdin 10 bytes in (one or no|several) reads, ends Ok\\(\\(\\)\\), sum ${sum("late input")}\n$`),
    );
  });

  // The timeout only turns the hang of a regression into a failure; no timing is measured.
  test("WASIp3: what a guest writes on an open stdout stream is out before it waits for stdin", { timeout: 60_000 }, async () => {
    const stdin = new StdinQueue();
    const chunks = [];
    // Stdin comes only once the prompt is out, as a user answering it: if the
    // host held the prompt back until the stream ends, nothing would be left
    // to run and the test would never end.
    const stdout = (c) => {
      chunks.push(Buffer.from(c).toString());
      if (!stdin.ended && chunks.join("").includes("name? ")) {
        stdin.push("x");
        stdin.end();
      }
    };
    const wasi = new WASIp3({ args: ["cli"], env: { P3_PROMPT: "name? " }, stdin, stdout, stderr: "buffer" });
    const { instantiate } = await transpileP3(guest("cli"));
    assert.equal(await wasi.runAsync(instantiate(wasi.imports)), 0);
    assert.match(chunks.join(""), /^name\? args=\["cli"\]\n[^]*stdin 1 bytes in one or no reads, ends Ok\(\(\)\), sum 120\n$/);
  });

  test("run(): an AbortSignal stops a 0.3 component waiting for stdin, with its output so far", async () => {
    const stdin = new StdinQueue();
    const controller = new AbortController();
    let printed = "";
    const stdout = (/** @type {Uint8Array} */ c) => (printed += Buffer.from(c).toString());
    const wasi = new WASIp3({ args: ["cli"], stdin, stdout, stderr: "buffer" });
    const { instantiate } = await transpileP3(guest("cli"));
    const done = wasi.runAsync(instantiate(wasi.imports), { signal: controller.signal });
    while (!printed.includes("tty stdin=true")) await new Promise((r) => setImmediate(r));
    controller.abort();
    await assert.rejects(done, (e) => e.name === "AbortError");
    // Its next call trapped: nothing after the wait was written.
    assert.doesNotMatch(printed, /stdin \d+ bytes/);
    await assert.rejects(run(guest("hello"), { signal: AbortSignal.abort() }), (e) => e.name === "AbortError");
  });

  test("WASIp3: a stdin callback that throws ends the run with its error (as the CLI's --browser stop does)", async () => {
    class Stop extends Error {}
    let printed = "";
    const stdin = () => {
      throw new Stop("stopped by the host");
    };
    const wasi = new WASIp3({ args: ["cli"], stdin, stdout: (c) => (printed += Buffer.from(c).toString()), stderr: "buffer" });
    const { instantiate } = await transpileP3(guest("cli"));
    await assert.rejects(wasi.runAsync(instantiate(wasi.imports)), (e) => e instanceof Stop);
    // It stopped in its read: nothing after it was written.
    assert.match(printed, /^args=\["cli"\]\n[^]*tty stdin=false stdout=false\n$/);
  });

  test("WASIp3: serves 0.2 and 0.3 members of one interface from one object, and refuses run()", async () => {
    const wasi = new WASIp3({ stdout: "buffer", stderr: "buffer" });
    const i = wasi.imports;
    assert.equal(typeof i["wasi:cli/stdout"].getStdout, "function");
    assert.equal(typeof i["wasi:cli/stdout"].writeViaStream, "function");
    assert.equal(typeof i["wasi:clocks/monotonic-clock"].subscribeDuration, "function");
    assert.equal(typeof i["wasi:clocks/monotonic-clock"].waitFor, "function");
    assert.equal(typeof i["wasi:random/insecure-seed"].insecureSeed, "function");
    assert.equal(typeof i["wasi:random/insecure-seed"].getInsecureSeed, "function");
    assert.equal(typeof i["wasi:filesystem/types"].Descriptor.prototype.readDirectory, "function");
    assert.equal(typeof i["wasi:sockets/types"].TcpSocket.create, "function");
    assert.throws(() => wasi.run({}), /runAsync/);
  });

  /**
   * Runs `script` (an ES module importing wasi-web as `WASI_WEB`) in a
   * child Node with `args`; the test's signal kills it if the test times out.
   * @param {string} script
   * @param {string[]} args
   * @param {AbortSignal} signal
   * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
   */
  function runChild(script, args, signal) {
    const source = script.replaceAll("WASI_WEB", JSON.stringify(new URL("../../js/index.js", import.meta.url).href));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", source, ...args], { signal, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  // The timeout only turns a hang (the regression: Node kept running after the run) into a failure.
  test("run() in Node: a 0.3 component that exits with host work pending lets the process end", { timeout: 120_000 }, async (t) => {
    const script = `
      import { readFileSync } from "node:fs";
      import { MemFS, run } from WASI_WEB;
      const fs = new MemFS();
      fs.mkdir("/d");
      const r = await run(readFileSync(process.argv[1]), { fs, preopens: { "/d": "/d" }, args: ["cli.wasm", process.argv[2]] });
      const file = fs.exists("/d/out.txt") ? new TextDecoder().decode(fs.readFile("/d/out.txt")) : null;
      process.stdout.write(JSON.stringify({ ...r, file }));
      process.exitCode = r.exitCode;`;
    // An unread stdin stream, a stdout stream the host reads and the guest
    // keeps open (after a write it saw complete, which must not be lost),
    // the same on a file, a wait-for of an hour in progress, and all but the file.
    const modes = {
      stdin: ["", null],
      stdout: ["partial\n", null],
      "stdout-open": ["", null],
      file: ["", "file-data"],
      wait: ["", null],
      all: ["partial\n", null],
    };
    for (const [mode, [stdout, file]] of Object.entries(modes)) {
      const r = await runChild(script, [p3Guest("cli"), `pending=${mode}`], t.signal);
      assert.deepEqual([r.code, r.stderr], [7, ""], mode);
      assert.deepEqual(JSON.parse(r.stdout), { exitCode: 7, stdout, stderr: "", file }, mode);
    }
  });

  test("WASIp3: after a run ends, its late host calls trap, and the host runs the next component", async () => {
    const wasi = new WASIp3({ args: ["hello"], stdout: "buffer", stderr: "buffer" });
    const { instantiate } = await transpileP3(guest("hello"));
    assert.equal(await wasi.runAsync(instantiate(wasi.imports)), 0);
    assert.equal(wasi.stopped, true);
    assert.equal(wasi.runSignal.aborted, true);
    assert.throws(() => wasi.imports["wasi:cli/environment"].getArguments(), /the run has ended/);
    assert.equal(await wasi.runAsync(instantiate(wasi.imports)), 0);
  });

  test("CLI (Node 24): a 0.3 component with arguments, stdin and an exit code, and a trap", async () => {
    const r = await runCli([p3Guest("cli"), "code=9"], { input: "from the pipe" });
    assert.equal(r.exitCode, 9, r.stderr);
    assert.ok(r.stdout.startsWith('args=["cli.wasm", "code=9"]\nenv=[]\n'), r.stdout);
    assert.ok(r.stdout.endsWith(`stdin 13 bytes in one or no reads, ends Ok(()), sum ${sum("from the pipe")}\n`), r.stdout);
    const trap = await runCli([p3Guest("cli"), "panic"]);
    assert.equal(trap.exitCode, 134);
    assert.match(trap.stderr, /boom\n[^]*wasi-web: cli\.wasm trapped: unreachable/);
    const hello = await runCli([p3Guest("hello")]);
    assert.deepEqual([hello.exitCode, hello.stdout, hello.stderr], [0, "hello from wasi 0.3\nand from std (0.2)\n", "to stderr\n"]);
    // Host work left pending at the exit (the CLI's process.exit ends the process anyway).
    const pending = await runCli([p3Guest("cli"), "pending=all"]);
    assert.deepEqual([pending.exitCode, pending.stdout, pending.stderr], [7, "partial\n", ""]);
  });
}
