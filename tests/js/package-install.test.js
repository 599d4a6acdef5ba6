// The npm package from any install: `npm pack` holds the core and the
// browser bundle, and the tarball installed into a new project works from
// Node (import and require(), Node 20 and 24) and from a page (the ESM
// files with no import map, and the pre-bundled entry).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../../js/node/chromium.js";
import { BLANK_PAGE, startServer } from "../../js/node/server.js";
import { installProject, packTarball } from "./helpers/package.js";
import { p2Guest, p3Guest, REPO, requireFile } from "./helpers/prereq.js";

const NODE24 = path.join(REPO, "tools/node24/node_modules/.bin/node");
const HELLO = path.join(REPO, "tests/guests/out/hello.wasm");

/** @type {ReturnType<typeof packTarball>} */
let pack;
/** @type {string} */
let project;

before(() => {
  requireFile(HELLO, "run scripts/build.sh (it builds the test guests)");
  pack = packTarball();
  // No jco: a component must fail with the real cause, or run with options.jco.
  project = installProject(pack.tarball, {
    files: { "hello.wasm": HELLO, "echo.wasm": p2Guest("echo"), "hello3.wasm": p3Guest("hello") },
  });
});

test("npm pack: the tarball holds the core, its snippet, the browser bundle and the typings", () => {
  for (const file of [
    "package.json",
    "README.md",
    "js/index.js",
    "js/index.d.ts",
    "js/require.cjs",
    "js/bundle.d.ts",
    "js/worker/worker.js",
    "js/preview3/index.js",
    "js/preview3/index.d.ts",
    "js/http/server.js",
    "js/http/node-client.js",
    "js/node/index.d.ts",
    "pkg/wasi_web.js",
    "pkg/wasi_web_bg.wasm",
    "pkg/wasi_web.d.ts",
    "dist/browser/wasi-web.js",
    "dist/browser/worker.js",
    "dist/browser/wasi_web_bg.wasm",
    "dist/browser/js-component-bindgen-component.core.wasm",
    "dist/browser/jco-LICENSE",
  ]) {
    assert.ok(pack.files.includes(file), `${file} is not in the tarball`);
  }
  assert.ok(
    pack.files.some((f) => /^pkg\/snippets\/.+\/js\/core\/host\.js$/.test(f)),
    "the core's snippet (pkg/snippets/…/host.js) is not in the tarball",
  );
  assert.ok(
    pack.files.some((f) => /^dist\/browser\/jco-.+\.js$/.test(f)),
    "jco's chunk is not in dist/browser/",
  );
  // The WASI 0.3 host is a chunk of its own, named as wasi-web's code (jco-LICENSE covers only jco-*.js).
  assert.ok(
    pack.files.some((f) => /^dist\/browser\/wasi-web-.+\.js$/.test(f)),
    "the WASI 0.3 host's chunk (dist/browser/wasi-web-*.js) is not in the tarball",
  );
  assert.deepEqual(
    pack.files.filter((f) => /^(src|tests|www|scripts|bench|target)\//.test(f)),
    [],
  );
});

test("npm pack builds the core first: prepack runs the package build (core + bundle)", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  assert.equal(manifest.scripts.prepack, "bash scripts/build.sh --package");
  const build = fs.readFileSync(path.join(REPO, "scripts/build.sh"), "utf8");
  assert.match(build, /wasm-pack --quiet build --release --target web --out-dir pkg/);
  assert.match(build, /node scripts\/bundle\.mjs/);
  // --package stops after the bundle: no test core, no guests.
  assert.ok(build.indexOf("scripts/bundle.mjs") < build.indexOf('"$mode" = "--package"'));
  assert.ok(build.indexOf('"$mode" = "--package"') < build.indexOf("--out-dir pkg-test"));
  assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "browser", "node", "default"]);
  assert.equal(manifest.repository.url, "git+https://github.com/wasi-web/wasi-web.git");
  assert.doesNotMatch(manifest.description, /Preview 1 only/);
});

