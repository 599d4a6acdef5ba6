// The playground's shell (www/app/shell.js): its parsing anywhere, and its
// commands, which run on pipeline(), where JSPI is (Node 24; scripts/test.sh
// runs this file under Node 20 and Node 24).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { MemFS } from "../../js/index.js";
import { parse, Shell, tokenize } from "../../www/app/shell.js";
import { GUESTS } from "./helpers/corpus.js";
import { p2Guest, p3Guest, requireFile } from "./helpers/prereq.js";

const HAS_JSPI = typeof WebAssembly.Suspending === "function";
const guest = (name) =>
  fs.readFileSync(requireFile(path.join(GUESTS, `${name}.wasm`), "run bash tests/guests/build.sh (scripts/build.sh runs it)"));

test("command lines parse as sh's: quotes, $?, pipes, redirections, &&", () => {
  assert.deepEqual(tokenize(`a 'b c' "d $? e" f\\ g 2>err x2>y`, 7), [
    { word: "a" },
    { word: "b c" },
    { word: "d 7 e" },
    { word: "f g" },
    { op: "2>", at: 22 },
    { word: "err" },
    { word: "x2" },
    { op: ">", at: 30 },
    { word: "y" },
  ]);
  const stage = (words, more = {}) => ({ words, stdin: null, stdout: null, append: false, stderr: null, ...more });
  assert.deepEqual(parse("cat < in.txt | grep x >> out.txt && echo ok"), [
    {
      op: ";",
      pipe: [stage(["cat"], { stdin: "in.txt" }), stage(["grep", "x"], { stdout: "out.txt", append: true })],
      source: "cat < in.txt | grep x >> out.txt ",
    },
    { op: "&&", pipe: [stage(["echo", "ok"])], source: " echo ok" },
  ]);
  // ; and ||, as sh's lists; a line may end with ";"; quoted, they are words.
  assert.deepEqual(
    parse("a;b || c && d ; e ';' \\;").map(({ op, pipe }) => [op, pipe.map((s) => s.words)]),
    [
      [";", [["a"]]],
      [";", [["b"]]],
      ["||", [["c"]]],
      ["&&", [["d"]]],
      [";", [["e", ";", ";"]]],
    ],
  );
  assert.deepEqual(
    parse("echo ~;").map(({ pipe }) => pipe[0].words),
    [["echo", "~"]],
  );
  assert.deepEqual(parse("   "), []);
  for (const bad of ["| a", "a |", "a >", "a && && b", "'open", "; a", "a ;;", "a || ", "a && ;", "a | ; b", "a ; > x"])
    assert.throws(() => parse(bad), /syntax error|needs a file|unterminated/, bad);
});

test("typed-line histories are kept bounded: lines, line length, lists (least recently changed goes)", async () => {
  const { loadHistory, saveHistory, HISTORY_KEY, HISTORY_LINES, HISTORY_LINE_CHARS, HISTORY_LISTS } =
    await import("../../www/app/persist.js");
  const map = new Map();
  const store = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  assert.deepEqual(loadHistory("shell", store), []);
  const lines = Array.from({ length: HISTORY_LINES + 5 }, (_, i) => `line ${i}`);
  lines.push("x".repeat(HISTORY_LINE_CHARS + 1));
  saveHistory("shell", lines, store);
  const kept = loadHistory("shell", store);
  assert.equal(kept.length, HISTORY_LINES);
  assert.equal(kept[0], "line 5");
  assert.equal(kept.at(-1), `line ${HISTORY_LINES + 4}`);
  // A new array: the line discipline pushes to it.
  kept.push("more");
  assert.equal(loadHistory("shell", store).length, HISTORY_LINES);
  for (let i = 0; i < HISTORY_LISTS; i++) saveHistory(`example:${i}`, [`p${i}`], store);
  assert.deepEqual(loadHistory("shell", store), [], "the least recently changed list went");
  assert.deepEqual(loadHistory("example:0", store), ["p0"]);
  assert.equal(JSON.parse(map.get(HISTORY_KEY)).length, HISTORY_LISTS);
  // Damaged or foreign data reads as empty; full or blocked storage is no error.
  map.set(HISTORY_KEY, "{not json");
  assert.deepEqual(loadHistory("example:0", store), []);
  map.set(HISTORY_KEY, JSON.stringify([["shell", [1, 2]], ["ok", ["a"]], "junk"]));
  assert.deepEqual(loadHistory("shell", store), []);
  assert.deepEqual(loadHistory("ok", store), ["a"]);
  const full = {
    getItem: () => null,
    setItem: () => {
      throw new DOMException("full", "QuotaExceededError");
    },
  };
  assert.doesNotThrow(() => saveHistory("shell", ["a"], full));
  assert.doesNotThrow(() => saveHistory("shell", ["a"], null));
  assert.deepEqual(loadHistory("shell", null), []);
});

