// The playground's shell (www/app/shell.js): its parsing anywhere, and its
// commands, which run on pipeline(), where JSPI is (Node 24; scripts/test.sh
// runs this file under Node 20 and Node 24).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { MemFS } from "../../js/index.js";
import { parse, Shell, tokenize } from "../../www/app/shell.js";
import { GUESTS } from "./helpers/corpus.js";
import { requireFile } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const guest = (name) =>
  fs.readFileSync(requireFile(path.join(GUESTS, `${name}.wasm`), "run bash tests/guests/build.sh (scripts/build.sh runs it)"));

test("command lines parse as sh's: quotes, $?, pipes, redirections, &&", () => {
  assert.deepEqual(tokenize(`a 'b c' "d $? e" f\\ g 2>err x2>y`, 7), [
    { word: "a" },
    { word: "b c" },
    { word: "d 7 e" },
    { word: "f g" },
    { op: "2>" },
    { word: "err" },
    { word: "x2" },
    { op: ">" },
    { word: "y" },
  ]);
  const stage = (words, more = {}) => ({ words, stdin: null, stdout: null, append: false, stderr: null, ...more });
  assert.deepEqual(parse("cat < in.txt | grep x >> out.txt && echo ok"), [
    [stage(["cat"], { stdin: "in.txt" }), stage(["grep", "x"], { stdout: "out.txt", append: true })],
    [stage(["echo", "ok"])],
  ]);
  assert.deepEqual(parse("   "), []);
  for (const bad of ["| a", "a |", "a >", "a && && b", "'open"])
    assert.throws(() => parse(bad), /syntax error|needs a file|unterminated/, bad);
});

describe(`the shell's commands in Node ${process.version}`, () => {
  /** A shell on a fresh MemFS whose bundled programs are the test guests; `out` collects what it prints. */
  function shell() {
    const memfs = new MemFS();
    const printed = { 1: "", 2: "" };
    const bundled = { cat: "cat", grep: "grep", wc: "c_wc", yes: "c_yes", head: "c_head", trap: "c_trap" };
    const sh = new Shell({
      fs: () => memfs,
      bundled: async (name) => (name in bundled ? guest(bundled[name]) : null),
      output: (fd, chunk) => (printed[fd] += new TextDecoder().decode(chunk)),
    });
    return { sh, memfs, printed };
  }

  if (!HAS_JSPI) {
    test("without JSPI a program is refused with pipeline()'s clear error; built-ins still work", async () => {
      const { sh, printed } = shell();
      assert.equal(await sh.execute("cat"), 1);
      assert.match(printed[2], /pipeline\(\) needs JSPI/);
      assert.equal(await sh.execute("echo hi"), 0);
      assert.equal(printed[1], "hi\n");
    });
    return;
  }

  test("a pipe of three programs, redirections and statuses", async () => {
    const { sh, memfs, printed } = shell();
    memfs.writeFile("/big.txt", "ax\nb\ncx\n".repeat(30_000));
    assert.equal(await sh.execute("cat big.txt | grep x | wc -l"), 0);
    assert.equal(printed[1], "60000\n");
    assert.equal(await sh.execute("grep b < big.txt | wc -l > count.txt && echo saved $?"), 0);
    assert.equal(memfs.readFile("/count.txt", "utf8"), "30000\n");
    assert.match(printed[1], /saved 0\n$/);
    assert.equal(await sh.execute("yes | head -n 2 >> count.txt"), 0);
    assert.equal(memfs.readFile("/count.txt", "utf8"), "30000\ny\ny\n");
    assert.equal(await sh.execute("grep nothing-like-this big.txt && echo not printed"), 1);
    assert.doesNotMatch(printed[1], /not printed/);
    assert.equal(await sh.execute("echo $?"), 0);
    assert.match(printed[1], /\n1\n$/);
    assert.equal(await sh.execute("nosuch | wc"), 127);
    assert.match(printed[2], /nosuch: command not found/);
    assert.equal(await sh.execute("trap"), 134);
    assert.equal(await sh.execute("cat missing.txt 2> err.txt"), 1);
    assert.match(memfs.readFile("/err.txt", "utf8"), /cat: missing\.txt/);
  });

  test("a .wasm in the Files runs by name, before a bundled one; ls lists the Files", async () => {
    const { sh, memfs, printed } = shell();
    memfs.mkdir("/bin");
    memfs.writeFile("/grep.wasm", guest("c_wc"));
    memfs.writeFile("/bin/hello.wasm", guest("hello"));
    memfs.writeFile("/in.txt", "one two\n");
    assert.equal(await sh.execute("grep -w < in.txt"), 0);
    assert.equal(printed[1], "2\n");
    assert.equal(await sh.execute("bin/hello.wasm there"), 0);
    assert.match(printed[1], /there/);
    assert.equal(await sh.execute("ls"), 0);
    assert.match(printed[1], /bin\/\ngrep\.wasm\nin\.txt\n$/);
  });
});

