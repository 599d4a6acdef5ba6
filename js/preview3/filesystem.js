// wasi:filesystem@0.3 (types, preopens) on the 0.2 host's core and MemFS:
// a 0.3 descriptor is the same core handle a 0.2 one is, and its calls are
// the 0.2 ones (a read through `read-via-stream` is the core's `pread` at a
// moving offset, 64 KiB per guest read). The differences are the shapes:
// streams and futures instead of wasi:io streams, `error-code` as a
// variant (`{ tag: "no-entry" }`), results returned (not thrown) from the
// async functions, `descriptor-type` as a variant, timestamps optional.
import { ADVICE, DESCRIPTOR_FLAGS, newTimestamp, NS, pathMethods, TYPES, unbits } from "../preview2/filesystem.js";
import { viaMounts } from "../preview2/io.js";
import { bytesOf, define, detach, self, wrap } from "../preview2/resource.js";
import { CHUNK_BYTES, chunksOf, err, guestStream, ok, pulledStream } from "./streams.js";

/** @typedef {import("../preview2/resource.js").Preview2Host} Preview2Host */
/** @typedef {{ seconds: bigint | number, nanoseconds: number }} Instant */
/** @typedef {{ tag: "no-change" | "now" } | { tag: "timestamp", val: Instant }} NewTimestamp */
/** @typedef {{ symlinkFollow?: boolean } | undefined} PathFlags */
/** @typedef {{ tag: string, val?: string }} ErrorCode */

/** The 0.3 error-code cases (0.2's minus would-block, plus other). */
const ERROR_CODES = new Set(
  (
    "access already bad-descriptor busy deadlock quota exist file-too-large illegal-byte-sequence in-progress " +
    "interrupted invalid io is-directory loop too-many-links message-size name-too-long no-device no-entry no-lock " +
    "insufficient-memory insufficient-space not-directory not-empty not-recoverable unsupported no-tty no-such-device " +
    "overflow not-permitted pipe read-only invalid-seek text-file-busy cross-device"
  ).split(" "),
);

/**
 * The core's error-code string as the 0.3 variant.
 * @param {string} code
 * @returns {ErrorCode}
 */
function errorCode(code) {
  return ERROR_CODES.has(code) ? { tag: code } : { tag: "other", val: code };
}

/**
 * A u64 argument: jco gives a BigInt; a JS caller's safe integer is taken
 * too, anything else is a TypeError (BigInt() would throw a SyntaxError or
 * RangeError).
 * @param {unknown} v
 * @param {string} what
 */
export function u64(v, what) {
  if (typeof v === "bigint") return BigInt.asUintN(64, v);
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt.asUintN(64, BigInt(v));
  throw new TypeError(`wasi-web: ${what} must be a u64 (a BigInt), got ${v === null ? "null" : typeof v}`);
}

/** @param {string | undefined} name */
function descriptorType(name) {
  return name !== undefined && TYPES.includes(name) ? { tag: name } : { tag: "other", val: undefined };
}

/** @param {bigint} ns */
function instant(ns) {
  return { seconds: BigInt.asIntN(64, ns / NS), nanoseconds: Number(ns % NS) };
}

/** @param {ArrayLike<bigint>} v the core's [kind, links, size, atime, mtime, ctime] */
function descriptorStat(v) {
  return {
    type: descriptorType(TYPES[Number(v[0])]),
    linkCount: v[1],
    size: v[2],
    dataAccessTimestamp: instant(v[3]),
    dataModificationTimestamp: instant(v[4]),
    statusChangeTimestamp: instant(v[5]),
  };
}

/**
 * A core call that may reach a suspending mount (see js/preview2/io.js).
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 * @returns {Promise<T>}
 */
const fsCall = async (host, f) => viaMounts(host, f, (e) => e === "would-block");

/**
 * Traps (WASIp3's checkStopped) once the run was aborted.
 * @param {Preview2Host} host
 */