test("; runs the next pipeline anyway, && on success, || on failure; $? is each one's status as it runs", async () => {
  const memfs = new MemFS();
  const printed = { 1: "", 2: "" };
  const sh = new Shell({
    fs: () => memfs,
    bundled: async () => null,
    output: (fd, chunk) => (printed[fd] += new TextDecoder().decode(chunk)),
  });
  const run = async (line) => {
    const status = await sh.execute(line);
    const out = [status, printed[1], printed[2]];
    printed[1] = printed[2] = "";
    return out;
  };
  assert.deepEqual(await run("cd nope ; echo after $?"), [0, "after 1\n", "sh: cd: nope: No such file or directory\n"]);
  assert.deepEqual(await run("cd nope || echo failed $? && echo then $?"), [
    0,
    "failed 1\nthen 0\n",
    "sh: cd: nope: No such file or directory\n",
  ]);
  assert.deepEqual(await run("echo a || echo not run ; echo b $?"), [0, "a\nb 0\n", ""]);
  // A skipped pipeline leaves $? as it was: `false && x || y` runs y.
  assert.deepEqual(await run("cd nope 2> /dev-null.txt && echo no || echo status $?"), [0, "status 1\n", ""]);
  assert.deepEqual(await run("echo x && cd nope 2> e.txt ; echo end"), [0, "x\nend\n", ""]);
  assert.deepEqual(await run("mkdir d; cd d; pwd;"), [0, "/d\n", ""]);
  assert.deepEqual(await run("cd nope 2> e.txt"), [1, "", ""]);
  assert.deepEqual(await run(";"), [2, "", 'sh: syntax error near ";"\n']);
});

test("built-ins: cd, pwd, ls, mkdir, rm, echo and help, with sh's errors (status 1, a message on stderr)", async () => {
  const memfs = new MemFS();
  memfs.mkdir("/home/me/notes", { recursive: true });
  memfs.writeFile("/home/me/a.txt", "a\n");
  const printed = { 1: "", 2: "" };
  const sh = new Shell(
    { fs: () => memfs, bundled: async () => null, output: (fd, chunk) => (printed[fd] += new TextDecoder().decode(chunk)) },
    { home: "/home/me" },
  );
  /** Runs a line; returns [status, stdout, stderr] and clears them. */
  const run = async (line) => {
    const status = await sh.execute(line);
    const out = [status, printed[1], printed[2]];
    printed[1] = printed[2] = "";
    return out;
  };
  assert.deepEqual(await run("pwd"), [0, "/home/me\n", ""]);
  assert.equal(sh.displayCwd, "~");
  assert.deepEqual(await run("cd notes && pwd"), [0, "/home/me/notes\n", ""]);
  assert.equal(sh.displayCwd, "~/notes");
  assert.deepEqual(await run("mkdir x x/y && ls"), [0, "x/\n", ""]);
  assert.deepEqual(await run("cd x/y && cd ../.. && pwd"), [0, "/home/me/notes\n", ""]);
  assert.deepEqual(await run("cd"), [0, "", ""]);
  assert.equal(sh.cwd, "/home/me");
  assert.deepEqual(await run("cd -"), [0, "/home/me/notes\n", ""]);
  assert.deepEqual(await run("cd /"), [0, "", ""]);
  assert.deepEqual(await run("ls ~"), [0, "a.txt\nnotes/\n", ""]);
  assert.deepEqual(await run("cd ~/notes/nope"), [1, "", "sh: cd: /home/me/notes/nope: No such file or directory\n"]);
  assert.deepEqual(await run("cd ~/a.txt"), [1, "", "sh: cd: /home/me/a.txt: Not a directory\n"]);
  assert.deepEqual(await run("cd a b"), [1, "", "sh: cd: too many arguments\n"]);
  assert.equal(sh.cwd, "/");
  assert.deepEqual(await run("cd home/me"), [0, "", ""]);
  assert.deepEqual(await run("ls nope a.txt"), [1, "a.txt\n", "ls: nope: No such file or directory\n"]);
  assert.deepEqual(await run("mkdir notes"), [1, "", "mkdir: notes: File exists\n"]);
  assert.deepEqual(await run("mkdir q/r"), [1, "", "mkdir: q/r: No such file or directory\n"]);
  assert.deepEqual(await run("mkdir"), [1, "", "mkdir: missing operand\n"]);
  assert.deepEqual(await run("mkdir -p q/r && echo made"), [0, "made\n", ""]);
  assert.equal(memfs.stat("/home/me/q/r").isDirectory(), true);
  assert.deepEqual(await run("rm q"), [1, "", "rm: q: Is a directory\n"]);
  assert.deepEqual(await run("rm nope"), [1, "", "rm: nope: No such file or directory\n"]);
  assert.deepEqual(await run("rm"), [1, "", "rm: missing operand\n"]);
  assert.deepEqual(await run("rm -f nope && rm -r q a.txt && ls"), [0, "notes/\n", ""]);
  assert.deepEqual(await run("rm -z x"), [2, "", "rm: invalid option -- 'z'\n"]);
  assert.deepEqual(await run("rm -r /"), [1, "", "rm: refusing to remove '/'\n"]);
  assert.deepEqual(await run("echo ~ '~' ~/x a~"), [0, "/home/me ~ /home/me/x a~\n", ""]);
  assert.deepEqual(await run("echo $? > notes/s.txt"), [0, "", ""]);
  assert.equal(memfs.readFile("/home/me/notes/s.txt", "utf8"), "0\n");
  const [status, help] = await run("help");
  assert.equal(status, 0);
  assert.match(help, /cd \[dir\], pwd, echo, ls [^]*mkdir [^]*rm [^]*help/);
});

