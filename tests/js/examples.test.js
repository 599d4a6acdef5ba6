// examples/: each one installed from the packed tarball into a temp copy and
// run as its README says: the Node script, the Vite app (production build,
// then served and opened in headless Chromium) and the plain page (the
// pre-bundled entry, no bundler). The plain page's test also measures what
// a page downloads to run its first component.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { after, before, test } from "node:test";
import { launchChromium } from "../../js/node/chromium.js";
import { startServer } from "../../js/node/server.js";
import { installProject, packTarball } from "./helpers/package.js";
import { p2Guest, REPO, requireFile } from "./helpers/prereq.js";

const EXAMPLES = path.join(REPO, "examples");
const HELLO = path.join(REPO, "tests/guests/out/hello.wasm");

/** @type {string} */
let tarball;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("../../js/node/server.js").Server[]} */
const servers = [];

before(async () => {
  requireFile(HELLO, "run scripts/build.sh (it builds the test guests)");
  p2Guest("echo");
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

test("examples/node: the script runs a program and a component", () => {
  const dir = installProject(tarball, {
    from: path.join(EXAMPLES, "node"),
    files: { "hello.wasm": HELLO, "echo.wasm": p2Guest("echo") },
  });
  const out = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", env: { ...process.env, WASI_WEB_NO_CACHE: "1" } });
  assert.equal(out, "hello exited with 0: Hello from WASI!\necho exited with 0:\necho 1: one\necho 2: two\nbye after 2 lines\n");
});

test("examples/vite-app: `vite build` with no config, served, runs a program and a component", async () => {
  const dir = installProject(tarball, {
    from: path.join(EXAMPLES, "vite-app"),
    files: { "public/hello.wasm": HELLO, "public/echo.wasm": p2Guest("echo") },
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
  // The test server sends COOP/COEP: runInWorker's worker runs too.
  const r = await pageOutput(`${server.url}/index.html`);
  assert.equal(r.text, `${EXPECTED}worker: 0 Hello from WASI!\n`);
  assert.equal(r.done, "ok");
});

test("examples/plain-html: the pre-bundled entry with no bundler and no import map; what the first component costs", async () => {
  const dir = installProject(tarball, {
    from: path.join(EXAMPLES, "plain-html"),
    files: { "hello.wasm": HELLO, "echo.wasm": p2Guest("echo") },
  });
  const server = await startServer(dir);
  servers.push(server);
  const r = await pageOutput(`${server.url}/index.html`);
  assert.equal(r.text, EXPECTED);
  assert.equal(r.done, "ok");
  // Bytes over the wire, gzipped (as a CDN serves them), of everything the
  // page fetched but the page itself and the two programs.
  let total = 0;
  const lines = [];
  for (const { url, status } of r.responses) {
    assert.equal(status, 200, url);
    const file = decodeURIComponent(new URL(url).pathname);
    if (file === "/index.html" || file === "/hello.wasm" || file === "/echo.wasm") continue;
    const gz = zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;
    total += gz;
    lines.push(`${path.basename(file)} ${gz}`);
  }
  console.log(`plain-html: first component downloads ${total} bytes gzipped: ${lines.join(", ")}`);
  assert.ok(lines.some((l) => l.startsWith("js-component-bindgen-component.core.wasm")));
});