const NODE_SCRIPT = `
import { readFileSync } from "node:fs";
import { MemFS, WASI, init, isReady, run } from "wasi-web";
import { WASIp2 } from "wasi-web/preview2";
const ready = isReady();
const fs = new MemFS();
fs.mkdir("/data");
const hello = await run(readFileSync("hello.wasm"), { args: ["hello"], fs, preopens: { "/data": "/data" } });
await init();
new WASI();
new WASIp2();
let noJco;
try {
  await run(readFileSync("echo.wasm"), { args: ["echo"], stdin: "x\\n" });
} catch (error) {
  noJco = { message: error.message, cause: String(error.cause?.message ?? error.cause) };
}
const jco = await import(process.argv[2]);
const echo = await run(readFileSync("echo.wasm"), { args: ["echo"], stdin: "one\\n", jco, cache: false });
console.log(JSON.stringify({ ready, hello, noJco, echo }));
`;

test("node: the installed package runs a program on import (no init), and a component with options.jco", () => {
  fs.writeFileSync(path.join(project, "main.mjs"), NODE_SCRIPT);
  const jcoUrl = new URL("../../node_modules/@bytecodealliance/jco/dist/browser.js", import.meta.url).href;
  const out = execFileSync(process.execPath, ["main.mjs", jcoUrl], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, WASI_WEB_NO_CACHE: "1" },
  });
  const r = JSON.parse(out);
  assert.equal(r.ready, true);
  assert.deepEqual(r.hello, { exitCode: 0, stdout: "Hello from WASI!\n", stderr: "" });
  // The error names the real cause, with the resolution error as `cause`.
  assert.match(r.noJco.message, /importing "@bytecodealliance\/jco\/component" failed: Cannot find package '@bytecodealliance\/jco'/);
  assert.match(r.noJco.cause, /Cannot find package '@bytecodealliance\/jco'/);
  assert.equal(r.echo.exitCode, 0);
  assert.equal(r.echo.stdout, "echo 1: one\nbye after 1 lines\n");
});

test("node 24: a WASI 0.3 component runs from the installed package with options.jco; without jco the error names the cause", () => {
  requireFile(NODE24, "run scripts/bootstrap.sh (it installs Node 24 in tools/node24)");
  const script = `
import { readFileSync } from "node:fs";
import { componentWasiVersion, run } from "wasi-web";
const bytes = readFileSync("hello3.wasm");
const noJco = await run(bytes).then(() => "ran", (e) => e.message);
const r = await run(bytes, { args: ["hello3"], jco: await import(process.argv[2]), cache: false });
console.log(JSON.stringify({ version: componentWasiVersion(bytes), noJco, r }));`;
  const jcoUrl = new URL("../../node_modules/@bytecodealliance/jco/dist/browser.js", import.meta.url).href;
  fs.writeFileSync(path.join(project, "main3.mjs"), script);
  const out = execFileSync(NODE24, ["main3.mjs", jcoUrl], { cwd: project, encoding: "utf8" });
  const { version, noJco, r } = JSON.parse(out);
  assert.equal(version, "0.3");
  assert.match(noJco, /importing "@bytecodealliance\/jco\/component" failed: Cannot find package '@bytecodealliance\/jco'/);
  assert.deepEqual(r, { exitCode: 0, stdout: "hello from wasi 0.3\nand from std (0.2)\n", stderr: "to stderr\n" });
});

test("node: require() of the package works in Node 20 and 24; an old Node's error says to use import()", () => {
  requireFile(NODE24, "run scripts/bootstrap.sh (it installs Node 24 in tools/node24)");
  // require() refuses a module graph with top-level await (ERR_REQUIRE_ASYNC_MODULE): none in either entry.
  const script = `const w = require("wasi-web"); const p2 = require("wasi-web/preview2"); const p3 = require("wasi-web/preview3"); const n = require("wasi-web/node"); const fs = new w.MemFS(); fs.writeFile("/a", "x"); console.log(typeof w.run, typeof p2.WASIp2, typeof p3.WASIp3, typeof n.incomingHandler, w.isReady(), fs.readFile("/a", "utf8"));`;
  for (const node of [process.execPath, NODE24]) {
    const r = spawnSync(node, ["-e", script], { cwd: project, encoding: "utf8" });
    assert.equal(r.stdout, "function function function function true x\n", `${node}: ${r.stderr}`);
    assert.equal(r.status, 0);
  }
  // Without require(esm) (Node < 20.19 / 22.12, simulated with the flag):
  const old = spawnSync(process.execPath, ["--no-experimental-require-module", "-e", 'require("wasi-web")'], {
    cwd: project,
    encoding: "utf8",
  });
  assert.notEqual(old.status, 0);
  assert.match(
    old.stderr,
    /wasi-web is an ES module, and this Node \(v[\d.]+\) cannot require\(\) it: use `const \{ run \} = await import\("wasi-web"\)`/,
  );
});

