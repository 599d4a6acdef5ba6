import assert from "node:assert/strict";
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { MemFS, OutputBuffer, WASI } from "../../js/index.js";
import { cat, catFile, guest, printer, scripted } from "./helpers/wat.js";

const instantiate = async (bytes, wasi) => (await WebAssembly.instantiate(bytes, wasi.getImportObject())).instance;

describe("WASI options", () => {
  test("import objects per version", () => {
    const p1 = new WASI({ version: "preview1" });
    assert.deepEqual(Object.keys(p1.getImportObject()).sort(), ["wasi_snapshot_preview1", "wasi_unstable"]);
    assert.equal(p1.getImportObject().wasi_snapshot_preview1, p1.wasiImport);
    assert.equal(Object.keys(p1.wasiImport).length, 46);
    for (const f of Object.values(p1.wasiImport)) assert.equal(typeof f, "function");
    const un = new WASI({ version: "unstable" });
    assert.equal(un.getImportObject().wasi_unstable, un.wasiImport);
    // The layouts differ: wasi_unstable's fd_seek is another core method.
    assert.notEqual(un.wasiImport.fd_seek, p1.getImportObject().wasi_unstable.fd_write);
    assert.equal(new WASI().version, "preview1");
  });

  test("bad options are TypeErrors", () => {
    assert.throws(() => new WASI({ version: "preview2" }), TypeError);
    assert.throws(() => new WASI({ args: "a b" }), TypeError);
    assert.throws(() => new WASI({ args: [1] }), TypeError);
    assert.throws(() => new WASI({ env: "A=1" }), TypeError);
    assert.throws(() => new WASI({ env: { "A=B": "1" } }), TypeError);
    assert.throws(() => new WASI({ stdout: "inherit" }), TypeError);
    assert.throws(() => new WASI({ fs: {} }), TypeError);
    assert.throws(() => new WASI({ preopens: { "/": 1 } }), TypeError);
    assert.throws(() => new WASI(null), TypeError);
  });

  test("a preopen of a missing directory fails clearly", () => {
    assert.throws(() => new WASI({ preopens: { "/sandbox": "/nope" } }), /nope|ENOENT|not a directory/i);
  });

  test("stdout and stderr buffers", async () => {
    const wasi = new WASI({ stdout: "buffer", stderr: "buffer" });
    assert.ok(wasi.stdout instanceof OutputBuffer);
    assert.equal(wasi.start(await instantiate(printer("out ✓\n", { err: "err\n" }), wasi)), 0);
    assert.equal(wasi.stdout.text(), "out ✓\n");
    assert.deepEqual(wasi.stdout.bytes(), new TextEncoder().encode("out ✓\n"));
    assert.equal(wasi.stdout.length, 8);
    assert.equal(wasi.stderr.text(), "err\n");
    wasi.stdout.clear();
    assert.equal(wasi.stdout.text(), "");
    assert.equal(new WASI().stdout, null, "no buffer unless asked for");
  });

  test("callback output gets copies", async () => {
    const chunks = [];
    const wasi = new WASI({ stdout: (c) => chunks.push(c), stderr: "buffer" });
    wasi.start(await instantiate(printer("abc\n".repeat(1000), { err: "e" }), wasi));
    assert.ok(chunks.every((c) => c instanceof Uint8Array));
    assert.equal(Buffer.concat(chunks).toString(), "abc\n".repeat(1000));
    assert.equal(wasi.stderr.text(), "e");
  });

  test("console output is line-buffered UTF-8, the last partial line flushed at exit", async (t) => {
    const logged = [];
    const errors = [];
    t.mock.method(console, "log", (line) => logged.push(line));
    t.mock.method(console, "error", (line) => errors.push(line));
    // "ż" is c5 bc: split across two writes.
    const bytes = guest({
      strings: { a: "line 1\nline 2 \xc5".replace("\xc5", ""), b: "\nno newline" },
      start: `
        (call $print (i32.const 1) $str:a $len:a)
        (i32.store8 (i32.const 100) (i32.const 0xc5))
        (call $print (i32.const 1) (i32.const 100) (i32.const 1))
        (i32.store8 (i32.const 100) (i32.const 0xbc))
        (call $print (i32.const 1) (i32.const 100) (i32.const 1))
        (call $print (i32.const 1) $str:b $len:b)
        (call $print (i32.const 2) $str:b $len:b)`,
    });
    const wasi = new WASI();
    assert.equal(wasi.start(await instantiate(bytes, wasi)), 0);
    t.mock.restoreAll();
    assert.deepEqual(logged, ["line 1", "line 2 ż", "no newline"]);
    assert.deepEqual(errors, ["", "no newline"]);
  });

  test("stdin as string, bytes and callback", async () => {
    const runCat = async (stdin, chunk) => {
      const wasi = new WASI({ stdin, stdout: "buffer" });
      wasi.start(await instantiate(cat(chunk), wasi));
      return wasi.stdout.text();
    };
    assert.equal(await runCat("hello ✓\n", 3), "hello ✓\n");
    assert.equal(await runCat(new TextEncoder().encode("bytes")), "bytes");
    assert.equal(await runCat(undefined), "");
    const parts = ["one ", "two ", new TextEncoder().encode("three"), null];
    const asked = [];
    assert.equal(await runCat((max) => (asked.push(max), parts.shift()), 2), "one two three");
    assert.ok(asked.every((n) => typeof n === "number" && n > 0));
  });
});

