// Output and input callbacks that fail (issue 11, point 5): an exception
// thrown by a sink or the stdin callback, inside a call into the core, gives
// the guest an error (EIO; EPIPE for a closed pipe) and is thrown to the JS
// caller at the end of the call it came from; the WASI (or WASIp2) and its
// MemFS go on working. The "buffer" sink is capped, the "console" sink
// prints a line of any length.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS, WASI } from "../../js/index.js";
import { ConsoleSink } from "../../js/console-sink.js";
import { BLOCK, FLUSH, WRITE } from "../../js/internal.js";
import { WASIp2 } from "../../js/preview2/index.js";
import { guest, printer, scripted } from "./helpers/wat.js";

const EIO = 29;
const EPIPE = 64;

const instance = (bytes, wasi) => new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());

/** Writes "a\n" to `fd` and exits with fd_write's errno. */
function writeOnce(fd) {
  return guest({
    imports: ["proc_exit"],
    strings: { a: "a\n" },
    start: `
      (i32.store (i32.const 0) $str:a) (i32.store (i32.const 4) $len:a)
      (call $proc_exit (call $fd_write (i32.const ${fd}) (i32.const 0) (i32.const 1) (i32.const 8)))`,
  });
}

/** Writes `chunk` to stdout until a write fails; exits with its errno. Counts writes at address 64. */
function writeUntilError(chunk) {
  return guest({
    imports: ["proc_exit"],
    strings: { y: chunk },
    exports: `(func (export "writes") (result i32) (i32.load (i32.const 64)))`,
    start: `
      (local $e i32)
      (i32.store (i32.const 0) $str:y) (i32.store (i32.const 4) $len:y)
      (loop $again
        (local.set $e (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.const 1)))
        (br_if $again (i32.eqz (local.get $e))))
      (call $proc_exit (local.get $e))`,
  });
}

/** Reads stdin once; exits with fd_read's errno. */
const readOnce = guest({
  imports: ["fd_read", "proc_exit"],
  start: `
    (i32.store (i32.const 16) (i32.const 512)) (i32.store (i32.const 20) (i32.const 64))
    (call $proc_exit (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))`,
});

/** A reactor whose `say` export writes "a\n" to stdout and returns the errno. */
const reactor = guest({
  strings: { a: "a\n" },
  start: null,
  initialize: "",
  exports: `(func (export "say") (result i32)
    (i32.store (i32.const 0) $str:a) (i32.store (i32.const 4) $len:a)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))`,
});

/** The WASI and its MemFS go on: flush() is quiet, a new program runs, JS calls work. */
function assertUsable(wasi) {
  wasi.flush();
  wasi.flush();
  const fs = wasi.fs;
  fs.writeFile("/after.txt", "after\n");
  assert.equal(fs.readFile("/after.txt", "utf8"), "after\n");
  fs.checkInvariants();
  const next = new WASI({ fs, stdout: "buffer" });
  assert.equal(next.start(instance(printer("next\n"), next)), 0);
  assert.equal(next.stdout.text(), "next\n");
}

