// The web playground (www/) in headless Chromium: every bundled example (a
// WASI 0.2 component too), upload → transform → download, typing into an interactive program, Stop,
// bad files, the file editor, the static build, and screenshots at desktop
// and phone widths in light and dark (test-output/www/). The page is built
// once by Vite (www/vite.config.js, as npm run build:www) into
// test-output/www/dist/ and served from there.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { unzipSync, zipSync } from "fflate";
import { launchChromium } from "../../js/node/chromium.js";
import { startPlaygroundServer } from "../../www/tools/serve.js";
import { REPO } from "./helpers/corpus.js";
import { p3Guest, requirePackage, requireP2Guests } from "./helpers/prereq.js";
import { guest } from "./helpers/wat.js";

const SHOTS = path.join(REPO, "test-output", "www");
/** The Vite build of the page (npm run build:www, another folder). */
const BUILT = path.join(SHOTS, "dist");

/** @type {Awaited<ReturnType<typeof startPlaygroundServer>>} */
let server;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {import("playwright-core").Page} */
let page;
/** Errors the page threw or logged. @type {string[]} */
const pageErrors = [];

/** @param {import("playwright-core").Page} p */
function watch(p) {
  p.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
  p.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
  });
}

/** @param {import("playwright-core").Page} p @param {string} url */
async function open(p, url) {
  await p.goto(url);
  await p.waitForSelector("html[data-ready]");
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  // The component example is the built p2 hello guest; jco's browser build transpiles it in the page.
  requireP2Guests("hello");
  requirePackage("@bytecodealliance/jco", "dist/browser.js");
  execFileSync(
    path.join(REPO, "node_modules/.bin/vite"),
    ["build", "--config", path.join(REPO, "www/vite.config.js"), "--outDir", BUILT, "--logLevel", "error"],
    {
      cwd: REPO,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  server = await startPlaygroundServer({ root: BUILT });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  watch(page);
  await open(page, server.pageUrl);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The terminal's text. */
function terminalText(p = page) {
  return p
    .locator("#terminal-output")
    .textContent()
    .then((t) => t ?? "");
}

/** How many runs have ended. */
async function runsDone(p = page) {
  return Number((await p.locator("#terminal-panel").getAttribute("data-runs")) ?? 0);
}

/**
 * Picks a program and arguments, clears the terminal, presses Run and, unless
 * `wait` is false, waits for the run to end. Returns the terminal's text.
 * @param {string} program option value, e.g. "example:hello"
 * @param {string} args
 * @param {{ wait?: boolean, p?: import("playwright-core").Page }} [options]
 */
async function runProgram(program, args, { wait = true, p = page } = {}) {
  await p.selectOption("#program-select", program);
  await p.fill("#args", args);
  await p.click("#clear");
  const before = await runsDone(p);
  await p.click("#run");
  if (!wait) return "";
  await p.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
  return terminalText(p);
}

/**
 * Runs a component (which, with JSPI, reads stdin as it runs): once it runs
 * (and has printed `after`), types `line` into stdin and Enter, or with
 * `line` null ends its input (Ctrl+D); waits for the run to end. Returns the
 * terminal's text.
 * @param {string} program @param {string} args @param {string | null} line
 * @param {{ p?: import("playwright-core").Page, after?: string }} [options]
 */
async function runComponent(program, args, line, { p = page, after = "" } = {}) {
  const before = await runsDone(p);
  await runProgram(program, args, { wait: false, p });
  await p.waitForSelector('#terminal-panel[data-state="running"]', { timeout: 60_000 });
  await waitForTerminal(after, p);
  if (line === null) await p.press("#stdin", "Control+D");
  else {
    await p.fill("#stdin", line);
    await p.press("#stdin", "Enter");
  }
  await p.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
  return terminalText(p);
}

/** @param {string} text */
async function waitForTerminal(text, p = page) {
  await p.waitForFunction((t) => document.getElementById("terminal-output")?.textContent?.includes(t), text, { timeout: 10_000 });
}

test("hello prints its greeting and arguments, and the exit code shows", async () => {
  const out = await runProgram("example:hello", 'world \'with spaces\' "a \\"b\\""');
  assert.match(out, /Hello from WASI!\nargv\[1\] = world\nargv\[2\] = with spaces\nargv\[3\] = a "b"\n/);
  assert.match(out, /hello\.wasm exited with code 0/);
  assert.equal(await page.textContent("#run-state"), "hello.wasm exited with code 0");
  assert.equal(await page.isEnabled("#run"), true);
  assert.equal(await page.isDisabled("#stop"), true);
});

test("cat prints a file; a missing one goes to stderr with exit code 1", async () => {
  const out = await runProgram("example:cat", "poem.txt /notes/todo.txt nope.txt");
  assert.match(out, /Two roads diverged in a yellow wood,\n/);
  assert.match(out, /try grep -c on the poem\n/);
  assert.match(out, /exited with code 1/);
  const stderr = await page.locator("#terminal-output .t-stderr").allTextContents();
  assert.match(stderr.join(""), /cat: nope\.txt: .*(No such file|not found)/i);
  const stdout = await page.locator("#terminal-output .t-stdout").allTextContents();
  assert.doesNotMatch(stdout.join(""), /nope/);
});

test("grep searches the starter files", async () => {
  const out = await runProgram("example:grep", "-n -i the poem.txt");
  assert.match(out, /\n1:The Road Not Taken \(first stanza\), Robert Frost\n7:To where it bent in the undergrowth;\n/);
  assert.match(out, /exited with code 0/);
  assert.match(await runProgram("example:grep", "-c And poem.txt"), /\n3\n/);
});

test("tree walks the filesystem", async () => {
  const out = await runProgram("example:tree", "/");
  assert.match(out, /├── home\n├── notes\n│ {3}├── README\.md\n│ {3}└── todo\.txt\n└── poem\.txt\n\n2 directories, 3 files\n/);
});

test("the echo REPL answers lines typed into stdin while it runs", async () => {
  await runProgram("example:echo_lines", "", { wait: false });
  await waitForTerminal("> ");
  assert.equal(await page.textContent("#run-state"), "Running echo_lines.wasm");
  assert.equal(await page.isDisabled("#run"), true);
  assert.equal(await page.isEnabled("#stop"), true);
  // Run put the focus in stdin: typing goes straight to the program.
  assert.equal(await page.evaluate(() => document.activeElement?.id), "stdin");
  const runs = await runsDone();
  await page.keyboard.type("hello");
  await page.keyboard.press("Enter");
  await waitForTerminal("echo 1: hello\n> ");
  await page.fill("#stdin", "wasi web");
  await page.click("#stdin-form button[type=submit]");
  await waitForTerminal("echo 2: wasi web\n> ");
  await page.focus("#stdin");
  await page.keyboard.press("Control+D");
  await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs) > n, runs);
  const out = await terminalText();
  assert.match(out, /> hello\necho 1: hello\n> wasi web\necho 2: wasi web\n> /);
  assert.match(out, /bye after 2 lines\n/);
  assert.match(out, /echo_lines\.wasm exited with code 0/);
  // What was typed is echoed in its own style.
  assert.deepEqual(await page.locator("#terminal-output .t-stdin").allTextContents(), ["hello\n", "wasi web\n"]);
});

test("the terminal emulator shows ANSI colours and cursor control, and typing into it goes to stdin", async () => {
  await page.click('#file-tree [data-path="/"]');
  await page.setInputFiles("#upload-input", {
    name: "ansi.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("\x1b[32mgreen\x1b[0m plain abc\rX\n"),
  });
  await page.waitForSelector('#file-tree [data-path="/ansi.txt"]');
  await runProgram("example:cat", "ansi.txt");
  const screen = await page.evaluate(() => /** @type {any} */ (window).playground.screenText());
  // The carriage return moved the cursor back: X overwrote the first cell.
  assert.match(screen, /^Xreen plain abc$/m);
  assert.doesNotMatch(screen, /\x1b|\[32m/);
  const cell = await page.evaluate(() => {
    const buffer = /** @type {any} */ (window).playground.xterm.buffer.active;
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      if (line.translateToString(true).startsWith("Xreen")) {
        const c = line.getCell(1);
        return { fg: c.getFgColor(), palette: c.isFgPalette(), plainFg: line.getCell(7).isFgDefault() };
      }
    }
    return null;
  });
  assert.deepEqual(cell, { fg: 2, palette: true, plainFg: true });
  // The aria-live mirror has the text without escape sequences.
  assert.match(await terminalText(), /green plain abc\rX\n/);
  // Typing into the emulator: a line discipline with local echo; Enter sends the line.
  await runProgram("example:echo_lines", "", { wait: false });
  await waitForTerminal("> ");
  const runs = await runsDone();
  await page.click("#xterm");
  await page.keyboard.type("typx");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("ed");
  await page.keyboard.press("Enter");
  await waitForTerminal("echo 1: typed\n> ");
  assert.match(await page.evaluate(() => /** @type {any} */ (window).playground.screenText()), /^> typed\necho 1: typed\n> $/m);
  await page.keyboard.press("Control+D");
  await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs) > n, runs);
  assert.match(await terminalText(), /bye after 1 lines?\n/);
});

test("Stop ends a running program, and the next run works", async () => {
  await runProgram("example:sleepy", "60000", { wait: false });
  await waitForTerminal("start\n");
  const runs = await runsDone();
  await page.click("#stop");
  await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs) > n, runs);
  assert.match(await terminalText(), /\[stopped after \d+ ms/);
  assert.equal(await page.textContent("#run-state"), "sleepy.wasm was stopped");
  assert.match(await runProgram("example:hello", ""), /Hello from WASI!/);
  // Ctrl+C in stdin interrupts it, as in a terminal: it ends in its sleep, its files kept.
  await runProgram("example:sleepy", "60000", { wait: false });
  await waitForTerminal("start\n");
  const again = await runsDone();
  await page.focus("#stdin");
  await page.keyboard.press("Control+C");
  await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs) > n, again);
  assert.equal(await page.textContent("#run-state"), "sleepy.wasm was interrupted");
});