describe("WASI.start", () => {
  test("returns 0, or proc_exit's code", async () => {
    const a = new WASI({ stdout: "buffer" });
    assert.equal(a.start(await instantiate(printer("x"), a)), 0);
    assert.equal(a.exitCode, undefined);
    const b = new WASI({ stdout: "buffer" });
    assert.equal(b.start(await instantiate(printer("x", { exitCode: 7 }), b)), 7);
    assert.equal(b.exitCode, 7);
    assert.equal(b.stdout.text(), "x");
  });

  test("proc_raise of a terminating signal exits with 128+sig", async () => {
    const bytes = guest({ imports: ["proc_raise"], start: `(drop (call $proc_raise (i32.const 15))) (unreachable)` });
    const wasi = new WASI();
    assert.equal(wasi.start(await instantiate(bytes, wasi)), 143);
  });

  test("wasi_unstable programs run", async () => {
    const wasi = new WASI({ version: "unstable", stdout: "buffer" });
    assert.equal(wasi.start(await instantiate(printer("old\n", { ns: "wasi_unstable", exitCode: 3 }), wasi)), 3);
    assert.equal(wasi.stdout.text(), "old\n");
  });

  test("a trap names the program and the trap; output is flushed; the fs stays usable", async () => {
    const fs = new MemFS();
    fs.mkdir("/d");
    fs.writeFile("/d/f", "still here\n");
    const bytes = guest({ strings: { a: "before" }, start: `(call $print (i32.const 1) $str:a $len:a) (unreachable)` });
    const wasi = new WASI({ args: ["crashy.wasm"], stdout: "buffer", fs, preopens: { "/d": "/d" } });
    assert.throws(
      () => wasi.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject())),
      (e) =>
        e instanceof WebAssembly.RuntimeError &&
        /crashy\.wasm/.test(e.message) &&
        /unreachable/.test(e.message) &&
        e.cause instanceof Error,
    );
    assert.equal(wasi.stdout.text(), "before");
    const next = new WASI({ stdout: "buffer", fs, preopens: { "/d": "/d" } });
    next.start(await instantiate(catFile("f"), next));
    assert.equal(next.stdout.text(), "still here\n");
  });

  test("stack exhaustion comes out as a RangeError naming the program", async () => {
    const bytes = guest({ funcs: `(func $r (call $r))`, start: `(call $r)` });
    const wasi = new WASI({ args: ["deep.wasm"] });
    assert.throws(
      () => wasi.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject())),
      (e) => /deep\.wasm/.test(e.message),
    );
  });

  test("rejects non-commands and reuse", async () => {
    const wasi = () => new WASI();
    const noStart = guest({ start: null });
    let w = wasi();
    assert.throws(() => w.start(new WebAssembly.Instance(new WebAssembly.Module(noStart), w.getImportObject())), /_start/);
    const both = guest({ initialize: "" });
    w = wasi();
    assert.throws(() => w.start(new WebAssembly.Instance(new WebAssembly.Module(both), w.getImportObject())), /_initialize/);
    w = wasi();
    assert.throws(() => w.start({ exports: { _start() {} } }), /memory/);
    assert.throws(() => w.start(null), TypeError);
    w = new WASI({ stdout: "buffer" });
    const inst = await instantiate(printer("x"), w);
    w.start(inst);
    assert.throws(() => w.start(inst), /already started/);
  });

  test("returnOnExit: false ends the Node process like node:wasi", () => {
    const index = new URL("../../js/index.js", import.meta.url).href;
    const helpers = new URL("./helpers/wat.js", import.meta.url).href;
    const script = `
      import { WASI } from ${JSON.stringify(index)};
      import { printer } from ${JSON.stringify(helpers)};
      const wasi = new WASI({ returnOnExit: false });
      const { instance } = await WebAssembly.instantiate(printer("bye", { exitCode: 9 }), wasi.getImportObject());
      wasi.start(instance);
      console.log("not reached");`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      cwd: fileURLToPath(new URL(".", import.meta.url)),
    });
    assert.equal(r.status, 9, r.stderr);
    assert.equal(r.stdout, "bye\n");
  });
});

