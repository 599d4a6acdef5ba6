// Real waiting through JSPI in headless Chromium: sleeps that take their
// time while the page keeps running, stdin pushed after start, poll_oneoff
// on a clock and stdin in both orders, and deterministic runs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openLibraryPage } from "./helpers/pages.js";
import { scripted } from "./helpers/wat.js";
import { longTimer, MAX_TIMEOUT_MS, waitForCore } from "../../js/waiting.js";

let server;
let browser;
let page;

before(async () => {
  ({ server, browser, page } = await openLibraryPage());
  await page.evaluate(async () => {
    globalThis.guest = async (name) =>
      new Uint8Array(await (await fetch(`/tests/guests/out/${name}.wasm`)).arrayBuffer());
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("JSPI is there", { timeout: 60_000 }, async () => {
  assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), "function");
});

test("a 200 ms sleep takes 200 ms and the page keeps running", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const result = await wasiWeb.run(await guest("sleepy"), { args: ["sleepy", "200"], async: true });
    const took = performance.now() - t0;
    clearInterval(timer);
    return { ...result, took, ticks };
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, "start\nslept 200 ms\n");
  assert.ok(r.took >= 200, `took ${r.took} ms`);
  assert.ok(r.ticks >= 5, `the page's timer fired ${r.ticks} times during the sleep`);
});

test("an interactive program answers lines pushed after it started", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const stdin = new wasiWeb.StdinQueue();
    const seen = [];
    const wasi = new wasiWeb.WASI({
      args: ["echo_lines"],
      async: true,
      stdin,
      stdout: (chunk) => seen.push(new TextDecoder().decode(chunk)),
    });
    const { instance } = await WebAssembly.instantiate(await guest("echo_lines"), wasi.getImportObject());
    const done = wasi.startAsync(instance);
    const transcript = [];
    const settle = () => new Promise((r) => setTimeout(r, 30));
    for (const line of ["hello", "wasi web"]) {
      await settle();
      transcript.push(seen.join(""));
      stdin.push(`${line}\n`);
    }
    await settle();
    transcript.push(seen.join(""));
    stdin.end();
    const code = await done;
    return { code, transcript, out: seen.join("") };
  });
  assert.equal(r.code, 0);
  // Before each push the program is waiting at its prompt, having answered the previous line.
  assert.equal(r.transcript[0], "> ");
  assert.equal(r.transcript[1], "> echo 1: hello\n> ");
  assert.equal(r.transcript[2], "> echo 1: hello\n> echo 2: wasi web\n> ");
  assert.equal(r.out, "> echo 1: hello\n> echo 2: wasi web\n> bye after 2 lines\n");
});

test("poll_oneoff: the clock fires first when stdin is late", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const stdin = new wasiWeb.StdinQueue();
    const p = wasiWeb.run(await guest("poll_race"), { args: ["poll_race", "50"], async: true, stdin });
    setTimeout(() => (stdin.push("late\n"), stdin.end()), 1000);
    return p;
  });
  assert.equal(r.stdout, 'polling\nclock fired (error 0)\nread "late"\n');
});

test("poll_oneoff: stdin fires first when it comes before the clock", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const stdin = new wasiWeb.StdinQueue();
    const t0 = performance.now();
    const p = wasiWeb.run(await guest("poll_race"), { args: ["poll_race", "5000"], async: true, stdin });
    setTimeout(() => (stdin.push("early\n"), stdin.end()), 50);
    const result = await p;
    return { ...result, took: performance.now() - t0 };
  });
  assert.equal(r.stdout, 'polling\nstdin fired (error 0)\nread "early"\n');
  assert.ok(r.took < 4000, `returned after ${r.took} ms, before the 5 s clock`);
});

test("stdin from a ReadableStream", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const stdin = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("one\ntwo\n"));
        c.close();
      },
    });
    return wasiWeb.run(await guest("echo_lines"), { args: ["echo_lines"], async: true, stdin });
  });
  assert.equal(r.stdout, "> echo 1: one\n> echo 2: two\n> bye after 2 lines\n");
});

