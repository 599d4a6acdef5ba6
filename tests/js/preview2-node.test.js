// WASI 0.2 components (tests/p2guests, built for wasm32-wasip2) run through
// jco on wasi-web's Preview 2 host, in Node.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { MemFS, run } from "../../js/index.js";
import { WASIp2, configure, isComponent, runComponent, transpileComponent } from "../../js/preview2/index.js";
import { p2Guest, requirePackage, requireP2Guests } from "./helpers/prereq.js";
import { catFile, mutator } from "./helpers/wat.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(REPO, "tests/p2guests/out");
const component = (name) => fs.readFileSync(p2Guest(name));

before(() => {
  requireP2Guests("hello", "ifaces", "exit", "misuse");
  requirePackage("@bytecodealliance/jco");
});

describe("Preview 2 components through jco", () => {
  test("run() detects a component and runs it: stdio, args, env, files", async () => {
    const bytes = component("hello");
    assert.ok(isComponent(bytes));
    const fs2 = new MemFS();
    fs2.mkdir("/data");
    fs2.writeFile("/data/from-host.txt", "host text\n");
    const r = await run(bytes, {
      fs: fs2,
      args: ["hello"],
      env: { HOME: "/home/me" },
      preopens: { "/data": "/data" },
      stdin: "typed line\nmore\n",
    });
    assert.equal(
      r.stdout,
      'hello from a component\nargs: ["hello"]\nHOME=Some("/home/me")\nread: host text\n' +
        "entry: from-host.txt\nentry: from-p2.txt\nstdin: typed line\n",
    );
    assert.equal(r.stderr, "to stderr\n");
    // std::process::exit(3) is wasi:cli/exit.exit(err): 1.
    assert.equal(r.exitCode, 1);
    assert.equal(fs2.readFile("/data/from-p2.txt", "utf8"), "written by p2\n");
  });

  test("a Preview 1 program and a Preview 2 component share one MemFS", async () => {
    const mfs = new MemFS();
    mfs.mkdir("/box");
    for (const f of ["hello.txt", "gone.txt", "old.txt"]) mfs.writeFile(`/box/${f}`, `${f}\n`);
    mfs.writeFile("/box/from-host.txt", "unused\n");
    // Preview 1 writes; Preview 2 reads what it wrote and writes its own file ...
    assert.equal((await run(mutator(), { fs: mfs, preopens: { "/": "/box" } })).exitCode, 0);
    const p2 = await run(component("hello"), { fs: mfs, args: ["hello", "/data/hello.txt"], preopens: { "/data": "/box" } });
    assert.match(p2.stdout, /read: changed by the guest\n/);
    assert.match(p2.stdout, /entry: new\.txt\n/);
    assert.match(p2.stdout, /entry: renamed\.txt\n/);
    assert.doesNotMatch(p2.stdout, /gone\.txt/);
    // ... which Preview 1 then reads.
    const p1 = await run(catFile("from-p2.txt"), { fs: mfs, preopens: { "/": "/box" } });
    assert.equal(p1.stdout, "written by p2\n");
  });

  test("every interface, errors included (ifaces guest)", async () => {
    const mfs = new MemFS();
    mfs.mkdir("/data");
    const r = await runComponent(component("ifaces"), {
      fs: mfs,
      args: ["ifaces", "a b"],
      env: { P2: "yes=1" },
      cwd: "/data",
      tty: [false, true, false],
      preopens: { "/data": "/data" },
      stdin: "abcdef",
    });
    const lines = r.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.filter((l) => !l.startsWith("ok ")),
      ["done"],
      r.stdout,
    );
    assert.ok(lines.length > 75, `${lines.length} checks`);
    assert.equal(r.stderr, "to stderr\n");
    assert.equal(r.exitCode, 0);
  });

  test("exit, exit-with-code, a panic", async () => {
    const bytes = component("exit");
    assert.deepEqual(await runComponent(bytes, { args: ["exit"] }), { exitCode: 0, stdout: "returned\n", stderr: "" });
    assert.equal((await runComponent(bytes, { args: ["exit", "code", "7"] })).exitCode, 7);
    assert.equal((await runComponent(bytes, { args: ["exit", "err"] })).exitCode, 1);
    await assert.rejects(runComponent(bytes, { args: ["exit", "panic"] }), (e) => {
      assert.ok(e instanceof WebAssembly.RuntimeError, String(e));
      assert.match(e.stderr, /boom/);
      return true;
    });
  });

  test("dropping a stream before its pollable is a clear error, not a crash", async () => {
    await assert.rejects(runComponent(component("misuse"), { args: ["misuse", "parent-first"] }), /child resource/);
    assert.equal((await runComponent(component("misuse"), { args: ["misuse"] })).stdout, "not reached\n");
  });

  test("the CLI runs a component", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p2cli-"));
    try {
      fs.writeFileSync(path.join(dir, "from-host.txt"), "on disk\n");
      const out = execFileSync(process.execPath, [path.join(REPO, "js/cli.js"), "--dir", `${dir}::/data`, path.join(OUT, "hello.wasm")], {
        input: "from the pipe\n",
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
      });
      assert.fail(`expected exit code 1, got 0 and ${out}`);
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.equal(e.status, 1, String(e.stderr));
      assert.match(e.stdout, /read: on disk\n/);
      assert.match(e.stdout, /stdin: from the pipe\n/);
      assert.equal(fs.readFileSync(path.join(dir, "from-p2.txt"), "utf8"), "written by p2\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("jco transpile --map 'wasi:*=wasi-web/preview2/*#*' output runs on configure()", async () => {
    const dir = path.join(OUT, "mapped");
    fs.rmSync(dir, { recursive: true, force: true });
    const maps = ["cli", "io", "clocks", "random", "filesystem", "sockets"].flatMap((p) => [
      "--map",
      `wasi:${p}/*=wasi-web/preview2/${p}#*`,
    ]);
    execFileSync(
      process.execPath,
      [path.join(REPO, "node_modules/.bin/jco"), "transpile", path.join(OUT, "hello.wasm"), "-o", dir, "-q", ...maps],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    const mfs = new MemFS();
    mfs.mkdir("/d");
    mfs.writeFile("/d/from-host.txt", "mapped\n");
    const wasi = configure({ fs: mfs, preopens: { "/data": "/d" }, stdout: "buffer", stderr: "buffer", stdin: "x\n" });
    const mod = await import(path.join(dir, "hello.js"));
    assert.equal(wasi.run(mod), 1);
    assert.match(wasi.stdout.text(), /^hello from a component\n[^]*read: mapped\n[^]*stdin: x\n$/);
    assert.equal(mfs.readFile("/d/from-p2.txt", "utf8"), "written by p2\n");
  });
});

describe("WASIp2 imports without a component", () => {
  test("has jco's --instantiation keys and shapes", () => {
    const w = new WASIp2({ args: ["a"], env: { K: "v" }, deterministic: true, stdout: "buffer" });
    const i = w.imports;
    for (const key of [
      "wasi:io/poll",
      "wasi:io/streams",
      "wasi:io/error",
      "wasi:cli/environment",
      "wasi:filesystem/types",
      "wasi:sockets/tcp",
    ]) {
      assert.ok(key in i, key);
    }
    assert.deepEqual(i["wasi:cli/environment"].getEnvironment(), [["K", "v"]]);
    assert.deepEqual(i["wasi:cli/environment"].getArguments(), ["a"]);
    assert.equal(typeof i["wasi:clocks/monotonic-clock"].now(), "bigint");
    const now = i["wasi:clocks/wall-clock"].now();
    assert.equal(now.seconds, 1704067200n);
    assert.equal(typeof now.nanoseconds, "number");
    assert.equal(typeof i["wasi:random/random"].getRandomU64(), "bigint");
    const seed = i["wasi:random/insecure-seed"].insecureSeed();
    assert.equal(seed.length, 2);
    const out = i["wasi:cli/stdout"].getStdout();
    assert.ok(out instanceof i["wasi:io/streams"].OutputStream);
    out.blockingWriteAndFlush(new TextEncoder().encode("hi"));
    assert.equal(w.stdout.text(), "hi");
    assert.throws(
      () => i["wasi:sockets/tcp-create-socket"].createTcpSocket("ipv4"),
      (e) => e === "not-supported",
    );
  });

  test("stream errors are { tag }, filesystem errors are error-code strings", () => {
    const mfs = new MemFS();
    mfs.mkdir("/d");
    const w = new WASIp2({ fs: mfs, preopens: { "/d": "/d" } });
    const [[dir, name]] = w.imports["wasi:filesystem/preopens"].getDirectories();
    assert.equal(name, "/d");
    assert.throws(
      () => dir.openAt({}, "missing", {}, { read: true }),
      (e) => e === "no-entry",
    );
    const f = dir.openAt({ symlinkFollow: true }, "f", { create: true }, { read: true, write: true });
    assert.deepEqual(f.getFlags(), {
      read: true,
      write: true,
      fileIntegritySync: false,
      dataIntegritySync: false,
      requestedWriteSync: false,
      mutateDirectory: false,
    });
    assert.equal(f.write(new Uint8Array([1, 2, 3]), 0n), 3n);
    const [bytes, eof] = f.read(10n, 0n);
    assert.deepEqual([...bytes], [1, 2, 3]);
    assert.equal(eof, true);
    const stat = f.stat();
    assert.equal(stat.type, "regular-file");
    assert.equal(stat.size, 3n);
    const s = f.readViaStream(3n);
    assert.throws(
      () => s.read(1n),
      (e) => e.tag === "closed",
    );
    // A file may be sparse up to 2^63 - 1 bytes: past that is EFBIG.
    const w2 = f.writeViaStream(2n ** 63n - 2n);
    assert.throws(
      () => w2.write(new Uint8Array(4)),
      (e) => {
        assert.equal(e.tag, "last-operation-failed");
        assert.equal(w.imports["wasi:filesystem/types"].filesystemErrorCode(e.val), "file-too-large");
        assert.match(e.val.toDebugString(), /EFBIG/);
        return true;
      },
    );
    const entries = dir.readDirectory();
    assert.deepEqual(entries.readDirectoryEntry(), { type: "regular-file", name: "f" });
    assert.equal(entries.readDirectoryEntry(), undefined);
  });

  test("drop order and dropped handles give clear errors", () => {
    const w = new WASIp2();
    const out = w.imports["wasi:cli/stdout"].getStdout();
    const p = out.subscribe();
    const before = w.liveResources;
    assert.throws(() => out[Symbol.dispose](), /child resource/);
    assert.equal(w.liveResources, before);
    p[Symbol.dispose]();
    out[Symbol.dispose]();
    assert.equal(w.liveResources, before - 2);
    assert.throws(() => out.checkWrite(), /was dropped/);
    assert.throws(() => p.ready(), /was dropped/);
    out[Symbol.dispose](); // a second drop is a no-op
    assert.throws(() => w.imports["wasi:io/poll"].poll([]), /at least one pollable/);
  });
});

test("transpileComponent gives jco's import and export names", async () => {
  const tr = await transpileComponent(component("hello"));
  assert.ok(tr.imports.includes("wasi:filesystem/types"));
  assert.ok(tr.exports.some(([name]) => name.startsWith("wasi:cli/run")));
});

describe("pollables from JS promises", () => {
  test("ready once the promise settles (resolved or rejected), and poll sees it", async () => {
    const host = new WASIp2({ stdout: "buffer" });
    let resolve;
    const pending = new Promise((r) => (resolve = r));
    const a = host.pollableFromPromise(pending);
    const b = host.pollableFromPromise(Promise.reject(new Error("failed fetch")));
    assert.equal(a.ready(), false);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(b.ready(), true, "a rejected promise also wakes the waiter");
    assert.equal(a.ready(), false);
    resolve("data");
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(a.ready(), true);
    const poll = host.imports["wasi:io/poll"].poll;
    assert.deepEqual(Array.from(poll([a, b])), [0, 1]);
  });
});