describe("WASI.initialize (reactors)", () => {
  test("calls _initialize; exports can be called after; flush() prints", async () => {
    const bytes = guest({
      start: null,
      strings: { init: "init\n", hi: "hi" },
      initialize: `(call $print (i32.const 1) $str:init $len:init)`,
      exports: `(func (export "greet") (call $print (i32.const 1) $str:hi $len:hi))`,
    });
    const wasi = new WASI({ stdout: "buffer" });
    const instance = await instantiate(bytes, wasi);
    wasi.initialize(instance);
    assert.equal(wasi.stdout.text(), "init\n");
    instance.exports.greet();
    wasi.flush();
    assert.equal(wasi.stdout.text(), "init\nhi");
  });

  test("a command is refused", async () => {
    const wasi = new WASI();
    assert.throws(() => wasi.initialize(new WebAssembly.Instance(new WebAssembly.Module(printer("x")), wasi.getImportObject())), /_start/);
  });
});

describe("a shared MemFS", () => {
  test("is visible to several WASI instances and to JS", async () => {
    const fs = new MemFS();
    fs.mkdir("/shared");
    fs.writeFile("/shared/a.txt", "from JS\n");
    const one = new WASI({ fs, preopens: { "/data": "/shared" }, stdout: "buffer" });
    const two = new WASI({ fs, preopens: { ".": "/shared" }, stdout: "buffer" });
    assert.equal(one.fs, fs);
    one.start(await instantiate(catFile("a.txt"), one));
    fs.writeFile("/shared/a.txt", "changed\n");
    two.start(await instantiate(catFile("a.txt"), two));
    assert.equal(one.stdout.text(), "from JS\n");
    assert.equal(two.stdout.text(), "changed\n");
  });
});

describe("terminals", () => {
  const guest = () => fs.readFileSync(new URL("../guests/out/tty_report.wasm", import.meta.url));
  const runWith = (options) => {
    const chunks = [];
    const wasi = new WASI({ args: ["tty_report"], stdout: (c) => chunks.push(Buffer.from(c).toString()), ...options });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(guest()), wasi.getImportObject());
    assert.equal(wasi.start(instance), 0);
    return chunks;
  };

  test("tty flags reach isatty, and a terminal is flushed per line", () => {
    const tty = runWith({ tty: [true, true, false] });
    assert.deepEqual(tty, ["fd 0 tty 1\n", "fd 1 tty 1\n", "fd 2 tty 0\n"]);
  });

  test("a pipe (callback output) is not a terminal and is coalesced", () => {
    assert.deepEqual(runWith({}), ["fd 0 tty 0\nfd 1 tty 0\nfd 2 tty 1\n"]);
  });

  test("bad tty option", () => {
    assert.throws(() => new WASI({ tty: "yes" }), TypeError);
  });
});

describe("deterministic mode and file times", () => {
  test("a program's files get the virtual clock's times; the page's own changes keep real times", () => {
    const fs = new MemFS();
    fs.mkdir("/d");
    const wasi = new WASI({ fs, preopens: { "/d": "/d" }, deterministic: { seed: 1 } });
    // "sleep" waits 2^62 ns: virtual time jumps there at once.
    const program = scripted([["write", "a.txt", "a"], ["sleep"], ["write", "b.txt", "b"]]);
    assert.equal(wasi.start(new WebAssembly.Instance(new WebAssembly.Module(program), wasi.getImportObject())), 0);
    const epochMs = Date.UTC(2024, 0, 1);
    const a = fs.stat("/d/a.txt");
    assert.equal(a.mtimeMs, epochMs);
    assert.equal(a.ctimeMs, epochMs);
    const b = fs.stat("/d/b.txt");
    assert.ok(Math.abs(b.mtimeMs - (epochMs + 2 ** 62 / 1e6)) < 1, `b.txt's mtime ${b.mtimeMs}`);
    // The page writes through the MemFS API: the page's clock (today, not
    // 2024 or 2170; a day's slack covers any drift of Date from performance).
    fs.writeFile("/d/c.txt", "c");
    const c = fs.stat("/d/c.txt").mtimeMs;
    assert.ok(Math.abs(c - Date.now()) < 86_400_000, `c.txt's mtime ${c} is not today`);
  });
});
