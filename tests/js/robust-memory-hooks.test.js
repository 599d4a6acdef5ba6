// A guest-memory copy that throws in js/core/host.js (issue 11): the hooks
// are `catch` imports, so the guest gets EFAULT for that call, the JS caller
// gets the exception (from flush(), so from start() at the end of a run),
// and the WASI and its MemFS stay usable. Every Preview 1 entry point that
// copies guest memory is tried, with the test seam
// MemFsCore.armMemoryFaultForTests(call) (tests' core only), which makes the
// real hooks throw by giving them `null` for the memory.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import "./helpers/seam-core.js";
import { catFile, guest } from "./helpers/wat.js";

const { MemFS, WASI } = await import("../../js/index.js");
const { MemFsCore } = await import("../../js/core.js");

const EFAULT = 21;
const encoder = new TextEncoder();

// Guest memory: out-pointers at 16.., an iovec at 32, a subscription at 64,
// strings at 1024.., a data buffer at 4096.
const OUT = 16;
const OUT2 = 24;
const IOV = 32;
const SUB = 64;
const EVENTS = 256;
const BUF = 4096;
const STR = { file: 1024, dir: 1088, newName: 1152, link: 1216, missing: 1280 };
const TEXT = { file: "f.txt", dir: "newdir", newName: "g.txt", link: "l", missing: "nothing" };
const len = (name) => encoder.encode(TEXT[name]).length;

/** A reactor whose memory the test fills and whose imports it calls itself. */
function setUp() {
  const fs = new MemFS();
  fs.mkdir("/d");
  fs.writeFile("/d/f.txt", "hello world");
  fs.symlink("f.txt", "/d/l");
  const wasi = new WASI({ args: ["hooks.wasm", "x"], env: { A: "1" }, fs, preopens: { "/d": "/d" }, stdout: "buffer" });
  const bytes = guest({ start: null, imports: [] });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
  wasi.initialize(instance);
  const mem = new Uint8Array(instance.exports.memory.buffer);
  for (const [key, at] of Object.entries(STR)) mem.set(encoder.encode(TEXT[key]), at);
  mem.set(encoder.encode("data!"), BUF);
  const view = new DataView(instance.exports.memory.buffer);
  // One iovec: 5 bytes at BUF.
  view.setUint32(IOV, BUF, true);
  view.setUint32(IOV + 4, 5, true);
  // One clock subscription: userdata 7, relative, 0 ns.
  view.setBigUint64(SUB, 7n, true);
  view.setUint8(SUB + 8, 0);
  view.setUint32(SUB + 16, 1, true);
  const p1 = wasi.wasiImport;
  // fd 4: f.txt, read and write.
  assert.equal(p1.path_open(3, 0, STR.file, len("file"), 0, -1n, -1n, 0, OUT), 0);
  const fd = view.getUint32(OUT, true);
  assert.equal(fd, 4);
  return { fs, wasi, p1, fd };
}