const stopCheck = (host) => /** @type {{ checkStopped?: () => void }} */ (host).checkStopped?.();

/** @param {Preview2Host} host */
const stopped = (host) => /** @type {{ stopped?: boolean }} */ (host).stopped === true;

/**
 * A descriptor call as a 0.3 `result`: the core's error-code string as
 * `err`, anything else (a dropped handle, a core panic) thrown (a trap).
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 */
async function result(host, f) {
  stopCheck(host);
  try {
    return ok(await fsCall(host, f));
  } catch (e) {
    if (typeof e === "string") return err(errorCode(e));
    throw e;
  }
}

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");

/**
 * Streams still moving data of a descriptor, per host and core handle: the
 * handle outlives the guest's drop of the descriptor until the last one
 * ends (in wasmtime a stream holds its file too).
 * @type {WeakMap<Preview2Host, Map<number, { streams: number, dropped: boolean }>>}
 */
const busy = new WeakMap();

/**
 * Keeps `id` alive for one stream; the returned function lets it go (once).
 * @param {Preview2Host} host
 * @param {number} id
 */
function hold(host, id) {
  let byId = busy.get(host);
  if (byId === undefined) busy.set(host, (byId = new Map()));
  const map = byId;
  const entry = map.get(id) ?? { streams: 0, dropped: false };
  entry.streams++;
  map.set(id, entry);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    entry.streams--;
    if (entry.streams > 0) return;
    map.delete(id);
    if (entry.dropped) host.core.drop(id);
  };
}

/**
 * `hold`s `id` for the life of a stream, and the future of how the stream
 * ended: settling it releases the hold.
 * @param {Preview2Host} host
 * @param {number} id
 * @returns {[Promise<unknown>, (v: unknown) => void]}
 */
function heldEnd(host, id) {
  const release = hold(host, id);
  /** @type {(v: unknown) => void} */
  let resolve = () => {};
  const done = new Promise((r) => (resolve = r));
  return [
    done,
    (v) => {
      release();
      resolve(v);
    },
  ];
}

/**
 * A core failure in a stream's data transfer as the 0.3 error-code: an
 * error-code string as itself; anything else (the core gone after a panic)
 * as `io`, since a throw inside jco's stream machinery would be an
 * unhandled rejection, not a trap.
 * @param {unknown} e
 */
const streamError = (e) => (typeof e === "string" ? errorCode(e) : { tag: "io" });

/**
 * As streamError, and an error that is not an error-code is recorded for
 * the component's next call to throw (WASIp3#fail).
 * @param {Preview2Host} host
 * @param {unknown} e
 */
function transferError(host, e) {
  if (typeof e !== "string") /** @type {{ fail?: (e: unknown) => void }} */ (host).fail?.(e);
  return streamError(e);
}

/**
 * A write stream of a descriptor: `reading` while it waits for the guest's
 * next chunk (with everything before it written); `turn` settles when the
 * chunk it is on (or waits for) has been written, or the stream ended.
 * @typedef {{ reading: boolean, turn: Promise<void>, next: () => void }} Writer
 */

/**
 * The write streams of each descriptor, per host and core handle.
 * @type {WeakMap<Preview2Host, Map<number, Set<Writer>>>}
 */
const writers = new WeakMap();

/**
 * How long a descriptor call waits for a chunk the guest may have written
 * into a stream whose read is pending. jco copies the guest's bytes (and
 * tells the guest its write is complete) at once, but hands them to the
 * host only on its next poll, a setInterval without delay (1 ms in Node,
 * at most 4 ms in a page); a timer due later runs after that poll, and
 * the chunk is written in the microtasks that follow it. Waited only while
 * a write stream of the same descriptor is open and idle.
 */
const HANDOVER_MS = 20;

/**
 * Waits until the bytes the guest wrote into `id`'s write streams, and jco
 * took, are in the file (wasmtime's order: a completed stream write is
 * seen by the descriptor's next call). Undefined when nothing is pending.
 * @param {Preview2Host} host
 * @param {number} id
 * @returns {Promise<void> | undefined}
 */