test("Tab: program names in a command's first word, file names elsewhere; one match completes, several are listed", () => {
  const memfs = new MemFS();
  memfs.mkdir("/home/sub dir", { recursive: true });
  memfs.mkdir("/home/src");
  memfs.writeFile("/home/mine.wasm", new Uint8Array(8));
  memfs.writeFile("/home/notes.txt", "");
  memfs.writeFile("/home/.hidden", "");
  memfs.writeFile("/home/src/main.c", "");
  const sh = new Shell(
    { fs: () => memfs, bundled: async () => null, programs: () => ["cat", "grep"], output: () => {} },
    { home: "/home" },
  );
  const complete = (line) => sh.complete(line, Array.from(line).length);
  assert.deepEqual(complete("gr"), { insert: "ep ", matches: ["grep"] });
  assert.deepEqual(complete("mi"), { insert: "ne ", matches: ["mine"] });
  assert.deepEqual(complete("c"), { insert: "", matches: ["cat", "cd"] });
  assert.deepEqual(complete("cat notes.txt | m"), { insert: "", matches: ["mine", "mkdir"] });
  assert.deepEqual(complete("cat n"), { insert: "otes.txt ", matches: ["notes.txt"] });
  assert.deepEqual(complete("cat s"), { insert: "", matches: ["src/", "sub dir/"] });
  assert.deepEqual(complete("cat su"), { insert: "b\\ dir/", matches: ["sub dir/"] });
  assert.deepEqual(complete("cat src/"), { insert: "main.c ", matches: ["main.c"] });
  assert.deepEqual(complete("cat ~/src/m"), { insert: "ain.c ", matches: ["main.c"] });
  assert.deepEqual(complete("cat ."), { insert: "hidden ", matches: [".hidden"] });
  assert.deepEqual(complete("cat nope/"), { insert: "", matches: [] });
  // In the middle of a line: the word before the cursor.
  assert.deepEqual(sh.complete("cat n > out.txt", 5), { insert: "otes.txt ", matches: ["notes.txt"] });
  sh.cwd = "/home/src";
  assert.deepEqual(complete("cat ../n"), { insert: "otes.txt ", matches: ["notes.txt"] });
  assert.deepEqual(complete("mi"), { insert: "ne ", matches: ["mine"] }, "~'s programs from anywhere");
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

  test("programs run in the shell's cwd: relative paths, .., absolute paths into folders", async () => {
    const { sh, memfs, printed } = shell();
    memfs.mkdir("/home/me/sub", { recursive: true });
    memfs.mkdir("/etc");
    memfs.writeFile("/etc/motd", "motd\n");
    memfs.writeFile("/home/me/a.txt", "a\n");
    memfs.writeFile("/home/me/sub/b.txt", "b\n");
    memfs.writeFile("/home/me/greet.wasm", guest("hello"));
    assert.equal(await sh.execute("cd /home/me/sub && cat b.txt ./b.txt ../a.txt ../sub/b.txt /etc/motd /home/me/a.txt"), 0);
    assert.equal(printed[1], "b\nb\na\nb\nmotd\na\n");
    printed[1] = "";
    // The cwd's own folder wins over a root folder of the same name.
    memfs.mkdir("/home/me/sub/etc");
    memfs.writeFile("/home/me/sub/etc/motd", "mine\n");
    assert.equal(await sh.execute("cat etc/motd > out.txt && cat out.txt"), 0);
    assert.equal(printed[1], "mine\n");
    assert.equal(memfs.readFile("/home/me/sub/out.txt", "utf8"), "mine\n");
    printed[1] = "";
    // What a program cannot reach from here is said (help explains why).
    assert.equal(printed[2], "");
    await sh.execute("cat /etc/motd /home/me/a.txt /poem.txt");
    assert.equal(printed[2].match(/^sh: note: .*$/gm)?.join("\n"), "sh: note: /etc/motd is out of a program's reach from here (see help)");
    printed[1] = printed[2] = "";
    // A program writes in the cwd; a .wasm in the cwd runs by name.
    assert.equal(await sh.execute("cd .. && grep a a.txt > found.txt && greet there"), 0);
    assert.equal(memfs.readFile("/home/me/found.txt", "utf8"), "a\n");
    assert.match(printed[1], /there/);
  });

  test("a pipe's first program reads the host's stdin (typed) unless it has <; a built-in can start a pipe", async () => {
    const { StdinQueue } = await import("../../js/index.js");
    const memfs = new MemFS();
    const printed = { 1: "", 2: "" };
    let queue = null;
    const sh = new Shell({
      fs: () => memfs,
      bundled: async (name) => (name === "cat" ? guest("cat") : name === "wc" ? guest("c_wc") : null),
      stdin: () => (queue = new StdinQueue()),
      output: (fd, chunk) => (printed[fd] += new TextDecoder().decode(chunk)),
    });
    const running = sh.execute("cat | wc -l");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.ok(queue, "the first program's stdin was asked for");
    queue.push("one\n");
    queue.push("two\nthree\n");
    queue.end();
    assert.equal(await running, 0);
    assert.equal(printed[1], "3\n");
    queue = null;
    memfs.writeFile("/in.txt", "x\n");
    assert.equal(await sh.execute("wc -l < in.txt"), 0);
    assert.equal(queue, null, "with < the terminal is not read");
    assert.equal(await sh.execute("echo a b c | wc -w"), 0);
    assert.equal(printed[1], "3\n1\n3\n");
    assert.equal(await sh.execute("wc | echo x"), 2);
    assert.match(printed[2], /echo: a built-in can only start a pipe here/);
  });

  test("a component in ~ runs by name in the cwd: its relative paths resolve there, HOME is set", async () => {
    const { sh, memfs, printed } = shell();
    memfs.mkdir("/home/me", { recursive: true });
    // hello (tests/p2guests) writes /data/from-p2.txt, reads the file argv[1] names and a line of stdin, exits 3 (→ 1).
    memfs.mkdir("/data");
    memfs.writeFile("/home/me/in.txt", "relative works\n");
    memfs.writeFile("/home/me/hello2.wasm", fs.readFileSync(p2Guest("hello")));
    sh.home = "/home/me";
    assert.equal(await sh.execute("cd && hello2 in.txt < in.txt || echo status $?"), 0);
    assert.match(printed[1], /\nHOME=Some\("\/home\/me"\)\nread: relative works\n[^]*\nstdin: relative works\nstatus 1\n$/);
    assert.equal(memfs.readFile("/data/from-p2.txt", "utf8"), "written by p2\n");
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
  /** @type {Awaited<ReturnType<typeof import("../../www/tools/serve.js").startPlaygroundServer>>} */
  let server;
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {string[]} */
  const errors = [];

  before(async () => {
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
    server = await startPlaygroundServer({ root: built });
    try {
      browser = await launchChromium();
    } catch (error) {
      await server.close();
      throw error;
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * A page in a browser context of its own (its own OPFS), and helpers that
   * type into its terminal as a person does.
   * @param {import("playwright-core").BrowserContext} [context] another page of the same context (same OPFS)
   */
  async function open(context) {
    const ctx = context ?? (await browser.newContext({ viewport: { width: 1280, height: 900 } }));
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.pageUrl);
    await page.waitForSelector("html[data-ready]");
    const runs = () => page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    const screen = () => page.evaluate(() => /** @type {any} */ (window).playground.screenText());
    /** Types a command line and waits for it to end; returns the terminal's text. */
    const command = async (line) => {
      const before = await runs();
      await page.click("#xterm");
      await page.keyboard.type(line);
      await page.keyboard.press("Enter");
      await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
      return screen();
    };
    /** Waits until the terminal's text matches. */
    const shows = (re) =>
      page.waitForFunction((source) => new RegExp(source, "m").test(/** @type {any} */ (window).playground.screenText()), re.source);
    /** A file's text in the OPFS home folder, or null. */
    const stored = (name) =>
      page.evaluate(async (name) => {
        const root = await navigator.storage.getDirectory();
        try {
          let dir = await root.getDirectoryHandle("wasi-web-playground-home");
          const parts = name.split("/");
          for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
          return await (await (await dir.getFileHandle(/** @type {string} */ (parts.at(-1)))).getFile()).text();
        } catch {
          return null;
        }
      }, name);
    return { page, context: ctx, runs, screen, command, shows, stored };
  }

  test("typed pipes of three programs, .wasm files in ~ run by name, and sh's statuses", async () => {
    const { page, command, context } = await open();
    // Uploads go to the selected folder: the home folder at first.
    assert.equal(await page.getAttribute('#file-tree [aria-current="true"]', "data-path"), "/home");
    await page.setInputFiles("#upload-input", [
      { name: "wc.wasm", mimeType: "application/wasm", buffer: guest("c_wc") },
      { name: "yes.wasm", mimeType: "application/wasm", buffer: guest("c_yes") },
      { name: "head.wasm", mimeType: "application/wasm", buffer: guest("c_head") },
      { name: "big.txt", mimeType: "text/plain", buffer: Buffer.from("ax\nb\ncx\n".repeat(20_000)) },
    ]);
    await page.waitForSelector('#file-tree [data-path="/home/big.txt"]');
    // cat and grep are bundled examples, wc the uploaded ~/wc.wasm.
    assert.match(await command("cat big.txt | grep x | wc -l"), /^~ \$ cat big\.txt \| grep x \| wc -l\n40000\n~ \$ $/m);
    // No SIGPIPE in WASI: yes sees EPIPE and says so.
    assert.match(await command("yes | head -n 1 && echo status $?"), /\ny\nyes: Broken pipe\nstatus 0\n~ \$ $/);
    await command("grep zzz big.txt > none.txt");
    assert.match(await command("echo $?"), /\n1\n~ \$ $/);
    assert.match(await command("nosuch"), /nosuch: command not found\n~ \$ $/);
    assert.match(await command("echo $?"), /\n127\n~ \$ $/);
    // A program opened in the Program panel runs by its file name.
    await page.setInputFiles("#wasm-input", { name: "greet.wasm", mimeType: "application/wasm", buffer: guest("hello") });
    assert.match(await command("greet opened"), /\nargv\[1\] = opened\n(?:.*\n)*~ \$ $/);
    assert.match(await command("rm nosuch.txt"), /\nrm: nosuch\.txt: No such file or directory\n~ \$ $/);
    assert.match(await command("echo $?"), /\n1\n~ \$ $/);
    // A program that never ends: the page stays responsive (the terminal holds yes back), and Ctrl+C stops it.
    const before = await page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    await page.click("#xterm");
    await page.keyboard.type("yes");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /^y$/m.test(/** @type {any} */ (window).playground.screenText()));
    await page.keyboard.press("Control+C");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    assert.match(await command("echo $?"), /\^C\n~ \$ echo \$\?\n130\n~ \$ $/);
    await context.close();
  });

  test("cd: the prompt shows the folder, relative paths and programs use it", async () => {
    const { page, command, context } = await open();
    assert.match(await command("mkdir -p proj/src && cd proj/src && pwd"), /\n\/home\/proj\/src\n~\/proj\/src \$ $/);
    // A program's relative paths, "..", and absolute paths into folders resolve as in sh.
    await command("echo one > a.txt && echo two > ../b.txt");
    assert.match(await command("cat a.txt ../b.txt /notes/todo.txt ../../../poem.txt | grep -c o"), /\n11\n~\/proj\/src \$ $/);
    assert.match(await command("grep one a.txt > ../found.txt && cd .. && cat found.txt"), /\none\n~\/proj \$ $/);
    await page.waitForSelector('#file-tree [data-path="/home/proj/found.txt"]');
    assert.match(await command("cd nope"), /\nsh: cd: nope: No such file or directory\n~\/proj \$ $/);
    assert.match(await command("cd / && ls"), /\nhome\/\nnotes\/\npoem\.txt\n\/ \$ $/);
    assert.match(await command("cd && pwd"), /\n\/home\n~ \$ $/);
    await context.close();
  });

  test("Tab completes program and file names: one match in place, several listed", async () => {
    const { page, command, shows, context } = await open();
    await command("echo a > alpha.txt && echo b > alps.txt && mkdir nuts");
    await page.click("#xterm");
    await page.keyboard.type("gr");
    await page.keyboard.press("Tab");
    await page.keyboard.type("-c a al");
    await page.keyboard.press("Tab");
    // Several matches: completed as far as they agree (alp), then listed, and the line drawn again.
    await shows(/^alpha\.txt {2}alps\.txt\n~ \$ grep -c a alp$/);
    await page.keyboard.type("h");
    await page.keyboard.press("Tab");
    await page.keyboard.type("nu");
    await page.keyboard.press("Tab");
    await shows(/^~ \$ grep -c a alpha\.txt nuts\/$/);
    // Ctrl+W: the word before the cursor goes.
    await page.keyboard.press("Control+W");
    await page.keyboard.type("/notes/to");
    await page.keyboard.press("Tab");
    await shows(/^~ \$ grep -c a alpha\.txt \/notes\/todo\.txt $/);
    const before = await page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    await shows(/^alpha\.txt:1\n\/notes\/todo\.txt:2\n~ \$ $/);
    await context.close();
  });

  test("a pipe's first program reads what is typed: cat | wc -l until Ctrl+D", async () => {
    const { page, shows, context, command } = await open();
    await page.setInputFiles("#upload-input", [{ name: "wc.wasm", mimeType: "application/wasm", buffer: guest("c_wc") }]);
    await page.waitForSelector('#file-tree [data-path="/home/wc.wasm"]');
    await page.click("#xterm");
    await page.keyboard.type("cat | wc -l");
    await page.keyboard.press("Enter");
    await page.keyboard.type("one");
    await page.keyboard.press("Enter");
    // Cooked mode: the line is edited before it goes.
    await page.keyboard.type("twx");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("o");
    await page.keyboard.press("Enter");
    await page.keyboard.type("three");
    await page.keyboard.press("Enter");
    const before = await page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    await page.keyboard.press("Control+D");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    await shows(/^~ \$ cat \| wc -l\none\ntwo\nthree\n3\n~ \$ $/);
    // Ctrl+C while a program reads: "^C" once, status 130; at the prompt: the line is dropped, a new prompt.
    await page.keyboard.type("cat");
    await page.keyboard.press("Enter");
    await page.keyboard.type("abc");
    await page.keyboard.press("Enter");
    await shows(/^abc\nabc$/);
    const running = await page.evaluate(() => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0));
    await page.keyboard.type("de");
    await page.keyboard.press("Control+C");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, running);
    await page.keyboard.type("not run");
    await page.keyboard.press("Control+C");
    assert.match(await command("echo $?"), /\nabc\nabc\nde\^C\n~ \$ not run\^C\n~ \$ echo \$\?\n130\n~ \$ $/);
    // With "<" the terminal is not read: the command ends by itself.
    await command("echo x > x.txt");
    assert.match(await command("wc -l < x.txt"), /\n1\n~ \$ $/);
    await context.close();
  });

  test("~ is an OPFS mount: a program's file and a user's .wasm survive a reload; Reset empties it", async () => {
    const { scripted } = await import("./helpers/wat.js");
    const first = await open();
    const { page, command, stored, context } = first;
    // The writer writes home/made.txt under its first preopen, "/": a program writing into ~.
    const writer = scripted([
      ["write", "home/made.txt", "made by a program\n"],
      ["print", "written\n"],
    ]);
    await page.setInputFiles("#upload-input", [
      { name: "writer.wasm", mimeType: "application/wasm", buffer: Buffer.from(writer) },
      { name: "wc.wasm", mimeType: "application/wasm", buffer: guest("c_wc") },
    ]);
    await page.waitForSelector('#file-tree [data-path="/home/writer.wasm"]');
    assert.equal(await page.getAttribute('#file-tree [data-path="/home"]', "aria-label"), "home, folder, kept");
    assert.match(await command("writer"), /\nwritten\n~ \$ $/);
    await page.waitForSelector('#file-tree [data-path="/home/made.txt"]');
    // In OPFS as soon as it is written (the mount stores each change), not when the page saves.
    await page.waitForFunction(async () => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle("wasi-web-playground-home");
      return (await (await (await dir.getFileHandle("made.txt")).getFile()).text()) === "made by a program\n";
    });
    // Outside ~ nothing is kept.
    await command("echo gone > /notes/lost.txt");
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    await page.waitForSelector('#file-tree [data-path="/home/made.txt"]');
    assert.equal(await page.locator('#file-tree [data-path="/notes/lost.txt"]').count(), 0);
    assert.match(await command("cat made.txt | wc -c"), /\n18\n~ \$ $/);
    // The user's own .wasm, kept in ~, runs by name after the reload.
    assert.match(await command("rm made.txt && writer && cat made.txt"), /\nwritten\nmade by a program\n~ \$ $/);
    // The Files panel writes to the mount too: a folder made there is in OPFS.
    await page.click('#file-tree [data-path="/home"]');
    await page.click("#new-folder");
    await page.fill("#create-path", "/home/from-panel");
    await page.press("#create-path", "Enter");
    await page.waitForSelector('#file-tree [data-path="/home/from-panel"]');
    await page.click("#reset-files");
    await page.waitForFunction(() => /home folder is empty/.test(document.getElementById("files-status")?.textContent ?? ""));
    assert.equal(await stored("made.txt"), null);
    assert.equal(await stored("writer.wasm"), null);
    assert.equal(
      await page.evaluate(async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
        const names = [];
        for await (const name of /** @type {any} */ (dir).keys()) names.push(name);
        return names.length;
      }),
      0,
    );
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    assert.equal(await page.locator('#file-tree [data-path="/home/made.txt"]').count(), 0);
    assert.equal(await page.locator('#file-tree [data-path="/home/wc.wasm"]').count(), 0);
    assert.equal(await page.locator('#file-tree [data-path="/poem.txt"]').count(), 1);
    assert.match(await command("writer"), /writer: command not found\n~ \$ $/);
    await context.close();
  });

  test("a share link carries small files, into a fresh browser's ~ too", async () => {
    const { page, command, context } = await open();
    await command("echo shared > shared.txt");
    await page.click("#share");
    const url = await page.locator("#share-url").inputValue();
    assert.match(url, /[#&]files=[\w-]+/);
    const other = await browser.newContext();
    const visitor = await other.newPage();
    visitor.on("pageerror", (e) => errors.push(e.message));
    await visitor.goto(url);
    await visitor.waitForSelector("html[data-ready]");
    await visitor.waitForSelector('#file-tree [data-path="/home/shared.txt"]');
    // …with their content, and stored in that visitor's OPFS home.
    await visitor.waitForFunction(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
      return (await (await (await dir.getFileHandle("shared.txt")).getFile()).text()) === "shared\n";
    });
    await other.close();
    await context.close();
  });

  test("without OPFS, ~ is a folder in memory and the Files panel says it is not kept", async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(StorageManager.prototype, "getDirectory", { value: undefined });
    });
    const { command } = await open(context);
    const page = context.pages()[0];
    assert.match((await page.textContent("#files-status")) ?? "", /\/home is not kept across reloads: this browser gives the page no OPFS/);
    assert.equal(await page.getAttribute('#file-tree [data-path="/home"]', "aria-label"), "home, folder, not kept");
    assert.match(await command("echo hi > hi.txt && cat hi.txt"), /\nhi\n~ \$ $/);
    await context.close();
  });

  test("without JSPI: built-ins work, a program says it needs JSPI, and ~ is still kept", async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (/** @type {any} */ (WebAssembly).Suspending);
    });
    const { page, command, stored } = await open(context);
    assert.match(await command("mkdir d && cd d && echo kept > f.txt && ls && pwd"), /\nf\.txt\n\/home\/d\n~\/d \$ $/);
    assert.match(await command("cat f.txt"), /\nsh: pipeline\(\) needs JSPI[^]*\n~\/d \$ $/);
    await page.waitForFunction(async () => {
      const home = await (await navigator.storage.getDirectory()).getDirectoryHandle("wasi-web-playground-home");
      const d = await home.getDirectoryHandle("d").catch(() => null);
      const handle = await d?.getFileHandle("f.txt").catch(() => null);
      return handle != null && (await (await handle.getFile()).text()) === "kept\n";
    });
    assert.equal(await stored("d/f.txt"), "kept\n");
    await context.close();
  });

  test("what an earlier version saved (the whole tree in one OPFS file) is moved into ~ on the first visit", async () => {
    const { encodeTree } = await import("../../www/app/persist.js");
    const saved = encodeTree([
      { path: "notes", type: "directory" },
      { path: "notes/mine.txt", type: "file", data: new TextEncoder().encode("kept from before\n") },
    ]);
    const context = await browser.newContext();
    const setup = await context.newPage();
    // Any page of the origin: the playground's own would make the home folder first.
    await setup.goto(new URL("no-such-page", server.pageUrl).href);
    await setup.evaluate(async (bytes) => {
      const root = await navigator.storage.getDirectory();
      const writable = await (await root.getFileHandle("wasi-web-playground-files.bin", { create: true })).createWritable();
      await writable.write(new Uint8Array(bytes));
      await writable.close();
    }, Array.from(saved));
    const { page, command, stored } = await open(context);
    assert.match((await page.textContent("#files-status")) ?? "", /saved by an earlier version of this page are in \/home now/);
    assert.match(await command("cat notes/mine.txt"), /\nkept from before\n~ \$ $/);
    assert.equal(await stored("notes/mine.txt"), "kept from before\n");
    assert.equal(
      await page.evaluate(async () =>
        (await navigator.storage.getDirectory()).getFileHandle("wasi-web-playground-files.bin").then(
          () => "still there",
          () => "removed",
        ),
      ),
      "removed",
    );
    await context.close();
  });

  /** Text as a person reads it: runs of white space (line breaks, no-break spaces) as one space. */
  const squash = (/** @type {string | null} */ text) => (text ?? "").replace(/\s+/g, " ");

  test("the page says what runs (WASI 0.2 and 0.3 components) and what is kept across reloads", async () => {
    const { page, context } = await open();
    for (const where of [".site-header", "#program .dropzone", ".site-footer"]) {
      assert.match(squash(await page.textContent(where)), /WASI 0\.2 and 0\.3 components/, where);
    }
    assert.match((await page.getAttribute('meta[name="description"]', "content")) ?? "", /WASI 0\.2 and 0\.3 components/);
    const files = squash(await page.textContent("#files"));
    assert.doesNotMatch(files, /until you reload/);
    assert.match(
      files,
      /What is in \/home \(~\) is kept across reloads, in this browser's private storage for the site \(OPFS\), until Reset/,
    );
    assert.match(files, /everything else is in memory and gone when you reload/);
    assert.match(squash(await page.textContent("#stdin-hint")), /↑\/↓ history, kept across reloads/);
    await context.close();
  });

  test("; runs the next command anyway, || when the last failed, && when it succeeded; $? as each ran", async () => {
    const { command, context } = await open();
    assert.match(
      await command("cd nope ; echo after $? || echo not run ; cd nope || echo failed $? && echo then $?"),
      /\nsh: cd: nope: No such file or directory\nafter 1\nsh: cd: nope: No such file or directory\nfailed 1\nthen 0\n~ \$ $/,
    );
    assert.match(await command("mkdir d; cd d; pwd;"), /\n\/home\/d\n~\/d \$ $/);
    assert.match(await command("a ;; b"), /\nsh: syntax error near ";"\n~\/d \$ $/);
    await context.close();
  });

  test("↑/↓ history is kept across reloads: the shell's command lines and each program's typed lines", async () => {
    const { page, command, shows, context, runs } = await open();
    await command("echo first");
    await command("echo second");
    // A program run with Run: its typed lines are its own history.
    await page.selectOption("#program-select", "example:echo_lines");
    await page.fill("#args", "");
    let before = await runs();
    await page.click("#run");
    await shows(/^> $/);
    await page.click("#xterm");
    await page.keyboard.type("typed for echo");
    await page.keyboard.press("Enter");
    await shows(/^echo 1: typed for echo\n> $/);
    await page.keyboard.press("Control+D");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("wasi-web-playground-history") ?? "null"));
    assert.deepEqual(kept, [
      ["shell", ["echo first", "echo second"]],
      ["example:echo_lines", ["typed for echo"]],
    ]);
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    await page.click("#xterm");
    await page.keyboard.press("ArrowUp");
    await shows(/^~ \$ echo second$/);
    await page.keyboard.press("ArrowUp");
    await shows(/^~ \$ echo first$/);
    before = await runs();
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    await shows(/^first\n~ \$ $/);
    await page.selectOption("#program-select", "example:echo_lines");
    before = await runs();
    await page.click("#run");
    await shows(/^> $/);
    await page.click("#xterm");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await shows(/^echo 1: typed for echo\n> $/);
    await page.keyboard.press("Control+D");
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    // The shell's list is now the most recently changed one (last), with "echo first" as its last line;
    // echo's is as it was (a line recalled unchanged is not added again).
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem("wasi-web-playground-history") ?? "null"));
    assert.deepEqual(after, [
      ["example:echo_lines", ["typed for echo"]],
      ["shell", ["echo first", "echo second", "echo first"]],
    ]);
    await context.close();
  });

  /** A Preview 1 program that prints its environment, a variable a line. */
  async function envGuest() {
    const { guest: wat } = await import("./helpers/wat.js");
    return Buffer.from(
      wat({
        imports: ["environ_sizes_get", "environ_get"],
        start: `
          (local $i i32) (local $len i32)
          (call $ok (call $environ_sizes_get (i32.const 100) (i32.const 104)))
          (call $ok (call $environ_get (i32.const 200) (i32.const 4096)))
          (local.set $len (i32.load (i32.const 104)))
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
            (if (i32.eqz (i32.load8_u (i32.add (i32.const 4096) (local.get $i))))
              (then (i32.store8 (i32.add (i32.const 4096) (local.get $i)) (i32.const 10))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
          (call $print (i32.const 1) (i32.const 4096) (local.get $len))`,
      }),
    );
  }

  test("the cwd reaches programs: PWD, relative paths, a component's initial cwd; help says the rule", async () => {
    const { page, command, context } = await open();
    await page.setInputFiles("#upload-input", [
      { name: "env.wasm", mimeType: "application/wasm", buffer: await envGuest() },
      { name: "cli.wasm", mimeType: "application/wasm", buffer: fs.readFileSync(p3Guest("cli")) },
    ]);
    await page.waitForSelector('#file-tree [data-path="/home/cli.wasm"]');
    assert.match(await command("mkdir -p w/x && cd w/x && env | grep PWD"), /\nPWD=\/home\/w\/x\n~\/w\/x \$ $/);
    // A relative path a program writes lands in the cwd; ".." is its parent.
    assert.match(await command("env > here.txt && grep HOME ../x/here.txt"), /\nHOME=\/home\n~\/w\/x \$ $/);
    await page.waitForSelector('#file-tree [data-path="/home/w/x/here.txt"]');
    assert.match(await command("cli ok < here.txt | grep cwd"), /\ncwd=Some\("\/home\/w\/x"\)\n~\/w\/x \$ $/);
    const help = squash(await command("help"));
    assert.match(help, /programs get it as PWD \(and components as their initial cwd\), and their relative paths and "\.\." resolve in it/);
    assert.match(help, /preopens the current folder as "\." and its parents as "\.\.", "\.\.\/\.\.", …/);
    await context.close();
  });

  test("components run in the shell's pipes: a 0.2 and a 0.3 component between Preview 1 programs", async () => {
    const { page, command, context } = await open();
    await page.setInputFiles("#upload-input", [
      { name: "p2echo.wasm", mimeType: "application/wasm", buffer: fs.readFileSync(p2Guest("echo")) },
      { name: "cli.wasm", mimeType: "application/wasm", buffer: fs.readFileSync(p3Guest("cli")) },
      { name: "wc.wasm", mimeType: "application/wasm", buffer: guest("c_wc") },
    ]);
    await page.waitForSelector('#file-tree [data-path="/home/wc.wasm"]');
    assert.match(await command("echo a b | p2echo"), /\necho 1: a b\nbye after 1 lines\n~ \$ $/);
    // cat (P1) | echo (0.2) | cli (0.3) | grep (P1): "echo 1: x\n" … "bye after 2 lines\n" is 38 bytes.
    await command("echo x > two.txt && echo y >> two.txt");
    assert.match(
      await command("cat two.txt | p2echo | cli ok | grep stdin"),
      /\nstdin 38 bytes in (?:one or no|several) reads, ends Ok\(\(\)\), sum \d+\n~ \$ $/,
    );
    assert.match(await command("p2echo < two.txt | wc -l"), /\n3\n~ \$ $/);
    await context.close();
  });

  test("Run: a WASI 0.3 component's stdout waits for the screen (at most 1 MiB ahead), and all of it arrives", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The page's animation frames can be held: the terminal then shows nothing, and acknowledges nothing.
    await context.addInitScript(() => {
      const raf = window.requestAnimationFrame.bind(window);
      let id = 1e9;
      /** @type {any} */ (window).held = null;
      window.requestAnimationFrame = (callback) => {
        const held = /** @type {any} */ (window).held;
        if (held === null) return raf(callback);
        held.push(callback);
        return ++id;
      };
      /** @type {any} */ (window).release = () => {
        const held = /** @type {any} */ (window).held;
        /** @type {any} */ (window).held = null;
        for (const callback of held) raf(callback);
      };
    });
    // The runner worker counts the output bytes it has sent to the page.
    await context.route("**/assets/worker-*.js", async (route) => {
      const response = await route.fetch();
      const counter =
        "self.sentBytes = 0; const realPost = self.postMessage.bind(self);" +
        "self.postMessage = (m, t) => { if (m && m.type === 'output') self.sentBytes += m.bytes; return realPost(m, t); };\n";
      await route.fulfill({ response, body: counter + (await response.text()) });
    });
    const { page, runs, shows } = await open(context);
    const size = 4_000_000;
    await page.setInputFiles("#wasm-input", { name: "cli.wasm", mimeType: "application/wasm", buffer: fs.readFileSync(p3Guest("cli")) });
    // cli reads its stdin to the end first: a file, not the terminal.
    await page.fill("#args", `big=${size} < /poem.txt`);
    const worker = page.workers()[0] ?? (await page.waitForEvent("worker"));
    const shownBefore = await page.evaluate(() => /** @type {any} */ (window).playground.outputShown());
    const before = await runs();
    await page.evaluate(() => {
      /** @type {any} */ (window).held = [];
    });
    await page.click("#run");
    // The component writes until the window (1 MiB unacknowledged) is full…
    while ((await worker.evaluate(() => /** @type {any} */ (self).sentBytes)) < 1024 * 1024) {
      await worker.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    }
    // …and then waits: many turns of the worker's event loop later it has sent little more.
    await worker.evaluate(async () => {
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const sent = await worker.evaluate(() => /** @type {any} */ (self).sentBytes);
    assert.ok(sent <= 1024 * 1024 + 2 * 65536, `${sent} bytes sent while the screen showed nothing`);
    await page.evaluate(() => /** @type {any} */ (window).release());
    await page.waitForFunction((n) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > n, before);
    await shows(/^\[cli\.wasm exited with code 0 · \d+ ms\]$/);
    const shown = (await page.evaluate(() => /** @type {any} */ (window).playground.outputShown())) - shownBefore;
    assert.ok(shown > size && shown < size + 1000, `${shown} bytes shown`);
    await context.close();
  });

  test("no page errors", () => {
    assert.deepEqual(errors, []);
  });
});
