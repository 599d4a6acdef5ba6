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
    globalThis.guest = async (name) => new Uint8Array(await (await fetch(`/tests/guests/out/${name}.wasm`)).arrayBuffer());
    // Runs `start(stdout)` for the sleepy guest, and notes what it had
    // printed when a zero-delay page timer, set as it started sleeping,
    // fired: "start\n" if the page ran during the sleep, everything (or
    // nothing, the run being over) had the sleep blocked the thread.
    globalThis.sleepWhilePageRuns = async (start) => {
      let text = "";
      let atTimer;
      const stdout = (chunk) => {
        text += new TextDecoder().decode(chunk);
        if (text === "start\n") setTimeout(() => (atTimer = text), 0);
      };
      const exitCode = await start(stdout);
      return { exitCode, text, atTimer };
    };
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
    const bytes = await guest("sleepy");
    return globalThis.sleepWhilePageRuns(async (stdout) => {
      const wasi = new wasiWeb.WASI({ args: ["sleepy", "200"], async: true, stdout });
      const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
      return wasi.startAsync(instance);
    });
  });
  // The guest checks on its own clock that it slept at least 200 ms (it
  // panics otherwise).
  assert.equal(r.exitCode, 0);
  assert.equal(r.text, "start\nslept 200 ms\n");
  assert.equal(r.atTimer, "start\n", "the page's timer fired during the sleep");
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
    // Waits stop when the run ends (a failure then shows in the assertions).
    let ended = false;
    done.then(
      () => (ended = true),
      () => (ended = true),
    );
    const transcript = [];
    // Waits for the prompt that follows the n-th line's answer.
    const prompt = async (n) => {
      while (!ended && seen.join("").split("> ").length - 1 <= n) await new Promise((r) => setTimeout(r, 0));
      return seen.join("");
    };
    for (const [n, line] of ["hello", "wasi web"].entries()) {
      transcript.push(await prompt(n));
      stdin.push(`${line}\n`);
    }
    transcript.push(await prompt(2));
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

/**
 * Runs poll_race (a poll on a clock of `ms` and on stdin) in the page with
 * async: true, pushing `line` to stdin once its output ends with `pushAfter`.
 */
function pollRace(ms, line, pushAfter) {
  return page.evaluate(
    async ({ ms, line, pushAfter }) => {
      const stdin = new wasiWeb.StdinQueue();
      let text = "";
      const stdout = (chunk) => {
        text += new TextDecoder().decode(chunk);
        // Pushed from a task of its own, not from inside the core's call.
        if (text.endsWith(pushAfter) && !stdin.ended) {
          setTimeout(() => {
            stdin.push(line);
            stdin.end();
          }, 0);
        }
      };
      const wasi = new wasiWeb.WASI({ args: ["poll_race", String(ms)], async: true, stdin, stdout });
      const { instance } = await WebAssembly.instantiate(await guest("poll_race"), wasi.getImportObject());
      const exitCode = await wasi.startAsync(instance);
      return { exitCode, stdout: text };
    },
    { ms, line, pushAfter },
  );
}

test("poll_oneoff: the clock fires first when stdin is late", { timeout: 60_000 }, async () => {
  // Stdin comes only once the program said the clock fired.
  const r = await pollRace(50, "late\n", "clock fired (error 0)\n");
  assert.deepEqual(r, { exitCode: 0, stdout: 'polling\nclock fired (error 0)\nread "late"\n' });
});

