// Async mode (JSPI) in Node. Where the engine has JSPI (Node 24), waits
// suspend the program and the event loop keeps running; where it has not
// (Node 20), asking for async mode is refused with a clear error.
// scripts/test.sh runs this file under Node 20 and again under Node 24
// (tools/node24), so both branches run. Chromium's side is async.test.js
// and preview2-async.test.js.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { MemFS, run, StdinQueue, WASI } from "../../js/index.js";
import { WASIp2 } from "../../js/preview2/index.js";
import { GUESTS } from "./helpers/corpus.js";
import { p2Guest, requireFile } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const guest = (name) =>
  fs.readFileSync(requireFile(path.join(GUESTS, `${name}.wasm`), "run bash tests/guests/build.sh (scripts/build.sh runs it)"));
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

test("a synchronous WASIp2 refuses runAsync()", async () => {
  const sync = new WASIp2({ stdout: "buffer" });
  await assert.rejects(() => sync.runAsync({ run: { run() {} } }), /runAsync\(\) needs/);
});

describe(`async mode in Node ${process.version}`, () => {
  if (!HAS_JSPI) {
    test("without JSPI it is refused with a clear error", async () => {
      assert.throws(() => new WASI({ async: true }), /options\.async needs JSPI/);
      await assert.rejects(() => run(guest("hello"), { async: true }), /options\.async needs JSPI/);
      assert.throws(() => new WASIp2({ async: true }), /JSPI/);
    });
    return;
  }

  test("a sleep suspends the program and the event loop runs meanwhile", async () => {
    let text = "";
    let atTimer;
    const wasi = new WASI({
      args: ["sleepy", "50"],
      async: true,
      stdout: (chunk) => {
        text += new TextDecoder().decode(chunk);
        // Set as the program starts sleeping; a blocked thread would fire it
        // only after the run.
        if (text === "start\n") setTimeout(() => (atTimer = text), 0);
      },
    });
    const { instance } = await WebAssembly.instantiate(guest("sleepy"), wasi.getImportObject());
    // The guest checks on its own clock that it slept at least 50 ms.
    assert.equal(await wasi.startAsync(instance), 0);
    assert.equal(text, "start\nslept 50 ms\n");
    assert.equal(atTimer, "start\n");
  });

  test("stdin pushed after the program started is answered line by line", async () => {
    const stdin = new StdinQueue();
    const r = run(guest("echo_lines"), { args: ["echo_lines"], async: true, stdin });
    stdin.push("one\n");
    await yieldToEventLoop();
    stdin.push("two\n");
    stdin.end();
    assert.deepEqual(await r, { exitCode: 0, stdout: "> echo 1: one\n> echo 2: two\n> bye after 2 lines\n", stderr: "" });
  });

  test("poll_oneoff on a clock and stdin: whichever comes first fires", async () => {
    const race = async (ms, line, pushAfter) => {
      const stdin = new StdinQueue();
      let text = "";
      const wasi = new WASI({
        args: ["poll_race", String(ms)],
        async: true,
        stdin,
        stdout: (chunk) => {
          text += new TextDecoder().decode(chunk);
          if (text.endsWith(pushAfter) && !stdin.ended) {
            setImmediate(() => {
              stdin.push(line);
              stdin.end();
            });
          }
        },
      });
      const { instance } = await WebAssembly.instantiate(guest("poll_race"), wasi.getImportObject());
      return { exitCode: await wasi.startAsync(instance), stdout: text };
    };
    // Stdin only after the clock fired; then stdin against an hour-long clock.
    assert.deepEqual(await race(20, "late\n", "clock fired (error 0)\n"), {
      exitCode: 0,
      stdout: 'polling\nclock fired (error 0)\nread "late"\n',
    });
    assert.deepEqual(await race(3_600_000, "early\n", "polling\n"), {
      exitCode: 0,
      stdout: 'polling\nstdin fired (error 0)\nread "early"\n',
    });
  });

  test("an AbortSignal ends a program blocked on stdin; what it wrote stays", async () => {
    const memfs = new MemFS();
    memfs.mkdir("/data");
    memfs.writeFile("/data/in.txt", "kept\n");
    const controller = new AbortController();
    const wasi = new WASI({
      args: ["echo_lines"],
      async: true,
      fs: memfs,
      preopens: { "/data": "/data" },
      stdin: new StdinQueue(), // never fed, never ended
      // Aborted once the program prompts, that is, waits for stdin.
      stdout: () => setImmediate(() => controller.abort(new Error("enough"))),
    });
    const { instance } = await WebAssembly.instantiate(guest("echo_lines"), wasi.getImportObject());
    await assert.rejects(wasi.startAsync(instance, { signal: controller.signal }), (error) => {
      assert.equal(error.name, "AbortError");
      assert.match(error.message, /aborted: enough/);
      return true;
    });
    assert.equal(controller.signal.aborted, true);
    assert.equal(memfs.readFile("/data/in.txt", "utf8"), "kept\n");
  });

  // The exception reached the core while it polled stdin to decide whether
  // to wait; it used to be dropped there and the run waited for ever. The
  // timeout turns such a hang into a failure (nothing here is timed).
  test("a stdin callback that throws ends an async run with its error, as in sync mode", { timeout: 60_000 }, async () => {
    class Stop extends Error {}
    const stdin = () => {
      throw new Stop("stopped by the host");
    };
    await assert.rejects(run(guest("cat"), { async: true, stdin }), (e) => e instanceof Stop);
    await assert.rejects(run(fs.readFileSync(p2Guest("echo")), { async: true, stdin }), (e) => e instanceof Stop);
    // The same callback in sync mode, for comparison.
    await assert.rejects(run(guest("cat"), { stdin }), (e) => e instanceof Stop);
  });

  test("a component in async mode: a sleep and stdin from a StdinQueue", async () => {
    const sleep = await run(fs.readFileSync(p2Guest("sleep")), { async: true, args: ["sleep", "40"] });
    assert.equal(sleep.exitCode, 0, sleep.stderr);
    assert.match(sleep.stdout, /^ready \[1\] after \d+ ms\n$/);
    assert.ok(Number(/after (\d+) ms/.exec(sleep.stdout)[1]) >= 40, sleep.stdout);

    const stdin = new StdinQueue();
    const echo = run(fs.readFileSync(p2Guest("echo")), { async: true, stdin });
    await yieldToEventLoop();
    stdin.push("late\n");
    stdin.end();
    assert.deepEqual(await echo, { exitCode: 0, stdout: "echo 1: late\nbye after 1 lines\n", stderr: "" });
  });
});
