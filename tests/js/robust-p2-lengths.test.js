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
    // 48 MiB of file, then reads asking for 2^40 bytes (capped at 64 MiB).
    for (let i = 0; i < 3; i++) assert.equal(file.write(BIG, BigInt(i * MAX_IO)), BigInt(MAX_IO));
    assert.equal(fs.stat("/data/f").size, 3 * MAX_IO);
    let pread, streamRead, random;
    const grew = growth(() => {
      pread = file.read(2n ** 40n, 0n);
      streamRead = file.readViaStream(1n).read(2n ** 40n);
      random = imports["wasi:random/random"].getRandomBytes(2n ** 40n);
    });
    assert.ok(grew <= 2 * MiB, `core memory grew by ${grew} bytes`);
    const [bytes, eof] = pread;
    assert.equal(eof, true);
    assert.equal(bytes.length, 3 * MAX_IO);
    assert.deepEqual([bytes[0], bytes[MAX_IO - 1], bytes[MAX_IO], bytes[2 * MAX_IO], bytes[3 * MAX_IO - 1]], [1, 2, 1, 1, 2]);
    assert.equal(streamRead.length, 3 * MAX_IO - 1);
    assert.equal(streamRead[MAX_IO - 2], 2);
    assert.equal(random.length, 64 * MiB);
    assert.ok(random.some((b) => b !== 0));
  });
});
