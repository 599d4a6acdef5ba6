// The playground's terminal (issue 15): the line discipline on its own (in
// Node), then in headless Chromium: exact fit at desktop and phone sizes,
// a 200,000-line program whose output all arrives before "exited", line
// editing and history typed into a running program, Ctrl+C keeping the
// program's files, a component reading typed lines (JSPI), the live colour
// scheme and no overflow on a phone.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import binaryen from "binaryen";
import fs from "node:fs";
import path from "node:path";
import { LineDiscipline, splitKeys } from "../../www/app/line-discipline.js";
import { launchChromium } from "../../js/node/chromium.js";
import { startPlaygroundServer } from "../../www/tools/serve.js";
import { REPO } from "./helpers/corpus.js";
import { p2Guest, requirePackage } from "./helpers/prereq.js";
import {
  addProgram as addProgramIn,
  buildPlayground,
  counterGuest,
  runsDone as runsDoneIn,
  waitRuns as waitRunsIn,
} from "./helpers/playground.js";
import { guest } from "./helpers/wat.js";

const LEFT = "\x1b[D";
const UP = "\x1b[A";
const DOWN = "\x1b[B";
const END = "\x1b[F";
const HOME = "\x1b[H";

function discipline() {
  const log = { sent: /** @type {string[]} */ ([]), eof: 0, interrupts: 0, echo: "" };
  const ld = new LineDiscipline({
    echo: (ansi) => (log.echo += ansi),
    send: (text) => log.sent.push(text),
    eof: () => log.eof++,
    interrupt: () => log.interrupts++,
  });
  /** @param {...string} keys */
  const type = (...keys) => keys.forEach((k) => ld.input(k));
  return { ld, log, type };
}

describe("line discipline", () => {
  test("editing: ←, End, Home, Backspace, Delete; Enter sends the line", () => {
    const { log, type } = discipline();
    type("1", "0", "*", LEFT, LEFT, "2", END, "3", "\r");
    assert.deepEqual(log.sent, ["120*3\n"]);
    type("bc", HOME, "a", END, "d", "\x7f", LEFT, LEFT, "\x1b[3~", "\r");
    assert.deepEqual(log.sent.at(-1), "ac\n");
    // A paste arrives as one string: split into keys.
    type("x\x1b[Dy\r");
    assert.equal(log.sent.at(-1), "yx\n");
    assert.deepEqual(splitKeys("a\x1b[Db\x1bOH€"), ["a", "\x1b[D", "b", "\x1bOH", "€"]);
  });

  test("Ctrl+U, Ctrl+W, Ctrl+A, Ctrl+E, Ctrl+K", () => {
    const { log, type } = discipline();
    type("one two  ", "\x17", "\r");
    assert.equal(log.sent.at(-1), "one \n");
    type("abc def", LEFT, LEFT, LEFT, "\x15", "\r");
    assert.equal(log.sent.at(-1), "def\n");
    type("bc", "\x01", "a", "\x05", "d", "\r");
    assert.equal(log.sent.at(-1), "abcd\n");
    type("keep cut", LEFT, LEFT, LEFT, LEFT, "\x0b", "\r");
    assert.equal(log.sent.at(-1), "keep\n");
  });

  test("↑/↓ history, with the draft kept; no blank or repeated entries", () => {
    const { ld, log, type } = discipline();
    type("first\r", "second\r", "second\r", " \r", "dra", UP);
    assert.equal(ld.line, "second");
    type(UP, UP);
    assert.equal(ld.line, "first");
    type(DOWN, DOWN);
    assert.equal(ld.line, "dra");
    type(UP, UP, "!", "\r");
    assert.equal(log.sent.at(-1), "first!\n");
    assert.deepEqual(ld.history, ["first", "second", "first!"]);
    // Another program's history.
    ld.useHistory([]);
    type(UP);
    assert.equal(ld.line, "");
  });

  test("Ctrl+D: EOF on an empty line, else sends the line without a newline; Ctrl+C interrupts", () => {
    const { ld, log, type } = discipline();
    type("part", "\x04");
    assert.deepEqual(log.sent, ["part"]);
    assert.equal(log.eof, 0);
    type("\x04");
    assert.equal(log.eof, 1);
    type("gone", "\x03");
    assert.equal(log.interrupts, 1);
    assert.equal(ld.line, "");
    assert.deepEqual(log.sent, ["part"]);
  });

  test("the echo redraws the line: what the screen shows matches the line", () => {
    const { log, type } = discipline();
    type("ab", LEFT, "X");
    // Typed a, b; left one; the line is redrawn from its start with X inserted, and the cursor goes back before b.
    assert.equal(log.echo, "a\x1b[1D\x1b[Kab\x1b[1D\x1b[1D\x1b[KaXb\x1b[1D");
  });

  test("raw mode passes keys through; Ctrl+C still interrupts", () => {
    const { ld, log } = discipline();
    ld.raw = true;
    ld.input("q");
    ld.input("\x1b[A");
    ld.input("a\x03b");
    assert.deepEqual(log.sent, ["q", "\x1b[A", "a", "b"]);
    assert.equal(log.interrupts, 1);
    assert.equal(log.echo, "");
  });
});

