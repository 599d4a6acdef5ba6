import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parseArgs, UsageError } from "../../js/node/cli-args.js";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/corpus.js";
import { cat, guest, mutator, printer } from "./helpers/wat.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cli-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function wasmFile(name, bytes) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function sandbox(name) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "keep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "hello.txt"), "hello\n");
  fs.writeFileSync(path.join(dir, "gone.txt"), "bye\n");
  fs.writeFileSync(path.join(dir, "old.txt"), "old\n");
  fs.writeFileSync(path.join(dir, "keep/untouched.txt"), "same\n");
  fs.symlinkSync("hello.txt", path.join(dir, "hello.link"));
  const past = new Date("2020-01-01T00:00:00Z");
  fs.utimesSync(path.join(dir, "keep/untouched.txt"), past, past);
  return dir;
}

function assertMutated(dir) {
  const read = (p) => fs.readFileSync(path.join(dir, p), "utf8");
  assert.equal(read("new.txt"), "new\n");
  assert.equal(read("hello.txt"), "changed by the guest\n");
  assert.equal(fs.existsSync(path.join(dir, "gone.txt")), false);
  assert.ok(fs.statSync(path.join(dir, "newdir")).isDirectory());
  assert.equal(fs.readlinkSync(path.join(dir, "link")), "new.txt");
  assert.equal(fs.readlinkSync(path.join(dir, "hello.link")), "hello.txt");
  assert.equal(read("renamed.txt"), "old\n");
  assert.equal(fs.existsSync(path.join(dir, "old.txt")), false);
  assert.equal(read("keep/untouched.txt"), "same\n");
  assert.equal(fs.statSync(path.join(dir, "keep/untouched.txt")).mtime.getUTCFullYear(), 2020, "unchanged files are not rewritten");
}

describe("argument parsing", () => {
  test("wasmtime-style flags", () => {
    assert.deepEqual(parseArgs(["run", "--dir", "a", "--dir=b::/guest", "--env", "K=V=W", "--env=E=", "p.wasm", "--dir", "x"]), {
      file: "p.wasm",
      args: ["--dir", "x"],
      dirs: [
        { host: "a", guest: "a", readonly: false },
        { host: "b", guest: "/guest", readonly: false },
      ],
      env: { K: "V=W", E: "" },
      browser: false,
    });
    assert.equal(parseArgs(["--browser", "p.wasm"]).browser, true);
    assert.deepEqual(parseArgs(["--", "--weird.wasm", "a"]).file, "--weird.wasm");
    assert.deepEqual(parseArgs(["--env", "HOME", "--env", "UNSET", "p.wasm"], { HOME: "/root" }).env, { HOME: "/root" });
    assert.deepEqual(parseArgs(["--version"]), { version: true });
    assert.deepEqual(parseArgs(["run", "-h"]), { help: true });
    assert.throws(() => parseArgs([]), UsageError);
    assert.throws(() => parseArgs(["--dir"]), UsageError);
    assert.throws(() => parseArgs(["--dir", "::g", "p.wasm"]), UsageError);
    assert.throws(() => parseArgs(["--frobnicate", "p.wasm"]), UsageError);
  });
});