test("deterministic mode gives the same output twice, without waiting", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const bytes = await guest("dice");
    const t0 = performance.now();
    const a = await wasiWeb.run(bytes, { deterministic: { seed: 7 } });
    const b = await wasiWeb.run(bytes, { deterministic: { seed: 7 } });
    const c = await wasiWeb.run(bytes, { deterministic: { seed: 8 } });
    return { a: a.stdout, b: b.stdout, c: c.stdout, took: performance.now() - t0 };
  });
  assert.equal(r.a, r.b);
  assert.notEqual(r.a, r.c, "another seed gives other random bytes");
  assert.match(r.a, /^wall 1704067200000000000\nslept 1500000000 ns\nrandom [0-9a-f]{16}\n$/);
  assert.ok(r.took < 1500, `three runs with 1.5 s virtual sleeps took ${r.took} ms`);
});

test("worker mode: the page is cross-origin isolated", { timeout: 60_000 }, async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
});

test("worker mode: a sleep really sleeps while the page runs", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const result = await wasiWeb.runInWorker(await guest("sleepy"), { args: ["sleepy", "200"] });
    clearInterval(timer);
    return { ...result, took: performance.now() - t0, ticks };
  });
  assert.equal(r.stdout, "start\nslept 200 ms\n");
  assert.ok(r.took >= 200, `took ${r.took} ms`);
  assert.ok(r.ticks >= 5, `page timer fired ${r.ticks} times`);
});

test("worker mode: interactive stdin, poll races and files come back", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const stdin = new wasiWeb.StdinQueue();
    const seen = [];
    const done = wasiWeb.runInWorker(await guest("echo_lines"), {
      args: ["echo_lines"],
      stdin,
      stdout: (c) => seen.push(new TextDecoder().decode(c)),
    });
    // Waits until the output ends with `text` (the worker starts its own core first).
    const until = async (text) => {
      for (let i = 0; i < 200 && !seen.join("").endsWith(text); i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 50));
      return seen.join("");
    };
    const before = await until("> ");
    stdin.push("ping\n");
    const after = await until("ping\n> ");
    stdin.end();
    const echo = await done;

    // Push only once the worker has started polling: starting a worker takes a while.
    const late = new wasiWeb.StdinQueue();
    const race = wasiWeb.runInWorker(await guest("poll_race"), {
      args: ["poll_race", "50"],
      stdin: late,
      stdout: () => setTimeout(() => !late.ended && (late.push("late\n"), late.end()), 300),
    });
    const clockFirst = await race;

    const fs = new wasiWeb.MemFS();
    fs.mkdir("/data", { recursive: true });
    fs.writeFile("/data/in.txt", "alpha\nbeta\n");
    const cat = await wasiWeb.runInWorker(await guest("cat"), {
      args: ["cat", "/data/in.txt"],
      preopens: { "/data": "/data" },
      fs,
    });
    return { before, after, echo, clockFirst, cat: cat.stdout };
  });
  assert.equal(r.before, "> ");
  assert.equal(r.after, "> echo 1: ping\n> ");
  assert.equal(r.echo.stdout, "> echo 1: ping\n> bye after 1 lines\n");
  assert.equal(r.clockFirst.stdout, 'polling\nclock fired (error 0)\nread "late"\n');
  assert.equal(r.cat, "alpha\nbeta\n");
});

test("JSPI: an AbortSignal ends a program blocked on stdin; its files stay", { timeout: 60_000 }, async () => {
  const bytes = [...scripted([["write", "kept.txt", "kept\n"], ["print", "waiting\n"], ["stdin"], ["write", "never.txt", "no"]])];
  const r = await page.evaluate(async (bytes) => {
    const fs = new wasiWeb.MemFS();
    fs.mkdir("/data");
    const controller = new AbortController();
    const done = wasiWeb.run(new Uint8Array(bytes), {
      args: ["waiter"],
      async: true,
      fs,
      preopens: { "/data": "/data" },
      stdin: new wasiWeb.StdinQueue(), // never fed, never ended
      signal: controller.signal,
    });
    // The program is suspended on stdin once the file is there.
    for (let i = 0; i < 400 && !fs.exists("/data/kept.txt"); i++) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error("enough");
    controller.abort(reason);
    try {
      await done;
      return { resolved: true };
    } catch (error) {
      return {
        name: error.name,
        isDomException: error instanceof DOMException,
        causeIsReason: error.cause === reason,
        message: error.message,
        stdout: error.stdout,
        kept: fs.readFile("/data/kept.txt", "utf8"),
        never: fs.exists("/data/never.txt"),
      };
    }
  }, bytes);
  assert.deepEqual(r, {
    name: "AbortError",
    isDomException: true,
    causeIsReason: true,
    message: "waiter was aborted: enough",
    stdout: "waiting\n",
    kept: "kept\n",
    never: false,
  });
});