/** @type {import("../../js/node/server.js").Server} */
let server;
/** @type {import("playwright-core").Browser} */
let browser;

after(async () => {
  await browser?.close();
  await server?.close();
});

test("chromium: the package's ESM files with no import map: init() first, else a clear error", async () => {
  server = await startServer(project);
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${server.url}${BLANK_PAGE}`);
  const r = await page.evaluate(async () => {
    const w = await import("/node_modules/wasi-web/js/index.js");
    /** @type {string | undefined} */
    let early;
    try {
      new w.MemFS();
    } catch (e) {
      early = String(e);
    }
    const before = w.isReady();
    await w.init();
    const fs = new w.MemFS();
    fs.mkdir("/data");
    const bytes = new Uint8Array(await (await fetch("/hello.wasm")).arrayBuffer());
    const hello = await w.run(bytes, { args: ["hello"], fs, preopens: { "/data": "/data" } });
    // A component without jco resolvable in the page: the real cause.
    const echo = new Uint8Array(await (await fetch("/echo.wasm")).arrayBuffer());
    const noJco = await w.run(echo).then(
      () => "ran",
      (e) => ({ message: e.message, cause: String(e.cause) }),
    );
    return { early, before, after: w.isReady(), hello, noJco };
  });
  assert.match(r.early ?? "", /new MemFS\(\) needs the core, which is not loaded yet: call `await init\(\)`/);
  assert.equal(r.before, false);
  assert.equal(r.after, true);
  assert.deepEqual(r.hello, { exitCode: 0, stdout: "Hello from WASI!\n", stderr: "" });
  assert.notEqual(r.noJco, "ran");
  assert.match(r.noJco.message, /Failed to resolve module specifier '@bytecodealliance\/jco\/component'/);
  assert.match(r.noJco.cause, /TypeError: Failed to resolve module specifier/);
});

test("chromium: the pre-bundled entry runs a program, a component (jco's chunk) and runInWorker with no import map", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}${BLANK_PAGE}`);
  const r = await page.evaluate(async () => {
    const w = await import("/node_modules/wasi-web/dist/browser/wasi-web.js");
    const load = async (/** @type {string} */ url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
    const hello = await w.run(await load("/hello.wasm"), { args: ["hello"] });
    const echo = await w.run(await load("/echo.wasm"), { args: ["echo"], stdin: "one\ntwo\n", cache: false });
    const fs = new w.MemFS();
    fs.mkdir("/data");
    const inWorker = await w.runInWorker(await load("/hello.wasm"), { args: ["hello"], fs, preopens: { "/data": "/data" } });
    return { hello, echo, inWorker: { exitCode: inWorker.exitCode, stdout: inWorker.stdout }, isolated: globalThis.crossOriginIsolated };
  });
  assert.deepEqual(r.hello, { exitCode: 0, stdout: "Hello from WASI!\n", stderr: "" });
  assert.deepEqual(r.echo, { exitCode: 0, stdout: "echo 1: one\necho 2: two\nbye after 2 lines\n", stderr: "" });
  assert.equal(r.isolated, true);
  assert.deepEqual(r.inWorker, { exitCode: 0, stdout: "Hello from WASI!\n" });
});

test("chromium: a module worker importing wasi-web gets its first message, and initSync() loads the core from a Module", async () => {
  server.route(
    "/first-message-worker.js",
    `import { MemFS, initSync, isReady } from "/node_modules/wasi-web/js/index.js";
     self.onmessage = ({ data }) => {
       const before = isReady();
       initSync(data);
       const fs = new MemFS();
       fs.writeFile("/x", "in the worker");
       self.postMessage({ before, text: fs.readFile("/x", "utf8") });
     };`,
  );
  const page = await browser.newPage();
  await page.goto(`${server.url}${BLANK_PAGE}`);
  const r = await page.evaluate(async () => {
    const core = await WebAssembly.compileStreaming(fetch("/node_modules/wasi-web/pkg/wasi_web_bg.wasm"));
    const worker = new Worker("/first-message-worker.js", { type: "module" });
    // Posted at once, while the worker's modules may still be loading.
    worker.postMessage(core);
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
  });
  assert.deepEqual(r, { before: false, text: "in the worker" });
});
