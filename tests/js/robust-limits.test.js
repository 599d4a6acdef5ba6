// Resource limits, each hit from a guest: MemFS limits (maxBytes,
// maxFileSize, maxInodes, maxSymlinks, maxPathLength) and WASI options
// (maxFds, maxIoBytes). A refused change leaves no trace.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS, run } from "../../js/index.js";
import { assemble, compare } from "./helpers/hostile.js";

/** Runs a guest written like the hostile corpus on `fs` (preopen /sandbox as fd 3). */
async function guest(fs, source, options = {}) {
  const { bytes, checks } = assemble(source);
  const r = await run(bytes, { args: ["limits"], fs, preopens: { "/sandbox": "/sandbox" }, ...options });
  assert.equal(r.exitCode, 0, r.stderr);
  // compare() reads only the "index value" lines the checks print.
  assert.deepEqual(compare(checks, r.stdout), []);
  return r;
}

function fsWith(limits) {
  const fs = new MemFS({ limits });
  fs.mkdir("/sandbox");
  return fs;
}

// Helpers for the guests: $create NAME LEN -> fd (or traps), $wr FD LEN -> errno
// (writes LEN bytes of 0x61 at 0x8000 as one iovec), $wr2 FD LEN (two iovecs of LEN).
const HELPERS = `
(func $create (param $p i32) (param $l i32) (result i32)
  (call $path_open (i32.const 3) (i32.const 0) (local.get $p) (local.get $l)
    (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
(func $fd (result i32) (i32.load (i32.const 0x40)))
(func $fill (param $byte i32)
  (local $i i32)
  (loop $l
    (i32.store8 (i32.add (i32.const 0x8000) (local.get $i)) (local.get $byte))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 0x4000)))))
(func $wr (param $fd i32) (param $len i32) (result i32)
  (call $fill (i32.const 0x61))
  (i32.store (i32.const 0x10) (i32.const 0x8000)) (i32.store (i32.const 0x14) (local.get $len))
  (call $fd_write (local.get $fd) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
(func $wr2 (param $fd i32) (param $len i32) (result i32)
  (call $fill (i32.const 0x62))
  (i32.store (i32.const 0x10) (i32.const 0x8000)) (i32.store (i32.const 0x14) (local.get $len))
  (i32.store (i32.const 0x18) (i32.const 0x8000)) (i32.store (i32.const 0x1c) (local.get $len))
  (call $fd_write (local.get $fd) (i32.const 0x10) (i32.const 2) (i32.const 0x44)))
(func $size (param $fd i32) (result i32)
  (drop (call $fd_filestat_get (local.get $fd) (i32.const 0x200)))
  (i32.load (i32.const 0x220)))
(data (i32.const 0x100) "a.txt")
(data (i32.const 0x108) "b.txt")
(data (i32.const 0x110) "c.txt")
(data (i32.const 0x118) "d")
(data (i32.const 0x120) "e")
`;