test("an uploaded file goes through grep into a file that downloads", async () => {
  await page.click('#file-tree [data-path="/"]');
  await page.setInputFiles("#upload-input", {
    name: "animals.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("cat\ndog\nCatfish\nbird\nconcatenate\n"),
  });
  await page.waitForSelector('#file-tree [data-path="/animals.txt"]');
  const out = await runProgram("example:grep", "-i cat animals.txt > cats.txt");
  assert.match(out, /\(stdout: 24 bytes written to \/cats\.txt\)/);
  await page.click('#file-tree [data-path="/cats.txt"]');
  assert.equal(await page.inputValue("#editor-text"), "cat\nCatfish\nconcatenate\n");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-file")]);
  assert.equal(download.suggestedFilename(), "cats.txt");
  const saved = await download.path();
  assert.equal(fs.readFileSync(saved, "utf8"), "cat\nCatfish\nconcatenate\n");
  // cat reads the same file back through a < redirection.
  assert.match(await runProgram("example:cat", "< cats.txt"), /\ncat\nCatfish\nconcatenate\n/);
});

test("archives: an uploaded .zip and .tar.gz unpack into the files; Download all gives the tree as a .zip", async () => {
  await page.click('#file-tree [data-path="/"]');
  const zip = zipSync({
    "proj/": new Uint8Array(0),
    "proj/a.txt": Buffer.from("alpha from zip\n"),
    "proj/sub/b.txt": Buffer.from("beta\n"),
  });
  await page.setInputFiles("#upload-input", { name: "proj.zip", mimeType: "application/zip", buffer: Buffer.from(zip) });
  await page.waitForSelector('#file-tree [data-path="/proj/sub/b.txt"]');
  assert.match(await runProgram("example:cat", "/proj/a.txt"), /alpha from zip\n/);
  assert.match(await runProgram("example:tree", "/proj"), /├── a\.txt\n└── sub\n {4}└── b\.txt\n/);
  // A .tar.gz made by tar(1).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "www-tar-"));
  fs.mkdirSync(path.join(dir, "tarred/deep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tarred/deep/c.txt"), "gamma from tar\n");
  execFileSync("tar", ["czf", path.join(dir, "t.tar.gz"), "-C", dir, "tarred"]);
  await page.click('#file-tree [data-path="/"]');
  await page.setInputFiles("#upload-input", {
    name: "t.tar.gz",
    mimeType: "application/gzip",
    buffer: fs.readFileSync(path.join(dir, "t.tar.gz")),
  });
  await page.waitForSelector('#file-tree [data-path="/tarred/deep/c.txt"]');
  assert.match(await runProgram("example:cat", "tarred/deep/c.txt"), /gamma from tar\n/);
  fs.rmSync(dir, { recursive: true, force: true });
  // The whole tree as a zip.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-zip")]);
  assert.equal(download.suggestedFilename(), "files.zip");
  const entries = unzipSync(fs.readFileSync(await download.path()));
  assert.equal(Buffer.from(entries["proj/a.txt"]).toString(), "alpha from zip\n");
  assert.equal(Buffer.from(entries["tarred/deep/c.txt"]).toString(), "gamma from tar\n");
  assert.match(Buffer.from(entries["poem.txt"]).toString(), /Two roads diverged/);
  assert.ok("proj/sub/" in entries);
  // Clean up for the tests after this one.
  for (const p of ["/proj", "/tarred"]) {
    await page.click(`#file-tree [data-path="${p}"]`);
    await page.click("#delete-entry");
  }
});