test("poll_oneoff: stdin fires first when it comes before the clock", { timeout: 60_000 }, async () => {
  // Stdin comes as the poll starts, against an hour-long clock: only stdin
  // can end the poll within the test's timeout.
  const r = await pollRace(3_600_000, "early\n", "polling\n");
  assert.deepEqual(r, { exitCode: 0, stdout: 'polling\nstdin fired (error 0)\nread "early"\n' });
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
    const a = await wasiWeb.run(bytes, { deterministic: { seed: 7 } });
    const b = await wasiWeb.run(bytes, { deterministic: { seed: 7 } });
    const c = await wasiWeb.run(bytes, { deterministic: { seed: 8 } });
    // An hour's sleep, which the guest checks on its (virtual) clock: it
    // ends within the test's timeout only if nothing really waits.
    const hour = await wasiWeb.run(await guest("sleepy"), { args: ["sleepy", "3600000"], deterministic: true });
    return { a: a.stdout, b: b.stdout, c: c.stdout, hour };
  });
  assert.equal(r.a, r.b);
  assert.notEqual(r.a, r.c, "another seed gives other random bytes");
  assert.match(r.a, /^wall 1704067200000000000\nslept 1500000000 ns\nrandom [0-9a-f]{16}\n$/);
  assert.deepEqual(r.hour, { exitCode: 0, stdout: "start\nslept 3600000 ms\n", stderr: "" });
});

test("worker mode: the page is cross-origin isolated", { timeout: 60_000 }, async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
});

test("worker mode: a sleep really sleeps while the page runs", { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const bytes = await guest("sleepy");
    return globalThis.sleepWhilePageRuns(
      async (stdout) => (await wasiWeb.runInWorker(bytes, { args: ["sleepy", "200"], stdout })).exitCode,
    );
  });
  // The guest checks its own clock (see above).
  assert.equal(r.exitCode, 0);
  assert.equal(r.text, "start\nslept 200 ms\n");
  assert.equal(r.atTimer, "start\n", "the page's timer fired during the sleep");
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
    // Waits stop when the run ends (a failure then shows in the assertions).
    let ended = false;
    done.then(
      () => (ended = true),
      () => (ended = true),
    );
    // Waits until the output ends with `text` (the worker starts its own
    // core first); the program then waits for stdin, so nothing follows.
    const until = async (text) => {
      while (!ended && !seen.join("").endsWith(text)) await new Promise((r) => setTimeout(r, 0));
      return seen.join("");
    };
    const before = await until("> ");
    stdin.push("ping\n");
    const after = await until("ping\n> ");
    stdin.end();
    const echo = await done;

    // Stdin comes only once the program said the clock fired.
    const late = new wasiWeb.StdinQueue();
    let raceOut = "";
    const race = wasiWeb.runInWorker(await guest("poll_race"), {
      args: ["poll_race", "50"],
      stdin: late,
      stdout: (c) => {
        raceOut += new TextDecoder().decode(c);
        if (raceOut.endsWith("clock fired (error 0)\n") && !late.ended) {
          late.push("late\n");
          late.end();
        }
      },
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
    // Waits stop when the run ends (a failure then shows in the assertions).
    let ended = false;
    done.then(
      () => (ended = true),
      () => (ended = true),
    );
    // The program is suspended on stdin once the file is there.
    while (!ended && !fs.exists("/data/kept.txt")) await new Promise((r) => setTimeout(r, 0));
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
    // Waits stop when the run ends (a failure then shows in the assertions).
    let ended = false;
    done.then(
      () => (ended = true),
      () => (ended = true),
    );
    while (!ended && !fs.exists("/data/kept.txt")) await new Promise((r) => setTimeout(r, 0));
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
    const outcome = async (promise) =>
      promise.then(
        () => "resolved",
        (e) => `${e.name}: ${e.message}`,
      );
    const aborted = await outcome(
      wasiWeb.run(new Uint8Array(bytes), { async: true, fs, preopens: { "/data": "/data" }, signal: AbortSignal.abort("no") }),
    );
    const sync = await outcome(
      wasiWeb.run(new Uint8Array(bytes), { fs, preopens: { "/data": "/data" }, signal: new AbortController().signal }),
    );
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
    assert.ok(
      delays.every((ms) => ms <= MAX_TIMEOUT_MS),
      `delays ${delays}`,
    );
    assert.equal(
      delays.reduce((a, b) => a + b, 0),
      total,
    );
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
