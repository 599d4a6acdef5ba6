// examples/: each one installed from the packed tarball into a temp copy and
// run as its README says: the Node script (Node 20, and Node 24 for WASI
// 0.3 and wasi:http), the Vite app (production build, then served and opened
// in headless Chromium) and the plain page (the pre-bundled entry, no
// bundler). The plain page's test also measures what a page downloads to run
// its first component. `wasi-web serve` runs from the installed package's
// bin, and incomingHandler() from wasi-web/node.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { after, before, test } from "node:test";
import { launchChromium } from "../../js/node/chromium.js";
import { startServer } from "../../js/node/server.js";
import { startHttpServer } from "./helpers/http-server.js";
import { installProject, packTarball } from "./helpers/package.js";
import { p2Guest, p3Guest, REPO, requireFile } from "./helpers/prereq.js";

const EXAMPLES = path.join(REPO, "examples");
const HELLO = path.join(REPO, "tests/guests/out/hello.wasm");
const NODE24 = path.join(REPO, "tools/node24/node_modules/.bin/node");
/** A built wasi:http test component (tests/httpguests/out/<name>.wasm). */
const httpGuest = (/** @type {string} */ name) =>
  requireFile(path.join(REPO, "tests/httpguests/out", `${name}.wasm`), "run bash tests/httpguests/build.sh (scripts/build.sh runs it)");

/** @type {string} */
let tarball;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("../../js/node/server.js").Server[]} */
const servers = [];