function writesDone(host, id) {
  const set = writers.get(host)?.get(id);
  if (set === undefined || set.size === 0) return undefined;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const handover = new Promise((resolve) => (timer = setTimeout(resolve, HANDOVER_MS)));
  const waits = [...set].map((w) => (w.reading ? Promise.race([w.turn, handover]) : w.turn));
  return Promise.all(waits).then(() => clearTimeout(timer));
}

/**
 * Registers a write stream of `id`.
 * @param {Preview2Host} host
 * @param {number} id
 * @returns {[Writer, () => void]} the writer and its removal
 */
function addWriter(host, id) {
  let byId = writers.get(host);
  if (byId === undefined) writers.set(host, (byId = new Map()));
  const map = byId;
  const set = map.get(id) ?? new Set();
  map.set(id, set);
  /** @type {Writer} */
  const w = { reading: true, turn: Promise.resolve(), next: () => {} };
  const newTurn = () => {
    w.turn = new Promise((resolve) => {
      w.next = () => {
        resolve();
        newTurn();
      };
    });
  };
  newTurn();
  set.add(w);
  return [
    w,
    () => {
      set.delete(w);
      if (set.size === 0) map.delete(id);
      w.reading = false;
      w.next();
    },
  ];
}

/**
 * Writes a guest stream into the file at `offset` (or at its end each time,
 * for append), chunk by chunk, taking short writes into account.
 * @param {Preview2Host} host
 * @param {number} id
 * @param {Parameters<typeof chunksOf>[0]} data
 * @param {bigint | undefined} offset undefined: append
 */
function writeStream(host, id, data, offset) {
  // A wrong argument is the caller's TypeError, not a failed transfer (which would end the run).
  guestStream(data);
  const transfer = writeChunks(host, id, data, offset);
  // WASIp3: the end of the run waits for it (a chunk the guest saw written just before exit is written).
  /** @type {{ holdEnd?: (p: Promise<unknown>) => void }} */ (host).holdEnd?.(transfer);
  return transfer;
}

/**
 * writeStream's transfer.
 * @param {Preview2Host} host
 * @param {number} id
 * @param {Parameters<typeof chunksOf>[0]} data
 * @param {bigint | undefined} offset
 */
async function writeChunks(host, id, data, offset) {
  const core = host.core;
  const release = hold(host, id);
  const [writer, remove] = addWriter(host, id);
  try {
    let at = offset;
    // WASIp3's runSignal: the read ends with the run (an exited guest never drops its end).
    for await (const chunk of chunksOf(data, { signal: /** @type {{ runSignal?: AbortSignal }} */ (host).runSignal })) {
      writer.reading = false;
      if (stopped(host)) return err({ tag: "io" });
      let rest = chunk;
      while (rest.byteLength > 0) {
        const piece = rest;
        const where = at ?? BigInt(core.stat(id)[2]);
        const n = await fsCall(host, () => core.pwrite(id, bytesOf(piece), where));
        if (at !== undefined) at += BigInt(n);
        rest = rest.subarray(Number(n));
      }
      writer.reading = true;
      writer.next();
    }
    return ok();
  } catch (e) {
    return err(transferError(host, e));
  } finally {
    remove();
    release();
  }
}

