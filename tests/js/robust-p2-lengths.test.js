// Preview 2 lists the component controls (issue 11, point 1): a list<u8>
// of 2 GiB handed to output-stream write / blocking-write-and-flush /
// descriptor write, or a list of pollables far past the cap, is checked
// before anything reaches the core's memory (which never shrinks). The
// host objects are driven as jco's glue drives them, without a component.
// Reads and random bytes are built as JS arrays, not gathered in the core.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS } from "../../js/index.js";
import { WASIp2 } from "../../js/preview2/index.js";

const MiB = 1 << 20;
// What one descriptor write takes at most (the core's default max_io).
const MAX_IO = 16 * MiB;
// Allocated once, and mostly never touched: the pages stay unbacked.
const BIG = new Uint8Array(2 ** 31);
BIG[0] = 1;
BIG[MAX_IO - 1] = 2;
BIG[MAX_IO] = 3;

function setup(limits) {
  const fs = new MemFS(limits ? { limits } : undefined);
  fs.mkdir("/data");
  const written = [];
  const wasi = new WASIp2({ fs, preopens: { "/data": "/data" }, stdout: (b) => written.push(b.length) });
  const imports = wasi.imports;
  const [[dir]] = imports["wasi:filesystem/preopens"].getDirectories();
  const file = dir.openAt({}, "f", { create: true }, { read: true, write: true });
  return { fs, wasi, imports, dir, file, written };
}

/** Runs `f` and returns how many bytes the core's memory grew by. */
function growth(f) {
  const before = MemFS.coreMemoryBytes();
  f();
  return MemFS.coreMemoryBytes() - before;
}

const trap = (re) => (e) => e instanceof Error && re.test(e.message);

