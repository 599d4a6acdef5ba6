// Async (JSPI) mode for WASI 0.2 components in headless Chromium: jco
// transpiles with `--async-mode jspi`, the waiting imports return Promises,
// and the page keeps running while the component sleeps or waits for stdin.
// (Node 20 has no JSPI: there, async mode must refuse clearly.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openP2Page } from "./helpers/pages.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(REPO, "tests/p2guests/out");

let server;
let browser;
let page;
let ready = false;

before(async () => {
  execFileSync("bash", [path.join(REPO, "tests/p2guests/build.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  ready =
    fs.existsSync(path.join(OUT, "sleep.wasm")) &&
    fs.existsSync(path.join(OUT, "echo.wasm")) &&
    fs.existsSync(path.join(REPO, "node_modules/@bytecodealliance/jco"));
  if (!ready) return;
  ({ server, browser, page } = await openP2Page("p2-async"));
  ready = await page.evaluate(() => typeof WebAssembly.Suspending === "function");
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("node without JSPI: async mode is refused with a clear error", async (t) => {
  if (typeof WebAssembly.Suspending === "function") return t.skip("this Node has JSPI");
  const { WASIp2 } = await import("../../js/preview2/index.js");
  assert.throws(() => new WASIp2({ async: true }), /JSPI/);
  const sync = new WASIp2({ stdout: "buffer" });
  await assert.rejects(() => sync.runAsync({ run: { run() {} } }), /runAsync\(\) needs/);
});

test("chromium: a component sleeping 200 ms really waits while page timers keep firing", async (t) => {
  if (!ready) return t.skip("no p2 guests, no jco or no JSPI");
  const result = await page.evaluate(async () => {
    const { run } = await import("/js/index.js");
    const { WASIp2 } = await import("/js/preview2/index.js");
    const { transpileComponent } = await import("/js/preview2/run.js");
    const bytes = new Uint8Array(await (await fetch("/tests/p2guests/out/sleep.wasm")).arrayBuffer());
    try {
      const wasi = new WASIp2({ async: true, args: ["sleep", "200"], stdout: "buffer", stderr: "buffer" });
      const instance = (await transpileComponent(bytes, { async: true })).instantiate(wasi.imports);
      // Only the run itself is timed: a blocked thread would fire no tick.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const start = performance.now();
      const exitCode = await wasi.runAsync(instance);
      const ms = performance.now() - start;
      clearInterval(timer);
      // And through run(), which transpiles with the JSPI flags itself.
      const viaRun = await run(bytes, { async: true, args: ["sleep", "60"] });
      return { exitCode, stdout: wasi.stdout.text(), stderr: wasi.stderr.text(), ms, ticks, viaRun };
    } catch (e) {
      return { error: String(e?.stack ?? e) };
    }
  });
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /^ready \[1\] after \d+ ms\n$/);
  const slept = Number(/after (\d+) ms/.exec(result.stdout)[1]);
  assert.ok(slept >= 200, `the guest measured ${slept} ms`);
  assert.ok(result.ms >= 200, `run took ${result.ms} ms`);
  // A blocked thread would fire none until the end; 10 ms ticks over 200 ms.
  assert.ok(result.ticks >= 8, `page timer fired ${result.ticks} times`);
  assert.equal(result.viaRun.exitCode, 0);
  assert.match(result.viaRun.stdout, /^ready \[1\] after \d+ ms\n$/);
  assert.ok(Number(/after (\d+) ms/.exec(result.viaRun.stdout)[1]) >= 60);
});

test("chromium: WASIp2 { async } with a StdinQueue answers lines pushed after start", async (t) => {
  if (!ready) return t.skip("no p2 guests, no jco or no JSPI");
  const result = await page.evaluate(async () => {
    const { StdinQueue } = await import("/js/index.js");
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
      const until = async (n) => {
        for (let i = 0; i < 200 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      };
      // Started and waiting: no output yet.
      await new Promise((r) => setTimeout(r, 50));
      const before = lines.length;
      stdin.push("one\n");
      await until(1);
      const afterOne = lines.slice();
      await new Promise((r) => setTimeout(r, 50));
      stdin.push("two\nthr");
      await new Promise((r) => setTimeout(r, 20));
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

test("chromium: run(bytes, { async: true, stdin: StdinQueue }) for a component", async (t) => {
  if (!ready) return t.skip("no p2 guests, no jco or no JSPI");
  const result = await page.evaluate(async () => {
    const { run, StdinQueue } = await import("/js/index.js");
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

test("chromium: async mode keeps exit codes, files and string stdin (hello guest)", async (t) => {
  if (!ready) return t.skip("no p2 guests, no jco or no JSPI");
  const result = await page.evaluate(async () => {
    const { MemFS, run } = await import("/js/index.js");
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
  assert.ok(ready, "p2 guests, jco and JSPI are there");
  const result = await page.evaluate(async () => {
    const { run } = await import("/js/index.js");
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