test("files can be created, edited, used by a program and deleted", async () => {
  await page.click('#file-tree [data-path="/notes"]');
  await page.click("#new-file");
  assert.equal(await page.inputValue("#create-path"), "/notes/");
  await page.fill("#create-path", "/notes/new.txt");
  await page.press("#create-path", "Enter");
  await page.waitForSelector('#file-tree [data-path="/notes/new.txt"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), "editor-text");
  await page.keyboard.type("written in the editor\n");
  await page.keyboard.press("Control+S");
  assert.equal(await page.textContent("#editor-state"), "Saved");
  assert.match(await runProgram("example:cat", "notes/new.txt"), /\nwritten in the editor\n/);
  // Unsaved edits are saved by Run.
  await page.click('#file-tree [data-path="/notes/new.txt"]');
  await page.fill("#editor-text", "changed\n");
  assert.match(await runProgram("example:cat", "/notes/new.txt"), /\nchanged\n/);
  await page.click('#file-tree [data-path="/notes/new.txt"]');
  await page.click("#delete-entry");
  await page.waitForSelector('#file-tree [data-path="/notes/new.txt"]', { state: "detached" });
  assert.match(await runProgram("example:cat", "/notes/new.txt"), /exited with code 1/);
});

test("bad files get clear errors: not wasm, a trap", async () => {
  await page.setInputFiles("#wasm-input", { name: "notes.wasm", mimeType: "application/wasm", buffer: Buffer.from("just some text\n") });
  await page.waitForSelector("#program-error:not([hidden])");
  assert.match((await page.textContent("#program-error")) ?? "", /Cannot run notes\.wasm: not a WebAssembly binary/);

  // It was not added to the menu.
  assert.equal(await page.locator("#your-programs option").count(), 0);

  const trap = guest({ strings: { out: "about to trap\n" }, start: "(call $print (i32.const 1) $str:out $len:out) unreachable" });
  await page.setInputFiles("#wasm-input", { name: "trap.wasm", mimeType: "application/wasm", buffer: Buffer.from(trap) });
  await page.waitForSelector("#program-error", { state: "hidden" });
  assert.equal(await page.inputValue("#program-select"), "file:0");
  const out = await runProgram("file:0", "");
  assert.match(out, /about to trap\n/);
  assert.match(out, /\[trap: trap\.wasm trapped: unreachable/);
  assert.equal(await page.textContent("#run-state"), "trap.wasm trapped (a WebAssembly runtime error)");
});

test("a .wasm dropped on the Program panel runs; files dropped on Files are uploaded", async () => {
  // Uploads go to the selected folder.
  await page.click('#file-tree [data-path="/"]');
  await page.evaluate(async () => {
    /** @param {string} target @param {File} file */
    const drop = (target, file) => {
      const data = new DataTransfer();
      data.items.add(file);
      document.getElementById(target)?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    };
    const hello = await (await fetch("examples/hello.wasm")).arrayBuffer();
    drop("program", new File([hello], "dropped.wasm"));
    drop("files", new File(["dropped text\n"], "dropped.txt"));
  });
  await page.waitForFunction(() => document.getElementById("program-select")?.selectedOptions[0]?.textContent?.startsWith("dropped.wasm"));
  await page.waitForSelector('#file-tree [data-path="/dropped.txt"]');
  const out = await runProgram(await page.inputValue("#program-select"), "from a drop");
  assert.match(out, /Hello from WASI!\nargv\[1\] = from\nargv\[2\] = a\nargv\[3\] = drop\n/);
  assert.match(await runProgram("example:cat", "dropped.txt"), /\ndropped text\n/);
});

test("the component example runs through jco: args, env, files, stdin typed while it runs, exit code", async () => {
  await page.selectOption("#program-select", "component:hello");
  // With JSPI a component reads stdin as a core module does.
  assert.doesNotMatch((await page.textContent("#stdin-hint")) ?? "", /Components run synchronously/);
  await page.fill("#env", "LANG=C.UTF-8\nHOME=/home/p2");
  const out = await runComponent("component:hello", "/poem.txt", "typed while it runs", { after: "entry: from-p2.txt\n" });
  await page.fill("#env", "LANG=C.UTF-8");
  assert.match(out, /\$ hello\.wasm \/poem\.txt\nhello from a component\n/);
  assert.match(out, /args: \["hello\.wasm", "\/poem\.txt"\]\nHOME=Some\("\/home\/p2"\)\n/);
  assert.match(out, /read: The Road Not Taken \(first stanza\), Robert Frost\n/);
  assert.match(out, /entry: from-p2\.txt\n/);
  // The line typed, then the component's answer.
  assert.match(out, /entry: from-p2\.txt\ntyped while it runs\nstdin: typed while it runs\n/);
  assert.match(out, /hello\.wasm exited with code 1/);
  assert.deepEqual(await page.locator("#terminal-output .t-stderr").allTextContents(), ["to stderr\n"]);
  assert.equal(await page.textContent("#run-state"), "hello.wasm exited with code 1");
  assert.equal(await page.inputValue("#stdin"), "");
  // What it wrote is in the Files; a core module reads it back.
  await page.waitForSelector('#file-tree [data-path="/data/from-p2.txt"]');
  assert.match(await runProgram("example:cat", "/data/from-p2.txt"), /\nwritten by p2\n/);
  // Empty stdin (Ctrl+D), stdout redirected to a file.
  const again = await runComponent("component:hello", "/data/from-p2.txt > /data/out.txt", null);
  assert.match(again, /\(stdout: \d+ bytes written to \/data\/out\.txt\)/);
  assert.match(again, /exited with code 1/);
  assert.match(await runProgram("example:cat", "/data/out.txt"), /read: written by p2\n[^]*stdin: \n/);
});

test("a component dropped on the Program panel runs; a broken one gets an error", async () => {
  await page.evaluate(async () => {
    const data = new DataTransfer();
    const hello = await (await fetch("examples/p2/hello.wasm")).arrayBuffer();
    data.items.add(new File([hello], "comp.wasm"));
    document.getElementById("program")?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() =>
    document.getElementById("program-select")?.selectedOptions[0]?.textContent?.startsWith("comp.wasm (component"),
  );
  assert.match((await page.textContent("#program-description")) ?? "", /a WASI 0\.2 component/);
  const out = await runComponent(await page.inputValue("#program-select"), "/notes/todo.txt", "from the drop");
  assert.match(out, /args: \["comp\.wasm", "\/notes\/todo\.txt"\]\n[^]*read: try grep -c on the poem\n[^]*stdin: from the drop\n/);
  assert.match(out, /comp\.wasm exited with code 1/);

  const broken = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0xff]);
  await page.setInputFiles("#wasm-input", { name: "broken.wasm", mimeType: "application/wasm", buffer: broken });
  await page.waitForFunction(() => document.getElementById("program-select")?.selectedOptions[0]?.textContent?.startsWith("broken.wasm"));
  const failed = await runProgram(await page.inputValue("#program-select"), "");
  assert.match(failed, /\[cannot run broken\.wasm: jco could not transpile it: /);
  assert.equal(await page.textContent("#run-state"), "Cannot run broken.wasm");
  // Core modules still run after components.
  assert.match(await runProgram("example:hello", "still"), /Hello from WASI!\nargv\[1\] = still\n/);
});

test("a WASI 0.3 component opened on the Program panel runs on the 0.3 host", async () => {
  const hello = fs.readFileSync(p3Guest("hello"));
  await page.setInputFiles("#wasm-input", { name: "hello3.wasm", mimeType: "application/wasm", buffer: hello });
  await page.waitForFunction(() =>
    document.getElementById("program-select")?.selectedOptions[0]?.textContent?.startsWith("hello3.wasm (component"),
  );
  assert.match((await page.textContent("#program-description")) ?? "", /a WASI 0\.3 component/);
  const out = await runProgram(await page.inputValue("#program-select"), "");
  // 0.3 stdout (write-via-stream) and Rust std's 0.2 stdout, in order, then 0.3 stderr.
  assert.match(out, /hello from wasi 0\.3\nand from std \(0\.2\)\nto stderr\n/);
  assert.match(out, /hello3\.wasm exited with code 0/);
});

test("a share link restores the example, its arguments and environment", async () => {
  await page.selectOption("#program-select", "example:grep");
  await page.fill("#args", "-c 'the road' poem.txt");
  await page.fill("#env", "LANG=C.UTF-8\nGREETING=hi there");
  await page.click("#share");
  const url = await page.inputValue("#share-url");
  assert.match(url, /#program=example%3Agrep&args=/);
  const other = await browser.newPage();
  watch(other);
  await open(other, url);
  assert.equal(await other.inputValue("#program-select"), "example:grep");
  assert.equal(await other.inputValue("#args"), "-c 'the road' poem.txt");
  assert.equal(await other.inputValue("#env"), "LANG=C.UTF-8\nGREETING=hi there");
  // A fresh page fetches the example: the download progress shows while it loads.
  await other.evaluate(() => {
    const seen = /** @type {string[]} */ (/** @type {any} */ (window).seenStates = []);
    const el = /** @type {HTMLElement} */ (document.getElementById("run-state"));
    new MutationObserver(() => seen.push(el.textContent ?? "")).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await other.click("#run");
  await other.waitForFunction(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > 0);
  const states = await other.evaluate(() => /** @type {any} */ (window).seenStates);
  assert.ok(
    states.some((/** @type {string} */ t) => /^Downloading grep\.wasm… \d+ kB/.test(t)),
    states.join(" | "),
  );
  assert.match((await other.textContent("#terminal-output")) ?? "", /\$ grep\.wasm -c 'the road' poem\.txt\n\d+\n/);
  assert.equal(await other.isHidden("#load-progress"), true);
  await other.close();
  await page.fill("#env", "LANG=C.UTF-8");
});

test("bad arguments and environment lines are reported, not run", async () => {
  await page.selectOption("#program-select", "example:hello");
  await page.fill("#args", "'unclosed");
  await page.click("#run");
  assert.match((await page.textContent("#settings-error")) ?? "", /Arguments: unclosed ' quote/);
  await page.fill("#args", "x");
  await page.fill("#env", "GOOD=1\nnot a variable");
  await page.click("#run");
  assert.match((await page.textContent("#settings-error")) ?? "", /Environment: line 2/);
  await page.fill("#env", "LANG=C.UTF-8");
  assert.match(await runProgram("example:hello", "x"), /argv\[1\] = x/);
  assert.equal(await page.isHidden("#settings-error"), true);
});

test("screenshots at desktop and phone widths, light and dark", async () => {
  const sizes = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
  for (const [name, viewport] of Object.entries(sizes)) {
    for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
      const p = await browser.newPage({ viewport, colorScheme, deviceScaleFactor: name === "phone" ? 2 : 1 });
      watch(p);
      await open(p, server.pageUrl);
      await runProgram("example:echo_lines", "", { wait: false, p });
      await waitForTerminal("> ", p);
      await p.fill("#stdin", "hi there");
      await p.press("#stdin", "Enter");
      await waitForTerminal("echo 1: hi there\n> ", p);
      await p.click('#file-tree [data-path="/poem.txt"]');
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: path.join(SHOTS, `${name}-${colorScheme}.png`), fullPage: true });
      // Nothing may stick out sideways at this width.
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${name} ${colorScheme}: the page scrolls sideways by ${overflow}px`);
      await p.close();
    }
  }
});

test("the Vite build is a static folder that works under any prefix", async () => {
  const files = ["index.html", "examples/hello.wasm", "examples/grep.wasm", "examples/p2/hello.wasm"];
  for (const file of files) {
    assert.ok(fs.existsSync(path.join(BUILT, file)), `${file} is in the build`);
  }
  const assets = fs.readdirSync(path.join(BUILT, "assets"));
  assert.ok(
    assets.some((name) => /^wasi_web_bg-[\w-]+\.wasm$/.test(name)),
    `the core's .wasm is an asset: ${assets.join(" ")}`,
  );
  const html = fs.readFileSync(path.join(BUILT, "index.html"), "utf8");
  assert.doesNotMatch(html, /importmap|node_modules|"\/(assets|app)\//, "no import map; only relative URLs");
  const dist = await startPlaygroundServer({ root: path.dirname(BUILT) });
  const p = await browser.newPage();
  watch(p);
  try {
    // Under a prefix, as on a static host: everything is found relative to the page.
    await open(p, `${dist.url}/dist/`);
    assert.match(await runProgram("example:hello", "built", { p }), /Hello from WASI!\nargv\[1\] = built\n/);
    // A component: jco (bundled by Vite) transpiles it in the page.
    const out = await runComponent("component:hello", "/poem.txt", null, { p });
    assert.match(out, /hello from a component\n[^]*read: The Road Not Taken/);
    assert.match(out, /exited with code 1/);
  } finally {
    await p.close();
    await dist.close();
  }
});

test("a Run's changes to /home (the OPFS mount) are stored in OPFS and there after a reload", async () => {
  const stored = (name) =>
    page.evaluate(async (name) => {
      const home = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
      return home
        .getFileHandle(name)
        .then(async (handle) => (await handle.getFile()).text())
        .catch(() => null);
    }, name);
  // The program runs in the worker on a copy; what it changed comes back into the mount.
  assert.match(await runProgram("example:grep", "-c And poem.txt > /home/count.txt"), /exited with code 0/);
  await page.waitForSelector('#file-tree [data-path="/home/count.txt"]');
  await page.waitForFunction(async () => {
    const home = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
    const handle = await home.getFileHandle("count.txt").catch(() => null);
    return handle !== null && (await (await handle.getFile()).text()) === "3\n";
  });
  assert.equal(await stored("count.txt"), "3\n");
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  await page.waitForSelector('#file-tree [data-path="/home/count.txt"]');
  assert.match(await runProgram("example:cat", "/home/count.txt"), /\n3\n/);
  // Reset empties it, in OPFS too.
  await page.click("#reset-files");
  await page.waitForSelector('#file-tree [data-path="/home/count.txt"]', { state: "detached" });
  await page.waitForFunction(async () => {
    const home = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
    return home.getFileHandle("count.txt").then(
      () => false,
      () => true,
    );
  });
});

test("the page logged no errors", () => {
  assert.deepEqual(pageErrors, []);
});