const SHOTS = path.join(REPO, "test-output", "www-terminal");
const BUILT = path.join(SHOTS, "dist");
const LINES = 200_000;

const COUNTER = counterGuest(LINES);

/** Lines "000000\n" … for numbers from `from` up to `to` - 1. @param {number} from @param {number} to */
const numbered = (from, to) => Array.from({ length: to - from }, (_, i) => `${String(from + i).padStart(6, "0")}\n`).join("");

/**
 * Two big writes of numbered lines with colour changes in them: green from
 * the start, back to the default colours at line 12000. Each write holds
 * more lines than the scrollback, so the terminal's jump scroll drops some.
 */
const COLOURED = guest({
  strings: { one: `\x1b[32m${numbered(0, 8000)}`, two: `${numbered(8000, 12000)}\x1b[0m${numbered(12000, 16000)}` },
  start: `(call $print (i32.const 1) $str:one $len:one)
    (call $print (i32.const 1) $str:two $len:two)`,
});

/** stdout and stderr in turn, then a line without its newline: the terminal keeps their order. */
const INTERLEAVED = guest({
  strings: { o1: "out 1\n", e1: "err 1\n", o2: "out 2\n", e2: "err 2\n", o3: "out 3" },
  start: `(call $print (i32.const 1) $str:o1 $len:o1)
    (call $print (i32.const 2) $str:e1 $len:e1)
    (call $print (i32.const 2) $str:e2 $len:e2)
    (call $print (i32.const 1) $str:o2 $len:o2)
    (call $print (i32.const 1) $str:o3 $len:o3)`,
});

/**
 * Imports fd_write with a signature of its own (never calling it) and exits
 * with code 7: the library's imports, plain JS functions, link to any
 * signature, so the playground must run it too.
 */
