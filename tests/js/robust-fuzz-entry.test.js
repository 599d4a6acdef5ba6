// Fuzzing the wasm-bindgen entry points: all 46 Preview 1 functions called
// through the real WASI class (`wasi.wasiImport.<fn>`, which is the core's
// method, bound) with a real exported WebAssembly.Memory attached, and
// random and extreme arguments: lengths, counts and pointers up to 2^32-1,
// 64-bit values up to 2^64-1. Each call must return an errno (0..76) and
// never throw or trap; the core's memory must stay bounded, the MemFS
// consistent and /secret outside the preopen untouched.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as wasiWeb from "../../js/index.js";
import { MemFS, WASI } from "../../js/index.js";
import { WASIExit } from "../../js/wasi-exit.js";
import { setupFs } from "./helpers/hostile.js";
import { rng } from "./helpers/rng.js";

const MAX_ERRNO = 76;

// i = i32 (pointer, length, count, fd, flags...), I = i64
const SIGNATURES = {
  args_get: "ii",
  args_sizes_get: "ii",
  environ_get: "ii",
  environ_sizes_get: "ii",
  clock_res_get: "ii",
  clock_time_get: "iIi",
  fd_advise: "iIIi",
  fd_allocate: "iII",
  fd_close: "i",
  fd_datasync: "i",
  fd_fdstat_get: "ii",
  fd_fdstat_set_flags: "ii",
  fd_fdstat_set_rights: "iII",
  fd_filestat_get: "ii",
  fd_filestat_set_size: "iI",
  fd_filestat_set_times: "iIIi",
  fd_pread: "iiiIi",
  fd_prestat_get: "ii",
  fd_prestat_dir_name: "iii",
  fd_pwrite: "iiiIi",
  fd_read: "iiii",
  fd_readdir: "iiiIi",
  fd_renumber: "ii",
  fd_seek: "iIii",
  fd_sync: "i",
  fd_tell: "ii",
  fd_write: "iiii",
  path_create_directory: "iii",
  path_filestat_get: "iiiii",
  path_filestat_set_times: "iiiiIIi",
  path_link: "iiiiiii",
  path_open: "iiiiiIIii",
  path_readlink: "iiiiii",
  path_remove_directory: "iii",
  path_rename: "iiiiii",
  path_symlink: "iiiii",
  path_unlink_file: "iii",
  poll_oneoff: "iiii",
  proc_exit: "i",
  proc_raise: "i",
  sched_yield: "",
  random_get: "ii",
  sock_accept: "iii",
  sock_recv: "iiiiii",
  sock_send: "iiiii",
  sock_shutdown: "ii",
};

/** A reactor exporting `pages` of memory: the WASI attaches it at initialize(). */
function attach(wasi, pages) {
  const bytes = new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    // memory section: one memory, min `pages` (LEB128)
    5,
    5,
    1,
    0,
    ...leb(pages, 3),
    // export "memory"
    7,
    10,
    1,
    6,
    ...new TextEncoder().encode("memory"),
    2,
    0,
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
  wasi.initialize(instance);
  return instance.exports.memory;
}

/** `n` as a LEB128 u32 padded to `width` bytes. */
function leb(n, width) {
  const out = [];
  for (let i = 0; i < width; i++) {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(i < width - 1 ? byte | 0x80 : byte);
  }
  return out;
}

const STR = 0x100; // "f.txt"
const DIR = 0x110; // "dir"
const IOVS = 0x200; // 4 iovecs, some good, one past the end
const SUBS = 0x400; // 4 subscriptions (clock, fd_read, fd_write, bad clock)

function fillMemory(memory, r) {
  const u8 = new Uint8Array(memory.buffer);
  for (let i = 0; i < u8.length; i++) u8[i] = r.int(256);
  const dv = new DataView(memory.buffer);
  u8.set(new TextEncoder().encode("f.txt\0"), STR);
  u8.set(new TextEncoder().encode("dir\0"), DIR);
  const size = u8.length;
  const iovs = [
    [0x1000, 16],
    [0x2000, 0],
    [size - 8, 8],
    [size - 4, 64],
  ];
  iovs.forEach(([p, l], i) => {
    dv.setUint32(IOVS + i * 8, p, true);
    dv.setUint32(IOVS + i * 8 + 4, l, true);
  });
  for (let i = 0; i < 4; i++) {
    const s = SUBS + i * 48;
    dv.setBigUint64(s, BigInt(i), true);
    dv.setUint8(s + 8, [0, 1, 2, 0][i]);
    dv.setUint32(s + 16, [1, 0, 1, 77][i], true); // clock id, or fd
    dv.setBigUint64(s + 24, BigInt(r.int(2000)), true);
    dv.setUint16(s + 40, 0, true);
  }
}

