// Fuzzing the WASI 0.3 host (js/preview3) and the wasi:http 0.3 host
// (js/http/p3.js) at their entry points: the functions of a WASIp3's import
// object, called as jco's `--async-mode jspi` glue calls them (resources as
// the host's objects, u64s as BigInts, strings and lists as JS values, a
// stream<u8> parameter as an object with `read({ count })`, a stream result
// pulled with `next()`, a future as a Promise), with hostile arguments:
// extreme numbers and BigInts, paths with NUL, very long or deep `..`,
// dropped and foreign handles, wrong JS types, header names and values that
// are no tokens, many fields, bodies and futures used twice. Each call must
// give the WIT result (`ok`/`err` with a WIT error code), or throw a
// TypeError (a wrong JS type) or the "dropped" Error; it must settle within
// a bounded number of event-loop turns; memory stays bounded; and the host
// still works afterwards (its run is never marked failed). Seeded, so a
// failure replays. WASIp3 needs JSPI: scripts/test.sh runs this file under
// Node 24 too (NODE24_FILES); under Node 20 the refusal and the parts that
// need no JSPI (0.2 paths, http fields and setters) are checked.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as wasiWeb from "../../js/index.js";
import { MemFS } from "../../js/index.js";
import { Fields } from "../../js/http/fields.js";
import { httpImports3 } from "../../js/http/p3.js";
import { httpImports, ms } from "../../js/http/types.js";
import { WASIp2 } from "../../js/preview2/wasip2.js";
import { NEEDS_JSPI, WASIp3 } from "../../js/preview3/index.js";
import { setupFs } from "./helpers/hostile.js";
import { rng } from "./helpers/rng.js";

const JSPI = typeof WebAssembly.Suspending === "function";

/** JSON for messages (BigInts as strings). */
const J = (v) =>
  JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? `u8[${x.length}]` : x))?.slice(0, 3000);

/** The 0.3 wasi:filesystem error codes (a variant: `{ tag }`). */
const FS_CODES = new Set(
  (
    "access already bad-descriptor busy deadlock quota exist file-too-large illegal-byte-sequence in-progress " +
    "interrupted invalid io is-directory loop too-many-links message-size name-too-long no-device no-entry no-lock " +
    "insufficient-memory insufficient-space not-directory not-empty not-recoverable unsupported no-tty no-such-device " +
    "overflow not-permitted pipe read-only invalid-seek text-file-busy cross-device other"
  ).split(" "),
);

/** Event-loop turns a call may take to settle: a bound on iterations, not on time. */
const TURNS = 20000;

/**
 * `value` awaited, failing if it is a promise still pending after TURNS turns.
 * @returns {Promise<{ value?: unknown, error?: unknown }>}
 */
async function settle(value, what) {
  if (!(value instanceof Promise)) return { value };
  let state;
  value.then(
    (v) => (state = { value: v }),
    (e) => (state = { error: e }),
  );
  for (let i = 0; i < TURNS && state === undefined; i++) await new Promise((r) => setImmediate(r));
  assert.ok(state !== undefined, `${what}: still pending after ${TURNS} event-loop turns`);
  return state;
}

/** Calls `f`; returns what it returned (settled) or threw. */
async function call(f, what) {
  try {
    return await settle(f(), what);
  } catch (error) {
    return { error };
  }
}

/** A thrown value the caller may see: a TypeError for a wrong type, the "dropped" Error for a dropped handle. */
function allowedThrow(error, what) {
  if (error instanceof TypeError) return "type";
  if (error instanceof Error && !(error instanceof WebAssembly.RuntimeError) && /was dropped/.test(error.message)) return "dropped";
  assert.fail(`${what} threw ${error?.stack ?? J(error)}`);
}

/** A 0.3 filesystem result: ok, or err with a WIT error code. */
function checkFsResult(r, what) {
  assert.ok(r && (r.tag === "ok" || r.tag === "err"), `${what} gave ${String(r)}`);
  if (r.tag === "err") assert.ok(FS_CODES.has(r.val?.tag), `${what}: err ${J(r.val)}`);
  return r.tag === "ok" ? "ok" : r.val.tag;
}

/** A stream<u8> the guest writes, as jco hands it to the host. */
function guestStream(chunks) {
  let i = 0;
  let dropped = 0;
  return {
    async read({ count }) {
      assert.ok(Number.isInteger(count) && count >= 2, `read count ${count}`);
      const value = chunks[i++];
      return value === undefined ? { value: undefined, done: true } : { value, done: false };
    },
    [Symbol.dispose]() {
      dropped++;
    },
    get dropped() {
      return dropped;
    },
  };
}