describe("the wasi-web command", () => {
  test("--version, --help, usage errors", async () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    assert.deepEqual(await runCli(["--version"]), { exitCode: 0, stdout: `wasi-web ${pkg.version}\n`, stderr: "" });
    const help = await runCli(["--help"]);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /Usage: wasi-web/);
    const bad = await runCli(["run", "--nope", "x.wasm"]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown option --nope/);
  });

  test("unreadable or invalid programs", async () => {
    const missing = await runCli(["run", path.join(tmp, "missing.wasm")]);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /cannot read .*missing\.wasm/);
    const text = await runCli(["run", wasmFile("text.wasm", "not wasm")]);
    assert.equal(text.exitCode, 1);
    assert.match(text.stderr, /not a WebAssembly binary/);
    const noDir = await runCli(["run", "--dir", path.join(tmp, "nowhere"), wasmFile("p0.wasm", printer("x"))]);
    assert.equal(noDir.exitCode, 1);
    assert.match(noDir.stderr, /nowhere/);
  });

  test("streams output and returns the exit code", async () => {
    const file = wasmFile("p1.wasm", printer("to stdout ✓\n", { err: "to stderr\n", exitCode: 3 }));
    assert.deepEqual(await runCli(["run", file]), { exitCode: 3, stdout: "to stdout ✓\n", stderr: "to stderr\n" });
    assert.deepEqual(await runCli([file]), { exitCode: 3, stdout: "to stdout ✓\n", stderr: "to stderr\n" });
  });

  test("passes stdin through", async () => {
    const input = "line one\nline two ✓\n".repeat(5000);
    const r = await runCli(["run", wasmFile("cat.wasm", cat(1000))], { input });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, input);
  });

  test("a trap exits with 134 and says so", async () => {
    const bytes = guest({ strings: { a: "partial\n" }, start: `(call $print (i32.const 1) $str:a $len:a) (unreachable)` });
    const r = await runCli(["run", wasmFile("trap.wasm", bytes)]);
    assert.equal(r.exitCode, 134);
    assert.equal(r.stdout, "partial\n");
    assert.match(r.stderr, /trap\.wasm trapped: unreachable/);
  });

  test("writes the guest's changes back to --dir HOST::GUEST", async () => {
    const dir = sandbox("abs");
    const r = await runCli(["run", "--dir", `${dir}::/sandbox`, wasmFile("mut1.wasm", mutator())]);
    assert.equal(r.exitCode, 0, r.stderr);
    assertMutated(dir);
  });

  test("relative --dir from the working directory, as the WASI testsuite uses it", async () => {
    const work = path.join(tmp, "work");
    fs.mkdirSync(work);
    sandbox("work/fs-tests.dir");
    fs.writeFileSync(path.join(work, "test.wasm"), mutator());
    const r = await runCli(["run", "--dir", "fs-tests.dir", "--env", "A=B", "test.wasm", "arg"], { cwd: work });
    assert.equal(r.exitCode, 0, r.stderr);
    assertMutated(path.join(work, "fs-tests.dir"));
  });

  test("--browser: same output, exit code and write-back, from headless Chromium", async () => {
    const dir = sandbox("browser");
    const r = await runCli(["run", "--browser", "--dir", `${dir}::sandbox`, wasmFile("mut2.wasm", mutator())]);
    assert.equal(r.exitCode, 0, r.stderr);
    assertMutated(dir);
    const out = await runCli(["--browser", wasmFile("p2.wasm", printer("hello from chromium ✓\n", { err: "e\n", exitCode: 4 }))]);
    assert.deepEqual(out, { exitCode: 4, stdout: "hello from chromium ✓\n", stderr: "e\n" });
    const input = "piped ✓\n".repeat(100);
    const piped = await runCli(["--browser", wasmFile("cat2.wasm", cat(7))], { input });
    assert.deepEqual(piped, { exitCode: 0, stdout: input, stderr: "" });
    const bytes = guest({ start: `(unreachable)` });
    const trap = await runCli(["--browser", wasmFile("trap2.wasm", bytes)]);
    assert.equal(trap.exitCode, 134);
    assert.match(trap.stderr, /trap2\.wasm trapped: unreachable/);
  });
});

describe("a closed stdout pipe (`wasi-web yes.wasm | head -1`)", () => {
  // `yes`: writes "y\n" until a write fails, then exits with that errno.
  const yes = guest({
    imports: ["proc_exit"],
    strings: { y: "y\n" },
    start: `
      (local $e i32)
      (i32.store (i32.const 0) $str:y) (i32.store (i32.const 4) $len:y)
      (loop $again
        (local.set $e (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br_if $again (i32.eqz (local.get $e))))
      (call $proc_exit (local.get $e))`,
  });

  test("the guest gets EPIPE (64) and the CLI exits", async () => {
    const file = wasmFile("yes.wasm", yes);
    const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), file], { stdio: ["ignore", "pipe", "pipe"] });
    const stderr = [];
    child.stderr.on("data", (d) => stderr.push(d));
    // Like `head -1`: read the first line, then close the pipe.
    const first = await new Promise((resolve) => child.stdout.once("data", resolve));
    assert.match(String(first), /^y\n/);
    child.stdout.destroy();
    // Before issue 11 it spun forever: a generous limit, then it is killed.
    const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const [code, signal] = await new Promise((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearTimeout(killer);
    assert.equal(signal, null, "killed: the CLI did not exit");
    assert.equal(code, 64);
    assert.equal(Buffer.concat(stderr).toString(), "");
  });
});