describe("MemFS limits, from a guest", () => {
  test("maxBytes: ENOSPC, all or nothing; freed space is reusable", async () => {
    const fs = fsWith({ maxBytes: 1000 });
    await guest(
      fs,
      `${HELPERS}
      (func $main
        (expect ESUCCESS (call $create (i32.const 0x100) (i32.const 5)))
        (expect ESUCCESS (call $wr (call $fd) (i32.const 600)))
        (expect ESUCCESS (call $create (i32.const 0x108) (i32.const 5)))
        (expect 5 (call $fd))
        (expect ENOSPC (call $wr (i32.const 5) (i32.const 401)))
        (expect 0 (call $size (i32.const 5)))
        ;; two iovecs of 250: the second would not fit, so neither is written
        (expect ENOSPC (call $wr2 (i32.const 5) (i32.const 250)))
        (expect 0 (call $size (i32.const 5)))
        (expect ESUCCESS (call $wr2 (i32.const 5) (i32.const 200)))
        (expect 400 (call $size (i32.const 5)))
        (expect ENOSPC (call $wr (i32.const 5) (i32.const 1)))
        ;; fd_allocate reserves: refused when it does not fit
        (expect ENOSPC (call $fd_allocate (i32.const 5) (i64.const 0) (i64.const 401)))
        ;; a sparse file's hole is free
        (expect ESUCCESS (call $fd_filestat_set_size (i32.const 5) (i64.const 100000)))
        (expect ESUCCESS (call $fd_filestat_set_size (i32.const 5) (i64.const 0)))
        ;; truncating frees, unlinking frees
        (expect ESUCCESS (call $fd_filestat_set_size (i32.const 4) (i64.const 100)))
        (expect ESUCCESS (call $fd_seek (i32.const 5) (i64.const 0) (i32.const 0) (i32.const 0x48)))
        (expect ESUCCESS (call $wr (i32.const 5) (i32.const 900)))
        (expect ESUCCESS (call $path_unlink_file (i32.const 3) (i32.const 0x108) (i32.const 5)))
        ;; still open: its bytes are still held until closed
        (expect ENOSPC (call $fd_allocate (i32.const 4) (i64.const 0) (i64.const 200)))
        (expect ESUCCESS (call $fd_close (i32.const 5)))
        (expect ESUCCESS (call $fd_allocate (i32.const 4) (i64.const 0) (i64.const 1000)))
        (expect 1000 (call $size (i32.const 4))))`,
    );
    assert.deepEqual(fs.usage(), { inodes: 3, bytes: 1000 });
    assert.equal(fs.readFile("/sandbox/a.txt").length, 1000);
    fs.checkInvariants();
  });

  test("maxFileSize: EFBIG for writes, truncation and fd_allocate past it", async () => {
    const fs = fsWith({ maxFileSize: 100 });
    await guest(
      fs,
      `${HELPERS}
      (func $main
        (expect ESUCCESS (call $create (i32.const 0x100) (i32.const 5)))
        (expect ESUCCESS (call $wr (i32.const 4) (i32.const 90)))
        (expect EFBIG (call $wr (i32.const 4) (i32.const 11)))
        (expect 90 (call $size (i32.const 4)))
        (expect EFBIG (call $wr2 (i32.const 4) (i32.const 6)))
        (expect ESUCCESS (call $wr2 (i32.const 4) (i32.const 5)))
        (expect EFBIG (call $fd_filestat_set_size (i32.const 4) (i64.const 101)))
        (expect EFBIG (call $fd_allocate (i32.const 4) (i64.const 50) (i64.const 51)))
        (expect ESUCCESS (call $fd_allocate (i32.const 4) (i64.const 50) (i64.const 50)))
        (expect 100 (call $size (i32.const 4))))`,
    );
    assert.equal(fs.stat("/sandbox/a.txt").size, 100);
    assert.throws(() => fs.writeFile("/sandbox/a.txt", new Uint8Array(101)), { code: "EFBIG" });
    assert.equal(fs.stat("/sandbox/a.txt").size, 100, "a refused writeFile keeps the old contents");
  });

  test("maxInodes: ENOSPC for files, directories and symlinks; links take none", async () => {
    // root, /sandbox, and three more
    const fs = fsWith({ maxInodes: 5 });
    await guest(
      fs,
      `${HELPERS}
      (func $main
        (expect ESUCCESS (call $create (i32.const 0x100) (i32.const 5)))
        (expect ESUCCESS (call $path_create_directory (i32.const 3) (i32.const 0x118) (i32.const 1)))
        (expect ESUCCESS (call $path_symlink (i32.const 0x100) (i32.const 5) (i32.const 3) (i32.const 0x120) (i32.const 1)))
        (expect ENOSPC (call $create (i32.const 0x108) (i32.const 5)))
        (expect ENOSPC (call $path_create_directory (i32.const 3) (i32.const 0x110) (i32.const 5)))
        (expect ENOSPC (call $path_symlink (i32.const 0x100) (i32.const 5) (i32.const 3) (i32.const 0x110) (i32.const 5)))
        (expect ESUCCESS (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5) (i32.const 3) (i32.const 0x110) (i32.const 5)))
        (expect ESUCCESS (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 5) (i32.const 3) (i32.const 0x108) (i32.const 5)))
        (expect ESUCCESS (call $path_unlink_file (i32.const 3) (i32.const 0x120) (i32.const 1)))
        (expect ESUCCESS (call $create (i32.const 0x110) (i32.const 5))))`,
    );
    assert.deepEqual(fs.readdir("/sandbox").sort(), ["a.txt", "b.txt", "c.txt", "d"]);
    assert.equal(fs.stat("/sandbox/a.txt").nlink, 2);
    assert.throws(() => fs.mkdir("/x"), { code: "ENOSPC" });
    fs.checkInvariants();
  });

  test("maxSymlinks: ELOOP past the chain's limit", async () => {
    const fs = fsWith({ maxSymlinks: 3 });
    fs.writeFile("/sandbox/f", "end");
    for (const [link, to] of [
      ["l1", "l2"],
      ["l2", "l3"],
      ["l3", "l4"],
      ["l4", "f"],
    ])
      fs.symlink(to, `/sandbox/${link}`);
    await guest(
      fs,
      `(data (i32.const 0x100) "l1") (data (i32.const 0x108) "l2") (data (i32.const 0x110) "l1/")
      (func $main
        (expect ELOOP (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 2) (i32.const 0x200)))
        (expect ESUCCESS (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 0x108) (i32.const 2) (i32.const 0x200)))
        (expect 3 (i32.load (i32.const 0x220)))
        (expect ELOOP (call $path_open (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 2)
          (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40))))`,
    );
    assert.throws(() => fs.readFile("/sandbox/l1"), { code: "ELOOP" });
    assert.equal(fs.readFile("/sandbox/l2", "utf8"), "end");
  });

  test("maxPathLength: ENAMETOOLONG for paths and symlink targets", async () => {
    const fs = fsWith({ maxPathLength: 64 });
    const long = "d/".repeat(32) + "x"; // 65 bytes
    const ok = "d/".repeat(31) + "xy"; // 64 bytes
    await guest(
      fs,
      `(data (i32.const 0x100) "${long}") (data (i32.const 0x200) "${ok}") (data (i32.const 0x300) "s")
      (func $main
        (expect ENAMETOOLONG (call $path_create_directory (i32.const 3) (i32.const 0x100) (i32.const 65)))
        (expect ENOENT (call $path_create_directory (i32.const 3) (i32.const 0x200) (i32.const 64)))
        (expect ENAMETOOLONG (call $path_symlink (i32.const 0x100) (i32.const 65) (i32.const 3) (i32.const 0x300) (i32.const 1)))
        (expect ESUCCESS (call $path_symlink (i32.const 0x200) (i32.const 64) (i32.const 3) (i32.const 0x300) (i32.const 1))))`,
    );
    assert.throws(() => fs.writeFile(`/sandbox/${"y".repeat(60)}`, "x"), { code: "ENAMETOOLONG" });
    assert.throws(() => fs.writeFile(`/sandbox/${"y".repeat(256)}`, "x"), { code: "ENAMETOOLONG" });
  });

  test("limits are options with defaults; bad ones are TypeErrors", () => {
    assert.deepEqual(new MemFS().limits, {
      maxBytes: 2 ** 30,
      maxFileSize: Infinity, // 2^63 - 1, beyond 2^53
      maxInodes: 2 ** 20,
      maxSymlinks: 40,
      maxPathLength: 4096,
    });
    assert.deepEqual(new MemFS({ limits: { maxBytes: Infinity, maxInodes: 10 } }).limits, {
      maxBytes: Infinity,
      maxFileSize: Infinity,
      maxInodes: 10,
      maxSymlinks: 40,
      maxPathLength: 4096,
    });
    assert.throws(() => new MemFS({ limits: { maxBytes: -1 } }), TypeError);
    assert.throws(() => new MemFS({ limits: { maxBytes: 1.5 } }), TypeError);
    assert.throws(() => new MemFS({ limits: { maxbytes: 1 } }), TypeError);
    assert.throws(() => new MemFS({ limits: "big" }), TypeError);
    assert.throws(() => new MemFS({ limits: { maxInodes: 0 } }), RangeError);
  });
});

