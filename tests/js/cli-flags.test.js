// The CLI's wasmtime habits (issue 14): a terminal seen as one, wasmtime's
// exit-code rule, one-line usage errors, --invoke, --argv0, inherited env,
// limits, .wat input, trap backtraces. Each runs the real CLI as a child.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parseArgs, parseDuration, parseSize, UsageError } from "../../js/node/cli-args.js";
import { demangle } from "../../js/node/backtrace.js";
import { formatValue, parseValue } from "../../js/node/invoke.js";
import { capMemory, functionNames } from "../../js/node/wasm-binary.js";
import { CHROMIUM_ARGS, chromiumArgs } from "../../js/node/chromium.js";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/corpus.js";
import { guest, printer } from "./helpers/wat.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cli-flags-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const GUESTS = path.join(REPO, "tests/guests/out");

function file(name, bytes) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

/** A guest that prints its args and env, one per line, NUL-free. */
const ARGS_ENV = guest({
  imports: ["args_sizes_get", "args_get", "environ_sizes_get", "environ_get"],
  start: `
    (local $n i32) (local $i i32) (local $p i32)
    (call $ok (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $n (i32.load (i32.const 0)))
    (call $ok (call $args_get (i32.const 8192) (i32.const 16384)))
    (call $dump (local.get $n) (i32.const 8192))
    (call $ok (call $environ_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $n (i32.load (i32.const 0)))
    (call $ok (call $environ_get (i32.const 8192) (i32.const 16384)))
    (call $dump (local.get $n) (i32.const 8192))`,
  funcs: `
    (func $strlen (param $p i32) (result i32) (local $q i32)
      (local.set $q (local.get $p))
      (block $e (loop $l (br_if $e (i32.eqz (i32.load8_u (local.get $q)))) (local.set $q (i32.add (local.get $q) (i32.const 1))) (br $l)))
      (i32.sub (local.get $q) (local.get $p)))
    (func $dump (param $n i32) (param $ptrs i32) (local $s i32) (local $len i32)
      (block $e (loop $l (br_if $e (i32.eqz (local.get $n)))
        (local.set $s (i32.load (local.get $ptrs)))
        (local.set $len (call $strlen (local.get $s)))
        (i32.store8 (i32.add (local.get $s) (local.get $len)) (i32.const 10))
        (call $print (i32.const 1) (local.get $s) (i32.add (local.get $len) (i32.const 1)))
        (local.set $ptrs (i32.add (local.get $ptrs) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))`,
});

describe("argument parsing", () => {
  test("new flags, sizes and durations", () => {
    const a = parseArgs([
      "--argv0",
      "prog",
      "--invoke=f",
      "--timeout",
      "2s",
      "--max-memory",
      "1M",
      "--max-fds=10",
      "--max-bytes",
      "64K",
      "x.wasm",
      "1",
    ]);
    assert.deepEqual(
      { ...a },
      {
        file: "x.wasm",
        args: ["1"],
        dirs: [],
        env: {},
        browser: false,
        argv0: "prog",
        invoke: "f",
        timeout: 2000,
        maxMemory: 1 << 20,
        maxFds: 10,
        maxBytes: 65536,
      },
    );
    assert.equal(parseArgs(["-W", "timeout=300ms,max-memory-size=2G", "x.wasm"]).timeout, 300);
    assert.equal(parseArgs(["-Wmax-memory-size=2G", "x.wasm"]).maxMemory, 2 * 1024 ** 3);
    assert.equal(parseSize("--max-bytes", "3KiB"), 3072);
    assert.equal(parseSize("--max-bytes", "5"), 5);
    assert.equal(parseDuration("--timeout", "5"), 5000);
    assert.equal(parseDuration("--timeout", "2m"), 120_000);
    for (const bad of [
      ["--timeout", "soon"],
      ["--timeout", "0"],
      ["--max-memory", "1T"],
      ["--max-fds", "2"],
      ["--max-fds", "-1"],
      ["-S", "tcp=maybe"],
      ["-W", "fuel=1"],
    ]) {
      assert.throws(() => parseArgs([...bad, "x.wasm"]), UsageError, bad.join(" "));
    }
  });

  test("wasmtime's switches for 0.3 and wasi:http are taken as always on; =n is refused", () => {
    const plain = parseArgs(["x.wasm"]);
    for (const flags of [
      ["-S", "p3"],
      ["-Sp3=y", "-Shttp"],
      ["-W", "component-model-async=y"],
      ["-Wcomponent-model-async,component-model-async-builtins=y"],
    ]) {
      assert.deepEqual(parseArgs([...flags, "x.wasm"]), plain, flags.join(" "));
    }
    for (const bad of [
      ["-S", "p3=n"],
      ["-W", "component-model-async=n"],
      ["-S", "http=maybe"],
    ]) {
      assert.throws(() => parseArgs([...bad, "x.wasm"]), UsageError, bad.join(" "));
    }
  });

  test("-S inherit-env gives the host's environment; --env wins over it", () => {
    const host = { HOME: "/root", LANG: "C", GONE: undefined };
    assert.deepEqual(parseArgs(["-S", "inherit-env", "--env", "LANG=fr", "x.wasm"], host).env, { HOME: "/root", LANG: "fr" });
    assert.deepEqual(parseArgs(["-Sinherit-env=n", "x.wasm"], host).env, {});
  });
});