/** A stream result pulled as jco pulls it (at most `pulls` items), maybe dropped early, maybe twice. */
async function drain(r, [stream, future], pulls, what) {
  assert.equal(typeof stream?.next, "function", `${what}: no stream`);
  assert.ok(future instanceof Promise, `${what}: no future`);
  let items = 0;
  for (let i = 0; i < pulls; i++) {
    const { value, done } = (await settle(stream.next(), `${what} next`)).value;
    if (done) break;
    items++;
    assert.ok(value !== undefined, `${what}: an undefined item`);
  }
  if (r.int(2)) await stream.return();
  if (r.int(2)) await stream.return(); // dropped twice: harmless
  const once = (await settle(stream.next(), `${what} next after end`)).value;
  if (once.done === false) await stream.return();
  // A future is settled by the end or the drop of its stream; awaited twice, the same value.
  await stream.return();
  const a = (await settle(future, `${what} future`)).value;
  const b = (await settle(future, `${what} future again`)).value;
  assert.deepEqual(a, b);
  return [checkFsResult(a, `${what} future`), items];
}

const U64 = [0n, 1n, 5n, 4096n, 65536n, 2n ** 31n, 2n ** 32n, 2n ** 40n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];

/** A u64 as jco gives it (a BigInt in range), or, sometimes, what a careless JS caller gives. */
function u64(r) {
  switch (r.int(8)) {
    case 0:
      return r.pick([-1n, 2n ** 64n, 2n ** 70n, 1.5, "x", null, {}, -1]);
    case 1:
      return BigInt(r.int(100));
    default:
      return r.pick(U64);
  }
}

const NAMES = ["f.txt", "dir", "empty", "up", "abs", "loop", "dir/inner.txt", "new0", "new1", "newdir", "dir/new2"];

/** A path: mostly plausible, often hostile. */
function path(r) {
  switch (r.int(14)) {
    case 0:
      return "f\0.txt";
    case 1:
      return "a".repeat(r.pick([255, 256, 4096, 5000, 1 << 20]));
    case 2:
      return "../".repeat(r.pick([1, 2, 100, 5000])) + "secret";
    case 3:
      return r.pick(["/secret", "/", "", ".", "..", "dir/../..", "dir/./../f.txt", "up/x", "loop/x", "f.txt/", "\u{1F600}", "a\\b"]);
    case 4:
      return "d/".repeat(r.pick([10, 200, 3000]));
    case 5:
      return r.pick([null, undefined, 42, {}, ["f.txt"], 5n]);
    default:
      return r.pick(NAMES);
  }
}

/** Path flags, open flags and descriptor flags: objects of booleans, or junk. */
function flags(r, names) {
  if (r.int(10) === 0) return r.pick([undefined, null, 7, "read", {}]);
  const out = {};
  for (const n of names) if (r.int(3) === 0) out[n] = true;
  return out;
}
const OPEN = ["create", "directory", "exclusive", "truncate"];
const DFLAGS = ["read", "write", "fileIntegritySync", "dataIntegritySync", "requestedWriteSync", "mutateDirectory"];

function timestamp(r) {
  return r.pick([
    { tag: "no-change" },
    { tag: "now" },
    {
      tag: "timestamp",
      val: { seconds: r.pick([0n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n]), nanoseconds: r.pick([0, 999_999_999, 1e9, 4e9, -1]) },
    },
    { tag: "bogus" },
    null,
  ]);
}

/** Chunks a guest's write stream gives: sizes from 0 to 300 KiB. */
function chunks(r) {
  return Array.from({ length: r.int(4) }, () => {
    const n = r.pick([0, 1, 100, 65536, 65537, 300 << 10]);
    return r.int(4) === 0 ? Array.from({ length: Math.min(n, 64) }, (_, i) => i & 0xff) : new Uint8Array(n).fill(r.int(256));
  });
}

/** The descriptor methods, each with an argument generator (`d`: a descriptor, maybe hostile). */
const METHODS = {
  readViaStream: (r) => [u64(r)],
  writeViaStream: (r) => [r.int(12) === 0 ? r.pick([null, 42, {}]) : guestStream(chunks(r)), u64(r)],
  appendViaStream: (r) => [r.int(12) === 0 ? r.pick([undefined, "data"]) : guestStream(chunks(r))],
  advise: (r) => [u64(r), u64(r), r.pick(["normal", "sequential", "random", "will-need", "dont-need", "no-reuse", "bogus", 3])],
  syncData: () => [],
  getFlags: () => [],
  getType: () => [],
  setSize: (r) => [u64(r)],
  setTimes: (r) => [timestamp(r), timestamp(r)],
  readDirectory: () => [],
  sync: () => [],
  createDirectoryAt: (r) => [path(r)],
  stat: () => [],
  statAt: (r) => [flags(r, ["symlinkFollow"]), path(r)],
  setTimesAt: (r) => [flags(r, ["symlinkFollow"]), path(r), timestamp(r), timestamp(r)],
  linkAt: (r, d) => [flags(r, ["symlinkFollow"]), path(r), d, path(r)],
  openAt: (r) => [flags(r, ["symlinkFollow"]), path(r), flags(r, OPEN), flags(r, DFLAGS)],
  readlinkAt: (r) => [path(r)],
  removeDirectoryAt: (r) => [path(r)],
  renameAt: (r, d) => [path(r), d, path(r)],
  symlinkAt: (r) => [r.pick(["f.txt", "../secret", "/secret", "x".repeat(5000), "a\0b"]), path(r)],
  unlinkFileAt: (r) => [path(r)],
  isSameObject: (r, d) => [d],
  metadataHash: () => [],
  metadataHashAt: (r) => [flags(r, ["symlinkFollow"]), path(r)],
};