before(async () => {
  requireFile(HELLO, "run scripts/build.sh (it builds the test guests)");
  requireFile(NODE24, "run scripts/bootstrap.sh (it installs Node 24 in tools/node24)");
  p2Guest("echo");
  p3Guest("hello");
  for (const name of ["fetch", "handler", "handler3"]) httpGuest(name);
  tarball = packTarball().tarball;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

/** Opens `url` and waits for the example's output. */
async function pageOutput(url) {
  const page = await browser.newPage();
  /** @type {{ url: string, status: number }[]} */
  const responses = [];
  page.on("response", (r) => responses.push({ url: r.url(), status: r.status() }));
  await page.goto(url);
  await page.waitForSelector("#out[data-done]", { timeout: 120_000 });
  const out = await page.$eval("#out", (e) => ({ text: e.textContent, done: e.getAttribute("data-done") }));
  await page.close();
  return { ...out, responses };
}

const EXPECTED = "hello: 0 Hello from WASI!\necho: 0\necho 1: one\necho 2: two\nbye after 2 lines\n";
/** What the pages print for the WASI 0.3 component, then for fetch.wasm's GET of `body`. */
const expected3 = (/** @type {string} */ headers, /** @type {string} */ body, /** @type {string} */ fnv) =>
  `hello3: 0 hello from wasi 0.3\nand from std (0.2)\nfetch: 0\nstatus 200\n${headers}body-len ${body.length}\nbody-fnv ${fnv}\nbody: ${body}\ntrailers none\n`;

/** The guests the examples run, by the names they use. */
const GUESTS = () => ({
  "hello.wasm": HELLO,
  "echo.wasm": p2Guest("echo"),
  "hello3.wasm": p3Guest("hello"),
  "fetch.wasm": httpGuest("fetch"),
});

/** @type {string | undefined} */
let nodeExample;
/** examples/node installed from the tarball (with jco), once for the tests below. */
function installNodeExample() {
  nodeExample ??= installProject(tarball, {
    from: path.join(EXAMPLES, "node"),
    files: { ...GUESTS(), "handler.wasm": httpGuest("handler"), "handler3.wasm": httpGuest("handler3") },
  });
  return nodeExample;
}

const NODE_OUT = "hello exited with 0: Hello from WASI!\necho exited with 0:\necho 1: one\necho 2: two\nbye after 2 lines\n";

test("examples/node: the script runs a program and a 0.2 component (Node 20), and a 0.3 one and a wasi:http client (Node 24)", () => {
  const dir = installNodeExample();
  const env = { ...process.env, WASI_WEB_NO_CACHE: "1" };
  const out20 = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", env });
  assert.equal(out20, `${NODE_OUT}WASI 0.3 and wasi:http need JSPI: Node 24 or later\n`);
  const out24 = execFileSync(NODE24, ["main.js"], { cwd: dir, encoding: "utf8", env });
  assert.equal(
    out24,
    `${NODE_OUT}hello3 (WASI 0.3) exited with 0: hello from wasi 0.3\nand from std (0.2)\n` +
      "fetch exited with 0:\nstatus 200\nbody-len 17\nbody-fnv e114a37f0ef4873c\nbody: hi, GET /greeting\ntrailers none\n",
  );
});

/**
 * Starts `command args` in `cwd` and resolves to the URL it serves on once
 * its stderr says "Serving HTTP on …", with the child and its stderr.
 */
async function startServing(/** @type {string} */ command, /** @type {string[]} */ args, /** @type {object} */ options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const log = { stderr: "" };
  const url = await new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      log.stderr += d;
      const m = /Serving HTTP on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log.stderr);
      if (m) resolve(m[1]);
    });
    child.on("close", (code) => reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${log.stderr}`)));
  });
  return { child, url, log };
}

/** One request; resolves to status, headers and body text. */
function request(/** @type {string} */ url, { method = "GET", body = "" } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("installed bin: `wasi-web serve` (Node 24) serves 0.2 and 0.3 handlers, and the installed CLI's fetch component talks to them", async () => {
  const dir = installNodeExample();
  const bin = path.join(dir, "node_modules/.bin/wasi-web");
  // The bin is `#!/usr/bin/env node`: Node 24 first on PATH, as a user with Node 24 has it.
  const env = { ...process.env, PATH: `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH}`, WASI_WEB_NO_CACHE: "1" };
  for (const [handler, greeting, tag] of [
    ["handler.wasm", "hello from wasm\n", "rust"],
    ["handler3.wasm", "hello from wasi 0.3\n", "rust-p3"],
  ]) {
    const { child, url, log } = await startServing(bin, ["serve", "--addr", "127.0.0.1:0", handler], { cwd: dir, env });
    try {
      const hello = await request(`${url}/hello`);
      assert.equal(hello.status, 200, log.stderr);
      assert.equal(hello.headers["x-handler"], tag);
      assert.equal(hello.body, greeting);
      const echo = await request(`${url}/echo`, { method: "POST", body: "a body to echo" });
      assert.equal(echo.body, "a body to echo", handler);
      // A wasi:http client component run by the installed CLI, against the served one.
      const fetched = execFileSync(bin, ["fetch.wasm", "GET", `${url}/hello`], { cwd: dir, encoding: "utf8", env });
      assert.match(fetched, new RegExp(`^status 200\nheader x-handler: ${tag}\n(.|\n)*body: ${greeting}`));
    } finally {
      child.kill();
    }
  }
  // Under Node 20 the same bin refuses, saying why.
  const node20 = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "handler.wasm"], {
    cwd: dir,
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  node20.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => node20.on("close", resolve));
  assert.equal(code, 1);
  assert.match(stderr, /serving a wasi:http component needs JSPI \(WebAssembly\.Suspending\): Node 24 or later/);
});

const HANDLER_SCRIPT = `
import { readFileSync } from "node:fs";
import http from "node:http";
import { run } from "wasi-web";
import { incomingHandler } from "wasi-web/node";
const listener = await incomingHandler(readFileSync(process.argv[2]), { env: { GREETING: "hi" } });
const server = http.createServer(listener);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = \`http://127.0.0.1:\${server.address().port}/echo\`;
const r = await run(readFileSync("fetch.wasm"), { args: ["fetch", "--gen", "5000", "POST", url] });
server.close();
console.log(JSON.stringify(r));
`;