describe("pieces", () => {
  test("invoke values are parsed and printed as wasmtime does", () => {
    assert.equal(parseValue("4294967295", "i32", "f"), -1);
    assert.equal(parseValue("-2147483648", "i32", "f"), -2147483648);
    assert.throws(() => parseValue("4294967296", "i32", "f"), /cannot parse/);
    assert.throws(() => parseValue("1.5", "i64", "f"), /cannot parse/);
    assert.equal(parseValue("18446744073709551615", "i64", "f"), -1n);
    assert.equal(parseValue("-inf", "f64", "f"), -Infinity);
    assert.ok(Number.isNaN(parseValue("NaN", "f32", "f")));
    assert.equal(formatValue(Math.fround(0.1), "f32"), "0.1");
    assert.equal(formatValue(1e21, "f64"), "1000000000000000000000");
    assert.equal(formatValue(1.5e-7, "f64"), "0.00000015");
    assert.equal(formatValue(-Infinity, "f32"), "-inf");
    assert.equal(formatValue(3, "f64"), "3");
  });

  test("Rust legacy names are demangled", () => {
    assert.equal(demangle("_ZN5hello4main17h12102f1309ec6d83E"), "hello::main");
    assert.equal(
      demangle("_ZN4core3ptr35drop_in_place$LT$std..io..Error$GT$17h0123456789abcdefE"),
      "core::ptr::drop_in_place<std::io::Error>",
    );
    assert.equal(demangle("main"), "main");
  });

  test("the name section is read; --max-memory rewrites the limits", () => {
    const bytes = fs.readFileSync(path.join(GUESTS, "c_trap.wasm"));
    assert.ok([...functionNames(bytes).values()].includes("call_chain_for_backtrace"));
    const plain = guest({ start: "" });
    const { bytes: capped, shift } = capMemory(plain, 3 * 65536 + 100);
    const memory = new WebAssembly.Instance(new WebAssembly.Module(capped), { wasi_snapshot_preview1: { fd_write: () => 0 } }).exports
      .memory;
    assert.equal(memory.grow(1), 2);
    assert.equal(memory.buffer.byteLength, 3 * 65536);
    assert.throws(() => memory.grow(1), RangeError, "past the cap");
    assert.equal(capped.length - plain.length, shift);
    assert.throws(() => capMemory(plain, 65536), /starts at 131072 bytes/);
  });

  test("Chromium's sandbox stays on unless WASI_WEB_CHROMIUM_NO_SANDBOX=1 asks", () => {
    assert.ok(!CHROMIUM_ARGS.includes("--no-sandbox"));
    assert.ok(!chromiumArgs({}).includes("--no-sandbox"));
    assert.ok(!chromiumArgs({ WASI_WEB_CHROMIUM_NO_SANDBOX: "0" }).includes("--no-sandbox"));
    assert.ok(chromiumArgs({ WASI_WEB_CHROMIUM_NO_SANDBOX: "1" }).includes("--no-sandbox"));
  });

  test("as root without WASI_WEB_CHROMIUM_NO_SANDBOX, --browser fails with a clear message", async () => {
    assert.equal(process.getuid?.(), 0, "this test runs as root (as CI does)");
    const r = await runCli(["--browser", file("sandboxed.wasm", printer("out\n"))], { env: { WASI_WEB_CHROMIUM_NO_SANDBOX: "" } });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /cannot run its sandbox as root.*WASI_WEB_CHROMIUM_NO_SANDBOX=1/s);
  });
});