describe("Preview 2: guest-sized lists are checked before they are copied", () => {
  test("output-stream write of 2 GiB traps (write exceeded budget), core memory flat", () => {
    const { imports, file, fs, written } = setup();
    const stdout = imports["wasi:cli/stdout"].getStdout();
    const stream = file.writeViaStream(0n);
    assert.equal(stream.checkWrite(), BigInt(MiB));
    const grew = growth(() => {
      assert.throws(() => stdout.write(BIG), trap(/write exceeded budget: 2147483648 bytes/));
      assert.throws(() => stdout.blockingWriteAndFlush(BIG), trap(/at most 4096 bytes, not 2147483648/));
      assert.throws(() => stream.write(BIG), trap(/write exceeded budget/));
      assert.throws(() => stream.blockingWriteAndFlush(BIG), trap(/at most 4096/));
      assert.throws(() => stream.writeZeroes(2n ** 31n), trap(/write exceeded budget/));
      // One byte over the budget is refused too; the budget itself is taken.
      assert.throws(() => stream.write(BIG.subarray(0, MiB + 1)), trap(/write exceeded budget/));
    });
    assert.ok(grew <= 2 * MiB, `core memory grew by ${grew} bytes`);
    assert.deepEqual(written, []);
    assert.equal(fs.stat("/data/f").size, 0);
    stream.write(BIG.subarray(0, MiB));
    assert.equal(fs.stat("/data/f").size, MiB);
    stdout.blockingWriteAndFlush(BIG.subarray(0, 4096));
    // Other views and arrays are taken as plain Uint8Arrays.
    stdout.blockingWriteAndFlush(Buffer.from("ab"));
    stdout.write([1, 2, 3]);
    // A plain write waits in the core's output buffer (one policy with
    // Preview 1) until the component flushes, waits, reads stdin or ends.
    assert.deepEqual(written, [4096, 2]);
    stdout.flush();
    assert.deepEqual(written, [4096, 2, 3]);
  });

  test("descriptor write of 2 GiB is a short write of 16 MiB, copied straight into the file", () => {
    const { file, fs } = setup();
    let n;
    const grew = growth(() => {
      n = file.write(BIG, 0n);
    });
    assert.equal(n, BigInt(MAX_IO));
    const got = fs.readFile("/data/f");
    assert.equal(got.length, MAX_IO);
    assert.equal(got[0], 1);
    assert.equal(got[MAX_IO - 1], 2);
    // The file's 16 MiB, and not the 2 GiB list (nor a copy of 16 MiB
    // besides the file's storage).
    assert.ok(grew <= MAX_IO + 4 * MiB, `core memory grew by ${grew} bytes`);
    // The next call writes the rest from where the first stopped.
    assert.equal(file.write(BIG.subarray(MAX_IO, MAX_IO + 1), BigInt(MAX_IO)), 1n);
    assert.equal(fs.readFile("/data/f")[MAX_IO], 3);
  });

  test("a descriptor write the filesystem refuses copies nothing", () => {
    const { file, fs } = setup({ maxBytes: MiB });
    const grew = growth(() => {
      assert.throws(
        () => file.write(BIG, 0n),
        (e) => e === "insufficient-space",
      );
      assert.throws(
        () => file.write(BIG, 2n ** 63n),
        (e) => e === "invalid",
      );
    });
    assert.ok(grew <= MiB, `core memory grew by ${grew} bytes`);
    assert.equal(fs.stat("/data/f").size, 0);
  });

  test("poll of more than 65,536 pollables traps before the list is copied", () => {
    const { imports, wasi } = setup();
    const clock = imports["wasi:clocks/monotonic-clock"];
    const { poll } = imports["wasi:io/poll"];
    const p = clock.subscribeDuration(0n);
    // The cap itself works (one pollable, listed 65,536 times).
    assert.equal(poll(new Array(65536).fill(p)).length, 65536);
    assert.throws(() => poll(new Array(65537).fill(p)), trap(/at most 65536 pollables, not 65537/));
    // The core checks too, before it copies: 64 Mi handles (256 MiB).
    const ids = new Uint32Array(2 ** 26);
    const grew = growth(() => {
      assert.throws(() => wasi.core.poll(ids), trap(/at most 65536 pollables, not 67108864/));
    });
    assert.ok(grew <= MiB, `core memory grew by ${grew} bytes`);
    assert.deepEqual(Array.from(poll([p])), [0]);
  });

  test("resolve-addresses checks a name's length before copying it", () => {
    const { imports } = setup();
    const network = imports["wasi:sockets/instance-network"].instanceNetwork();
    const { resolveAddresses } = imports["wasi:sockets/ip-name-lookup"];
    const long = "a".repeat(2 ** 26);
    const grew = growth(() => {
      assert.throws(
        () => resolveAddresses(network, long),
        (e) => e === "invalid-argument",
      );
    });
    assert.ok(grew <= MiB, `core memory grew by ${grew} bytes`);
    assert.throws(
      () => resolveAddresses(network, "example.com"),
      (e) => e === "permanent-resolver-failure",
    );
  });

  test("reads and random bytes are built outside the core", () => {
    const { file, imports, fs } = setup();
    // 48 MiB of file, then reads asking for 2^40 bytes (capped at
    // maxIoBytes, 16 MiB by default, as Preview 1's reads).
    for (let i = 0; i < 3; i++) assert.equal(file.write(BIG, BigInt(i * MAX_IO)), BigInt(MAX_IO));
    assert.equal(fs.stat("/data/f").size, 3 * MAX_IO);
    let pread, last, streamRead, random;
    const grew = growth(() => {
      pread = file.read(2n ** 40n, 0n);
      last = file.read(2n ** 40n, BigInt(2 * MAX_IO));
      streamRead = file.readViaStream(1n).read(2n ** 40n);
      random = imports["wasi:random/random"].getRandomBytes(2n ** 40n);
    });
    assert.ok(grew <= 2 * MiB, `core memory grew by ${grew} bytes`);
    const [bytes, eof] = pread;
    assert.equal(eof, false);
    assert.equal(bytes.length, MAX_IO);
    assert.deepEqual([bytes[0], bytes[1], bytes[MAX_IO - 1]], [1, 0, 2]);
    // The rest of the file is the next call's: a short read that reaches the end.
    assert.deepEqual([last[0].length, last[0][0], last[0][MAX_IO - 1], last[1]], [MAX_IO, 1, 2, true]);
    assert.equal(streamRead.length, MAX_IO);
    assert.equal(streamRead[MAX_IO - 2], 2);
    assert.equal(random.length, 64 * MiB);
    assert.ok(random.some((b) => b !== 0));
  });
});

