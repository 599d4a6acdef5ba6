// Live host-folder mounts (issue 13): MemFS.mount + hostFolder from
// wasi-web/node, through the JS API, a guest, and the CLI.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { MemFS, run as runProgram, WASI } from "../../js/index.js";
import { hostFolder } from "../../js/node/index.js";
import { WASIp2 } from "../../js/preview2/index.js";
import { suspendOn, wouldBlock } from "../../js/providers/wait.js";
import { opfsMount } from "../../js/providers/opfs.js";
import { FakeOpfs } from "./helpers/fake-opfs.js";
import { watToWasm } from "../../js/node/wat.js";
import { parseArgs, UsageError } from "../../js/node/cli-args.js";
import { REPO } from "./helpers/corpus.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-mount-host-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** A fresh host folder with `files` ({ name: content }). */
function folder(files = {}) {
  const dir = path.join(tmp, `f${n++}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
function mounted(dir, options) {
  const memfs = new MemFS();
  const provider = hostFolder(fs, dir, options);
  memfs.mount("/host", provider);
  return { memfs, provider };
}
const code = (f) => {
  try {
    f();
  } catch (error) {
    return error.code;
  }
  return "no error";
};

describe("hostFolder through the MemFS API", () => {
  test("reads and writes the real files, live, with real inode numbers", () => {
    const dir = folder({ "a.txt": "hello", "sub/b.txt": "bee" });
    const { memfs } = mounted(dir);
    assert.deepEqual(memfs.readdir("/host").sort(), ["a.txt", "sub"]);
    assert.equal(memfs.readFile("/host/sub/b.txt", "utf8"), "bee");
    assert.equal(memfs.stat("/host/a.txt").ino, fs.statSync(path.join(dir, "a.txt")).ino);
    // The host's nanoseconds, as milliseconds (two roundings apart at most).
    const mtimeNs = fs.statSync(path.join(dir, "a.txt"), { bigint: true }).mtimeNs;
    assert.ok(Math.abs(memfs.stat("/host/a.txt").mtimeMs - Number(mtimeNs) / 1e6) < 1e-3);
    memfs.writeFile("/host/new.txt", "made in the MemFS");
    assert.equal(fs.readFileSync(path.join(dir, "new.txt"), "utf8"), "made in the MemFS");
    // A host edit is seen at once, and nothing ever writes the old content back.
    fs.writeFileSync(path.join(dir, "a.txt"), "edited on the host");
    assert.equal(memfs.readFile("/host/a.txt", "utf8"), "edited on the host");
    // The MemFS limits do not count host files.
    const usage = memfs.usage();
    memfs.writeFile("/host/big.bin", new Uint8Array(1 << 20));
    assert.deepEqual(memfs.usage(), usage);
    memfs.close();
    assert.equal(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "edited on the host");
  });

  test("rmdir of a non-empty host folder is ENOTEMPTY and deletes nothing", () => {
    const dir = folder({ "d/keep.txt": "k", "d/inner/deep.txt": "d" });
    const { memfs } = mounted(dir);
    assert.equal(
      code(() => memfs.rm("/host/d")),
      "ENOTEMPTY",
    );
    assert.equal(fs.readFileSync(path.join(dir, "d/keep.txt"), "utf8"), "k");
    assert.equal(fs.readFileSync(path.join(dir, "d/inner/deep.txt"), "utf8"), "d");
  });

  test("rename stays a rename: the inode moves, a hard link outside the folder keeps the old file", () => {
    const dir = folder({ "doc.txt": "v1" });
    const outside = path.join(tmp, `outside-link-${n++}`);
    fs.linkSync(path.join(dir, "doc.txt"), outside);
    const ino = fs.statSync(path.join(dir, "doc.txt")).ino;
    const { memfs } = mounted(dir);
    memfs.rename("/host/doc.txt", "/host/moved.txt");
    assert.equal(fs.statSync(path.join(dir, "moved.txt")).ino, ino);
    // "write a temp file, rename it over": a new inode replaces the name.
    memfs.writeFile("/host/doc.tmp", "v2");
    memfs.rename("/host/doc.tmp", "/host/moved.txt");
    assert.equal(fs.readFileSync(path.join(dir, "moved.txt"), "utf8"), "v2");
    assert.notEqual(fs.statSync(path.join(dir, "moved.txt")).ino, ino);
    assert.equal(fs.readFileSync(outside, "utf8"), "v1");
  });

  test("a symlink pointing out of the mount is resolved by the core, never followed on the host", () => {
    const dir = folder({ "in.txt": "inside" });
    fs.writeFileSync(path.join(tmp, "secret.txt"), "host secret");
    fs.symlinkSync("../secret.txt", path.join(dir, "escape"));
    fs.symlinkSync(path.join(tmp, "secret.txt"), path.join(dir, "absolute"));
    const { memfs } = mounted(dir);
    // For the JS API, "/" is the MemFS root: the links lead into the MemFS, where nothing is.
    assert.equal(
      code(() => memfs.readFile("/host/escape")),
      "ENOENT",
    );
    assert.equal(
      code(() => memfs.readFile("/host/absolute")),
      "ENOENT",
    );
    assert.equal(memfs.readlink("/host/escape"), "../secret.txt");
  });

  test("rename and link across mounts are EXDEV", () => {
    const a = folder({ "x.txt": "x" });
    const b = folder();
    const memfs = new MemFS();
    memfs.mount("/a", hostFolder(fs, a));
    memfs.mount("/b", hostFolder(fs, b));
    assert.equal(
      code(() => memfs.rename("/a/x.txt", "/b/x.txt")),
      "EXDEV",
    );
    assert.equal(
      code(() => memfs.rename("/a/x.txt", "/x.txt")),
      "EXDEV",
    );
    memfs.writeFile("/m.txt", "memfs");
    assert.equal(
      code(() => memfs.rename("/m.txt", "/a/m.txt")),
      "EXDEV",
    );
    // The mount point itself cannot be removed or renamed over.
    assert.equal(
      code(() => memfs.rm("/a")),
      "EBUSY",
    );
    assert.equal(fs.readFileSync(path.join(a, "x.txt"), "utf8"), "x");
    memfs.checkInvariants();
  });

  test("readonly refuses every change with EPERM (wasmtime's answer for a read-only preopen)", () => {
    const dir = folder({ "r.txt": "ro" });
    const { memfs } = mounted(dir, { readonly: true });
    assert.equal(memfs.readFile("/host/r.txt", "utf8"), "ro");
    assert.equal(
      code(() => memfs.writeFile("/host/r.txt", "no")),
      "EPERM",
    );
    assert.equal(
      code(() => memfs.writeFile("/host/new.txt", "no")),
      "EPERM",
    );
    assert.equal(
      code(() => memfs.mkdir("/host/d")),
      "EPERM",
    );
    assert.equal(
      code(() => memfs.rm("/host/r.txt")),
      "EPERM",
    );
    assert.equal(
      code(() => memfs.rename("/host/r.txt", "/host/s.txt")),
      "EPERM",
    );
    assert.deepEqual(fs.readdirSync(dir), ["r.txt"]);
    assert.equal(fs.readFileSync(path.join(dir, "r.txt"), "utf8"), "ro");
  });

  test("reading one file of a big folder reads nothing else", () => {
    const files = {};
    for (let i = 0; i < 500; i++) files[`f${i}.bin`] = new Uint8Array(4096).fill(i & 0xff);
    const dir = folder(files);
    const calls = { lstatSync: 0, readSync: 0, readdirSync: 0, bytes: 0 };
    const counting = {
      ...fs,
      constants: fs.constants,
      lstatSync: (...a) => (calls.lstatSync++, fs.lstatSync(...a)),
      readdirSync: (...a) => (calls.readdirSync++, fs.readdirSync(...a)),
      readSync: (...a) => {
        calls.readSync++;
        const got = fs.readSync(...a);
        calls.bytes += got;
        return got;
      },
    };
    const memfs = new MemFS();
    memfs.mount("/host", hostFolder(counting, dir));
    const before = { ...calls };
    const bytes = memfs.readFile("/host/f123.bin");
    assert.equal(bytes.length, 4096);
    assert.equal(bytes[0], 123);
    assert.equal(calls.bytes - before.bytes, 4096, "only the file's own bytes are read");
    assert.equal(calls.readdirSync - before.readdirSync, 0, "no listing");
    // One lookup, and stats for the size: never one per file of the folder.
    assert.ok(calls.lstatSync - before.lstatSync <= 4, `lstat calls: ${calls.lstatSync - before.lstatSync}`);
  });

  test("a file name that is not UTF-8 is skipped, with a warning", () => {
    const dir = folder({ "plain.txt": "p" });
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + "/bad-"), Buffer.from([0xff, 0xfe]), Buffer.from(".txt")]), "x");
    const warnings = [];
    const memfs = new MemFS();
    memfs.mount("/host", hostFolder(fs, dir, { onWarning: (m) => warnings.push(m) }));
    assert.deepEqual(memfs.readdir("/host"), ["plain.txt"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /not UTF-8/);
    // Listing again does not warn again.
    memfs.readdir("/host");
    assert.equal(warnings.length, 1);
  });

  test("a provider that throws or answers garbage gives errors, never a crash", () => {
    const dir = folder({ "ok.txt": "fine" });
    const good = hostFolder(fs, dir);
    const broken = {
      ...good,
      readInto: undefined, // so that read() is asked
      read: () => new Uint8Array(1 << 20), // more than asked
      stat: () => ({ type: "file", size: -1 }),
      readdir: () => [{ name: 42 }],
      lookup: (d, name) => (name === "boom" ? { handle: -1, type: "file" } : good.lookup(d, name)),
      readlink: () => {
        throw new TypeError("not a node error");
      },
    };
    const memfs = new MemFS();
    memfs.mount("/b", broken);
    assert.equal(
      code(() => memfs.readFile("/b/ok.txt")),
      "EIO",
    );
    assert.equal(
      code(() => memfs.stat("/b/ok.txt")),
      "EIO",
    );
    assert.equal(
      code(() => memfs.readdir("/b")),
      "EIO",
    );
    assert.equal(
      code(() => memfs.stat("/b/boom")),
      "EIO",
    );
    memfs.checkInvariants();
    memfs.writeFile("/still.txt", "usable");
    assert.equal(memfs.readFile("/still.txt", "utf8"), "usable");
    assert.throws(() => memfs.mount("/c", { root: () => 0 }), /provider lacks/);
  });
});

/** A WASI P1 module from text. */
async function module(wat) {
  return new WebAssembly.Module(await watToWasm("t.wat", wat));
}

const IMPORTS = `
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)`;

describe("guests on a host mount", () => {
  test("N open/close cycles leave no host file descriptor open", async () => {
    const dir = folder({ "f.txt": "x" });
    // Opens f.txt and closes it 300 times; exits with the first error.
    const m = await module(`(module ${IMPORTS}
      (data (i32.const 16) "f.txt")
      (func (export "_start") (local $i i32) (local $e i32)
        (loop $l
          (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 100)))
          (if (local.get $e) (then (call $exit (local.get $e))))
          (local.set $e (call $close (i32.load (i32.const 100))))
          (if (local.get $e) (then (call $exit (local.get $e))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))))`);
    const { memfs, provider } = mounted(dir);
    const fds = () => fs.readdirSync("/proc/self/fd").length;
    const before = fds();
    const wasi = new WASI({ fs: memfs, preopens: { "/d": "/host" } });
    assert.equal(wasi.start(new WebAssembly.Instance(m, wasi.getImportObject())), 0);
    assert.equal(provider.openFiles(), 0);
    assert.equal(fds(), before);
  });

  test("a guest's symlink out of its preopen is refused (EPERM), never followed", async () => {
    const dir = folder();
    fs.writeFileSync(path.join(tmp, "guest-secret.txt"), "host secret");
    fs.symlinkSync("../guest-secret.txt", path.join(dir, "escape"));
    const m = await module(`(module ${IMPORTS}
      (data (i32.const 16) "escape")
      (func (export "_start")
        (call $exit (call $open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 6) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 100)))))`);
    const { memfs } = mounted(dir);
    const wasi = new WASI({ fs: memfs, preopens: { "/d": "/host" } });
    assert.equal(wasi.start(new WebAssembly.Instance(m, wasi.getImportObject())), 63, "EPERM");
  });
});

describe("the CLI's --dir is a live mount", () => {
  test("Ctrl-C keeps what the guest wrote; a host file is never reverted", async () => {
    const dir = folder({ "notes.txt": "mine" });
    // Writes out.txt, then waits on stdin until interrupted.
    const wat = path.join(tmp, "write-then-wait.wat");
    fs.writeFileSync(
      wat,
      `(module ${IMPORTS}
        (data (i32.const 16) "out.txt")
        (data (i32.const 32) "saved\\n")
        (func (export "_start")
          (drop (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 100)))
          (i32.store (i32.const 200) (i32.const 32))
          (i32.store (i32.const 204) (i32.const 6))
          (drop (call $write (i32.load (i32.const 100)) (i32.const 200) (i32.const 1) (i32.const 300)))
          (i32.store (i32.const 208) (i32.const 400))
          (i32.store (i32.const 212) (i32.const 16))
          (drop (call $read (i32.const 0) (i32.const 208) (i32.const 1) (i32.const 300)))))`,
    );
    const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), "run", "--dir", `${dir}::/d`, wat], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const closed = new Promise((resolve) => child.on("close", (c, signal) => resolve({ c, signal })));
    // Wait (on file events, no fixed delay) until the guest's write is on the host.
    await new Promise((resolve) => {
      const check = () => {
        if (fs.existsSync(path.join(dir, "out.txt")) && fs.readFileSync(path.join(dir, "out.txt"), "utf8") === "saved\n") {
          watcher.close();
          resolve();
        }
      };
      const watcher = fs.watch(dir, check);
      check();
    });
    fs.writeFileSync(path.join(dir, "notes.txt"), "edited during the run");
    child.kill("SIGINT");
    await closed;
    assert.equal(fs.readFileSync(path.join(dir, "out.txt"), "utf8"), "saved\n");
    assert.equal(fs.readFileSync(path.join(dir, "notes.txt"), "utf8"), "edited during the run");
  });

  test("--dir parses :readonly only after ::", () => {
    assert.deepEqual(parseArgs(["--dir", "a::/g:readonly", "p.wasm"]).dirs, [{ host: "a", guest: "/g", readonly: true }]);
    // Without "::" the whole spec is a path (a host path may hold ":").
    assert.deepEqual(parseArgs(["--dir", "a:readonly", "p.wasm"]).dirs, [{ host: "a:readonly", guest: "a:readonly", readonly: false }]);
    assert.throws(() => parseArgs(["--dir", "a:::readonly", "p.wasm"]), UsageError);
  });

  test("--dir HOST::GUEST:readonly refuses the guest's writes with EPERM", async () => {
    const dir = folder();
    const wat = path.join(tmp, "create.wat");
    fs.writeFileSync(
      wat,
      `(module ${IMPORTS}
        (data (i32.const 16) "out.txt")
        (func (export "_start")
          (call $exit (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 100)))))`,
    );
    const run = (spec) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), "run", "--dir", spec, wat], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.on("close", (c) => resolve(c));
      });
    assert.equal(await run(`${dir}::/d:readonly`), 63);
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.equal(await run(`${dir}::/d`), 0);
    assert.deepEqual(fs.readdirSync(dir), ["out.txt"]);
  });
});

/**
 * node:fs, except that `deny` files refuse to open for some access, as a
 * host file without those permission bits does for a user who is not root
 * (the tests run as root too, where chmod would not refuse anything).
 * @param {Record<string, "write" | "read">} deny file name -> the access the host refuses
 */
function refusing(deny) {
  const { O_ACCMODE = 3, O_RDONLY, O_WRONLY, O_RDWR } = fs.constants;
  return {
    ...fs,
    constants: fs.constants,
    openSync(p, flags, mode) {
      const refused = deny[path.basename(String(p))];
      const acc = flags & O_ACCMODE;
      if ((refused === "write" && (acc === O_WRONLY || acc === O_RDWR)) || (refused === "read" && (acc === O_RDONLY || acc === O_RDWR))) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: "EACCES" });
      }
      return fs.openSync(p, flags, mode);
    },
  };
}

// Shared by the describes below: open flags, a guest that opens a file, a
// run on a mount of `provider` at the preopen /d.
const FD_READ = 2;
const FD_WRITE = 64;
const FD_READDIR = 0x4000;
const O_CREAT = 1;
const O_DIRECTORY = 2;
const O_EXCL = 4;
const O_TRUNC = 8;
// path_open of `name` (rights `base`, oflags `oflags`) in the preopen;
// exits with its errno, else writes "w" when `write`, then closes.
const opener = (name, base, oflags, write) =>
  module(`(module ${IMPORTS}
    (data (i32.const 16) "${name}")
    (data (i32.const 48) "w")
    (func (export "_start") (local $e i32)
      (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const ${name.length}) (i32.const ${oflags}) (i64.const ${base}) (i64.const 0) (i32.const 0) (i32.const 100)))
      (if (local.get $e) (then (call $exit (local.get $e))))
      ${
        write
          ? `(i32.store (i32.const 200) (i32.const 48)) (i32.store (i32.const 204) (i32.const 1))
      (local.set $e (call $write (i32.load (i32.const 100)) (i32.const 200) (i32.const 1) (i32.const 300)))
      (if (local.get $e) (then (call $exit (local.get $e))))`
          : ""
      }
      (call $exit (call $close (i32.load (i32.const 100))))))`);
const run = (m, provider) => {
  const memfs = new MemFS();
  memfs.mount("/host", provider);
  const wasi = new WASI({ fs: memfs, preopens: { "/d": "/host" } });
  return wasi.start(new WebAssembly.Instance(m, wasi.getImportObject()));
};

describe("host mounts: write intent at open, precise times", () => {
  test("a host file that refuses writing fails the open with EACCES (as wasmtime), not the first write", async () => {
    const dir = folder({ "ro.txt": "keep me" });
    const provider = hostFolder(refusing({ "ro.txt": "write" }), dir);
    assert.equal(run(await opener("ro.txt", FD_WRITE, 0, false), provider), 2, "open for writing: EACCES");
    assert.equal(run(await opener("ro.txt", FD_READ | FD_WRITE, 0, false), provider), 2, "open for both: EACCES");
    assert.equal(run(await opener("ro.txt", FD_WRITE, O_TRUNC, false), provider), 2, "O_TRUNC: EACCES");
    assert.equal(fs.readFileSync(path.join(dir, "ro.txt"), "utf8"), "keep me", "nothing truncated or written");
    assert.equal(run(await opener("ro.txt", FD_READ, 0, false), provider), 0, "reading is still allowed");
    assert.equal(provider.openFiles(), 0);
  });

  test("a write-only host file opens for writing only, and its writes land", async () => {
    const dir = folder({ "wo.txt": "" });
    const provider = hostFolder(refusing({ "wo.txt": "read" }), dir);
    assert.equal(run(await opener("wo.txt", FD_WRITE, 0, true), provider), 0);
    assert.equal(fs.readFileSync(path.join(dir, "wo.txt"), "utf8"), "w");
    assert.equal(run(await opener("wo.txt", FD_READ, 0, false), provider), 2, "open for reading: EACCES");
    assert.equal(provider.openFiles(), 0);
  });

  test("a host file is opened with the access asked for: a reader never opens it for writing", async () => {
    const dir = folder({ "data.txt": "d" });
    /** @type {string[]} */
    const modes = [];
    const { O_ACCMODE = 3, O_WRONLY, O_RDWR } = fs.constants;
    const watching = {
      ...fs,
      constants: fs.constants,
      openSync: (/** @type {string} */ p, /** @type {number} */ flags, /** @type {number} */ mode) => {
        const acc = flags & O_ACCMODE;
        if (p.endsWith("data.txt")) modes.push(acc === O_RDWR ? "rw" : acc === O_WRONLY ? "w" : "r");
        return fs.openSync(p, flags, mode);
      },
    };
    const provider = hostFolder(watching, dir);
    assert.equal(run(await opener("data.txt", FD_READ, 0, false), provider), 0);
    assert.deepEqual(modes, ["r"]);
    assert.equal(run(await opener("data.txt", FD_WRITE, 0, true), provider), 0);
    assert.deepEqual(modes, ["r", "rw"]);
    assert.equal(fs.readFileSync(path.join(dir, "data.txt"), "utf8"), "w");
    assert.equal(provider.openFiles(), 0);
  });

  test("a read-only mount refuses an open for writing with EPERM, before the host is asked", async () => {
    const dir = folder({ "r.txt": "ro" });
    let opens = 0;
    const counting = {
      ...fs,
      constants: fs.constants,
      openSync: (/** @type {string} */ p, /** @type {number} */ ...a) => (p.endsWith("r.txt") && opens++, fs.openSync(p, ...a)),
    };
    assert.equal(run(await opener("r.txt", FD_WRITE, 0, false), hostFolder(counting, dir, { readonly: true })), 63);
    assert.equal(opens, 0);
  });

  test("times set with nanoseconds read back exactly; the host keeps microseconds; a host change wins", () => {
    const dir = folder({ "t.txt": "t" });
    const p = hostFolder(fs, dir);
    const h = /** @type {{ handle: number }} */ (p.lookup(0, "t.txt")).handle;
    const host = () => fs.statSync(path.join(dir, "t.txt"), { bigint: true });
    p.setTimes(h, 5_123_456_789n, 6_987_654_321n);
    assert.deepEqual([p.stat(h).atimeNs, p.stat(h).mtimeNs], [5_123_456_789n, 6_987_654_321n]);
    // What the host keeps: Node 20's libuv truncates to the microsecond,
    // which must be the right one; a newer one keeps what a double
    // carries (~0.24 µs at today's times), within a microsecond.
    const kept = (/** @type {bigint} */ got, /** @type {bigint} */ want) =>
      got % 1000n === 0n ? got === want - (want % 1000n) : got - want < 1000n && want - got < 1000n;
    assert.ok(kept(host().atimeNs, 5_123_456_789n) && kept(host().mtimeNs, 6_987_654_321n), String(host().mtimeNs));
    const now = 1_700_000_000_123_456_789n;
    p.setTimes(h, null, now);
    assert.ok(kept(host().mtimeNs, now), String(host().mtimeNs));
    // Just past a microsecond boundary, where the double falls below it.
    const edge = 1_700_000_000_000_001_000n;
    p.setTimes(h, null, edge);
    assert.ok(kept(host().mtimeNs, edge), String(host().mtimeNs));
    assert.equal(p.stat(h).mtimeNs, edge);
    p.setTimes(h, null, now);
    assert.deepEqual([p.stat(h).atimeNs, p.stat(h).mtimeNs], [5_123_456_789n, now], "atime kept, to the nanosecond");
    // A host write moves mtime and ctime: the host's own times are reported.
    fs.appendFileSync(path.join(dir, "t.txt"), "more");
    assert.equal(p.stat(h).mtimeNs, host().mtimeNs);
    // A host utimes too.
    p.setTimes(h, 5_123_456_789n, 6_987_654_321n);
    fs.utimesSync(path.join(dir, "t.txt"), 7.5, 8.5);
    assert.equal(host().mtimeNs, 8_500_000_000n);
    assert.deepEqual([p.stat(h).atimeNs, p.stat(h).mtimeNs], [host().atimeNs, host().mtimeNs]);
  });

  test("a provider without readInto is read through read(); a bad readInto count is EIO", () => {
    const dir = folder({ "ok.txt": "fine" });
    const good = hostFolder(fs, dir);
    const memfs = new MemFS();
    memfs.mount("/plain", { ...good, readInto: undefined });
    assert.equal(memfs.readFile("/plain/ok.txt", "utf8"), "fine");
    const other = new MemFS();
    other.mount("/bad", { ...hostFolder(fs, dir), readInto: () => 1 << 20 });
    assert.equal(
      code(() => other.readFile("/bad/ok.txt")),
      "EIO",
    );
  });
});

describe("host mounts: directories that refuse opening, nodes replaced on the host, providers that wait", () => {
  const mkdirer = (name) =>
    module(`(module
      (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "${name}")
      (func (export "_start") (call $exit (call $mkdir (i32.const 3) (i32.const 16) (i32.const ${name.length})))))`);

  test("a host directory that refuses opening fails the guest's open with EACCES (as wasmtime), not its first listing", async () => {
    const dir = folder({ "locked/inside.txt": "x", "open/ok.txt": "y" });
    const locked = path.join(dir, "locked");
    // node:fs, except that the directory refuses opening and listing, as
    // a chmod 000 directory does for a user who is not root.
    const refusing = {
      ...fs,
      constants: fs.constants,
      openSync(/** @type {string} */ p, /** @type {number} */ flags, /** @type {number} */ mode) {
        if (p === locked) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: "EACCES" });
        return fs.openSync(p, flags, mode);
      },
      readdirSync(/** @type {string} */ p, /** @type {any} */ options) {
        if (p === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${p}'`), { code: "EACCES" });
        return fs.readdirSync(p, options);
      },
    };
    const provider = hostFolder(refusing, dir);
    assert.equal(run(await opener("locked", FD_READDIR, O_DIRECTORY, false), provider), 2, "EACCES at open");
    assert.equal(run(await opener("open", FD_READDIR, O_DIRECTORY, false), provider), 0, "another directory opens");
    assert.equal(provider.openFiles(), 0);
    const { memfs } = mounted(dir);
    assert.deepEqual(memfs.readdir("/host/open"), ["ok.txt"]);
  });

  test("a file the host renamed over between lookup and open is never acted on: ENOENT, and the next open finds the new file", async () => {
    const dir = folder({ "f.txt": "original", "new.txt": "replacement" });
    // A hard link outside the folder shows whether the original changed.
    const outside = path.join(tmp, `orig-${n++}.txt`);
    fs.linkSync(path.join(dir, "f.txt"), outside);
    let race = true;
    // The host renames new.txt over f.txt just before the provider opens
    // f.txt: after the core looked it up (lstat), before the open.
    const racing = {
      ...fs,
      constants: fs.constants,
      openSync(/** @type {string} */ p, /** @type {number} */ flags, /** @type {number} */ mode) {
        if (race && p === path.join(dir, "f.txt")) {
          race = false;
          fs.renameSync(path.join(dir, "new.txt"), p);
        }
        return fs.openSync(p, flags, mode);
      },
    };
    const provider = hostFolder(racing, dir);
    // O_TRUNC: without the inode check this truncated the replacement.
    assert.equal(run(await opener("f.txt", FD_WRITE, O_TRUNC, false), provider), 44, "ENOENT");
    assert.equal(fs.readFileSync(path.join(dir, "f.txt"), "utf8"), "replacement", "the replacement is untouched");
    assert.equal(fs.readFileSync(outside, "utf8"), "original", "the original is untouched");
    assert.equal(provider.openFiles(), 0);
    // The name is looked up again: the new file opens (and truncates).
    assert.equal(run(await opener("f.txt", FD_WRITE, O_TRUNC, true), provider), 0);
    assert.equal(fs.readFileSync(path.join(dir, "f.txt"), "utf8"), "w");
    assert.equal(fs.readFileSync(outside, "utf8"), "original");
  });

  test("set-times and link by the path of a node the host replaced act on nothing: ENOENT", () => {
    const dir = folder({ "a.txt": "a", "b.txt": "b" });
    const provider = hostFolder(fs, dir);
    const h = /** @type {{ handle: number }} */ (provider.lookup(provider.root(), "a.txt")).handle;
    const before = fs.statSync(path.join(dir, "b.txt"), { bigint: true });
    fs.renameSync(path.join(dir, "b.txt"), path.join(dir, "a.txt"));
    assert.equal(
      code(() => provider.setTimes(h, 1_000_000_000n, 2_000_000_000n)),
      "ENOENT",
    );
    assert.equal(
      code(() => provider.link(h, provider.root(), "c.txt")),
      "ENOENT",
    );
    const after = fs.statSync(path.join(dir, "a.txt"), { bigint: true });
    assert.equal(after.mtimeNs, before.mtimeNs, "the replacement's times are untouched");
    assert.equal(fs.existsSync(path.join(dir, "c.txt")), false);
  });

  /**
   * hostFolder(fs, dir) that must wait once before some answers, as a
   * provider fetching something first: `checkOpen` of every handle, and
   * the lookup of an existing name in `names`. In a call that can wait it
   * registers a promise and throws wouldBlock(); elsewhere it fails with
   * EIO, as js/providers/wait.js asks.
   * @param {string} dir @param {string[]} names
   */
  function waitingProvider(dir, names) {
    const base = hostFolder(fs, dir);
    const waited = new Set();
    /** @type {string[]} */
    const log = [];
    /** @param {string} what */
    const once = (what) => {
      if (waited.has(what)) return;
      waited.add(what);
      log.push(what);
      if (suspendOn(Promise.resolve())) throw wouldBlock();
      throw Object.assign(new Error("EIO: this call cannot wait"), { code: "EIO" });
    };
    return {
      ...base,
      suspends: true,
      log,
      /** @param {number} h @param {boolean} r @param {boolean} w */
      checkOpen(h, r, w) {
        once(`checkOpen ${h}`);
        base.checkOpen.call(this, h, r, w);
      },
      /** @param {number} d @param {string} name */
      lookup(d, name) {
        const found = base.lookup.call(this, d, name);
        if (found !== null && names.includes(name)) once(`lookup ${name}`);
        return found;
      },
    };
  }

  test("sync mode: a provider that cannot answer right after an exclusive create or a mkdir does not fail the call after the change", async () => {
    const dir = folder({});
    const provider = waitingProvider(dir, ["sub"]);
    // The file is made and opened for writing: its open needs no check.
    assert.equal(run(await opener("new.txt", FD_WRITE, O_CREAT | O_EXCL, true), provider), 0);
    assert.equal(fs.readFileSync(path.join(dir, "new.txt"), "utf8"), "w");
    // The directory is made; the lookup of it after mkdir could not answer.
    assert.equal(run(await mkdirer("sub"), provider), 0);
    assert.deepEqual(provider.log, ["lookup sub"]);
    assert.ok(fs.statSync(path.join(dir, "sub")).isDirectory());
    // Where nothing changed first, the failure is the call's answer.
    assert.equal(run(await opener("new.txt", FD_READ, 0, false), provider), 29, "EIO");
    assert.equal(provider.openFiles(), 0);
  });

  if (typeof WebAssembly.Suspending !== "function") {
    // scripts/test.sh runs this file under Node 24 too, where the next test runs.
    test("without JSPI, async mode is refused", () => {
      assert.throws(() => new WASIp2({ fs: new MemFS(), async: true }), /JSPI/);
    });
  } else {
    test("async mode (JSPI): a waiting provider's call is made again; after an exclusive create or a mkdir the call completes", async () => {
      const dir = folder({ "old.txt": "old" });
      const provider = waitingProvider(dir, ["sub"]);
      const memfs = new MemFS();
      memfs.mount("/host", provider);
      const wasi = new WASIp2({ fs: memfs, async: true, preopens: { "/d": "/host" } });
      assert.equal(wasi.waitsOnMounts, true);
      const [[d]] = wasi.imports["wasi:filesystem/preopens"].getDirectories();
      // An existing file: checkOpen waits, the open is made again and succeeds.
      const old = d.openAt({ symlinkFollow: false }, "old.txt", {}, { read: true });
      assert.ok(old instanceof Promise, "the call waits");
      await old;
      assert.equal(provider.log.length, 1);
      assert.match(provider.log[0], /^checkOpen /);
      // An exclusive create completes at once (before: a retry, then EEXIST).
      const made = await d.openAt({ symlinkFollow: false }, "new.txt", { create: true, exclusive: true }, { write: true });
      assert.ok(made);
      assert.ok(fs.existsSync(path.join(dir, "new.txt")));
      // mkdir: the lookup after it must wait, and the call still succeeds once.
      await d.createDirectoryAt("sub");
      assert.ok(fs.statSync(path.join(dir, "sub")).isDirectory());
      assert.ok(provider.log.includes("lookup sub"));
    });

    test("async mode (JSPI): fd_allocate on an OPFS file not loaded yet waits for it, like fd_filestat_set_size", async () => {
      const fake = new FakeOpfs();
      fake.seed({ "f.txt": "abc" });
      const memfs = new MemFS();
      memfs.mount("/home", await opfsMount(fake.handle()));
      const FD_ALLOCATE = 0x100;
      const m = await module(`(module
        (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_allocate" (func $allocate (param i32 i64 i64) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "f.txt")
        (func (export "_start") (local $e i32)
          (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i64.const ${FD_ALLOCATE}) (i64.const 0) (i32.const 0) (i32.const 100)))
          (if (local.get $e) (then (call $exit (local.get $e))))
          (call $exit (call $allocate (i32.load (i32.const 100)) (i64.const 0) (i64.const 6)))))`);
      const r = await runProgram(m, { fs: memfs, preopens: { "/home": "/home" }, async: true });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(fake.tree(), { "f.txt": "abc\0\0\0" });
    });
  }
});