export const Descriptor = define("Descriptor", "wasi:filesystem/types.descriptor");
Object.assign(Descriptor.prototype, {
  /**
   * A stream of the file's bytes from `offset` (read as the guest reads,
   * 64 KiB at a time), and a future of how it ended.
   * @param {bigint | number} offset
   */
  readViaStream(offset) {
    const [core, id, host] = self(this, Descriptor);
    let at = u64(offset, "offset");
    const [done, settle] = heldEnd(host, id);
    const stream = pulledStream(
      async () => {
        // Aborted: the stream ends; the component's next call traps.
        if (stopped(host)) {
          settle(err({ tag: "io" }));
          return undefined;
        }
        try {
          await writesDone(host, id);
          const [bytes] = /** @type {[Uint8Array, boolean]} */ (await fsCall(host, () => core.pread(id, BigInt(CHUNK_BYTES), at)));
          if (bytes.byteLength === 0) {
            settle(ok());
            return undefined;
          }
          at += BigInt(bytes.byteLength);
          return bytes;
        } catch (e) {
          settle(err(transferError(host, e)));
          return undefined;
        }
      },
      () => settle(ok()),
    );
    return [stream, done];
  },
  /** @param {Parameters<typeof chunksOf>[0]} data @param {bigint | number} offset */
  writeViaStream(data, offset) {
    const [, id, host] = self(this, Descriptor);
    return writeStream(host, id, data, u64(offset, "offset"));
  },
  /** @param {Parameters<typeof chunksOf>[0]} data */
  appendViaStream(data) {
    const [, id, host] = self(this, Descriptor);
    return writeStream(host, id, data, undefined);
  },
  /** @param {bigint | number} offset @param {bigint | number} length @param {string} advice */
  advise(offset, length, advice) {
    const [core, id, host] = self(this, Descriptor);
    const a = ADVICE.indexOf(advice);
    const [o, n] = [u64(offset, "offset"), u64(length, "length")];
    return result(host, () => core.advise(id, o, n, a < 0 ? 255 : a));
  },
  syncData() {
    const [core, id, host] = self(this, Descriptor);
    return result(host, () => core.sync(id));
  },
  getFlags() {
    const [core, id, host] = self(this, Descriptor);
    return result(host, () => unbits(core.getFlags(id), DESCRIPTOR_FLAGS));
  },
  getType() {
    const [core, id, host] = self(this, Descriptor);
    return result(host, () => descriptorType(core.getType(id)));
  },
  /** @param {bigint | number} size */
  setSize(size) {
    const [core, id, host] = self(this, Descriptor);
    const n = u64(size, "size");
    return result(host, () => core.setSize(id, n));
  },
  /** @param {NewTimestamp} atime @param {NewTimestamp} mtime */
  setTimes(atime, mtime) {
    const [core, id, host] = self(this, Descriptor);
    const [at, a] = newTimestamp(atime);
    const [mt, m] = newTimestamp(mtime);
    return result(host, () => core.setTimes(id, at, a, mt, m));
  },
  /** The directory's entries as a stream of `directory-entry`, and a future of how it ended. */
  readDirectory() {
    const [core, id, host] = self(this, Descriptor);
    const [done, settle] = heldEnd(host, id);
    /** @type {number | undefined} */
    let entries;
    let opened = false;
    const close = () => {
      if (entries !== undefined) core.drop(entries);
      entries = undefined;
    };
    const stream = pulledStream(
      async () => {
        if (stopped(host)) {
          close();
          settle(err({ tag: "io" }));
          return undefined;
        }
        try {
          if (!opened) {
            opened = true;
            entries = await fsCall(host, () => core.readDirectory(id));
          }
          if (entries === undefined) return undefined;
          const sid = entries;
          const e = await fsCall(host, () => core.readDirectoryEntry(sid));
          if (e === undefined) {
            close();
            settle(ok());
            return undefined;
          }
          return { type: descriptorType(TYPES[e[0]]), name: /** @type {string} */ (e[1]) };
        } catch (e) {
          close();
          settle(err(transferError(host, e)));
          return undefined;
        }
      },
      () => {
        // Dropped before the end: an error still pending is reported, as
        // wasmtime does for a directory that cannot be read.
        if (!opened) {
          try {
            core.drop(core.readDirectory(id));
          } catch (e) {
            settle(err(transferError(host, e)));
            return;
          }
        }
        close();
        settle(ok());
      },
    );
    return [stream, done];
  },
  sync() {
    const [core, id, host] = self(this, Descriptor);
    return result(host, () => core.sync(id));
  },
  ...pathMethods(Descriptor, result, descriptorStat),
});