describe("one I/O cap and one output buffer for both previews", () => {
  test("maxIoBytes shortens WASIp2 reads and descriptor writes, and caps check-write", () => {
    const fs = new MemFS();
    fs.mkdir("/data");
    const written = [];
    const wasi = new WASIp2({
      fs,
      preopens: { "/data": "/data" },
      stdin: "0123456789",
      stdout: (b) => written.push([...b]),
      maxIoBytes: 4,
    });
    const imports = wasi.imports;
    const [[dir]] = imports["wasi:filesystem/preopens"].getDirectories();
    const file = dir.openAt({}, "f", { create: true }, { read: true, write: true });
    const ten = new TextEncoder().encode("abcdefghij");
    assert.equal(file.write(ten, 0n), 4n);
    assert.equal(file.write(ten.subarray(4), 4n), 4n);
    const [got, eof] = file.read(100n, 0n);
    assert.equal(new TextDecoder().decode(got), "abcd");
    assert.equal(eof, false);
    assert.equal(new TextDecoder().decode(file.readViaStream(2n).read(100n)), "cdef");
    assert.equal(new TextDecoder().decode(imports["wasi:cli/stdin"].getStdin().blockingRead(100n)), "0123");
    const stdout = imports["wasi:cli/stdout"].getStdout();
    assert.equal(stdout.checkWrite(), 4n);
    assert.equal(file.writeViaStream(0n).checkWrite(), 4n);
    assert.throws(() => stdout.write(ten.subarray(0, 5)), trap(/write exceeded budget: 5 bytes, but check-write grants at most 4/));
    // blocking-write-and-flush writes in pieces of the budget: all of it arrives.
    stdout.blockingWriteAndFlush(ten);
    assert.deepEqual(written.flat(), [...ten]);
    assert.throws(() => new WASIp2({ maxIoBytes: 0 }), /options\.maxIoBytes must be a whole number from 1/);
  });

  test("stdout is buffered the same way for a Preview 1 program and a component", async () => {
    const { WASI } = await import("../../js/index.js");
    const { guest } = await import("./helpers/wat.js");
    const sinks = { p1: [], p2: [] };
    const pieces = ["a", "b\n", "c"];
    for (const tty of [false, true]) {
      sinks.p1.length = 0;
      sinks.p2.length = 0;
      const p1 = new WASI({ stdout: (b) => sinks.p1.push(new TextDecoder().decode(b)), tty });
      const strings = Object.fromEntries(pieces.map((p, i) => [`s${i}`, p]));
      const prog = guest({ strings, start: pieces.map((_, i) => `(call $print (i32.const 1) $str:s${i} $len:s${i})`).join("\n") });
      const seenByP1 = [];
      const { instance } = await WebAssembly.instantiate(prog, p1.getImportObject());
      p1.start(instance);
      seenByP1.push(...sinks.p1);

      const p2 = new WASIp2({ stdout: (b) => sinks.p2.push(new TextDecoder().decode(b)), tty });
      const out = p2.imports["wasi:cli/stdout"].getStdout();
      const seenByP2 = [];
      for (const p of pieces) {
        out.write(new TextEncoder().encode(p));
        seenByP2.push(sinks.p2.join(""));
      }
      p2.flush();
      // Not a terminal: one sink call at the end; a terminal: one per line.
      assert.deepEqual(seenByP2, tty ? ["", "ab\n", "ab\n"] : ["", "", ""]);
      assert.deepEqual(sinks.p2, tty ? ["ab\n", "c"] : ["ab\nc"]);
      assert.deepEqual(seenByP1, sinks.p2, `tty: ${tty}`);
    }
  });
});

// The core's path arguments are typed `&JsString`, which wasm-bindgen does
// not check: a value that is not a string (or one whose `length` getter
// throws) must be refused before the core reads it, or the exception would
// unwind out of the core call and leave it unusable. Called on the core
// directly, past the JS layer's own check.
test("a core path argument that is not a string is a TypeError, and the core works after", async () => {
  const { handle } = await import("../../js/preview2/resource.js");
  const { wasi, imports, dir, file } = setup();
  const Descriptor = imports["wasi:filesystem/types"].Descriptor;
  const id = handle(dir, Descriptor);
  const hostile = [
    {},
    null,
    5,
    {
      get length() {
        throw new Error("a getter that throws");
      },
    },
  ];
  for (const bad of hostile) {
    assert.throws(() => wasi.core.statAt(id, true, bad), TypeError);
    assert.throws(() => wasi.core.createDirectoryAt(id, bad), TypeError);
  }
  assert.throws(() =>
    imports["wasi:sockets/ip-name-lookup"].resolveAddresses(imports["wasi:sockets/instance-network"].instanceNetwork(), hostile[3]),
  );
  file.write(new Uint8Array([1, 2, 3]), 0n);
  assert.equal(dir.statAt({}, "f").size, 3n);
});