describe("a callback that throws, inside a call into the core (Preview 1)", () => {
  test("stdout: the guest gets EIO, start() throws the exception, the WASI goes on", () => {
    const boom = new Error("stdout boom");
    const wasi = new WASI({
      tty: true,
      stdout: () => {
        throw boom;
      },
      stderr: "buffer",
    });
    assert.throws(
      () => wasi.start(instance(writeOnce(1), wasi)),
      (e) => e === boom,
    );
    assert.equal(wasi.exitCode, EIO);
    assertUsable(wasi);
  });

  test("stderr: the same", () => {
    const boom = new TypeError("stderr boom");
    const wasi = new WASI({
      tty: true,
      stderr: () => {
        throw boom;
      },
    });
    assert.throws(
      () => wasi.start(instance(writeOnce(2), wasi)),
      (e) => e === boom,
    );
    assert.equal(wasi.exitCode, EIO);
    assertUsable(wasi);
  });

  test("a RangeError (as from a detached view) is the callback's, not a trap", () => {
    const wasi = new WASI({
      tty: true,
      stdout: (chunk) => {
        const view = new Uint8Array(new ArrayBuffer(1));
        view.set(chunk, 1); // RangeError: offset is out of bounds
      },
    });
    assert.throws(
      () => wasi.start(instance(writeOnce(1), wasi)),
      (e) => e instanceof RangeError && !/trapped/.test(e.message),
    );
    assert.equal(wasi.exitCode, EIO);
    assertUsable(wasi);
  });

  test("buffered output that fails at the end of the run still makes start() throw", () => {
    // Not a terminal: the core holds "hello\n" until the run ends.
    const boom = new Error("late boom");
    const wasi = new WASI({
      stdout: () => {
        throw boom;
      },
    });
    assert.throws(
      () => wasi.start(instance(printer("hello\n"), wasi)),
      (e) => e === boom,
    );
    assertUsable(wasi);
  });

  test("the stdin callback: the guest gets EIO, start() throws", () => {
    const boom = new Error("stdin boom");
    const wasi = new WASI({
      stdin: () => {
        throw boom;
      },
    });
    assert.throws(
      () => wasi.start(instance(readOnce, wasi)),
      (e) => e === boom,
    );
    assert.equal(wasi.exitCode, EIO);
    assertUsable(wasi);
  });

  test("the console sink: console.log that throws", () => {
    const log = console.log;
    const boom = new Error("console boom");
    console.log = () => {
      throw boom;
    };
    let wasi;
    try {
      wasi = new WASI({ tty: true });
      assert.throws(
        () => wasi.start(instance(writeOnce(1), wasi)),
        (e) => e === boom,
      );
    } finally {
      console.log = log;
    }
    assert.equal(wasi.exitCode, EIO);
    assertUsable(wasi);
  });

  test("a reactor: initialize(), then its exports; flush() throws what the callback threw, once", () => {
    let fail = true;
    const got = [];
    const wasi = new WASI({
      tty: true,
      stdout: (chunk) => {
        if (fail) throw new Error("reactor boom");
        got.push(new TextDecoder().decode(chunk));
      },
    });
    const inst = instance(reactor, wasi);
    wasi.initialize(inst);
    assert.equal(inst.exports.say(), EIO);
    assert.throws(() => wasi.flush(), /reactor boom/);
    wasi.flush();
    fail = false;
    assert.equal(inst.exports.say(), 0);
    wasi.flush();
    assert.deepEqual(got, ["a\n"]);
    assertUsable(wasi);
  });

  test("an exception thrown through the core (a host hook) ends the program, not the WASI's MemFS", () => {
    // Worker mode's hook for blocking, made to throw: the exception crosses
    // the core's frames (poll_oneoff is waiting), which leaves the
    // program's core borrowed for good; it is dropped, nothing else is.
    const fs = new MemFS();
    fs.mkdir("/d");
    const boom = new Error("hook boom");
    const wasi = new WASI({
      fs,
      preopens: { "/d": "/d" },
      stdout: "buffer",
      [BLOCK]: () => {
        throw boom;
      },
    });
    const program = scripted([["write", "f.txt", "kept\n"], ["print", "before\n"], ["sleep"]]);
    assert.throws(
      () => wasi.start(instance(program, wasi)),
      (e) => e === boom,
    );
    assert.equal(fs.readFile("/d/f.txt", "utf8"), "kept\n");
    // The output the program had written before is delivered.
    assert.equal(wasi.stdout.text(), "before\n");
    assert.equal(wasi.exitCode, undefined);
    assertUsable(wasi);
  });
});

describe("EPIPE: a sink that throws an EPIPE error closes the stream", () => {
  test("the guest gets EPIPE, every later write too, without calling the sink again; the run ends normally", () => {
    let calls = 0;
    const wasi = new WASI({
      tty: true,
      stdout: () => {
        calls++;
        if (calls > 3) throw Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
      },
    });
    const inst = instance(writeUntilError("y\n"), wasi);
    assert.equal(wasi.start(inst), EPIPE);
    assert.equal(inst.exports.writes(), 4);
    assert.equal(calls, 4);
    wasi.flush();
  });
});

describe('the "buffer" sink has a cap: maxBufferBytes', () => {
  test("past it the guest gets EIO, the bytes that fit are kept, and `truncated` says so", () => {
    const chunk = "0123456789abcdef".repeat(256); // 4 KiB
    const wasi = new WASI({ stdout: "buffer", maxBufferBytes: 100_000 });
    const inst = instance(writeUntilError(chunk), wasi);
    assert.equal(wasi.start(inst), EIO);
    assert.equal(wasi.stdout.length, 100_000);
    assert.equal(wasi.stdout.maxBytes, 100_000);
    assert.equal(wasi.stdout.truncated, true);
    assert.equal(wasi.stdout.text(), chunk.repeat(25).slice(0, 100_000));
    // The core holds at most one 8 KiB chunk beyond what was refused.
    assert.ok(inst.exports.writes() <= 100_000 / 4096 + 4, String(inst.exports.writes()));
    wasi.stdout.clear();
    assert.equal(wasi.stdout.truncated, false);
  });

  test("the default is 64 MiB; the option is checked", () => {
    assert.equal(new WASI({ stdout: "buffer" }).stdout.maxBytes, 64 * 1024 * 1024);
    assert.equal(new WASIp2({ stderr: "buffer", maxBufferBytes: 10 }).stderr.maxBytes, 10);
    for (const bad of [-1, 1.5, "10", 2 ** 40]) {
      assert.throws(() => new WASI({ stdout: "buffer", maxBufferBytes: bad }), /maxBufferBytes/);
    }
  });
});