function oddFdWrite() {
  const module = binaryen.parseText(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $proc_exit (i32.const 7))))`);
  try {
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** Writes /kept.txt, says "waiting", then reads stdin (where Ctrl+C finds it). */
const WRITER = guest({
  imports: ["path_open", "fd_read", "fd_close"],
  strings: { name: "kept.txt", body: "written before Ctrl+C\n", waiting: "waiting\n" },
  start: `(call $ok (call $path_open (i32.const 3) (i32.const 0) $str:name $len:name (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 16)))
    (call $print (i32.load (i32.const 16)) $str:body $len:body)
    (call $ok (call $fd_close (i32.load (i32.const 16))))
    (call $print (i32.const 1) $str:waiting $len:waiting)
    (i32.store (i32.const 32) (i32.const 512))
    (i32.store (i32.const 36) (i32.const 64))
    (drop (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 48)))
    (call $print (i32.const 1) $str:waiting $len:waiting)`,
});

describe("the playground's terminal in Chromium", () => {
  /** @type {Awaited<ReturnType<typeof startPlaygroundServer>>} */
  let server;
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {import("playwright-core").Page} */
  let page;
  /** @type {string[]} */
  const pageErrors = [];

  /** @param {{ width: number, height: number }} viewport */
  async function openPage(viewport) {
    await page?.close();
    page = await browser.newPage({ viewport });
    page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
    });
    await page.goto(server.pageUrl);
    await page.waitForSelector("html[data-ready]");
  }

  const runsDone = () => runsDoneIn(page);
  /** @param {number} n */
  const waitRuns = (n) => waitRunsIn(page, n);
  /** @param {string} name @param {Uint8Array} bytes */
  const addProgram = (name, bytes) => addProgramIn(page, name, bytes);

  /** @param {string} name @param {string} text adds a file at / */
  async function addFile(name, text) {
    await page.click('#file-tree [data-path="/"]');
    await page.setInputFiles("#upload-input", { name, mimeType: "text/plain", buffer: Buffer.from(text) });
    await page.waitForSelector(`#file-tree [data-path="/${name}"]`);
  }

  /** @param {string} text */
  async function waitForMirror(text) {
    await page.waitForFunction((t) => document.getElementById("terminal-output")?.textContent?.includes(t), text, { timeout: 20_000 });
  }

  const screenText = () => page.evaluate(() => /** @type {any} */ (window).playground.screenText());

  before(async () => {
    requirePackage("@xterm/xterm");
    // Components are transpiled in the page by jco's browser build.
    requirePackage("@bytecodealliance/jco", "dist/browser.js");
    fs.mkdirSync(SHOTS, { recursive: true });
    buildPlayground(BUILT);
    server = await startPlaygroundServer({ root: BUILT });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`exact fit at ${viewport.width}×${viewport.height}: a line as wide as the terminal neither wraps nor is clipped`, async () => {
      await openPage(viewport);
      const cols = await page.evaluate(() => /** @type {any} */ (window).playground.xterm.cols);
      assert.ok(cols >= 20, `cols ${cols}`);
      const line = `<${"=".repeat(cols - 2)}>`;
      await addFile("wide.txt", `${line}\nnext\n`);
      await page.selectOption("#program-select", "example:cat");
      await page.fill("#args", "wide.txt");
      const runs = await runsDone();
      await page.click("#run");
      await waitRuns(runs);
      // The xterm buffer: the line on one row, not continued on the next.
      const rows = await page.evaluate(() => {
        const buffer = /** @type {any} */ (window).playground.xterm.buffer.active;
        const out = [];
        for (let y = 0; y < buffer.length; y++) {
          const l = buffer.getLine(y);
          out.push({ text: l.translateToString(true), wrapped: l.isWrapped });
        }
        return out;
      });
      const at = rows.findIndex((r) => r.text === line);
      assert.ok(at >= 0, `no row holds the whole line:\n${rows.map((r) => r.text).join("\n")}`);
      assert.deepEqual(rows[at + 1], { text: "next", wrapped: false });
      // On the page: the row's text ends inside the box, left of the scrollbar.
      const box = await page.evaluate((width) => {
        const host = /** @type {HTMLElement} */ (document.getElementById("xterm"));
        const style = getComputedStyle(host);
        const hostRect = host.getBoundingClientRect();
        const contentRight = hostRect.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
        const rowEls = [...host.querySelectorAll(".xterm-rows > div")];
        const row = rowEls.find((el) => el.textContent?.replace(/\u00a0/g, " ").trimEnd().length === width);
        if (!row) return null;
        const range = document.createRange();
        range.selectNodeContents(row);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const textRight = Math.max(...rects.map((r) => r.right));
        const bar = host.querySelector(".xterm-scrollable-element > .scrollbar.vertical");
        const barLeft = bar ? bar.getBoundingClientRect().left : contentRight;
        return { textRight, contentRight, barLeft };
      }, line.length);
      assert.ok(box, "no rendered row has the line");
      assert.ok(box.textRight <= box.contentRight + 0.5, `text ends at ${box.textRight}, box at ${box.contentRight}`);
      assert.ok(box.textRight <= box.barLeft + 0.5, `text ends at ${box.textRight}, under the scrollbar at ${box.barLeft}`);
      await page.screenshot({ path: path.join(SHOTS, `fit-${viewport.width}.png`) });
    });
  }

  test(`${LINES} lines: all arrive, in order, before "exited"`, async () => {
    await openPage({ width: 1280, height: 800 });
    await addProgram("counter.wasm", COUNTER);
    const runs = await runsDone();
    await page.click("#run");
    await waitRuns(runs);
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).playground.outputShown()), LINES * 7);
    const screen = await screenText();
    assert.match(
      screen,
      new RegExp(
        `\\n${String(LINES - 2).padStart(6, "0")}\\n${String(LINES - 1).padStart(6, "0")}\\n\\[counter\\.wasm exited with code 0 · \\d+ ms\\]$`,
      ),
    );
    // The mirror keeps its last 20,000 characters, in order, then the note.
    const mirror = (await page.textContent("#terminal-output")) ?? "";
    const tail = mirror.slice(mirror.lastIndexOf("\n", mirror.indexOf("[counter.wasm exited") - 2) + 1);
    assert.match(tail, /^199999\n\[counter\.wasm exited with code 0/);
    const numbers = mirror
      .slice(mirror.indexOf("\n") + 1, mirror.indexOf("[counter"))
      .trimEnd()
      .split("\n")
      .map(Number);
    assert.ok(numbers.length > 2000, `${numbers.length} lines in the mirror`);
    numbers.forEach((n, i) => i === 0 || assert.equal(n, numbers[i - 1] + 1));
    // The emulator's scrollback and screen are full, and hold the last lines in order.
    const rows = screen.split("\n");
    const capacity = await page.evaluate(() => {
      const xterm = /** @type {any} */ (window).playground.xterm;
      return xterm.options.scrollback + xterm.rows;
    });
    assert.ok(rows.length >= capacity - 1, `${rows.length} rows, the emulator holds ${capacity}`);
    const held = rows.slice(0, -1).map(Number);
    held.forEach((n, i) => assert.equal(n, LINES - held.length + i));
  });

  test("jump scroll keeps the colours set in the lines it skips", async () => {
    await openPage({ width: 1280, height: 800 });
    await addProgram("coloured.wasm", COLOURED);
    const runs = await runsDone();
    await page.click("#run");
    await waitRuns(runs);
    const colours = await page.evaluate(() => {
      const buffer = /** @type {any} */ (window).playground.xterm.buffer.active;
      /** @type {Record<string, string>} */
      const found = {};
      for (let y = 0; y < buffer.length; y++) {
        const line = buffer.getLine(y);
        const text = line.translateToString(true);
        if (!["010999", "011999", "012000", "015999"].includes(text)) continue;
        const cell = line.getCell(0);
        found[text] = cell.isFgDefault() ? "default" : cell.isFgPalette() ? `palette ${cell.getFgColor()}` : "other";
      }
      return found;
    });
    assert.deepEqual(colours, { "010999": "palette 2", "011999": "palette 2", "012000": "default", "015999": "default" });
    assert.match(await screenText(), /\n015998\n015999\n\[coloured\.wasm exited with code 0 · \d+ ms\]$/);
  });

  test("stdout and stderr keep their order, each in its own style", async () => {
    await openPage({ width: 1280, height: 800 });
    await addProgram("interleaved.wasm", INTERLEAVED);
    const runs = await runsDone();
    await page.click("#run");
    await waitRuns(runs);
    const spans = await page.evaluate(() =>
      [...(document.getElementById("terminal-output")?.children ?? [])]
        .map((el) => [/** @type {HTMLElement} */ (el).dataset.kind, el.textContent])
        .filter(([kind]) => kind === "stdout" || kind === "stderr"),
    );
    assert.deepEqual(spans, [
      ["stdout", "out 1\n"],
      ["stderr", "err 1\nerr 2\n"],
      ["stdout", "out 2\nout 3"],
    ]);
    assert.match(await screenText(), /\nout 1\nerr 1\nerr 2\nout 2\nout 3\n\[interleaved\.wasm exited with code 0 · \d+ ms\]$/);
    // The mirror is in Chromium's accessibility tree (what a screen reader reads), not only in the DOM.
    const cdp = await page.context().newCDPSession(page);
    /** @type {{ nodes: { role?: { value: string }, name?: { value: string } }[] }} */
    const tree = await cdp.send("Accessibility.getFullAXTree");
    const texts = tree.nodes.filter((n) => n.role?.value === "StaticText").map((n) => n.name?.value ?? "");
    assert.ok(
      texts.some((t) => t.includes("err 2")),
      "no text node of the mirror in the accessibility tree",
    );
    await cdp.detach();
  });

  test("a program whose fd_write import has another signature still runs (no backpressure for it)", async () => {
    await openPage({ width: 1280, height: 800 });
    await addProgram("odd.wasm", oddFdWrite());
    const runs = await runsDone();
    await page.click("#run");
    await waitRuns(runs);
    assert.match(await screenText(), /\[odd\.wasm exited with code 7 · \d+ ms\]$/);
  });

  test("typing into a running program: line editing and ↑ history", async () => {
    await openPage({ width: 1280, height: 800 });
    await page.selectOption("#program-select", "example:echo_lines");
    await page.fill("#args", "");
    const runs = await runsDone();
    await page.click("#run");
    await waitForMirror("> ");
    await page.click("#xterm");
    await page.keyboard.type("10*");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type("2");
    await page.keyboard.press("End");
    await page.keyboard.type("3");
    await page.keyboard.press("Enter");
    await waitForMirror("echo 1: 120*3\n> ");
    await page.keyboard.type("scratch that");
    await page.keyboard.press("Control+U");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await waitForMirror("echo 2: 120*3\n> ");
    assert.match(await screenText(), /^> 120\*3\necho 1: 120\*3\n> 120\*3\necho 2: 120\*3\n> $/m);
    await page.keyboard.press("Control+D");
    await waitRuns(runs);
    assert.match((await page.textContent("#terminal-output")) ?? "", /bye after 2 lines/);
  });

  test("Ctrl+C ends the program and keeps the files it wrote", async () => {
    await openPage({ width: 1280, height: 800 });
    await addProgram("writer.wasm", WRITER);
    const runs = await runsDone();
    await page.click("#run");
    await waitForMirror("waiting\n");
    await page.click("#xterm");
    await page.keyboard.press("Control+C");
    await waitRuns(runs);
    const mirror = (await page.textContent("#terminal-output")) ?? "";
    assert.match(mirror, /\[interrupted \(Ctrl\+C\) after \d+ ms; the files it changed are kept\]/);
    assert.equal(mirror.match(/waiting/g)?.length, 1);
    assert.equal(await page.textContent("#run-state"), "writer.wasm was interrupted");
    await page.click('#file-tree [data-path="/kept.txt"]');
    assert.equal(await page.inputValue("#editor-text"), "written before Ctrl+C\n");
  });

  test("a component (WASI 0.2) reads lines typed while it runs; Ctrl+D ends its input, Ctrl+C ends it", async () => {
    await openPage({ width: 1280, height: 800 });
    // tests/p2guests echo: answers each line read by input-stream.blocking-read, "bye after N lines" at EOF.
    await addProgram("echo.wasm", fs.readFileSync(p2Guest("echo")));
    await page.fill("#args", "");
    const running = () => page.waitForSelector('#terminal-panel[data-state="running"]', { timeout: 60_000 });
    let runs = await runsDone();
    await page.click("#run");
    await running();
    await page.click("#xterm");
    await page.keyboard.type("one");
    await page.keyboard.press("Enter");
    await waitForMirror("echo 1: one\n");
    // The line discipline edits a component's line too: "twx", Backspace, "o" gives "two".
    await page.keyboard.type("tw");
    await page.keyboard.type("x");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("o");
    await page.keyboard.press("Enter");
    await waitForMirror("echo 2: two\n");
    assert.equal(await page.getAttribute("#terminal-panel", "data-state"), "running", "it waits for more input");
    await page.keyboard.press("Control+D");
    await waitRuns(runs);
    assert.match(
      await screenText(),
      /\none\necho 1: one\ntwo\necho 2: two\n\^D \(end of input\)\nbye after 2 lines\n\[echo\.wasm exited with code 0 · \d+ ms\]$/,
    );

    // Ctrl+C while it waits for a line ends it.
    runs = await runsDone();
    await page.click("#run");
    await running();
    await page.click("#xterm");
    await page.keyboard.type("last");
    await page.keyboard.press("Enter");
    await waitForMirror("echo 1: last\n");
    await page.keyboard.press("Control+C");
    await waitRuns(runs);
    const mirror = (await page.textContent("#terminal-output")) ?? "";
    assert.match(mirror, /echo 1: last\n\[interrupted \(Ctrl\+C\) after \d+ ms; the files it changed are kept\]\n$/);
    assert.equal(await page.textContent("#run-state"), "echo.wasm was interrupted");
  });

  test('a component printing 1.5 MB: all arrives, in order, before "exited" (its writes wait for the screen)', async () => {
    await openPage({ width: 1280, height: 800 });
    // tests/p2guests lines: argv[1] lines of argv[2] digits, one blocking-write-and-flush
    // each; 25,000 × 60 bytes, past the 1 MiB the worker lets run ahead of the screen.
    const count = 25_000;
    await addProgram("lines.wasm", fs.readFileSync(p2Guest("lines")));
    await page.fill("#args", `${count} 59`);
    const shownBefore = await page.evaluate(() => /** @type {any} */ (window).playground.outputShown());
    const runs = await runsDone();
    await page.click("#run");
    await waitRuns(runs);
    const shown = await page.evaluate(() => /** @type {any} */ (window).playground.outputShown());
    assert.equal(shown - shownBefore, count * 60);
    const rows = (await screenText()).split("\n");
    assert.match(rows.at(-1) ?? "", /^\[lines\.wasm exited with code 0 · \d+ ms\]$/);
    const held = rows.slice(0, -1);
    assert.ok(held.length > 5000, `${held.length} rows`);
    held.forEach((row, i) => assert.equal(row, String(count - held.length + i).padStart(59, "0")));
  });

  test("without JSPI a component runs synchronously: its stdin is the line typed before Run", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The runner worker as in a browser without JSPI (its check runs after this line).
    await context.route("**/assets/worker-*.js", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: `delete WebAssembly.Suspending;\n${await response.text()}` });
    });
    const p = await context.newPage();
    p.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
    await p.goto(server.pageUrl);
    await p.waitForSelector("html[data-ready]");
    await p.waitForSelector("#jspi-note", { state: "visible" });
    await p.selectOption("#program-select", "component:hello");
    assert.match((await p.textContent("#stdin-hint")) ?? "", /Without JSPI, components run synchronously/);
    await p.fill("#args", "/poem.txt");
    await p.fill("#stdin", "typed before Run");
    const runs = Number((await p.locator("#terminal-panel").getAttribute("data-runs")) ?? 0);
    // Enter in stdin runs it with what was typed.
    await p.press("#stdin", "Enter");
    await p.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, runs, { timeout: 120_000 });
    const mirror = (await p.textContent("#terminal-output")) ?? "";
    assert.match(mirror, /\$ hello\.wasm \/poem\.txt\ntyped before Run\nhello from a component\n[^]*\nstdin: typed before Run\n/);
    assert.match(mirror, /hello\.wasm exited with code 1/);
    await context.close();
  });

  test("the terminal follows the colour scheme live", async () => {
    await openPage({ width: 1280, height: 800 });
    const background = () => page.evaluate(() => /** @type {any} */ (window).playground.xterm.options.theme.background);
    /** @param {"light" | "dark"} colorScheme @param {string} colour */
    const expect = async (colorScheme, colour) => {
      await page.emulateMedia({ colorScheme });
      // The change event comes after emulateMedia resolves.
      await page.waitForFunction((c) => /** @type {any} */ (window).playground.xterm.options.theme.background === c, colour);
      assert.equal(await background(), colour);
      // The strip below the last whole row is the box's colour, not xterm.css's black.
      const [viewport, host] = await page.evaluate(() =>
        [".xterm-viewport", "#xterm"].map((q) => getComputedStyle(/** @type {Element} */ (document.querySelector(q))).backgroundColor),
      );
      assert.equal(viewport, host);
    };
    await expect("light", "#fbfbfc");
    await expect("dark", "#0b0d10");
    await expect("light", "#fbfbfc");
  });

  for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
    test(`phone (390×844, ${colorScheme}): no element overflows its box`, async () => {
      await openPage({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme });
      await page.click('#file-tree [data-path="/poem.txt"]');
      const overflowing = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((el) => {
            const style = getComputedStyle(el);
            // Scrolling boxes overflow on purpose: their content scrolls.
            if (/(auto|scroll)/.test(style.overflowX + style.overflowY) || style.display === "none") return false;
            if (el.closest(".xterm, .visually-hidden")) return false;
            return el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
          })
          .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${el.scrollWidth}>${el.clientWidth}`),
      );
      assert.deepEqual(overflowing, []);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
      await page.screenshot({ path: path.join(SHOTS, `phone-${colorScheme}.png`), fullPage: true });
    });
  }

  test("no page errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
