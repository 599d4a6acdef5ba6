// `wasi-web --browser`: the tree travels as binary (a tar archive, never
// base64), stdin streams as it arrives, a closed stdout pipe gives the guest
// EPIPE, renames come back as renames, host edits are not overwritten, and
// SIGINT still writes back what the guest changed (or says what was lost).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/corpus.js";
import { cat, guest, mutator, scripted } from "./helpers/wat.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cli-browser-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function wasmFile(name, bytes) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The CLI as a child process with piped stdio, collecting its output. */
function startCli(args) {
  const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (out.stdout += d));
  child.stderr.on("data", (d) => (out.stderr += d));
  child.stdin.on("error", () => {});
  const closed = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  /** Resolves once stdout holds `text`. */
  const waitFor = (text) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (out.stdout.includes(text)) {
          child.stdout.off("data", check);
          resolve();
        }
      };
      child.stdout.on("data", check);
      closed.then(() => reject(new Error(`the CLI ended before printing ${JSON.stringify(text)}: ${JSON.stringify(out)}`)));
      check();
    });
  return { child, out, closed, waitFor };
}

describe("wasi-web --browser", () => {
  // A guard, not a timing: before, the CLI read stdin to its end first and this hung.
  test("stdin streams: each line is echoed before the next is written", { timeout: 300_000 }, async () => {
    const cli = startCli(["--browser", wasmFile("cat.wasm", cat(4096))]);
    for (let i = 1; i <= 5; i++) {
      const line = `line ${i} ✓\n`;
      cli.child.stdin.write(line);
      // Before issue 14 all of stdin was read first: this waited forever.
      await cli.waitFor(line);
    }
    cli.child.stdin.end();
    const { code } = await cli.closed;
    assert.equal(code, 0, cli.out.stderr);
    assert.equal(cli.out.stdout, [1, 2, 3, 4, 5].map((i) => `line ${i} ✓\n`).join(""));
  });

  test("a closed stdout pipe (`| head -1`): the guest gets EPIPE (64) and the CLI exits", async () => {
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
    const cli = startCli(["--browser", wasmFile("yes.wasm", yes)]);
    await cli.waitFor("y\n");
    cli.child.stdout.destroy();
    const killer = setTimeout(() => cli.child.kill("SIGKILL"), 120_000);
    const { code, signal } = await cli.closed;
    clearTimeout(killer);
    assert.equal(signal, null, "killed: the CLI did not exit");
    assert.equal(code, 64);
    assert.equal(cli.out.stderr, "");
  });

  test("a file of 400 MiB reaches the guest whole and is not rewritten", async () => {
    const dir = path.join(tmp, "big");
    fs.mkdirSync(dir);
    const big = path.join(dir, "big.bin");
    const size = 400 << 20;
    const fd = fs.openSync(big, "w");
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < size >> 20; i++) {
      block.fill(i & 0xff);
      fs.writeSync(fd, block);
    }
    fs.writeSync(fd, Buffer.from("THE END\n"));
    fs.closeSync(fd);
    const before = fs.statSync(big);
    // Prints the file's last 8 bytes: seek to the end - 8, read, print.
    const tail = guest({
      imports: ["path_open", "fd_seek", "fd_read"],
      strings: { name: "big.bin" },
      start: `
        (local $fd i32)
        (call $ok (call $path_open (i32.const 3) (i32.const 1) $str:name $len:name
          (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
        (local.set $fd (i32.load (i32.const 32)))
        (call $ok (call $fd_seek (local.get $fd) (i64.const -8) (i32.const 2) (i32.const 40)))
        (i32.store (i32.const 16) (i32.const 512))
        (i32.store (i32.const 20) (i32.const 8))
        (call $ok (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
        (call $print (i32.const 1) (i32.const 512) (i32.load (i32.const 24)))`,
    });
    const r = await runCli(["--browser", "--dir", `${dir}::/data`, wasmFile("tail.wasm", tail)]);
    assert.deepEqual(r, { exitCode: 0, stdout: "THE END\n", stderr: "" });
    const now = fs.statSync(big);
    assert.equal(now.size, size + 8);
    assert.equal(now.ino, before.ino, "an unchanged file is not rewritten");
    assert.equal(now.mtimeMs, before.mtimeMs);
    fs.rmSync(dir, { recursive: true });
  });

  test("a guest rename comes back as a rename (same inode; a hard link outside keeps its content)", async () => {
    const dir = path.join(tmp, "rename");
    fs.mkdirSync(path.join(dir, "keep"), { recursive: true });
    for (const [name, body] of [
      ["hello.txt", "hello\n"],
      ["gone.txt", "bye\n"],
      ["old.txt", "old\n"],
    ]) {
      fs.writeFileSync(path.join(dir, name), body);
    }
    const outside = path.join(tmp, "outside-link.txt");
    fs.linkSync(path.join(dir, "old.txt"), outside);
    const ino = fs.statSync(path.join(dir, "old.txt")).ino;
    const r = await runCli(["--browser", "--dir", `${dir}::/sandbox`, wasmFile("mutator.wasm", mutator())]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(fs.existsSync(path.join(dir, "old.txt")), false);
    assert.equal(fs.statSync(path.join(dir, "renamed.txt")).ino, ino, "renamed, not copied");
    assert.equal(fs.statSync(outside).nlink, 2);
    assert.equal(fs.readFileSync(path.join(dir, "new.txt"), "utf8"), "new\n");
    assert.equal(fs.readFileSync(path.join(dir, "hello.txt"), "utf8"), "changed by the guest\n");
    assert.equal(fs.existsSync(path.join(dir, "gone.txt")), false);
    assert.equal(fs.readlinkSync(path.join(dir, "link")), "new.txt");

    // A directory moved by the guest is moved on the host, with what is in it.
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub/f.txt"), "in sub\n");
    const subIno = fs.statSync(path.join(dir, "sub/f.txt")).ino;
    const moveDir = guest({
      imports: ["path_rename"],
      strings: { from: "sub", to: "keep/moved" },
      start: `(call $ok (call $path_rename (i32.const 3) $str:from $len:from (i32.const 3) $str:to $len:to))`,
    });
    const r2 = await runCli(["--browser", "--dir", `${dir}::/sandbox`, wasmFile("movedir.wasm", moveDir)]);
    assert.equal(r2.exitCode, 0, r2.stderr);
    assert.equal(r2.stderr, "");
    assert.equal(fs.existsSync(path.join(dir, "sub")), false);
    assert.equal(fs.statSync(path.join(dir, "keep/moved/f.txt")).ino, subIno);
  });

  test("a host edit during the run is kept and reported, not overwritten", async () => {
    const dir = path.join(tmp, "conflict");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "notes.txt"), "before\n");
    const program = scripted([["print", "ready\n"], ["stdin"], ["write", "notes.txt", "guest\n"], ["write", "other.txt", "guest\n"]]);
    const cli = startCli(["--browser", "--dir", `${dir}::/d`, wasmFile("conflict.wasm", program)]);
    await cli.waitFor("ready\n");
    fs.writeFileSync(path.join(dir, "notes.txt"), "edited on the host\n");
    cli.child.stdin.end();
    const { code } = await cli.closed;
    assert.equal(code, 0, cli.out.stderr);
    assert.equal(fs.readFileSync(path.join(dir, "notes.txt"), "utf8"), "edited on the host\n");
    assert.equal(fs.readFileSync(path.join(dir, "other.txt"), "utf8"), "guest\n");
    assert.match(cli.out.stderr, /not writing back .*notes\.txt: it changed on the host during the run/);
  });

  test("SIGINT during a run writes back what the guest changed so far", async () => {
    const dir = path.join(tmp, "sigint");
    fs.mkdirSync(dir);
    const program = scripted([
      ["write", "partial.txt", "written before ^C\n"],
      ["print", "ready\n"],
      ["stdin"],
      ["write", "never.txt", "x"],
    ]);
    const cli = startCli(["--browser", "--dir", `${dir}::/d`, wasmFile("sigint.wasm", program)]);
    await cli.waitFor("ready\n");
    cli.child.kill("SIGINT");
    const { code } = await cli.closed;
    assert.equal(code, 130, cli.out.stderr);
    assert.equal(fs.readFileSync(path.join(dir, "partial.txt"), "utf8"), "written before ^C\n");
    assert.equal(fs.existsSync(path.join(dir, "never.txt")), false);
    assert.match(cli.out.stderr, /interrupted \(SIGINT\): the program stopped; its file changes were written back/);
  });

  test("SIGTERM while the guest sleeps with no WASI call to stop at: says what was discarded", async () => {
    const dir = path.join(tmp, "sigterm");
    fs.mkdirSync(dir);
    const program = scripted([["write", "lost.txt", "x"], ["print", "ready\n"], ["sleep"]]);
    const cli = startCli(["--browser", "--dir", `${dir}::/d`, wasmFile("sigterm.wasm", program)]);
    // The print is buffered until the sleep flushes it: the guest is asleep now.
    await cli.waitFor("ready\n");
    cli.child.kill("SIGTERM");
    const { code } = await cli.closed;
    assert.equal(code, 143, cli.out.stderr);
    assert.equal(fs.existsSync(path.join(dir, "lost.txt")), false);
    assert.match(
      cli.out.stderr,
      /interrupted \(SIGTERM\): .* its file changes in the browser were discarded; nothing was written back to /,
    );
  });
});
