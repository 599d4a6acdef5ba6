// The README's examples run as written: each fenced block right after an
// HTML comment `<!-- test: node -->` or `<!-- test: browser -->` is saved
// into a project that installed the packed tarball (with hello.wasm next to
// it) and run: a ```js block with Node, an ```html block as a page in
// headless Chromium (it must put the program's output in the page).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "../../js/node/chromium.js";
import { startServer } from "../../js/node/server.js";
import { installProject, packTarball } from "./helpers/package.js";
import { REPO, requireFile } from "./helpers/prereq.js";

const HELLO = path.join(REPO, "tests/guests/out/hello.wasm");
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

/**
 * The marked blocks, in order: `{ env, lang, code, line }`.
 * @param {string} text
 */
function markedBlocks(text) {
  const blocks = [];
  const re = /^<!-- test: (node|browser) -->\n```(\w+)\n([^]*?)^```$/gm;
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
  project = installProject(packTarball().tarball, { files: { "hello.wasm": HELLO } });
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
  for (const b of blocks) assert.equal(b.lang, b.env === "node" ? "js" : "html", `README.md:${b.line}`);
});

for (const [i, block] of blocks.entries()) {
  test(`README.md:${block.line} (${block.env}) runs as written`, async () => {
    if (block.env === "node") {
      const file = path.join(project, `readme-${i}.mjs`);
      fs.writeFileSync(file, block.code);
      const r = spawnSync(process.execPath, [file], { cwd: project, encoding: "utf8" });
      assert.equal(r.status, 0, `README.md:${block.line} failed:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Error/);
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