describe("the wasi-web command", () => {
  test("a usage error is one line naming the problem and --help, exit 2", async () => {
    for (const args of [["--frobnicate", "x.wasm"], [], ["--timeout", "soon", "x.wasm"]]) {
      const r = await runCli(args);
      assert.equal(r.exitCode, 2, args.join(" "));
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^wasi-web: [^\n]+ \(see wasi-web --help\)\n$/);
    }
    const help = await runCli(["--help"]);
    assert.doesNotMatch(help.stdout, /Runs a WASI Preview 1 program/);
    assert.match(help.stdout, /WASI 0\.2 or 0\.3 component/);
  });

  test("the guest sees a terminal on the streams that are one (isatty)", () => {
    const program = path.join(GUESTS, "tty_report.wasm");
    const cli = path.join(REPO, "js/cli.js");
    // In a pseudo-terminal (util-linux script), stdout piped through cat: 0 and 2 stay on the pty.
    const inPty = spawnSync("script", ["-qfec", `${JSON.stringify(process.execPath)} ${cli} ${program} | cat`, "/dev/null"], {
      encoding: "utf8",
    });
    assert.equal(inPty.status, 0, inPty.stderr);
    assert.match(inPty.stdout, /fd 0 tty 1\r?\nfd 1 tty 0\r?\nfd 2 tty 1/);
    const allPty = spawnSync("script", ["-qfec", `${JSON.stringify(process.execPath)} ${cli} ${program}`, "/dev/null"], {
      encoding: "utf8",
    });
    assert.match(allPty.stdout, /fd 0 tty 1\r?\nfd 1 tty 1\r?\nfd 2 tty 1/);
    // Pipes everywhere: no terminal.
    const piped = spawnSync(process.execPath, [cli, program], { encoding: "utf8" });
    assert.equal(piped.stdout, "fd 0 tty 0\nfd 1 tty 0\nfd 2 tty 0\n");
  });

  test("exit codes: 0..125 pass through; 126 and more exit 1 with wasmtime's message", async () => {
    for (const [code, expected] of [
      [0, 0],
      [125, 125],
      [126, 1],
      [255, 1],
      [256, 1],
      [-1, 1],
    ]) {
      const r = await runCli([file(`exit${code}.wasm`, printer("out\n", { exitCode: code }))]);
      assert.equal(r.exitCode, expected, `proc_exit(${code})`);
      assert.equal(r.stdout, "out\n");
      if (expected === 1) assert.match(r.stderr, new RegExp(`invalid exit status ${code >>> 0}, outside of \\[0\\.\\.126\\)`));
      else assert.equal(r.stderr, "");
    }
  });

  test("exit codes under --browser follow the same rule", async () => {
    for (const [code, expected] of [
      [125, 125],
      [256, 1],
    ]) {
      const r = await runCli(["--browser", file(`bexit${code}.wasm`, printer("out\n", { exitCode: code }))]);
      assert.equal(r.exitCode, expected, `proc_exit(${code}) --browser: ${r.stderr}`);
      assert.equal(r.stdout, "out\n");
      if (expected === 1) assert.match(r.stderr, new RegExp(`invalid exit status ${code}, outside of \\[0\\.\\.126\\)`));
    }
  });

  test("--argv0, --env NAME, -S inherit-env", async () => {
    const p = file("argsenv.wasm", ARGS_ENV);
    const r = await runCli(["--argv0", "myprog", "--env", "ONE=1", "--env", "H6_INHERITED", p, "a b"], { env: { H6_INHERITED: "yes" } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, "myprog\na b\nONE=1\nH6_INHERITED=yes\n");
    const all = await runCli(["-S", "inherit-env", p], { env: { H6_ALL: "all ✓" } });
    assert.match(all.stdout, /^argsenv\.wasm\n/);
    assert.match(all.stdout, /\nH6_ALL=all ✓\n/);
    assert.match(all.stdout, /\nPATH=/);
    const none = await runCli([p], { env: { H6_ALL: "all" } });
    assert.equal(none.stdout, "argsenv.wasm\n");
  });

  test("a trap prints the guest's backtrace with names from the name section", async () => {
    const r = await runCli([path.join(GUESTS, "c_trap.wasm")]);
    assert.equal(r.exitCode, 134);
    assert.equal(r.stdout, "before the trap\n");
    const lines = r.stderr.split("\n");
    assert.equal(lines[0], "wasi-web: c_trap.wasm trapped: unreachable");
    assert.equal(lines[1], "wasm backtrace:");
    assert.match(lines[2], /^ {2}0: 0x[0-9a-f]+ - trap_here_for_backtrace$/);
    assert.match(lines[3], /^ {2}1: 0x[0-9a-f]+ - call_chain_for_backtrace$/);
    assert.match(r.stderr, /\d+: 0x[0-9a-f]+ - main\n/);
    assert.match(r.stderr, /\d+: 0x[0-9a-f]+ - _start\n/);
    // The offset is the file's: it falls inside the function's body.
    const offset = parseInt(/0x([0-9a-f]+)/.exec(lines[2])[1], 16);
    assert.ok(offset > 8 && offset < fs.statSync(path.join(GUESTS, "c_trap.wasm")).size);
    // With --max-memory the module is rewritten: offsets stay the file's.
    const capped = await runCli(["--max-memory", "64M", path.join(GUESTS, "c_trap.wasm")]);
    assert.equal(capped.stderr.split("\n")[2], lines[2]);
  });

  test(".wat input (wabt), with --invoke on a library module", async () => {
    const wat = file(
      "lib.wat",
      `(module
        (func $div (export "div") (param $a i32) (param $b i64) (param f32) (param f64) (result i32 i64 f32 f64)
          (i32.div_s (local.get $a) (i32.const 2)) (local.get $b) (local.get 2) (local.get 3))
        (func $boom (export "boom") (call $inner))
        (func $inner unreachable))`,
    );
    const r = await runCli(["--invoke", "div", wat, "-7", "18446744073709551615", "0.1", "2.5"]);
    assert.deepEqual(r, { exitCode: 0, stdout: "-3\n-1\n0.1\n2.5\n", stderr: "" });
    const trap = await runCli(["--invoke", "boom", wat]);
    assert.equal(trap.exitCode, 134);
    assert.match(
      trap.stderr,
      /^wasi-web: lib\.wat trapped: unreachable\nwasm backtrace:\n {2}0: 0x[0-9a-f]+ - inner\n {2}1: 0x[0-9a-f]+ - boom\n$/,
    );
    const badArg = await runCli(["--invoke", "div", wat, "x", "1", "1", "1"]);
    assert.equal(badArg.exitCode, 1);
    assert.match(badArg.stderr, /--invoke div: cannot parse "x" as i32/);
    const missing = await runCli(["--invoke", "nope", wat]);
    assert.match(missing.stderr, /exports no function nope/);
    const broken = await runCli([file("broken.wat", "(module (func (frob)))")]);
    assert.equal(broken.exitCode, 1);
    assert.match(broken.stderr, /broken\.wat:1:\d+: error: unexpected token "frob"/);
  });

  test("a reactor: accepted without --invoke (_initialize runs), and --invoke after _initialize", async () => {
    const reactor = file(
      "reactor.wasm",
      guest({
        imports: ["proc_exit"],
        strings: { init: "initialized\n", hi: "eval\n" },
        start: null,
        initialize: `(call $print (i32.const 1) $str:init $len:init)`,
        exports: `
          (func (export "eval") (param i32) (result i32)
            (call $print (i32.const 1) $str:hi $len:hi) (i32.mul (local.get 0) (i32.const 3)))
          (func (export "quit") (param i32) (call $proc_exit (local.get 0)))`,
      }),
    );
    assert.deepEqual(await runCli([reactor]), { exitCode: 0, stdout: "initialized\n", stderr: "" });
    assert.deepEqual(await runCli(["--invoke", "eval", reactor, "14"]), { exitCode: 0, stdout: "initialized\neval\n42\n", stderr: "" });
    assert.deepEqual(await runCli(["--invoke", "quit", reactor, "7"]), { exitCode: 7, stdout: "initialized\n", stderr: "" });
    const big = await runCli(["--invoke", "quit", reactor, "300"]);
    assert.equal(big.exitCode, 1);
    assert.match(big.stderr, /invalid exit status 300/);
    const exiting = file("exiting.wasm", guest({ imports: ["proc_exit"], start: null, initialize: `(call $proc_exit (i32.const 9))` }));
    assert.deepEqual(await runCli([exiting]), { exitCode: 9, stdout: "", stderr: "" });
    // --invoke on a command calls the export, not _start.
    const command = file(
      "command.wasm",
      guest({
        strings: { s: "start\n" },
        start: `(call $print (i32.const 1) $str:s $len:s)`,
        exports: `(func (export "seven") (result i64) (i64.const 7))`,
      }),
    );
    assert.deepEqual(await runCli(["--invoke", "seven", command]), { exitCode: 0, stdout: "7\n", stderr: "" });
  });

  test("--timeout ends a guest that spins without calling WASI, exit 134", async () => {
    const spin = file(
      "spin.wasm",
      guest({ strings: { s: "spinning\n" }, start: `(call $print (i32.const 1) $str:s $len:s) (loop $l (br $l))` }),
    );
    const r = await runCli(["--timeout", "300ms", spin]);
    assert.equal(r.exitCode, 134);
    assert.equal(r.stdout, "spinning\n");
    assert.equal(r.stderr, "wasi-web: spin.wasm timed out after 300ms (--timeout): interrupted\n");
    // What it wrote to a --dir before the timeout stays.
    const dir = fs.mkdtempSync(path.join(tmp, "timeout"));
    const writer = guest({
      imports: ["path_open"],
      strings: { f: "out.txt", d: "written ✓\n" },
      start: `
        (call $ok (call $path_open (i32.const 3) (i32.const 0) $str:f $len:f (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
        (call $print (i32.load (i32.const 32)) $str:d $len:d)
        (loop $l (br $l))`,
    });
    const wrote = await runCli(["--timeout", "1", "--dir", `${dir}::/d`, file("writer.wasm", writer)]);
    assert.equal(wrote.exitCode, 134, wrote.stderr);
    assert.equal(fs.readFileSync(path.join(dir, "out.txt"), "utf8"), "written ✓\n");
    const quick = await runCli(["-W", "timeout=60", file("quick.wasm", printer("fine\n"))]);
    assert.deepEqual(quick, { exitCode: 0, stdout: "fine\n", stderr: "" });
  });

  test("--max-memory: memory.grow past the cap fails in the guest; a larger minimum is refused", async () => {
    // Exits with 10 + whether growing by 2 pages failed, then 20 + whether 1 page did.
    const grower = file(
      "grow.wasm",
      guest({
        imports: ["proc_exit"],
        start: `
          (if (i32.eq (memory.grow (i32.const 2)) (i32.const -1))
            (then (call $proc_exit (i32.add (i32.const 20) (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))))
            (else (call $proc_exit (i32.const 10))))`,
      }),
    );
    assert.equal((await runCli([grower])).exitCode, 10);
    // 2 pages to start, cap 3: +2 fails, +1 works.
    assert.equal((await runCli(["--max-memory", "192K", grower])).exitCode, 20);
    assert.equal((await runCli(["--max-memory", "130K", grower])).exitCode, 21);
    const small = await runCli(["--max-memory", "64K", grower]);
    assert.equal(small.exitCode, 1);
    assert.match(small.stderr, /--max-memory 65536: the module's memory starts at 131072 bytes/);
  });

  test("--max-fds and --max-bytes reach the guest as EMFILE and ENOSPC", async () => {
    // Opens "f" for writing once per iteration and writes 40 KiB to it; exits with the first errno.
    const opener = file(
      "opener.wasm",
      guest({
        imports: ["path_open", "proc_exit"],
        strings: { f: "f" },
        start: `
          (local $e i32) (local $i i32)
          (i32.store (i32.const 0) (i32.const 65536)) (i32.store (i32.const 4) (i32.const 40960))
          (loop $l
            (local.set $e (call $path_open (i32.const 3) (i32.const 0) $str:f $len:f (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
            (if (local.get $e) (then (call $proc_exit (local.get $e))))
            (local.set $e (call $fd_write (i32.load (i32.const 32)) (i32.const 0) (i32.const 1) (i32.const 40)))
            (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 60) (local.get $e)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 50))))
          (call $proc_exit (i32.const 0))`,
      }),
    );
    assert.deepEqual(await runCli(["--mem-dir", "/tmp", opener]), { exitCode: 0, stdout: "", stderr: "" });
    // stdio + the preopen = 4 fds: 6 leaves room for two opens; the third is EMFILE (33).
    assert.equal((await runCli(["--max-fds", "6", "--mem-dir", "/tmp", opener])).exitCode, 33);
    // Each write rewrites the same 40 KiB in place: 16K is too little, ENOSPC (51, exit 60 + 51) on the first; 48K is enough.
    assert.equal((await runCli(["--max-bytes", "16K", "--mem-dir", "/tmp", opener])).exitCode, 111);
    assert.equal((await runCli(["--max-bytes", "48K", "--mem-dir", "/tmp", opener])).exitCode, 0);
    // A host --dir is the host's: --max-bytes does not limit it.
    const dir = fs.mkdtempSync(path.join(tmp, "host"));
    assert.equal((await runCli(["--max-bytes", "16K", "--dir", `${dir}::/d`, opener])).exitCode, 0);
    assert.equal(fs.statSync(path.join(dir, "f")).size, 40960);
    assert.throws(() => parseArgs(["--dir", "a::/x", "--mem-dir", "/x", "p.wasm"]), UsageError);
  });

  test("flags --browser does not carry out are refused, not ignored", async () => {
    const r = await runCli(["--browser", "--timeout", "1s", file("b.wasm", printer("x"))]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--timeout is not supported with --browser/);
  });
});
