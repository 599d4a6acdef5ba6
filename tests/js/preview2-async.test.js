// Async (JSPI) mode for WASI 0.2 components in headless Chromium: jco
// transpiles with `--async-mode jspi`, the waiting imports return Promises,
// and the page keeps running while the component sleeps or waits for stdin.
// (Node: async-node.test.js.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openP2Page } from "./helpers/pages.js";
import { requirePackage, requireP2Guests } from "./helpers/prereq.js";

let server;
let browser;
let page;

before(async () => {
  requireP2Guests("sleep", "echo", "hello");
  requirePackage("@bytecodealliance/jco");
  ({ server, browser, page } = await openP2Page("p2-async"));
  assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), "function", "this Chromium has JSPI");
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// Node's side of async mode (refused without JSPI, working with it) is in
// async-node.test.js, which scripts/test.sh runs under Node 20 and Node 24.

test("chromium: a component sleeping 200 ms really waits while page timers keep firing", async () => {
  const result = await page.evaluate(async () => {
    const { run } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const { WASIp2 } = await import("/js/preview2/index.js");
    const { transpileComponent } = await import("/js/preview2/run.js");
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/sleep.wasm")).arrayBuffer());
    try {
      const wasi = new WASIp2({ async: true, args: ["sleep", "200"], stdout: "buffer", stderr: "buffer" });
      const instance = (await transpileComponent(bytes, { async: true })).instantiate(wasi.imports);
      // A zero-delay timer set once the run started fires before the run
      // ends only if the sleep gave the thread back (a blocked thread would
      // fire it afterwards).
      let settled = false;
      let pageRan;
      const done = wasi.runAsync(instance).finally(() => (settled = true));
      setTimeout(() => (pageRan = !settled), 0);
      const exitCode = await done;
      // And through run(), which transpiles with the JSPI flags itself.
      const viaRun = await run(bytes, { async: true, args: ["sleep", "60"] });
      return { exitCode, stdout: wasi.stdout.text(), stderr: wasi.stderr.text(), pageRan, viaRun };
    } catch (e) {
      return { error: String(e?.stack ?? e) };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /^ready \[1\] after \d+ ms\n$/);
  const slept = Number(/after (\d+) ms/.exec(result.stdout)[1]);
  // On the guest's own monotonic clock: a sleep never ends before its deadline.
  assert.ok(slept >= 200, `the guest measured ${slept} ms`);
  assert.equal(result.pageRan, true, "the page's timer fired during the sleep");
  assert.equal(result.viaRun.exitCode, 0);
  assert.match(result.viaRun.stdout, /^ready \[1\] after \d+ ms\n$/);
  assert.ok(Number(/after (\d+) ms/.exec(result.viaRun.stdout)[1]) >= 60);
});

test("chromium: WASIp2 { async } with a StdinQueue answers lines pushed after start", async () => {
  const result = await page.evaluate(async () => {
    const { StdinQueue } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const { WASIp2 } = await import("/js/preview2/index.js");
    const { transpileComponent } = await import("/js/preview2/run.js");
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/echo.wasm")).arrayBuffer());
    const stdin = new StdinQueue();
    const lines = [];
    let text = "";
    const wasi = new WASIp2({
      async: true,
      stdin,
      stdout: (chunk) => {
        text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        let i;
        while ((i = text.indexOf("\n")) >= 0) {
          lines.push(text.slice(0, i));
          text = text.slice(i + 1);
        }
      },
    });
    try {
      const transpiled = await transpileComponent(bytes, { async: true });
      const done = wasi.runAsync(transpiled.instantiate(wasi.imports));
      // Waits stop when the run ends (a failure then shows in the assertions).
      let ended = false;
      done.then(
        () => (ended = true),
        () => (ended = true),
      );
      // Waits for n lines of output: the guest answers each line it reads.
      const until = async (n) => {
        while (!ended && lines.length < n) await new Promise((r) => setTimeout(r, 0));
      };
      // Started and waiting: no output yet.
      await new Promise((r) => setTimeout(r, 0));
      const before = lines.length;
      stdin.push("one\n");
      await until(1);
      const afterOne = lines.slice();
      stdin.push("two\nthr");
      // Half a line: the guest reads it and waits for the rest.
      await new Promise((r) => setTimeout(r, 0));
      stdin.push("ee\n");
      await until(3);
      stdin.end();
      const exitCode = await done;
      return { before, afterOne, lines, exitCode };
    } catch (e) {
      return { error: String(e?.stack ?? e), lines };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.before, 0);
  assert.deepEqual(result.afterOne, ["echo 1: one"]);
  assert.deepEqual(result.lines, ["echo 1: one", "echo 2: two", "echo 3: three", "bye after 3 lines"]);
  assert.equal(result.exitCode, 0);
});

test("chromium: run(bytes, { async: true, stdin: StdinQueue }) for a component", async () => {
  const result = await page.evaluate(async () => {
    const { run, StdinQueue } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/echo.wasm")).arrayBuffer());
    const stdin = new StdinQueue();
    setTimeout(() => stdin.push("late\n"), 100);
    setTimeout(() => stdin.end(), 150);
    try {
      return await run(bytes, { async: true, stdin });
    } catch (e) {
      return { error: String(e?.stack ?? e) };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.stdout, "echo 1: late\nbye after 1 lines\n");
  assert.equal(result.exitCode, 0);
});

test("chromium: async mode keeps exit codes, files and string stdin (hello guest)", async () => {
  const result = await page.evaluate(async () => {
    const { MemFS, run } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/hello.wasm")).arrayBuffer());
    const fs = new MemFS();
    fs.mkdir("/data");
    fs.writeFile("/data/from-host.txt", "async\n");
    try {
      const r = await run(bytes, { async: true, fs, args: ["hello"], preopens: { "/data": "/data" }, stdin: "typed\n" });
      return { ...r, written: fs.readFile("/data/from-p2.txt", "utf8") };
    } catch (e) {
      return { error: String(e?.stack ?? e) };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.match(result.stdout, /^hello from a component\n[^]*read: async\n[^]*stdin: typed\n$/);
  assert.equal(result.stderr, "to stderr\n");
  // std::process::exit(3) is `exit(err)` on wasm32-wasip2: code 1, as in sync mode.
  assert.equal(result.exitCode, 1);
  assert.equal(result.written, "written by p2\n");
});

test("chromium: an AbortSignal ends a component's long sleep with an AbortError", { timeout: 120_000 }, async () => {
  const result = await page.evaluate(async () => {
    const { run } = await import("/js/index.js");
    await (await import("/js/index.js")).init();
    const { WASIp2 } = await import("/js/preview2/index.js");
    const { transpileComponent } = await import("/js/preview2/run.js");
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/sleep.wasm")).arrayBuffer());
    const wasi = new WASIp2({ async: true, args: ["sleep", "3600000"], stdout: "buffer", stderr: "buffer" });
    const instance = (await transpileComponent(bytes, { async: true })).instantiate(wasi.imports);
    const controller = new AbortController();
    const done = wasi.runAsync(instance, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 100);
    let outcome;
    try {
      await done;
      outcome = { resolved: true };
    } catch (e) {
      outcome = { name: e.name, message: e.message, cause: e.cause?.message };
    }
    // run() passes its signal on; one already aborted runs nothing.
    const viaRun = await run(bytes, { async: true, args: ["sleep", "1"], signal: AbortSignal.abort("no") }).catch((e) => e.name);
    return { ...outcome, viaRun };
  });
  assert.deepEqual(result, {
    name: "AbortError",
    message: "the component was aborted: stop",
    cause: "stop",
    viaRun: "AbortError",
  });
});
