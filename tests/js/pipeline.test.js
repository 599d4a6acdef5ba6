// pipeline(): programs joined by pipes (js/pipeline.js). Under JSPI (Node 24,
// and Chromium below) they run concurrently; Node 20 has no JSPI, and there
// pipeline() is refused with a clear error. scripts/test.sh runs this file
// under both Nodes.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { MemFS, pipeline, StdinQueue } from "../../js/index.js";
import { GUESTS } from "./helpers/corpus.js";
import { p2Guest, p3Guest, requireFile } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const guest = (name) =>
  fs.readFileSync(requireFile(path.join(GUESTS, `${name}.wasm`), "run bash tests/guests/build.sh (scripts/build.sh runs it)"));

/** 200,000 numbered lines, every third containing "x": 3.3 MB, far more than a pipe holds. */
function bigText() {
  const lines = [];
  for (let i = 0; i < 200_000; i++) lines.push(i % 3 === 0 ? `line ${i} has an x in it` : `line ${i} has none`);
  return lines.join("\n") + "\n";
}

/**
 * Records the most bytes any pipe of a pipeline held (`most`), until
 * `restore()` puts Pipe's own write back.
 */
async function watchPipes() {
  const { Pipe } = await import("../../js/pipeline.js");
  const original = Pipe.prototype.write;
  const seen = {
    most: 0,
    restore: () => {
      Pipe.prototype.write = original;
    },
  };
  Pipe.prototype.write = function (chunk) {
    original.call(this, chunk);
    seen.most = Math.max(seen.most, this.held);
  };
  return seen;
}