// name → (imports, fd of f.txt) → errno. Each copies guest memory (the
// first copy is what the seam makes throw).
const CALLS = {
  args_get: (p) => p.args_get(OUT, BUF),
  args_sizes_get: (p) => p.args_sizes_get(OUT, OUT2),
  environ_get: (p) => p.environ_get(OUT, BUF),
  environ_sizes_get: (p) => p.environ_sizes_get(OUT, OUT2),
  clock_res_get: (p) => p.clock_res_get(1, OUT),
  clock_time_get: (p) => p.clock_time_get(1, 0n, OUT),
  fd_fdstat_get: (p, fd) => p.fd_fdstat_get(fd, BUF),
  fd_filestat_get: (p, fd) => p.fd_filestat_get(fd, BUF),
  fd_pread: (p, fd) => p.fd_pread(fd, IOV, 1, 0n, OUT),
  fd_prestat_get: (p) => p.fd_prestat_get(3, OUT),
  fd_prestat_dir_name: (p) => p.fd_prestat_dir_name(3, BUF, 2),
  fd_pwrite: (p, fd) => p.fd_pwrite(fd, IOV, 1, 0n, OUT),
  fd_read: (p, fd) => p.fd_read(fd, IOV, 1, OUT),
  fd_readdir: (p) => p.fd_readdir(3, BUF, 256, 0n, OUT),
  fd_seek: (p, fd) => p.fd_seek(fd, 0n, 0, OUT),
  fd_tell: (p, fd) => p.fd_tell(fd, OUT),
  fd_write: (p, fd) => p.fd_write(fd, IOV, 1, OUT),
  path_create_directory: (p) => p.path_create_directory(3, STR.dir, len("dir")),
  path_filestat_get: (p) => p.path_filestat_get(3, 1, STR.file, len("file"), BUF),
  path_filestat_set_times: (p) => p.path_filestat_set_times(3, 1, STR.file, len("file"), 0n, 0n, 0),
  path_link: (p) => p.path_link(3, 0, STR.file, len("file"), 3, STR.newName, len("newName")),
  path_open: (p) => p.path_open(3, 0, STR.file, len("file"), 0, -1n, -1n, 0, OUT),
  path_readlink: (p) => p.path_readlink(3, STR.link, len("link"), BUF, 64, OUT),
  path_remove_directory: (p) => p.path_remove_directory(3, STR.missing, len("missing")),
  path_rename: (p) => p.path_rename(3, STR.file, len("file"), 3, STR.newName, len("newName")),
  path_symlink: (p) => p.path_symlink(STR.file, len("file"), 3, STR.newName, len("newName")),
  path_unlink_file: (p) => p.path_unlink_file(3, STR.missing, len("missing")),
  poll_oneoff: (p) => p.poll_oneoff(SUB, EVENTS, 1, OUT),
  random_get: (p) => p.random_get(BUF, 16),
};

describe("a guest-memory hook that throws", () => {
  for (const [name, call] of Object.entries(CALLS)) {
    test(`${name}: EFAULT for the guest, the exception for the caller, and everything goes on`, () => {
      const { fs, wasi, p1, fd } = setUp();
      const before = fs.usage();
      MemFsCore.armMemoryFaultForTests(name);
      assert.equal(call(p1, fd), EFAULT);
      // Nothing was changed by the call the copy failed in.
      assert.deepEqual(fs.usage(), before);
      assert.deepEqual(fs.readdir("/d"), ["f.txt", "l"]);
      assert.equal(fs.readFile("/d/f.txt", "utf8"), "hello world");
      // The caller hears of it once, with the hook's exception as the cause.
      assert.throws(
        () => wasi.flush(),
        (e) => e.message === `wasi-web: copying guest memory failed in ${name} (the guest got EFAULT)` && e.cause instanceof TypeError,
      );
      wasi.flush();
      // The same call works now (path_remove_directory / path_unlink_file
      // name a missing entry: ENOENT, not EFAULT).
      const again = call(p1, fd);
      assert.ok(again === 0 || again === 44, `${name} then returned ${again}`);
      assert.equal(p1.fd_write(fd, IOV, 1, OUT), 0);
      wasi.flush();
      fs.checkInvariants();
    });
  }

  test("in a run: start() throws it after the guest went on with EFAULT", () => {
    const fs = new MemFS();
    fs.writeFile("/keep.txt", "kept\n");
    const wasi = new WASI({ args: ["efault.wasm"], fs, preopens: { "/": "/" }, stdout: "buffer" });
    const bytes = guest({
      strings: { hi: "lost", after: "after\n" },
      start: `
        (i32.store (i32.const 0) $str:hi)
        (i32.store (i32.const 4) $len:hi)
        ;; errno of the failed write, as a byte of output
        (i32.store8 (i32.const 100) (i32.add (i32.const 48)
          (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
        (call $print (i32.const 1) (i32.const 100) (i32.const 1))
        (call $print (i32.const 1) $str:after $len:after)`,
    });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
    MemFsCore.armMemoryFaultForTests("fd_write");
    assert.throws(() => wasi.start(instance), { message: /copying guest memory failed in fd_write/ });
    // "E" is 48 + 21: the guest got EFAULT and went on.
    assert.equal(wasi.stdout.text(), "Eafter\n");
    // The MemFS and the next program are fine.
    const next = new WASI({ fs, preopens: { "/": "/" }, stdout: "buffer" });
    assert.equal(next.start(new WebAssembly.Instance(new WebAssembly.Module(catFile("keep.txt")), next.getImportObject())), 0);
    assert.equal(next.stdout.text(), "kept\n");
  });
});
