// WASI 0.2 components through the CLI: `wasi-web comp.wasm` (Node) and
// `wasi-web --browser comp.wasm` (headless Chromium) behave the same, and
// both take jco's output from the transpile cache when it has it.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/corpus.js";
import { requirePackage, requireP2Guests } from "./helpers/prereq.js";

const OUT = path.join(REPO, "tests/p2guests/out");
const guest = (name) => path.join(OUT, `${name}.wasm`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cli-p2-test-"));
/** One cache for the runs that are not about the cache: each component is transpiled once. */
const sharedCache = { WASI_WEB_CACHE_DIR: path.join(tmp, "shared-cache"), WASI_WEB_NO_CACHE: "" };

before(() => {
  requireP2Guests("hello", "exit", "echo");
  requirePackage("@bytecodealliance/jco");
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A host directory holding from-host.txt, as the hello guest expects under /data. */
function dataDir(name) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "from-host.txt"), "host text ✓\n");
  return dir;
}

const HELLO_STDOUT =
  'hello from a component\nargs: ["hello.wasm", "/data/from-host.txt"]\nHOME=Some("/home/me")\nread: host text ✓\n' +
  "entry: from-host.txt\nentry: from-p2.txt\nstdin: typed line\n";

// Each test has its own directories (and caches, where they are the
// subject), so they run side by side: most of the time is child processes
// and Chromium starting.
describe("components through the CLI", { concurrency: 2 }, () => {
  for (const browser of [false, true]) {
    const flag = browser ? ["--browser"] : [];
    test(`${browser ? "--browser" : "node"}: args, env, --dir write-back, stdin, stdout, stderr, exit code`, async () => {
      const dir = dataDir(browser ? "data-browser" : "data-node");
      const r = await runCli([...flag, "--dir", `${dir}::/data`, "--env", "HOME=/home/me", guest("hello"), "/data/from-host.txt"], {
        input: "typed line\nmore\n",
        env: sharedCache,
      });
      // std::process::exit(3) is wasi:cli/exit.exit(err): 1.
      assert.deepEqual(r, { exitCode: 1, stdout: HELLO_STDOUT, stderr: "to stderr\n" });
      assert.equal(fs.readFileSync(path.join(dir, "from-p2.txt"), "utf8"), "written by p2\n");
      assert.equal(fs.readFileSync(path.join(dir, "from-host.txt"), "utf8"), "host text ✓\n");
    });
  }

  test("--browser: exit-with-code, a trap, and stdin read to its end, as in Node", async () => {
    const runs = [
      { args: [guest("exit"), "code", "7"] },
      { args: [guest("exit"), "panic"] },
      { args: [guest("echo")], input: "one\ntwo ✓\n" },
    ];
    const results = [];
    for (const { args, input = "" } of runs) {
      const inBrowser = await runCli(["--browser", ...args], { input, env: sharedCache });
      const inNode = await runCli(args, { input, env: sharedCache });
      assert.deepEqual(inBrowser, inNode, args.join(" "));
      results.push(inBrowser);
    }
    const [code, trap, echo] = results;
    assert.equal(code.exitCode, 7);
    assert.equal(trap.exitCode, 134);
    assert.match(trap.stderr, /panicked at [^]*boom[^]*wasi-web: exit\.wasm trapped: /);
    assert.deepEqual(echo, { exitCode: 0, stdout: "echo 1: one\necho 2: two ✓\nbye after 2 lines\n", stderr: "" });
  });
});

/** Entry directories in a cache directory. */
function entries(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith(".")) : [];
}

/**
 * Puts code at the top of a cached entry's JS (and its new size and hash in
 * meta.json, so the entry still checks out): when it runs, the CLI took
 * jco's output from the cache.
 */
function tamper(entry, code) {
  const js = path.join(entry, "component.js");
  const data = Buffer.concat([Buffer.from(`${code}\n`), fs.readFileSync(js)]);
  fs.writeFileSync(js, data);
  const metaFile = path.join(entry, "meta.json");
  const meta = JSON.parse(fs.readFileSync(metaFile, "utf8"));
  const f = meta.files.find((x) => x.name === "component.js");
  f.size = data.length;
  f.sha256 = crypto.createHash("sha256").update(data).digest("hex");
  fs.writeFileSync(metaFile, JSON.stringify(meta));
}

const MARK = "from the cache\n";
/**
 * Writes MARK to stderr in Node, or in --browser (the component runs in the
 * page's bridge worker) with a POST to the CLI's bridge, as the worker does.
 */
const MARKER_CODE =
  `if (typeof XMLHttpRequest !== "undefined") { const x = new XMLHttpRequest(); x.open("POST", "/__wasi-web/bridge/out/2", false); ` +
  `x.send(${JSON.stringify(MARK)}); } else process.stderr.write(${JSON.stringify(MARK)});`;

describe("the CLI and the transpile cache", { concurrency: 2 }, () => {
  for (const browser of [false, true]) {
    const flag = browser ? ["--browser"] : [];
    test(`${browser ? "--browser" : "node"}: the second run uses the cached output; a corrupt entry is rebuilt`, async () => {
      const cache = path.join(tmp, `cache-${browser ? "browser" : "node"}`);
      const env = { WASI_WEB_CACHE_DIR: cache, WASI_WEB_NO_CACHE: "" };
      const args = [...flag, guest("exit"), "code", "5"];
      const first = await runCli(args, { env });
      assert.deepEqual(first, { exitCode: 5, stdout: "", stderr: "" });
      const [key] = entries(cache);
      assert.equal(entries(cache).length, 1);

      tamper(path.join(cache, key), MARKER_CODE);
      const second = await runCli(args, { env });
      assert.deepEqual(second, { exitCode: 5, stdout: "", stderr: MARK });

      // An entry that does not check out is not run but rebuilt.
      fs.appendFileSync(path.join(cache, key, "component.js"), "\nthrow new Error('not this');\n");
      const third = await runCli(args, { env });
      assert.deepEqual(third, { exitCode: 5, stdout: "", stderr: "" });
      assert.deepEqual(entries(cache), [key]);
      const meta = JSON.parse(fs.readFileSync(path.join(cache, key, "meta.json"), "utf8"));
      const js = fs.readFileSync(path.join(cache, key, "component.js"));
      assert.equal(meta.files.find((x) => x.name === "component.js").sha256, crypto.createHash("sha256").update(js).digest("hex"));
      assert.doesNotMatch(js.toString(), /not this|from the cache/);
    });
  }

  test("WASI_WEB_NO_CACHE=1: nothing is read from or written to the cache", async () => {
    const cache = path.join(tmp, "cache-off");
    const env = { WASI_WEB_CACHE_DIR: cache, WASI_WEB_NO_CACHE: "" };
    const args = [guest("exit"), "code", "6"];
    assert.equal((await runCli(args, { env })).exitCode, 6);
    const [key] = entries(cache);
    tamper(path.join(cache, key), MARKER_CODE);
    const off = await runCli(args, { env: { ...env, WASI_WEB_NO_CACHE: "1" } });
    assert.deepEqual(off, { exitCode: 6, stdout: "", stderr: "" }, "the (tampered) cached output was not used");
    const browserOff = await runCli(["--browser", ...args], { env: { ...env, WASI_WEB_NO_CACHE: "1" } });
    assert.deepEqual(browserOff, { exitCode: 6, stdout: "", stderr: "" });
    assert.deepEqual(entries(cache), [key], "no entry was written");
  });
});