describe("WASI limits, from a guest", () => {
  test("maxFds: EMFILE, and a closed fd is reusable", async () => {
    const fs = fsWith({});
    fs.writeFile("/sandbox/a.txt", "a");
    // stdio + the preopen = 4; two more
    await guest(
      fs,
      `(data (i32.const 0x100) "a.txt")
      (func $open (result i32)
        (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
          (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40)))
      (func $main
        (expect ESUCCESS (call $open))
        (expect ESUCCESS (call $open))
        (expect EMFILE (call $open))
        (expect EMFILE (call $open))
        (expect ESUCCESS (call $fd_close (i32.const 4)))
        (expect ESUCCESS (call $open))
        (expect 4 (i32.load (i32.const 0x40))))`,
      { maxFds: 6 },
    );
    fs.checkInvariants();
  });

  test("maxIoBytes: larger reads and writes are shortened", async () => {
    const fs = fsWith({});
    const r = await guest(
      fs,
      `${HELPERS}
      (func $main
        (expect ESUCCESS (call $create (i32.const 0x100) (i32.const 5)))
        (expect ESUCCESS (call $wr (i32.const 4) (i32.const 25)))
        (expect 10 (i32.load (i32.const 0x44)))
        (expect ESUCCESS (call $wr2 (i32.const 4) (i32.const 7)))
        (expect 10 (i32.load (i32.const 0x44)))
        (expect 20 (call $size (i32.const 4)))
        (i32.store (i32.const 0x10) (i32.const 0x9000)) (i32.store (i32.const 0x14) (i32.const 100))
        (expect ESUCCESS (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44)))
        (expect 10 (i32.load (i32.const 0x44)))
        ;; stdout too: 10 of the 25 bytes ("cccccccc" and a newline)
        (call $fill (i32.const 0x63))
        (i32.store8 (i32.const 0x8009) (i32.const 0x0a))
        (i32.store (i32.const 0x10) (i32.const 0x8000)) (i32.store (i32.const 0x14) (i32.const 25))
        (expect ESUCCESS (call $fd_write (i32.const 1) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
        (expect 10 (i32.load (i32.const 0x44))))`,
      { maxIoBytes: 10 },
    );
    assert.equal(fs.readFile("/sandbox/a.txt", "utf8"), "a".repeat(10) + "b".repeat(10));
    assert.ok(r.stdout.includes("ccccccccc\n"));
    assert.ok(!r.stdout.includes("cccccccccc"));
  });
});