test("JSPI: startAsync's signal ends a 2^62 ns sleep", { timeout: 60_000 }, async () => {
  const bytes = [...scripted([["write", "kept.txt", "kept\n"], ["sleep"], ["write", "never.txt", "no"]])];
  const r = await page.evaluate(async (bytes) => {
    const fs = new wasiWeb.MemFS();
    fs.mkdir("/data");
    const wasi = new wasiWeb.WASI({ args: ["sleeper"], async: true, fs, preopens: { "/data": "/data" } });
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes), wasi.getImportObject());
    const controller = new AbortController();
    const done = wasi.startAsync(instance, { signal: controller.signal });
    for (let i = 0; i < 400 && !fs.exists("/data/kept.txt"); i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    try {
      await done;
      return { resolved: true };
    } catch (error) {
      return { name: error.name, kept: fs.readFile("/data/kept.txt", "utf8"), never: fs.exists("/data/never.txt") };
    }
  }, bytes);
  assert.deepEqual(r, { name: "AbortError", kept: "kept\n", never: false });
});

test("JSPI: an abort from a callback ends a program that never waits, at its next call", { timeout: 60_000 }, async () => {
  const bytes = [...scripted([["printloop", "y\n"]])];
  const r = await page.evaluate(async (bytes) => {
    const controller = new AbortController();
    let chunks = 0;
    const wasi = new wasiWeb.WASI({
      args: ["yes"],
      async: true,
      stdout: () => {
        chunks++;
        controller.abort();
      },
    });
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes), wasi.getImportObject());
    try {
      await wasi.startAsync(instance, { signal: controller.signal });
      return { resolved: true };
    } catch (error) {
      return { name: error.name, chunks };
    }
  }, bytes);
  assert.equal(r.name, "AbortError");
  assert.ok(r.chunks >= 1);
});

test("JSPI: an already aborted signal runs nothing; a signal without async is refused", { timeout: 60_000 }, async () => {
  const bytes = [...scripted([["write", "ran.txt", "x"]])];
  const r = await page.evaluate(async (bytes) => {
    const fs = new wasiWeb.MemFS();
    fs.mkdir("/data");
    const outcome = async (promise) => promise.then(() => "resolved", (e) => `${e.name}: ${e.message}`);
    const aborted = await outcome(
      wasiWeb.run(new Uint8Array(bytes), { async: true, fs, preopens: { "/data": "/data" }, signal: AbortSignal.abort("no") }),
    );
    const sync = await outcome(wasiWeb.run(new Uint8Array(bytes), { fs, preopens: { "/data": "/data" }, signal: new AbortController().signal }));
    const notSignal = await outcome(wasiWeb.run(new Uint8Array(bytes), { async: true, signal: {} }));
    return { aborted, sync, notSignal, ran: fs.exists("/data/ran.txt") };
  }, bytes);
  assert.equal(r.aborted, "AbortError: the WebAssembly program was aborted: no");
  assert.match(r.sync, /^TypeError: options\.signal needs async: true/);
  assert.equal(r.notSignal, "TypeError: options.signal must be an AbortSignal");
  assert.equal(r.ran, false);
});

test("a wait longer than setTimeout's 2^31 - 1 ms is chained, not cut short", async () => {
  const real = globalThis.setTimeout;
  const delays = [];
  const pending = [];
  globalThis.setTimeout = (f, ms) => {
    delays.push(ms);
    pending.push(f);
    return real(() => {}, 0);
  };
  try {
    let done = false;
    const total = 2 ** 33 + 5;
    const timer = longTimer(total);
    timer.promise.then(() => (done = true));
    // Fire the timers one by one, as they would come due.
    while (pending.length > 0) {
      pending.shift()();
      await Promise.resolve();
      if (pending.length > 0) assert.equal(done, false);
    }
    await Promise.resolve();
    assert.equal(done, true);
    assert.ok(delays.every((ms) => ms <= MAX_TIMEOUT_MS), `delays ${delays}`);
    assert.equal(delays.reduce((a, b) => a + b, 0), total);
    assert.equal(delays.length, 5);

    // waitForCore waits for the core's deadline with such a timer.
    delays.length = 0;
    pending.length = 0;
    waitForCore({ waitMs: () => 2 ** 32, waitsForInput: () => false }, null);
    assert.deepEqual(delays, [MAX_TIMEOUT_MS]);
  } finally {
    globalThis.setTimeout = real;
  }
});