/** An i32 argument: mostly plausible, often extreme. */
function i32(r, size) {
  switch (r.int(15)) {
    case 12:
    case 13:
    case 14:
      return 0x3000 + 8 * r.int(1024); // an aligned out-pointer
    case 0:
      return r.int(10);
    case 1:
      return r.pick([0, 1, 2, 3, 4, 5, 6, 7]);
    case 2:
      return r.pick([STR, DIR, IOVS, SUBS]);
    case 3:
      return r.pick([5, 3, 1, 4, 2]);
    case 4:
      return r.int(size);
    case 5:
      return size - r.int(64);
    case 6:
      return r.pick([size, size + 1, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x10000, 0x10001]);
    case 7:
      return r.u32();
    case 8:
      return 0x1000 + r.int(64);
    case 9:
      return r.pick([0x20, 0x1_0000, 0x1_0001, 0xff, 0x100, 0x8000_0000]);
    default:
      return r.int(64);
  }
}

/** An i64 argument, as a BigInt (wrapped modulo 2^64 on the way in). */
function i64(r) {
  switch (r.int(6)) {
    case 0:
      return BigInt(r.int(100));
    case 1:
      return r.pick([2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 40n]);
    case 2:
      return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
    case 3:
      return BigInt(r.pick([0, 1, 5, 6, 0x1fffffff, 0x3fffffff]));
    case 4:
      return -BigInt(r.int(100));
    default:
      return BigInt(r.int(0x10000));
  }
}

// Where a (pointer, length) pair is a path, an iovec list or the
// subscriptions: half of the time it is a valid one, so that calls get past
// the argument checks and reach the filesystem.
const PATHS = {
  path_create_directory: [1],
  path_filestat_get: [2],
  path_filestat_set_times: [2],
  path_link: [2, 5],
  path_open: [2],
  path_readlink: [1],
  path_remove_directory: [1],
  path_rename: [1, 4],
  path_symlink: [0, 3],
  path_unlink_file: [1],
};
const LISTS = { fd_read: [1, IOVS], fd_write: [1, IOVS], fd_pread: [1, IOVS], fd_pwrite: [1, IOVS], poll_oneoff: [0, SUBS] };

function plausible(r, name, args) {
  for (const at of PATHS[name] ?? []) {
    if (r.int(2))
      [args[at], args[at + 1]] = r.pick([
        [STR, 5],
        [DIR, 3],
        [STR, 1 + r.int(5)],
        [DIR, 0],
      ]);
  }
  if (name in LISTS && r.int(2)) {
    const [at, ptr] = LISTS[name];
    [args[at], args[at + 1]] = [ptr, r.int(5)];
  }
  // file descriptors: mostly ones that may be open
  if (name.startsWith("fd_") || name.startsWith("path_")) {
    const fdAt = name === "path_symlink" ? 2 : 0;
    if (r.int(3)) args[fdAt] = name.startsWith("path_") ? r.pick([3, 3, 3, 5, 4]) : r.pick([4, 4, 5, 6, 6, 3, 0, 1, 2, 7]);
  }
}

function isExit(error) {
  return error instanceof WASIExit;
}

/**
 * `rounds` programs on one MemFS, each a fresh WASI (fd table) that first
 * opens fds 4 (f.txt), 5 (dir/) and 6 (a new file), then makes `calls`
 * random calls: closing the preopen early would otherwise leave little to
 * reach.
 */
function fuzz(seed, rounds, calls) {
  const r = rng(seed);
  const fs = setupFs(wasiWeb, { maxBytes: 4 << 20, maxInodes: 500 });
  const names = Object.keys(SIGNATURES).filter((n) => n !== "proc_exit");
  const before = MemFS.coreMemoryBytes();
  const counts = new Map();
  for (let round = 0; round < rounds; round++) {
    const wasi = new WASI({
      args: ["fuzz", "arg"],
      env: { A: "1" },
      fs,
      preopens: { "/sandbox": "/sandbox" },
      stdout: () => {},
      stderr: () => {},
      deterministic: { seed },
    });
    const memory = attach(wasi, 2);
    fillMemory(memory, r);
    const size = memory.buffer.byteLength;
    const w = wasi.wasiImport;
    const all = 0x1fffffffn;
    // (earlier rounds may have renamed or removed them: then fewer fds)
    w.path_open(3, 0, STR, 5, 0, all, all, 0, 0x40);
    w.path_open(3, 0, DIR, 3, 2, 0n, all, 0, 0x40);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode(`n${round % 10}`), 0x120);
    assert.equal(w.path_open(3, 0, 0x120, 2, 1, all, all, 0, 0x40), 0);
    for (let i = 0; i < calls; i++) {
      const name = names[(i + round) % names.length];
      const args = [...SIGNATURES[name]].map((t) => (t === "I" ? i64(r) : i32(r, size)));
      plausible(r, name, args);
      let result;
      try {
        result = w[name](...args);
      } catch (error) {
        // A fatal signal ends the program, as it should; anything else is a bug.
        if (name === "proc_raise" && isExit(error)) break;
        assert.fail(`seed ${seed} round ${round} call ${i}: ${name}(${args.join(", ")}) threw ${error?.stack ?? error}`);
      }
      assert.ok(
        Number.isInteger(result) && result >= 0 && result <= MAX_ERRNO,
        `seed ${seed} round ${round} call ${i}: ${name}(${args.join(", ")}) returned ${result}`,
      );
      counts.set(result, (counts.get(result) ?? 0) + 1);
    }
    fs.checkInvariants();
  }
  const growth = MemFS.coreMemoryBytes() - before;
  assert.equal(fs.readFile("/secret", "utf8"), "SECRET");
  assert.deepEqual(fs.readdir("/").sort(), ["sandbox", "secret"]);
  return { counts, growth, fs };
}