/** A WASIp3 on a MemFS with limits (so that huge writes fail rather than allocate). */
function host(seed) {
  const fs = setupFs(wasiWeb, { maxBytes: 8 << 20, maxInodes: 500 });
  const out = [];
  const wasi = new WASIp3({
    fs,
    args: ["fuzz"],
    preopens: { "/sandbox": "/sandbox" },
    stdout: (b) => out.push(b.length),
    stderr: () => {},
    deterministic: { seed },
  });
  return { fs, wasi, imports: wasi.imports };
}

/** A normal call that must still work: the host is not poisoned and its run not failed. */
async function stillWorks(wasi, what) {
  assert.equal(wasi.stopped, false, `${what}: the host marked its run failed`);
  const [[dir]] = wasi.imports["wasi:filesystem/preopens"].getDirectories();
  // (the fuzzing may have removed anything inside it)
  const r = await dir.statAt({}, ".");
  assert.equal(r.tag, "ok", `${what}: stat after the fuzzing: ${J(r)}`);
  assert.deepEqual(r.val.type, { tag: "directory" });
  assert.deepEqual(await dir.getType(), { tag: "ok", val: { tag: "directory" } });
  dir[Symbol.dispose]();
}

/** `calls` random descriptor calls on one host. */
async function fuzzFilesystem(seed, calls) {
  const r = rng(seed);
  const { fs, wasi, imports } = host(seed);
  const counts = new Map();
  const count = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const [[preopen, name]] = imports["wasi:filesystem/preopens"].getDirectories();
  assert.equal(name, "/sandbox");
  /** Descriptors to call methods on: the preopen, files and directories opened, some dropped. */
  const live = [preopen];
  const dropped = [];
  const foreign = host(seed + 1000).imports["wasi:filesystem/preopens"].getDirectories()[0][0];
  const names = Object.keys(METHODS);
  for (let i = 0; i < calls; i++) {
    const method = names[r.int(names.length)];
    const roll = r.int(20);
    const d = roll === 0 && dropped.length ? r.pick(dropped) : r.pick(live);
    const other = r.pick([...live, ...live, ...dropped, foreign, {}, 42, null]);
    const args = METHODS[method](r, other);
    const what = `seed ${seed} call ${i}: ${method}`;
    const self = roll === 1 ? r.pick([{}, null, foreign]) : d;
    const res = await call(() => wasi.imports["wasi:filesystem/types"].Descriptor.prototype[method].apply(self, args), what);
    if ("error" in res) {
      count(`throw:${allowedThrow(res.error, `${what}(${args.map(String).join(", ")})`)}`);
    } else if (method === "readViaStream" || method === "readDirectory") {
      const [end, items] = await drain(r, res.value, r.int(6), what);
      count(`${method}:${end}`);
      if (items) count("stream-items");
    } else if (method === "isSameObject") {
      assert.equal(typeof res.value, "boolean", what);
      count("bool");
    } else {
      const tag = checkFsResult(res.value, what);
      count(tag);
      if (method === "writeViaStream" || method === "appendViaStream")
        assert.equal(args[0].dropped, 1, `${what}: the stream was not dropped once`);
      // Keep a few opened descriptors (and drop some) to reach more states.
      if (method === "openAt" && tag === "ok") {
        if (live.length < 12) live.push(res.value.val);
        else res.value.val[Symbol.dispose]();
      }
    }
    if (live.length > 1 && r.int(30) === 0) {
      const victim = live.splice(1 + r.int(live.length - 1), 1)[0];
      victim[Symbol.dispose]();
      if (r.int(2)) victim[Symbol.dispose](); // twice: harmless
      dropped.push(victim);
    }
    assert.equal(wasi.stopped, false, `${what}: the host marked its run failed`);
  }
  fs.checkInvariants();
  assert.equal(fs.readFile("/secret", "utf8"), "SECRET");
  await stillWorks(wasi, `seed ${seed}`);
  return counts;
}

