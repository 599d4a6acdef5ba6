// The README's examples run as written: each fenced block right after an
// HTML comment `<!-- test: node -->`, `<!-- test: node24 -->` or
// `<!-- test: browser -->` is saved into a project that installed the packed
// tarball and jco (with hello.wasm, and the WASI 0.3 and wasi:http guests as
// hello3.wasm and handler.wasm, next to it) and run: a ```js block with Node
// (node24: Node 24, for JSPI), an ```html block as a page in headless
// Chromium (it must put the program's output in the page).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../../js/node/chromium.js";
import { startServer } from "../../js/node/server.js";
import { installProject, jcoRange, packTarball } from "./helpers/package.js";
import { p3Guest, REPO, requireFile } from "./helpers/prereq.js";

const HELLO = path.join(REPO, "tests/guests/out/hello.wasm");
const HANDLER = path.join(REPO, "tests/httpguests/out/handler.wasm");
const NODE24 = path.join(REPO, "tools/node24/node_modules/.bin/node");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

/**
 * The marked blocks, in order: `{ env, lang, code, line }`.
 * @param {string} text
 */
function markedBlocks(text) {
  const blocks = [];
  const re = /^<!-- test: (node|node24|browser) -->\n```(\w+)\n([^]*?)^```$/gm;
  for (const m of text.matchAll(re)) {
    blocks.push({ env: m[1], lang: m[2], code: m[3], line: text.slice(0, m.index).split("\n").length });
  }
  return blocks;
}

const blocks = markedBlocks(README);
/** @type {string} */
let project;
/** @type {import("playwright-core").Browser | undefined} */
let browser;
/** @type {import("../../js/node/server.js").Server | undefined} */
let server;

before(() => {
  requireFile(HELLO, "run scripts/build.sh (it builds the test guests)");
  requireFile(HANDLER, "run bash tests/httpguests/build.sh (scripts/build.sh runs it)");
  requireFile(NODE24, "run scripts/bootstrap.sh (it installs Node 24 in tools/node24)");
  project = installProject(packTarball().tarball, {
    dependencies: { "@bytecodealliance/jco": jcoRange() },
    files: { "hello.wasm": HELLO, "hello3.wasm": p3Guest("hello"), "handler.wasm": HANDLER },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the README marks its examples for this test, the first JavaScript example included", () => {
  assert.ok(blocks.filter((b) => b.env === "node").length >= 2);
  assert.ok(blocks.filter((b) => b.env === "browser").length >= 2);
  const firstJs = README.indexOf("```js\n");
  assert.equal(README.slice(0, firstJs).trimEnd().split("\n").at(-1), "<!-- test: node -->");
  assert.ok(blocks.some((b) => b.env === "node24"));
  for (const b of blocks) assert.equal(b.lang, b.env === "browser" ? "html" : "js", `README.md:${b.line}`);
});

for (const [i, block] of blocks.entries()) {
  test(`README.md:${block.line} (${block.env}) runs as written`, async () => {
    if (block.env !== "browser") {
      const file = path.join(project, `readme-${i}.mjs`);
      fs.writeFileSync(file, block.code);
      const node = block.env === "node24" ? NODE24 : process.execPath;
      const r = spawnSync(node, [file], { cwd: project, encoding: "utf8", env: { ...process.env, WASI_WEB_NO_CACHE: "1" } });
      assert.equal(r.status, 0, `README.md:${block.line} failed:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Error/);
      // The one node24 block (a 0.3 component, then a served handler) prints both answers.
      if (block.env === "node24") assert.equal(r.stdout, "hello from wasi 0.3\nand from std (0.2)\n\n200 hello from wasm\n\n");
      return;
    }
    server ??= await startServer(project);
    browser ??= await launchChromium();
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    fs.writeFileSync(path.join(project, `readme-${i}.html`), `<!doctype html><meta charset=utf-8><body>\n${block.code}`);
    await page.goto(`${server.url}/readme-${i}.html`);
    await page
      .waitForFunction(() => document.body.textContent?.includes("Hello from WASI!") || false, undefined, { timeout: 60_000 })
      .catch(() => {});
    const text = await page.evaluate(() => document.body.textContent);
    await page.close();
    assert.deepEqual(errors, []);
    assert.equal(text, "Hello from WASI!\n");
  });
}