describe(`pipeline() in Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI it is refused with a clear error", async () => {
      await assert.rejects(() => pipeline([{ program: guest("cat") }]), /pipeline\(\) needs JSPI/);
    });
    return;
  }

  test("cat big.txt | grep x | wc -l counts the matching lines", async () => {
    const memfs = new MemFS();
    memfs.mkdir("/work", { recursive: true });
    memfs.writeFile("/work/big.txt", bigText());
    const result = await pipeline(
      [
        { program: guest("cat"), args: ["cat", "/work/big.txt"] },
        { program: guest("grep"), args: ["grep", "x"] },
        { program: guest("c_wc"), args: ["wc", "-l"] },
      ],
      { fs: memfs, preopens: { "/work": "/work" } },
    );
    assert.deepEqual(result, { status: 0, exitCodes: [0, 0, 0], stdout: "66667\n", stderr: "" });
  });

  test("a writer waits while its pipe is full, and the pipe never holds much more than its capacity", async () => {
    // wc reads only after stdin says data came; head(-n 1) of 64 KiB lines
    // would end early, so the reader here is cat into a buffer, watched.
    const memfs = new MemFS();
    memfs.mkdir("/work", { recursive: true });
    memfs.writeFile("/work/big.txt", bigText());
    const pipes = await watchPipes();
    try {
      const result = await pipeline(
        [
          { program: guest("cat"), args: ["cat", "/work/big.txt"] },
          { program: guest("c_wc"), args: ["wc", "-c"] },
        ],
        { fs: memfs, preopens: { "/work": "/work" }, pipeCapacity: 4096 },
      );
      assert.equal(result.stdout, `${memfs.readFile("/work/big.txt").length}\n`);
      // cat writes 64 KiB at a time: capacity plus one write, no more.
      assert.ok(pipes.most > 0 && pipes.most <= 4096 + 64 * 1024 + 8192, `the pipe held ${pipes.most} bytes`);
    } finally {
      pipes.restore();
    }
  });

  test("yes | head -n 1: head's end gives yes EPIPE, and the status is head's", async () => {
    const result = await pipeline([
      { program: guest("c_yes"), args: ["yes"] },
      { program: guest("c_head"), args: ["head", "-n", "1"] },
    ]);
    assert.equal(result.stdout, "y\n");
    assert.deepEqual(result.exitCodes, [1, 0]);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /^yes: .*pipe/i);
  });

  test("pipefail: the status is the last non-zero exit code", async () => {
    const stages = [
      { program: guest("c_yes"), args: ["yes"] },
      { program: guest("c_head"), args: ["head", "-n", "2"] },
    ];
    assert.equal((await pipeline(stages, { pipefail: true })).status, 1);
    const failing = [
      { program: guest("cat"), args: ["cat", "/missing"] },
      { program: guest("c_wc"), args: ["wc", "-l"] },
    ];
    const result = await pipeline(failing, { preopens: { "/": "/" } });
    assert.deepEqual([result.status, result.exitCodes, result.stdout], [0, [1, 0], "0\n"]);
    assert.equal((await pipeline(failing, { pipefail: true, preopens: { "/": "/" } })).status, 1);
  });

  test("EOF propagates: the reader ends when the writer exits, with live stdin at the front", async () => {
    const stdin = new StdinQueue();
    const done = pipeline(
      [
        { program: guest("cat"), args: ["cat"] },
        { program: guest("grep"), args: ["grep", "-c", "b"] },
      ],
      { stdin },
    );
    stdin.push("a\nb\n");
    stdin.push("abc\n");
    stdin.end();
    const result = await done;
    assert.deepEqual([result.stdout, result.exitCodes], ["2\n", [0, 0]]);
  });

  test("env: the pipeline's, plus each stage's own", async () => {
    const result = await pipeline(
      [
        { program: guest("environ"), args: ["environ"], env: { STAGE: "one" } },
        { program: guest("grep"), args: ["grep", "="] },
      ],
      { env: { COMMON: "yes" } },
    );
    assert.match(result.stdout, /COMMON=yes/);
    assert.match(result.stdout, /STAGE=one/);
  });

  test("bad input is refused with clear errors", async () => {
    await assert.rejects(() => pipeline([]), /non-empty array/);
    await assert.rejects(() => pipeline([{ program: new Uint8Array([1, 2, 3]) }]), /WebAssembly|magic|not/i);
    await assert.rejects(() => pipeline([{ program: guest("cat") }], { pipeCapacity: 0 }), /pipeCapacity/);
    await assert.rejects(() => pipeline([{ program: guest("cat") }], { stdout: "file" }), /options\.stdout/);
  });

  test("a trap ends that program only: the pipeline rejects with it once all have ended", async () => {
    const error = await pipeline([
      { program: guest("c_yes"), args: ["yes"] },
      { program: guest("c_trap"), args: ["c_trap"] },
    ]).catch((e) => e);
    assert.ok(error instanceof WebAssembly.RuntimeError, String(error));
    assert.deepEqual(error.exitCodes, [1, undefined]);
  });

  test("a stdout callback's promise holds the last program back until it settles", async () => {
    const controller = new AbortController();
    const calls = [];
    /** Resolves at the next call of the callback. */
    let called;
    const nextCall = () => new Promise((resolve) => (called = resolve));
    let waitFor = nextCall();
    const done = pipeline([{ program: guest("c_yes"), args: ["yes"] }], {
      signal: controller.signal,
      stdout: (chunk) => {
        const call = { bytes: chunk.length };
        call.promise = new Promise((resolve) => (call.release = resolve));
        calls.push(call);
        called();
        return call.promise;
      },
    });
    await waitFor;
    // yes writes forever: while the promise is pending it gets no further than its next write.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 1);
    waitFor = nextCall();
    calls[0].release();
    await waitFor;
    assert.equal(calls.length, 2);
    controller.abort(new Error("enough"));
    calls[1].release();
    const error = await done.catch((e) => e);
    assert.equal(error.name, "AbortError");
  });

  test("components are stages too: cat | a 0.2 component | a 0.3 component, with the cwd option", async () => {
    const memfs = new MemFS();
    memfs.writeFile("/in.txt", "one\ntwo\n");
    const result = await pipeline(
      [
        { program: guest("cat"), args: ["cat", "/in.txt"] },
        // echo (tests/p2guests) answers each line read with blocking-read, by blocking-write-and-flush.
        { program: fs.readFileSync(p2Guest("echo")), args: ["echo"] },
        // cli (tests/p3guests) reads its stdin through read-via-stream and says how much came.
        { program: fs.readFileSync(p3Guest("cli")), args: ["cli", "ok"] },
      ],
      { fs: memfs, preopens: { "/": "/" }, cwd: "/somewhere" },
    );
    const piped = "echo 1: one\necho 2: two\nbye after 2 lines\n";
    const sum = [...Buffer.from(piped)].reduce((a, b) => a + b, 0);
    assert.deepEqual([result.status, result.exitCodes, result.stderr], [0, [0, 0, 0], ""]);
    // The lines come as echo writes them: one or several reads.
    const head = `args=["cli", "ok"]\nenv=[]\ncwd=Some("/somewhere")\ntty stdin=false stdout=false\nstdin ${piped.length} bytes in `;
    assert.ok(result.stdout.startsWith(head), result.stdout);
    assert.match(result.stdout.slice(head.length), new RegExp(`^(?:one or no|several) reads, ends Ok\\(\\(\\)\\), sum ${sum}\n`));
  });

  test("a component writer waits while its pipe is full (0.2 blocking writes and a 0.3 stdout stream)", async () => {
    const pipes = await watchPipes();
    try {
      // lines (0.2): 3000 lines of 7 bytes, one blocking-write-and-flush each.
      const p2 = await pipeline(
        [
          { program: fs.readFileSync(p2Guest("lines")), args: ["lines", "3000"] },
          { program: guest("c_wc"), args: ["wc", "-l"] },
        ],
        { pipeCapacity: 1024 },
      );
      assert.equal(p2.stdout, "3000\n");
      assert.ok(pipes.most > 0 && pipes.most <= 1024 + 64, `the pipe held ${pipes.most} bytes`);
      pipes.most = 0;
      // cli big=N (0.3): N bytes written into one stdout stream, which the host reads 64 KiB at a time.
      const p3 = await pipeline(
        [
          { program: fs.readFileSync(p3Guest("cli")), args: ["cli", "big=1000000"] },
          { program: guest("c_wc"), args: ["wc", "-c"] },
        ],
        { pipeCapacity: 1024 },
      );
      assert.match(p3.stdout, /^100\d{4}\n$/);
      assert.ok(pipes.most > 0 && pipes.most <= 1024 + 64 * 1024, `the pipe held ${pipes.most} bytes`);
    } finally {
      pipes.restore();
    }
  });

  test("a component's stdout waits for a stdout callback's promise (0.2 blocking-write-and-flush)", async () => {
    const calls = [];
    let called = () => {};
    const nextCall = () => new Promise((resolve) => (called = resolve));
    let waitFor = nextCall();
    let hold = true;
    let text = "";
    const done = pipeline([{ program: fs.readFileSync(p2Guest("lines")), args: ["lines", "50"] }], {
      stdout: (chunk) => {
        text += Buffer.from(chunk).toString();
        const call = {};
        call.promise = new Promise((resolve) => (call.release = resolve));
        calls.push(call);
        called();
        return hold ? call.promise : undefined;
      },
    });
    await waitFor;
    // lines writes a line per call: while the promise is pending it gets no further.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 1);
    waitFor = nextCall();
    calls[0].release();
    await waitFor;
    assert.equal(calls.length, 2);
    hold = false;
    calls[1].release();
    const result = await done;
    assert.equal(result.status, 0);
    assert.equal(text.split("\n").length, 51);
  });

  test("an aborted signal stops a component waiting for input (0.2 and 0.3)", async () => {
    for (const component of [fs.readFileSync(p2Guest("echo")), fs.readFileSync(p3Guest("cli"))]) {
      const controller = new AbortController();
      const stdin = new StdinQueue();
      let printed = "";
      const done = pipeline([{ program: component, args: ["component"] }], {
        stdin,
        signal: controller.signal,
        // Once it has printed (echo: its answer to the line; cli: its first line), it waits for more input.
        stdout: (chunk) => {
          if (printed === "") setImmediate(() => controller.abort(new Error("stop")));
          printed += Buffer.from(chunk).toString();
        },
      });
      stdin.push("some\n");
      const error = await done.catch((e) => e);
      assert.equal(error.name, "AbortError");
      assert.match(printed, /^(?:echo 1: some|args=)/);
    }
  });

  test("a component jco cannot read fails the pipeline before anything runs, naming its stage", async () => {
    const broken = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0xff, 0xff]);
    const memfs = new MemFS();
    const error = await pipeline(
      [
        { program: fs.readFileSync(p2Guest("hello")), args: ["hello"] },
        { program: broken, args: ["broken"] },
      ],
      { fs: memfs, preopens: { "/": "/" } },
    ).catch((e) => e);
    assert.match(String(error?.message), /^pipeline\(\): stage 1 \(a WASI 0\.2 component\) could not be transpiled: /);
    // hello writes /data/from-p2.txt first thing: it never started.
    assert.equal(memfs.exists("/data"), false);
  });

  test("an aborted signal stops every program", async () => {
    const controller = new AbortController();
    const stdin = new StdinQueue();
    const done = pipeline(
      [
        { program: guest("cat"), args: ["cat"] },
        { program: guest("c_wc"), args: ["wc"] },
      ],
      { stdin, signal: controller.signal },
    );
    stdin.push("some\n");
    setImmediate(() => controller.abort(new Error("stop")));
    const error = await done.catch((e) => e);
    assert.equal(error.name, "AbortError");
  });
});

// Driven from Node; scripts/test.sh's Node 24 run skips it (by the name "Chromium").
describe("pipeline() in Chromium", () => {
  test("cat big.txt | grep x | wc -l, and yes | head -n 1", async (t) => {
    const { openLibraryPage } = await import("./helpers/pages.js");
    const { server, browser, page } = await openLibraryPage();
    t.after(async () => {
      await browser.close();
      await server.close();
    });
    const result = await page.evaluate(async (text) => {
      const { MemFS, pipeline } = globalThis.wasiWeb;
      const get = async (name) => new Uint8Array(await (await fetch(`/tests/guests/out/${name}.wasm`)).arrayBuffer());
      const fs = new MemFS();
      fs.mkdir("/work");
      fs.writeFile("/work/big.txt", text);
      const counted = await pipeline(
        [
          { program: await get("cat"), args: ["cat", "/work/big.txt"] },
          { program: await get("grep"), args: ["grep", "x"] },
          { program: await get("c_wc"), args: ["wc", "-l"] },
        ],
        { fs, preopens: { "/work": "/work" } },
      );
      const head = await pipeline([
        { program: await get("c_yes"), args: ["yes"] },
        { program: await get("c_head"), args: ["head", "-n", "1"] },
      ]);
      return { counted, head };
    }, bigText());
    assert.deepEqual(result.counted, { status: 0, exitCodes: [0, 0, 0], stdout: "66667\n", stderr: "" });
    assert.deepEqual([result.head.stdout, result.head.exitCodes, result.head.status], ["y\n", [1, 0], 0]);
    assert.match(result.head.stderr, /^yes: .*pipe/i);
  });
});