describe('the "console" sink prints a line of any length', () => {
  function capture(run) {
    const log = console.log;
    const lines = [];
    console.log = (line) => lines.push(line);
    try {
      run();
    } finally {
      console.log = log;
    }
    return lines;
  }

  test("a line without a newline comes out in 64 Ki pieces", () => {
    const sink = new ConsoleSink("log");
    const lines = capture(() => {
      const chunk = new TextEncoder().encode("x".repeat(50_000));
      for (let i = 0; i < 4; i++) sink[WRITE](chunk);
      sink[WRITE](new TextEncoder().encode("y\nz"));
      sink[FLUSH]();
    });
    assert.deepEqual(
      lines.map((l) => l.length),
      [65536, 65536, 65536, 3392 + 1, 1],
    );
    assert.equal(lines.join(""), `${"x".repeat(200_000)}yz`);
  });

  test("a piece never ends in half a surrogate pair", () => {
    const sink = new ConsoleSink("log");
    const text = `a${"😀".repeat(40_000)}`;
    const lines = capture(() => {
      sink[WRITE](new TextEncoder().encode(text));
      sink[FLUSH]();
    });
    assert.equal(lines.length, 2);
    assert.equal(lines[0].length, 65535);
    assert.ok(lines.every((l) => l.isWellFormed()));
    assert.equal(lines.join(""), text);
  });

  test("through a program: 200,000 characters without a newline, no error", () => {
    const program = guest({
      strings: { z: "z".repeat(40_000) },
      start: `
        (local $i i32)
        (loop $again
          (call $print (i32.const 1) $str:z $len:z)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 5))))`,
    });
    const wasi = new WASI({ tty: false });
    const lines = capture(() => {
      assert.equal(wasi.start(instance(program, wasi)), 0);
    });
    assert.deepEqual(
      lines.map((l) => l.length),
      [65536, 65536, 65536, 3392],
    );
    assert.equal(lines.join(""), "z".repeat(200_000));
  });
});

describe("Preview 2: the same sinks and the same errors", () => {
  const encode = (s) => new TextEncoder().encode(s);
  /** A stand-in for a component's instance: `run` calls the imports as jco's glue would. */
  const command = (body) => ({ run: { run: body } });

  test("run() throws the callback's exception; the component saw last-operation-failed", () => {
    const boom = new Error("p2 boom");
    let fail = true;
    const got = [];
    const wasi = new WASIp2({
      stdout: (chunk) => {
        if (fail) throw boom;
        got.push(new TextDecoder().decode(chunk));
      },
    });
    const imports = wasi.imports;
    let streamError;
    assert.throws(
      () =>
        wasi.run(
          command(() => {
            const out = imports["wasi:cli/stdout"].getStdout();
            try {
              out.blockingWriteAndFlush(encode("a\n"));
            } catch (e) {
              streamError = e;
            }
          }),
        ),
      (e) => e === boom,
    );
    assert.equal(streamError?.tag, "last-operation-failed");
    fail = false;
    wasi.flush();
    const out = imports["wasi:cli/stdout"].getStdout();
    out.blockingWriteAndFlush(encode("b\n"));
    wasi.flush();
    assert.deepEqual(got, ["b\n"]);
  });

  test("EPIPE: the stream is closed for the component", () => {
    let calls = 0;
    const wasi = new WASIp2({
      stdout: () => {
        calls++;
        throw Object.assign(new Error("EPIPE"), { code: "EPIPE" });
      },
    });
    const out = wasi.imports["wasi:cli/stdout"].getStdout();
    for (let i = 0; i < 3; i++) {
      assert.throws(
        () => out.blockingWriteAndFlush(encode("y\n")),
        (e) => e?.tag === "closed",
      );
    }
    assert.equal(calls, 1);
    wasi.flush();
  });

  test('"buffer" with maxBufferBytes: past it, a stream error', () => {
    const wasi = new WASIp2({ stdout: "buffer", maxBufferBytes: 5 });
    const out = wasi.imports["wasi:cli/stdout"].getStdout();
    out.blockingWriteAndFlush(encode("1234"));
    assert.throws(
      () => out.blockingWriteAndFlush(encode("5678")),
      (e) => e?.tag === "last-operation-failed",
    );
    assert.equal(wasi.stdout.text(), "12345");
    assert.equal(wasi.stdout.truncated, true);
  });

  test("the stdin callback that throws: run() throws it", () => {
    const boom = new Error("p2 stdin boom");
    const wasi = new WASIp2({
      stdin: () => {
        throw boom;
      },
    });
    const imports = wasi.imports;
    let streamError;
    assert.throws(
      () =>
        wasi.run(
          command(() => {
            try {
              imports["wasi:cli/stdin"].getStdin().blockingRead(10n);
            } catch (e) {
              streamError = e;
            }
          }),
        ),
      (e) => e === boom,
    );
    assert.equal(streamError?.tag, "last-operation-failed");
    wasi.flush();
  });
});