/** The other 0.3 functions of the import object, with hostile arguments. */
async function fuzzOthers(seed, rounds) {
  const r = rng(seed);
  const { wasi, imports } = host(seed);
  const counts = new Map();
  const count = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const random = imports["wasi:random/random"];
  const insecure = imports["wasi:random/insecure"];
  const lookup = imports["wasi:sockets/ip-name-lookup"];
  const { TcpSocket, UdpSocket } = imports["wasi:sockets/types"];
  for (let i = 0; i < rounds; i++) {
    const what = `seed ${seed} round ${i}`;
    // random: any u64 length gives at most the core's cap (64 MiB), never an attempt at 2^64.
    const len = r.pick([0n, 1n, 32n, 2n ** 20n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]);
    if (r.int(3) === 0 && (len < 2n ** 32n || r.int(4) === 0)) {
      const bytes = (r.int(2) ? random.getRandomBytes : insecure.getInsecureRandomBytes)(len);
      assert.ok(
        bytes instanceof Uint8Array && bytes.length <= 64 << 20 && BigInt(bytes.length) <= len,
        `${what}: ${bytes.length} random bytes for ${len}`,
      );
      count("random");
    }
    const bad = await call(() => random.getRandomBytes(r.pick(["x", 1.5, {}, null])), what);
    assert.ok(
      bad.error instanceof TypeError || bad.error instanceof SyntaxError || bad.error instanceof RangeError,
      `${what}: ${bad.error}`,
    );
    assert.equal(imports["wasi:random/insecure-seed"].getInsecureSeed().length, 2);
    // clocks: waits in virtual time (deterministic), any u64.
    const clocks = imports["wasi:clocks/monotonic-clock"];
    const wait = await call(
      () => (r.int(2) ? clocks.waitFor(r.pick([0n, 1n, 10n ** 9n, 2n ** 40n])) : clocks.waitUntil(r.pick([0n, 1n]))),
      `${what} wait`,
    );
    assert.ok(!("error" in wait), `${what}: wait threw ${wait.error}`);
    for (const bad of [r.pick(["x", 1.5, null, {}]), r.pick([undefined, "1"])]) {
      assert.throws(() => (r.int(2) ? clocks.waitFor(bad) : clocks.waitUntil(bad)), TypeError, `${what}: wait(${bad})`);
    }
    assert.equal(typeof clocks.now(), "bigint");
    const tz = imports["wasi:clocks/timezone"];
    const offset = await call(
      () => tz.utcOffset(r.pick([{ seconds: 2n ** 63n, nanoseconds: 5e9 }, { seconds: -(2n ** 63n), nanoseconds: 0 }, null, {}])),
      what,
    );
    if ("error" in offset) assert.ok(offset.error instanceof TypeError, `${what}: utcOffset threw ${offset.error}`);
    else assert.ok(offset.value === undefined || typeof offset.value === "bigint");
    // sockets (network "none"): names of any size and shape; creation refused.
    const name = r.pick([
      "127.0.0.1",
      "::1",
      "[::1]",
      "localhost",
      "a".repeat(1 << 20),
      "1.2.3.4\0",
      "",
      "a..b",
      "\u{1F600}.com",
      42,
      null,
      {},
    ]);
    const found = await call(() => lookup.resolveAddresses(name), what);
    assert.ok(!("error" in found), `${what}: resolveAddresses threw ${found.error}`);
    assert.ok(["ok", "err"].includes(found.value.tag), `${what}: ${J(found.value)}`);
    count(`lookup:${found.value.tag === "ok" ? "ok" : found.value.val.tag}`);
    for (const C of [TcpSocket, UdpSocket])
      assert.deepEqual(C.create(r.pick(["ipv4", "ipv6", "bogus", 99, null])), { tag: "err", val: { tag: "not-supported" } });
    // cli: stdout and stderr take any guest stream, a wrong argument is a TypeError, the run goes on.
    const cli = r.pick([imports["wasi:cli/stdout"], imports["wasi:cli/stderr"]]);
    const out = await call(() => cli.writeViaStream(r.int(4) ? guestStream(chunks(r)) : r.pick([null, 42, {}, "text"])), what);
    if ("error" in out) assert.ok(out.error instanceof TypeError, `${what}: writeViaStream threw ${out.error}`);
    else assert.deepEqual(out.value, { tag: "ok", val: undefined });
    // stdin (empty): ends at once, its future ok, twice.
    const [input, ended] = imports["wasi:cli/stdin"].readViaStream();
    assert.equal((await settle(input.next(), what)).value.done, true);
    assert.deepEqual((await settle(ended, what)).value, { tag: "ok", val: undefined });
    assert.deepEqual((await settle(ended, what)).value, { tag: "ok", val: undefined });
    assert.equal(typeof imports["wasi:cli/environment"].getInitialCwd(), "undefined");
    assert.equal(wasi.stopped, false, `${what}: the host marked its run failed`);
  }
  await stillWorks(wasi, `seed ${seed} others`);
  return counts;
}

const HEADER_ERRORS = new Set(["invalid-syntax", "forbidden", "immutable", "size-exceeded"]);