test("wasi-web/node: incomingHandler() serves a handler component from a node:http server of one's own (Node 24)", () => {
  const dir = installNodeExample();
  fs.writeFileSync(path.join(dir, "serve.mjs"), HANDLER_SCRIPT);
  const env = { ...process.env, WASI_WEB_NO_CACHE: "1" };
  for (const handler of ["handler.wasm", "handler3.wasm"]) {
    const r = JSON.parse(execFileSync(NODE24, ["serve.mjs", handler], { cwd: dir, encoding: "utf8", env }));
    assert.equal(r.exitCode, 0, `${handler}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^status 201\n/, handler);
    assert.match(r.stdout, /\nbody-len 5000\n/, handler);
  }
  // Node 20 has no JSPI: the promise rejects, saying so.
  const node20 = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      'import("wasi-web/node").then((m) => m.incomingHandler(new Uint8Array(8))).catch((e) => console.log(e.message))',
    ],
    { cwd: dir, encoding: "utf8" },
  );
  assert.match(node20, /serving a wasi:http component needs JSPI/);
});

test("examples/vite-app: `vite build` with no config, served, runs a program and 0.2 and 0.3 components, and fetches cross-origin (CORS)", async () => {
  const dir = installProject(tarball, {
    from: path.join(EXAMPLES, "vite-app"),
    files: Object.fromEntries(Object.entries(GUESTS()).map(([name, file]) => [`public/${name}`, file])),
  });
  execFileSync(path.join(dir, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const dist = path.join(dir, "dist");
  const assets = fs.readdirSync(path.join(dist, "assets"));
  // The core is an asset; jco's transpiler is in chunks apart from the app's entry.
  assert.ok(
    assets.some((f) => /^wasi_web_bg-.+\.wasm$/.test(f)),
    `no core .wasm in ${assets.join(" ")}`,
  );
  const entry = assets.find((f) => /^index-.+\.js$/.test(f));
  assert.ok(entry, `no entry chunk in ${assets.join(" ")}`);
  assert.doesNotMatch(fs.readFileSync(path.join(dist, "assets", entry), "utf8"), /js-component-bindgen-component/);
  const server = await startServer(dist);
  servers.push(server);
  // wasi:http to a server on another port, which answers with CORS headers.
  const api = await startHttpServer();
  try {
    // The test server sends COOP/COEP: runInWorker's worker runs too.
    const r = await pageOutput(`${server.url}/index.html?url=${encodeURIComponent(`${api.url}/hello`)}`);
    assert.equal(r.text, `${EXPECTED}${expected3("header x-test: yes\n", "hello world", "779a65e7023cd2e7")}worker: 0 Hello from WASI!\n`);
    assert.equal(r.done, "ok");
    assert.deepEqual(
      api.requests.filter((q) => q.method === "GET").map((q) => [q.url, q.headers.origin]),
      [["/hello", server.url]],
    );
  } finally {
    await api.close();
  }
});

test("examples/plain-html: the pre-bundled entry with no bundler and no import map, 0.2 and 0.3 components and wasi:http; what the first component costs", async () => {
  const dir = installProject(tarball, { from: path.join(EXAMPLES, "plain-html"), files: GUESTS() });
  const server = await startServer(dir);
  servers.push(server);
  // fetch.wasm gets the page's own greeting.txt (same origin).
  const r = await pageOutput(`${server.url}/index.html`);
  assert.equal(r.text, `${EXPECTED}${expected3("", "hello over HTTP\n", "d819ba2d30731659")}`);
  assert.equal(r.done, "ok");
  // Bytes over the wire, gzipped (as a CDN serves them), of everything the
  // page fetched but the page itself, the programs and what they fetched;
  // the WASI 0.3 host's chunks (wasi-web-*.js) apart: a 0.2 component does
  // not load them.
  let total = 0;
  let total3 = 0;
  const lines = [];
  for (const { url, status } of r.responses) {
    assert.equal(status, 200, url);
    const file = decodeURIComponent(new URL(url).pathname);
    if (file === "/index.html" || file === "/greeting.txt" || (file.endsWith(".wasm") && !file.includes("/node_modules/"))) continue;
    const gz = zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;
    if (/^wasi-web-.+\.js$/.test(path.basename(file))) total3 += gz;
    else total += gz;
    lines.push(`${path.basename(file)} ${gz}`);
  }
  console.log(`plain-html: first component downloads ${total} bytes gzipped, a 0.3 one ${total3} more: ${lines.join(", ")}`);
  assert.ok(lines.some((l) => l.startsWith("js-component-bindgen-component.core.wasm")));
  assert.ok(total3 > 0, "the WASI 0.3 host's chunk (dist/browser/wasi-web-*.js) was not loaded");
  // And fetch.wasm to a server on another port, which answers with CORS headers.
  const api = await startHttpServer();
  try {
    const cross = await pageOutput(`${server.url}/index.html?url=${encodeURIComponent(`${api.url}/hello`)}`);
    assert.equal(cross.text, `${EXPECTED}${expected3("header x-test: yes\n", "hello world", "779a65e7023cd2e7")}`);
  } finally {
    await api.close();
  }
});
