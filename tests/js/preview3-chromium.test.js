// WASI 0.3 components (tests/p3guests) in a headless Chromium page: run()
// detects each as 0.3, transpiles it with jco in the page (--async-mode
// jspi) and runs it on WASIp3 over a MemFS, with the same expected output
// as in Node (tests/js/helpers/preview3.js); plus the CLI's --browser.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { openP2Page } from "./helpers/pages.js";
import { bigBin, P3_CASES } from "./helpers/preview3.js";
import { p3Guest, REPO, requirePackage } from "./helpers/prereq.js";

let server;
let browser;
let page;

before(async () => {
  for (const name of ["hello", "cli", "clocks", "fs", "fsorder", "sockets", "tz"]) p3Guest(name);
  requirePackage("@bytecodealliance/jco");
  ({ server, browser, page } = await openP2Page("p3"));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("chromium: the page has JSPI (WASI 0.3 needs it)", async () => {
  assert.equal(await page.evaluate(() => typeof WebAssembly.Suspending), "function");
});

for (const c of P3_CASES) {
  test(`chromium: run(): ${c.name}`, async () => {
    const r = await page.evaluate(
      async ({ guest, options, files }) => {
        const { MemFS, run, init, componentWasiVersion } = await import("/js/index.js");
        await init();
        const bytes = new Uint8Array(await (await fetch(`/tests/p3guests/out/${guest}.wasm`)).arrayBuffer());
        const fs = new MemFS();
        fs.mkdir("/data");
        for (const [name, text] of Object.entries(files ?? {})) fs.writeFile(`/data/${name}`, text);
        const version = componentWasiVersion(bytes);
        const state = () => ({
          names: fs.readdir("/data").sort(),
          big: fs.readdir("/data").includes("big.bin") ? Array.from(fs.readFile("/data/big.bin")) : null,
        });
        try {
          return { version, ...(await run(bytes, { fs, preopens: { "/data": "/data" }, ...options })), ...state() };
        } catch (e) {
          return { version, error: String(e?.message ?? e), name: e?.constructor?.name, stdout: e?.stdout, stderr: e?.stderr };
        }
      },
      { guest: c.guest, options: c.options ?? {}, files: c.files },
    );
    assert.equal(r.version, "0.3");
    if (c.trap) {
      assert.equal(r.name, "RuntimeError", r.error);
      assert.match(r.error, c.trap);
      assert.equal(r.stdout, c.stdout);
      assert.match(r.stderr, /panicked at .*\nboom\n/);
      return;
    }
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.stdout, c.stdout);
    if (c.stderr !== undefined) assert.equal(r.stderr, c.stderr);
    assert.equal(r.exitCode, c.exitCode);
    if (c.guest === "fs") {
      assert.deepEqual(r.names, ["big.bin", "input.txt"]);
      assert.deepEqual(Uint8Array.from(r.big), bigBin());
    }
  });
}

test("chromium: CLI --browser runs a 0.3 component with a host folder, stdin and an exit code", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "wasi-web-p3-"));
  try {
    writeFileSync(path.join(dir, "input.txt"), "hello input\n");
    const env = { WASI_WEB_CHROMIUM_NO_SANDBOX: "1" };
    const fsRun = await runCli(["--browser", "--dir", `${dir}::/data`, p3Guest("fs")], { env });
    assert.equal(fsRun.exitCode, 0, fsRun.stderr);
    assert.equal(fsRun.stdout, `${P3_CASES.find((c) => c.guest === "fs").stdout}`);
    // The guest's files came back to the host folder.
    assert.deepEqual(new Uint8Array(readFileSync(path.join(dir, "big.bin"))), bigBin());
    const cli = await runCli(["--browser", p3Guest("cli"), "code=5"], { env, input: "piped" });
    assert.equal(cli.exitCode, 5, cli.stderr);
    assert.match(cli.stdout, /^args=\["cli\.wasm", "code=5"\]\n[^]*stdin 5 bytes in one or no reads, ends Ok\(\(\)\), sum 530\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("chromium: CLI --browser: SIGINT stops a 0.3 component waiting for stdin, and exits 130", async () => {
  const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), "--browser", p3Guest("cli")], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, WASI_WEB_CHROMIUM_NO_SANDBOX: "1" },
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (out.stdout += d));
  child.stderr.on("data", (d) => (out.stderr += d));
  const closed = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  // It prints these lines, then waits in its read of stdin (left open).
  await new Promise((resolve, reject) => {
    const check = () => out.stdout.includes("tty stdin=false stdout=false\n") && resolve(undefined);
    child.stdout.on("data", check);
    closed.then(() => reject(new Error(`the CLI ended first: ${JSON.stringify(out)}`)));
  });
  child.kill("SIGINT");
  assert.equal(await closed, 130, out.stderr);
  assert.match(out.stderr, /interrupted \(SIGINT\): the program stopped; its file changes were written back/);
  assert.doesNotMatch(out.stdout, /stdin \d+ bytes/);
});