// The shell in the playground's terminal, as a user types it. The page is
// built by Vite into a folder of its own (www-playground.test.js builds another).
describe("the playground's shell in Chromium", () => {
  test("typed pipes of three programs, an uploaded .wasm run by name, and sh's statuses", async (t) => {
    const { execFileSync } = await import("node:child_process");
    const { launchChromium } = await import("../../js/node/chromium.js");
    const { startPlaygroundServer } = await import("../../www/tools/serve.js");
    const { REPO } = await import("./helpers/corpus.js");
    const built = path.join(REPO, "test-output", "www-shell", "dist");
    execFileSync(
      path.join(REPO, "node_modules/.bin/vite"),
      ["build", "--config", path.join(REPO, "www/vite.config.js"), "--outDir", built, "--logLevel", "error"],
      { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] },
    );
    const server = await startPlaygroundServer({ root: built });
    const browser = await launchChromium();
    t.after(async () => {
      await browser.close();
      await server.close();
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.pageUrl);
    await page.waitForSelector("html[data-ready]");
    await page.click('#file-tree [data-path="/"]');
    await page.setInputFiles("#upload-input", [
      { name: "wc.wasm", mimeType: "application/wasm", buffer: guest("c_wc") },
      { name: "yes.wasm", mimeType: "application/wasm", buffer: guest("c_yes") },
      { name: "head.wasm", mimeType: "application/wasm", buffer: guest("c_head") },
      { name: "big.txt", mimeType: "text/plain", buffer: Buffer.from("ax\nb\ncx\n".repeat(20_000)) },
    ]);
    await page.waitForSelector('#file-tree [data-path="/big.txt"]');
    const runs = () => page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    /** Types a command line and waits for it to end; returns the terminal's text. */
    const command = async (line) => {
      const before = await runs();
      await page.click("#xterm");
      await page.keyboard.type(line);
      await page.keyboard.press("Enter");
      await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
      return page.evaluate(() => /** @type {any} */ (window).playground.screenText());
    };
    // cat and grep are bundled examples, wc the uploaded wc.wasm.
    assert.match(await command("cat big.txt | grep x | wc -l"), /^\$ cat big\.txt \| grep x \| wc -l\n40000\n\$ $/m);
    // No SIGPIPE in WASI: yes sees EPIPE and says so.
    assert.match(await command("yes | head -n 1 && echo status $?"), /\ny\nyes: Broken pipe\nstatus 0\n\$ $/);
    await command("grep zzz big.txt > none.txt");
    assert.match(await command("echo $?"), /\n1\n\$ $/);
    assert.match(await command("nosuch"), /nosuch: command not found\n\$ $/);
    assert.match(await command("echo $?"), /\n127\n\$ $/);
    // A program that never ends: the page stays responsive (the terminal holds yes back), and Ctrl+C stops it.
    const before = await runs();
    await page.click("#xterm");
    await page.keyboard.type("yes");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /^y$/m.test(/** @type {any} */ (window).playground.screenText()));
    await page.keyboard.press("Control+C");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    assert.match(await command("echo $?"), /\^C\n\$ echo \$\?\n130\n\$ $/);
    // The Files persist (OPFS): a file the shell wrote is there after a reload; Reset clears them.
    await command("echo kept across reloads > kept.txt");
    const saved = (name, present) =>
      page.waitForFunction(
        async ([name, present]) => {
          const root = await navigator.storage.getDirectory();
          // Read while it is being rewritten, the file may fail to read: then try again.
          const text = await root
            .getFileHandle("wasi-web-playground-files.bin")
            .then(async (handle) => (await handle.getFile()).text())
            .catch(() => null);
          return text !== null && text.includes(name) === present;
        },
        [name, present],
      );
    await saved("/kept.txt", true);
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    await page.waitForSelector('#file-tree [data-path="/kept.txt"]');
    assert.match(await command("cat kept.txt | wc -c"), /\n20\n\$ $/);
    await page.click("#reset-files");
    await saved("/kept.txt", false);
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    assert.equal(await page.locator('#file-tree [data-path="/kept.txt"]').count(), 0);
    assert.equal(await page.locator('#file-tree [data-path="/wc.wasm"]').count(), 0);
    assert.equal(await page.locator('#file-tree [data-path="/poem.txt"]').count(), 1);
    // A share link carries small files: opened in a fresh browser context (no saved files), they are there.
    await command("echo shared > shared.txt");
    await page.click("#share");
    const url = await page.locator("#share-url").inputValue();
    assert.match(url, /[#&]files=[\w-]+/);
    const other = await browser.newPage();
    other.on("pageerror", (e) => errors.push(e.message));
    await other.goto(url);
    await other.waitForSelector("html[data-ready]");
    await other.waitForSelector('#file-tree [data-path="/shared.txt"]');
    // …with their content, and saved for that visitor's next visit.
    await other.waitForFunction(async () => {
      const root = await navigator.storage.getDirectory();
      const text = await root
        .getFileHandle("wasi-web-playground-files.bin")
        .then(async (handle) => (await handle.getFile()).text())
        .catch(() => null);
      return text !== null && text.includes("shared\n");
    });
    assert.deepEqual(errors, []);
  });
});