/** A header name: mostly tokens, often not. */
function fieldName(r) {
  return r.pick([
    "a",
    "X-Test",
    "x-test",
    "content-type",
    "host",
    "Connection",
    "a b",
    "a:b",
    "",
    "é",
    "a\0",
    "x".repeat(70000),
    null,
    42,
    `h${r.int(50)}`,
  ]);
}
/** A header value: bytes, sometimes with controls, sometimes not bytes. */
function fieldValue(r) {
  switch (r.int(8)) {
    case 0:
      return new TextEncoder().encode("a\r\nb");
    case 1:
      return Uint8Array.of(0);
    case 2:
      return r.pick([null, "text", 42, [300]]);
    case 3:
      return new Uint8Array(r.pick([0, 8192, 70000])).fill(0x61);
    default:
      return new TextEncoder().encode(`v${r.int(100)}\t!`);
  }
}

/** A fields call: its result, a header-error thrown (jco makes it an `err`), or a TypeError. */
function fieldsCall(f, what) {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof TypeError) return { type: true };
    assert.ok(e && HEADER_ERRORS.has(e.tag), `${what}: threw ${e?.stack ?? J(e)}`);
    return { code: e.tag };
  }
}

/** wasi:http 0.3's types: fields, request-options, request and response setters, with hostile arguments. */
function fuzzHttpTypes(seed, rounds) {
  const r = rng(seed);
  const { imports } = httpImports3({ fetch: () => assert.fail("nothing is sent") });
  const { Request, Response } = imports["wasi:http/types"];
  const counts = new Map();
  const count = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (let i = 0; i < rounds; i++) {
    const what = `seed ${seed} round ${i}`;
    const list = Array.from({ length: r.int(6) }, () => [fieldName(r), fieldValue(r)]);
    const made = fieldsCall(() => Fields.fromList(list), `${what} fromList`);
    count(made.code ?? (made.type ? "type" : "ok"));
    const f = made.value ?? new Fields();
    for (let k = 0; k < 8; k++) {
      const op = r.pick(["append", "set", "delete", "get", "has", "getAndDelete", "copyAll", "clone"]);
      const res = fieldsCall(() => {
        if (op === "set")
          return f.set(
            fieldName(r),
            Array.from({ length: r.int(3) }, () => fieldValue(r)),
          );
        if (op === "append") return f.append(fieldName(r), fieldValue(r));
        if (op === "copyAll" || op === "clone") return f[op]();
        return f[op](fieldName(r));
      }, `${what} ${op}`);
      count(`${op}:${res.code ?? (res.type ? "type" : "ok")}`);
    }
    // Every entry kept is a valid one.
    for (const [n, v] of f.copyAll()) {
      assert.match(n, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, `${what}: kept the name ${J(n)}`);
      assert.ok(![...v].some((b) => (b < 0x20 && b !== 9) || b === 0x7f), `${what}: kept a control byte in ${n}`);
    }
    // A request from them (its headers become immutable), hostile setters.
    const [req, sent] = Request.new(f, undefined, Promise.resolve({ tag: "ok", val: undefined }), undefined);
    assert.equal(fieldsCall(() => f.append("x-late", Uint8Array.of(0x61)), what).code, "immutable");
    for (const [setter, value] of [
      [
        "setMethod",
        r.pick([
          { tag: "get" },
          { tag: "other", val: "G E T" },
          { tag: "other", val: "" },
          { tag: "other", val: "X".repeat(70000) },
          null,
          { tag: "bogus" },
        ]),
      ],
      ["setScheme", r.pick([undefined, { tag: "HTTPS" }, { tag: "other", val: "ht tp" }, { tag: "other", val: "" }, 5])],
      ["setAuthority", r.pick([undefined, "example.com", "a b", "a\0b", "a".repeat(70000), "[::1]:80", "u@h", ":80", 5, {}])],
      ["setPathWithQuery", r.pick([undefined, "", "/", "/a?b", "/a b", "/a\0", "/#x", "/" + "a".repeat(70000), 5, {}])],
    ]) {
      try {
        assert.equal(req[setter](value), undefined);
        count(`${setter}:ok`);
      } catch (e) {
        // The WIT's `result<_, _>`: an err without payload (jco lowers any thrown non-Error), or a TypeError.
        assert.ok(e instanceof TypeError || (e && !(e instanceof Error) && Object.keys(e).length === 0), `${what} ${setter}: ${e}`);
        count(`${setter}:${e instanceof TypeError ? "type" : "err"}`);
      }
    }
    const path = req.getPathWithQuery();
    assert.ok(path === undefined || (typeof path === "string" && path.length <= 65534), `${what}: kept a path of ${path?.length}`);
    const authority = req.getAuthority();
    assert.ok(authority === undefined || (typeof authority === "string" && authority.length <= 65534), what);
    // A response the guest makes: status codes, consume-body twice.
    const [resp, rsent] = Response.new(new Fields(), undefined, Promise.resolve({ tag: "ok", val: undefined }));
    const status = r.pick([0, 99, 100, 200, 599, 600, 1e9, -1, 2.5, "200", null]);
    try {
      resp.setStatusCode(status);
      assert.ok(Number.isInteger(status) && status >= 100 && status <= 599, `${what}: status ${status} taken`);
    } catch (e) {
      assert.ok(!(e instanceof Error), `${what}: setStatusCode(${status}) threw ${e}`);
    }
    Response.consumeBody(resp, Promise.resolve({ tag: "ok", val: undefined }));
    assert.throws(() => Response.consumeBody(resp, Promise.resolve()), WebAssembly.RuntimeError); // a trap, as wasmtime's
    // A request's body consumed twice: the second is a trap.
    const [own, ownSent] = Request.new(new Fields(), guestStream(chunks(r)), Promise.resolve({ tag: "ok", val: undefined }), undefined);
    const [body, bodyTrailers] = Request.consumeBody(own, Promise.resolve({ tag: "ok", val: undefined }));
    assert.equal(typeof body.next, "function");
    assert.ok(bodyTrailers instanceof Promise && ownSent instanceof Promise);
    assert.throws(() => Request.consumeBody(own, Promise.resolve()), WebAssembly.RuntimeError);
    assert.throws(() => Request.consumeBody({}, Promise.resolve()), TypeError);
    assert.throws(() => Response.consumeBody({}, Promise.resolve()), TypeError);
    assert.throws(() => Request.new({}, undefined, Promise.resolve(), undefined), TypeError);
    // The futures `new` returned settle once the bodies are consumed or the request is sent.
    void sent;
    void rsent;
  }
  return counts;
}