describe("the wasm-bindgen entry points, fuzzed", () => {
  test("46 functions x thousands of random and extreme calls: errnos only, bounded memory", () => {
    let successes = 0;
    let total = 0;
    const all = new Map();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { counts, growth } = fuzz(seed, 40, 46 * 3);
      assert.ok(growth < 64 << 20, `seed ${seed}: core memory grew by ${growth} bytes`);
      for (const [errno, n] of counts) {
        total += n;
        all.set(errno, (all.get(errno) ?? 0) + n);
        if (errno === 0) successes += n;
      }
    }
    console.log(`errnos: ${JSON.stringify([...all].sort((a, b) => a[0] - b[0]))}`);
    // A fuzzer whose calls all fail tests little: many must succeed, and
    // many must fail with EFAULT, EINVAL, EBADF...
    assert.ok(total > 30000, `${total} calls`);
    for (const errno of [8, 21, 28, 44]) assert.ok(all.get(errno) > 100, `errno ${errno}: ${all.get(errno)}`);
    assert.ok(successes > total / 20, `${successes} of ${total} calls succeeded`);
  });

  test("a guest memory of 2 GiB: lengths near 2^31 are refused before anything is copied", () => {
    const fs = setupFs(wasiWeb);
    const wasi = new WASI({ fs, preopens: { "/sandbox": "/sandbox" }, stdout: () => {}, maxIoBytes: 1 << 20 });
    // 2 GiB + 64 KiB: the lengths below are all in bounds.
    const memory = attach(wasi, 32769);
    const dv = new DataView(memory.buffer);
    const before = MemFS.coreMemoryBytes();
    const w = wasi.wasiImport;
    const ENAMETOOLONG = 37;
    const ENOMEM = 48;
    // the reproduction: path_len = 0x80000000, and just under
    for (const len of [0x80000000, 0x7fffff00, 4097]) {
      assert.equal(w.path_open(3, 0, 0x10000, len, 0, 0n, 0n, 0, 0x40), ENAMETOOLONG, `path_open ${len}`);
      assert.equal(w.path_filestat_get(3, 0, 0x10000, len, 0x40), ENAMETOOLONG);
      assert.equal(w.path_symlink(0x10000, len, 3, STR, 5), ENAMETOOLONG);
      assert.equal(w.path_rename(3, STR, 5, 3, 0x10000, len), ENAMETOOLONG);
    }
    // one 2 GiB iovec to stdout: shortened to maxIoBytes
    dv.setUint32(0x200, 0x10000, true);
    dv.setUint32(0x204, 0x80000000, true);
    assert.equal(w.fd_write(1, 0x200, 1, 0x40), 0);
    assert.equal(dv.getUint32(0x40, true), 1 << 20);
    // 2^25 subscriptions (1.5 GiB, in bounds): more than the host tracks
    assert.equal(w.poll_oneoff(0x10000, 0x10000, 1 << 25, 0x40), ENOMEM);
    // a 2 GiB readdir buffer: the entries are few, and so is what is copied
    assert.equal(w.fd_readdir(3, 0x10000, 0x80000000, 0n, 0x40), 0);
    assert.ok(dv.getUint32(0x40, true) > 0);
    // zero-length buffers anywhere
    assert.equal(w.random_get(0xffffffff, 0), 0);
    assert.equal(w.fd_write(1, 0xfffffff8, 0, 0x40), 0);
    const growth = MemFS.coreMemoryBytes() - before;
    assert.ok(growth < 4 << 20, `core memory grew by ${growth} bytes`);
    fs.checkInvariants();
  });
});