// Calls that see the file's bytes or change them come after the chunks
// its write streams took (see writesDone).
for (const name of ["stat", "metadataHash", "setSize", "setTimes", "sync", "syncData"]) {
  const proto = /** @type {Record<string, (...args: any[]) => any>} */ (/** @type {unknown} */ (Descriptor.prototype));
  const call = proto[name];
  proto[name] = function settled(/** @type {unknown[]} */ ...args) {
    const [, id, host] = self(this, Descriptor);
    const pending = writesDone(host, id);
    return pending === undefined ? call.apply(this, args) : pending.then(() => call.apply(this, args));
  };
}

/**
 * The flags a 0.3 directory descriptor reports, per host and core handle:
 * wasmtime's, `read` and (if asked) `mutate-directory`, though the right to
 * mutate is inherited from the parent (see open-at below).
 * @type {WeakMap<Preview2Host, Map<number, Record<string, boolean>>>}
 */
const dirFlags = new WeakMap();

{
  const proto = /** @type {Record<string, (...args: any[]) => any>} */ (/** @type {unknown} */ (Descriptor.prototype));
  const openAt = proto.openAt;
  /**
   * wasmtime's 0.3 open-at: neither `read` nor `write` opens for reading,
   * and `create` implies `write`.
   * @param {PathFlags} pathFlags @param {string} path
   * @param {Record<string, boolean> | undefined} openFlags @param {Record<string, boolean> | undefined} flags
   */
  proto.openAt = function openAt3(pathFlags, path, openFlags, flags) {
    const [core, , host] = self(this, Descriptor);
    const f = { ...flags };
    if (!f.read && !f.write) f.read = true;
    if (openFlags?.create) f.write = true;
    const opened = /** @type {Promise<{ tag: string, val: unknown }>} */ (openAt.call(this, pathFlags, path, openFlags, f));
    return opened.then((r) => {
      if (r.tag !== "ok") return r;
      const [, nid] = self(r.val, Descriptor);
      if (core.getType(nid) === "directory") {
        let byId = dirFlags.get(host);
        if (byId === undefined) dirFlags.set(host, (byId = new Map()));
        byId.set(nid, { ...unbits(0, DESCRIPTOR_FLAGS), read: true, mutateDirectory: f.mutateDirectory === true });
      }
      return r;
    });
  };
  const getFlags = proto.getFlags;
  proto.getFlags = function getFlags3() {
    const [, id, host] = self(this, Descriptor);
    const reported = dirFlags.get(host)?.get(id);
    return reported === undefined ? getFlags.call(this) : result(host, () => ({ ...reported }));
  };
}

// The guest dropped the descriptor: its core handle goes now, or when the
// last of its streams ends.
Object.defineProperty(Descriptor.prototype, symbolDispose, {
  /** @this {unknown} */
  value: function dispose() {
    /** @type {Preview2Host} */
    let host;
    try {
      [, , host] = self(this, Descriptor);
    } catch {
      return; // already dropped
    }
    const id = /** @type {number} */ (detach(this));
    dirFlags.get(host)?.delete(id);
    const entry = busy.get(host)?.get(id);
    if (entry) entry.dropped = true;
    else host.core.drop(id);
  },
});

/**
 * The wasi:filesystem@0.3 interfaces. Their names are 0.2's too: a
 * component importing both versions of wasi:filesystem would get one
 * `Descriptor` for both, which jco cannot tell apart (wasi-web serves 0.3
 * then; see README).
 * @param {() => Preview2Host} getHost
 */
export function filesystemImports3(getHost) {
  return {
    "wasi:filesystem/types": { Descriptor },
    "wasi:filesystem/preopens": {
      getDirectories() {
        const host = getHost();
        return host.core.getDirectories().map(([id, name]) => [wrap(Descriptor, host, id), name]);
      },
    },
  };
}