/** 0.2's request-options class, which serves 0.3 too (jco keys both under one name). */
const { RequestOptions } = httpImports(() => assert.fail("no host needed")).imports["wasi:http/types"];

/** A guest's trailers future: fields, none, an error, junk, or a rejected promise. */
function trailersFuture(r) {
  switch (r.int(6)) {
    case 0:
      return Promise.resolve({ tag: "ok", val: Fields.fromList([["x-trailer", Uint8Array.of(0x61)]]) });
    case 1:
      return Promise.resolve({ tag: "err", val: { tag: "internal-error", val: "guest" } });
    case 2:
      return Promise.resolve(r.pick([42, null, { tag: "bogus" }]));
    case 3:
      return Promise.reject(new Error("the guest's future was dropped"));
    default:
      return Promise.resolve({ tag: "ok", val: undefined });
  }
}

/** client.send of hostile requests through a fetch() that answers at once (no network). */
async function fuzzHttpSend(seed, rounds) {
  const r = rng(seed);
  let fetched = 0;
  const fetch = async (url, init) => {
    fetched++;
    assert.ok(String(url).length < 140000, `a url of ${String(url).length}`);
    // Reads the guest's body as a real fetch() would.
    if (init.body) await new globalThis.Response(init.body).arrayBuffer();
    if (init.signal?.aborted) throw init.signal.reason;
    return new globalThis.Response(r.pick(["", "body", new Uint8Array(70000)]), {
      status: r.pick([200, 404, 500]),
      headers: { "x-a": "1" },
    });
  };
  const { imports } = httpImports3({ fetch });
  const { Request, Response } = imports["wasi:http/types"];
  const { send } = imports["wasi:http/client"];
  const counts = new Map();
  const count = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (let i = 0; i < rounds; i++) {
    const what = `seed ${seed} send ${i}`;
    const length = r.pick([undefined, "0", "5", "70000", "-1", "x", "99999999999999999999"]);
    const headers = Fields.fromList(length === undefined ? [] : [["content-length", new TextEncoder().encode(length)]]);
    const contents = r.int(2) ? guestStream(chunks(r)) : undefined;
    const options = r.int(2) ? new RequestOptions() : undefined;
    // Durations of any u64: a huge one is no timeout, not an immediate one.
    for (const setter of ["setConnectTimeout", "setFirstByteTimeout", "setBetweenBytesTimeout"]) {
      if (options && r.int(2)) options[setter](r.pick([undefined, 0n, 2n ** 63n, 2n ** 64n - 1n, 10n ** 18n]));
    }
    const [req, sent] = Request.new(headers, contents, trailersFuture(r), options);
    if (r.int(4)) req.setAuthority(r.pick(["example.com", "example.com:8080", "[::1]:80"]));
    try {
      req.setMethod(
        r.pick([{ tag: "get" }, { tag: "post" }, { tag: "head" }, { tag: "other", val: "CONNECT" }, { tag: "other", val: "PATCH" }]),
      );
      req.setScheme(r.pick([undefined, { tag: "HTTP" }, { tag: "HTTPS" }, { tag: "other", val: "ftp" }]));
      req.setPathWithQuery(r.pick([undefined, "/", "/a?b=c", "relative"]));
    } catch {
      count("setter-refused");
    }
    const res = (await settle(send(req), what)).value;
    assert.ok(res?.tag === "ok" || (res?.tag === "err" && typeof res.val?.tag === "string"), `${what}: ${J(res)}`);
    count(res.tag === "ok" ? "ok" : res.val.tag);
    // The future `new` returned settles, the same value twice; a second send traps.
    const a = (await settle(sent, `${what} future`)).value;
    assert.deepEqual((await settle(sent, `${what} future again`)).value, a);
    assert.ok(a?.tag === "ok" || a?.tag === "err", `${what}: future ${J(a)}`);
    await assert.rejects(async () => send(req), WebAssembly.RuntimeError);
    if (res.tag === "ok") {
      const [stream, trailers] = Response.consumeBody(res.val, Promise.resolve({ tag: "ok", val: undefined }));
      for (let k = 0; k < r.int(4); k++) if ((await settle(stream.next(), what)).value.done) break;
      await stream.return();
      const t = (await settle(trailers, `${what} trailers`)).value;
      assert.ok(t?.tag === "ok" || t?.tag === "err", `${what}: trailers ${J(t)}`);
      assert.throws(() => Response.consumeBody(res.val, Promise.resolve()), WebAssembly.RuntimeError);
      res.val[Symbol.dispose]();
    }
  }
  assert.ok(fetched > rounds / 10, `${fetched} fetches`);
  return counts;
}

describe("WASI 0.3 and wasi:http hosts at their entry points, fuzzed", () => {
  test("http durations: a huge one sets no timer (setTimeout would fire at once), a wrong type is a TypeError", () => {
    assert.equal(ms(undefined), undefined);
    assert.equal(ms(5_000_000n), 5);
    assert.equal(ms(BigInt(2 ** 31 - 1) * 1_000_000n), 2 ** 31 - 1);
    assert.equal(ms(2n ** 31n * 1_000_000n), undefined);
    assert.equal(ms(2n ** 64n - 1n), undefined);
    const o = new RequestOptions();
    o.setConnectTimeout(2n ** 64n - 1n);
    assert.equal(o.getConnectTimeout(), 2n ** 64n - 1n);
    for (const bad of ["x", 5, {}, 1.5]) assert.throws(() => o.setFirstByteTimeout(bad), TypeError);
    o.setBetweenBytesTimeout(undefined);
    assert.equal(o.getBetweenBytesTimeout(), undefined);
  });

  test("client.send: 3 seeds x 80 hostile requests, each an ok or an error-code, futures settled", async () => {
    const all = new Map();
    for (const seed of [1, 2, 3]) for (const [k, n] of await fuzzHttpSend(seed, 80)) all.set(k, (all.get(k) ?? 0) + n);
    console.log(`send: ${J([...all].sort())}`);
    for (const k of ["ok", "HTTP-request-URI-invalid", "HTTP-request-method-invalid", "HTTP-request-body-size", "internal-error"]) {
      assert.ok(all.get(k) > 2, `${k}: ${all.get(k)}`);
    }
  });

  test("a wrong path type is a TypeError and leaves the core usable (0.2's descriptor too)", () => {
    // A non-string path once reached the core, which read its `length` inside
    // a borrow: the JS exception left the core borrowed, and every later call
    // failed with "recursive use of an object".
    const fs = setupFs(wasiWeb);
    const wasi = new WASIp2({ fs, preopens: { "/sandbox": "/sandbox" } });
    const [[dir]] = wasi.imports["wasi:filesystem/preopens"].getDirectories();
    for (const bad of [null, undefined, 42, {}, { length: 3 }]) {
      assert.throws(() => dir.statAt({}, bad), TypeError);
      assert.throws(() => dir.openAt({}, bad, {}, { read: true }), TypeError);
      assert.throws(() => dir.renameAt("f.txt", dir, bad), TypeError);
      assert.throws(() => dir.symlinkAt(bad, "s"), TypeError);
    }
    assert.equal(dir.statAt({}, "f.txt").size, 13n);
    assert.equal(fs.readFile("/sandbox/f.txt", "utf8"), "hello, world\n");
  });

  test("fields: 20000 entries cost linear work, not quadratic (a count bounded only by the guest's memory)", () => {
    // Each append used to scan every entry for the name's first casing:
    // 20000 took 12 s. The work is counted, not timed: case foldings.
    const names = Array.from({ length: 20000 }, (_, i) => [`h${i}`, Uint8Array.of(0x61)]);
    const lower = String.prototype.toLowerCase;
    let folds = 0;
    String.prototype.toLowerCase = function counted() {
      folds++;
      return lower.call(this);
    };
    let f;
    try {
      f = Fields.fromList(names);
      for (let i = 0; i < 20000; i++) f.append(`H${i}`, Uint8Array.of(0x62));
    } finally {
      String.prototype.toLowerCase = lower;
    }
    assert.ok(folds < 40000 * 10, `${folds} case foldings for 40000 entries`);
    const all = f.copyAll();
    assert.equal(all.length, 40000);
    // The first entry's casing is kept (h1, not H1) for every appended one.
    assert.deepEqual(all[20001], ["h1", Uint8Array.of(0x62)]);
    f.delete("h0");
    f.append("H0", Uint8Array.of(0x63));
    assert.deepEqual(f.copyAll().at(-1), ["H0", Uint8Array.of(0x63)]);
  });

  test("http types: hostile names, values, counts and setters give header-errors or TypeErrors", () => {
    const all = new Map();
    for (const seed of [1, 2, 3]) for (const [k, n] of fuzzHttpTypes(seed, 300)) all.set(k, (all.get(k) ?? 0) + n);
    console.log(`http types: ${J([...all].sort())}`);
    // The fuzzer reaches every outcome: valid, refused, wrong type.
    for (const k of [
      "ok",
      "invalid-syntax",
      "forbidden",
      "type",
      "append:ok",
      "append:invalid-syntax",
      "set:ok",
      "setAuthority:ok",
      "setAuthority:err",
      "setPathWithQuery:err",
    ]) {
      assert.ok(all.get(k) > 5, `${k}: ${all.get(k)}`);
    }
  });

  if (!JSPI) {
    test("without JSPI: new WASIp3() refuses clearly", () => {
      assert.throws(
        () => new WASIp3({}),
        (e) => e instanceof Error && e.message === NEEDS_JSPI,
      );
    });
    return;
  }

  test("wasi:filesystem@0.3 descriptors: 4 seeds x 600 random and extreme calls, results only", async () => {
    const before = MemFS.coreMemoryBytes();
    const rss = process.memoryUsage().rss;
    const all = new Map();
    for (const seed of [1, 2, 3, 4]) for (const [k, n] of await fuzzFilesystem(seed, 600)) all.set(k, (all.get(k) ?? 0) + n);
    console.log(`filesystem: ${J([...all].sort())}`);
    const growth = MemFS.coreMemoryBytes() - before;
    assert.ok(growth < 64 << 20, `core memory grew by ${growth} bytes`);
    const rssGrowth = process.memoryUsage().rss - rss;
    console.log(`core memory growth ${growth} bytes, rss growth ${rssGrowth} bytes`);
    assert.ok(rssGrowth < 1024 << 20, `rss grew by ${rssGrowth} bytes`);
    // A fuzzer whose calls all fail tests little: each kind of outcome is reached.
    for (const k of [
      "ok",
      "no-entry",
      "name-too-long",
      "invalid",
      "not-permitted",
      "throw:type",
      "throw:dropped",
      "readViaStream:ok",
      "readDirectory:ok",
      "stream-items",
    ]) {
      assert.ok(all.get(k) > 3, `${k}: ${all.get(k)}`);
    }
  });

  test("random, clocks, sockets, cli: 3 seeds x 60 rounds of hostile calls", async () => {
    const rss = process.memoryUsage().rss;
    const all = new Map();
    for (const seed of [1, 2, 3]) for (const [k, n] of await fuzzOthers(seed, 60)) all.set(k, (all.get(k) ?? 0) + n);
    console.log(`others: ${J([...all].sort())}`);
    assert.ok(all.get("random") > 10 && all.get("lookup:ok") > 5 && all.get("lookup:invalid-argument") > 5, J([...all]));
    const rssGrowth = process.memoryUsage().rss - rss;
    assert.ok(rssGrowth < 1024 << 20, `rss grew by ${rssGrowth} bytes`);
  });

  test('network "host": names no resolver is asked about (1 MiB, NUL, empty, 254 bytes, literals)', async () => {
    const wasi = new WASIp3({ fs: new MemFS(), network: "host" });
    const lookup = wasi.imports["wasi:sockets/ip-name-lookup"];
    const invalid = { tag: "err", val: { tag: "invalid-argument" } };
    for (const name of ["a".repeat(1 << 20), "a\0b", "", "x".repeat(254)]) {
      assert.deepEqual((await settle(lookup.resolveAddresses(name), "lookup")).value, invalid, J(name.slice(0, 20)));
    }
    assert.deepEqual((await settle(lookup.resolveAddresses("[::1]"), "lookup")).value, {
      tag: "ok",
      val: [{ tag: "ipv6", val: [0, 0, 0, 0, 0, 0, 0, 1] }],
    });
    assert.deepEqual((await settle(lookup.resolveAddresses("::ffff:1.2.3.4"), "lookup")).value, {
      tag: "ok",
      val: [{ tag: "ipv4", val: [1, 2, 3, 4] }],
    });
  });

  test("a failure recorded outside a run does not end Node (an unhandled rejection)", async () => {
    const { wasi } = host(9);
    wasi.fail(new Error("a sink failed"));
    assert.equal(wasi.stopped, true);
    // Nothing else to see: an unhandled rejection would fail this test file.
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  });
});
