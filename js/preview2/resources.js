// The resource classes of the WASI 0.2 interfaces. An instance is a handle
// number in one Preview2Core's table plus the host that owns it; jco checks
// resources with `instanceof`, so one class serves every host.

/** The host (core + helpers) a resource belongs to. @internal */
export const HOST = Symbol("wasi-web.p2.host");
/** The handle number in the core's table; undefined once dropped. @internal */
export const ID = Symbol("wasi-web.p2.id");

const symbolDispose = Symbol.dispose || Symbol.for("dispose");

class Resource {
  /** @internal */
  constructor() {
    throw new TypeError(`${new.target.name} is made by wasi-web, not with new`);
  }

  /** Dropped by the guest (jco calls this): frees the handle in the core. */
  [symbolDispose]() {
    const id = this[ID];
    if (id === undefined) return;
    this[HOST].core.drop(id);
    this[ID] = undefined;
  }
}

/** Wraps a handle number in a resource object of class `Class`. @internal */
export function wrap(Class, host, id) {
  const r = Object.create(Class.prototype);
  r[HOST] = host;
  r[ID] = id;
  return r;
}

/** The handle of a live resource of class `Class`; throws otherwise. @internal */
export function handle(r, Class) {
  if (!(r instanceof Class)) {
    throw new TypeError(`wasi-web: expected a ${Class.resourceName}, got ${r?.constructor?.name ?? typeof r}`);
  }
  if (r[ID] === undefined) {
    throw new Error(`wasi-web: this ${Class.resourceName} was dropped and cannot be used`);
  }
  return r[ID];
}

function define(name, resourceName) {
  const C = { [name]: class extends Resource {} }[name];
  C.resourceName = resourceName;
  return C;
}

// ---- conversions ----

const TYPES = ["regular-file", "directory", "symbolic-link"];
const ADVICE = ["normal", "sequential", "random", "will-need", "dont-need", "no-reuse"];
const DESCRIPTOR_FLAGS = ["read", "write", "fileIntegritySync", "dataIntegritySync", "requestedWriteSync", "mutateDirectory"];
const OPEN_FLAGS = ["create", "directory", "exclusive", "truncate"];
const NS = 1_000_000_000n;

function bits(obj, names) {
  let b = 0;
  names.forEach((n, i) => {
    if (obj?.[n]) b |= 1 << i;
  });
  return b;
}

function unbits(b, names) {
  const o = {};
  names.forEach((n, i) => (o[n] = (b & (1 << i)) !== 0));
  return o;
}

function datetime(ns) {
  return { seconds: ns / NS, nanoseconds: Number(ns % NS) };
}

function descriptorStat(v) {
  return {
    type: TYPES[Number(v[0])] ?? "unknown",
    linkCount: v[1],
    size: v[2],
    dataAccessTimestamp: datetime(v[3]),
    dataModificationTimestamp: datetime(v[4]),
    statusChangeTimestamp: datetime(v[5]),
  };
}

/** `new-timestamp` → [tag, ns]. */
function newTimestamp(t) {
  switch (t?.tag) {
    case "no-change":
      return [0, 0n];
    case "now":
      return [1, 0n];
    case "timestamp":
      return [2, BigInt(t.val.seconds) * NS + BigInt(t.val.nanoseconds)];
    default:
      throw new TypeError(`wasi-web: invalid new-timestamp ${JSON.stringify(t)}`);
  }
}

const follow = (pathFlags) => Boolean(pathFlags?.symlinkFollow);

/**
 * A `list<u8>` as a plain Uint8Array of this realm, which the core takes:
 * it checks the length against the call's limit, then copies only what the
 * call takes (never the whole list first). jco passes plain Uint8Arrays;
 * other views (a Buffer, a subclass) become a plain view of the same bytes,
 * so the core's copies call no method of the caller's.
 */
function bytesOf(contents) {
  if (Object.getPrototypeOf(contents) === Uint8Array.prototype) return contents;
  if (ArrayBuffer.isView(contents)) return new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength);
  return Uint8Array.from(contents);
}

/** Turns what the core throws for a stream call into a `stream-error`. */
function streamCall(host, f) {
  try {
    return f();
  } catch (e) {
    if (e === "closed") throw { tag: "closed" };
    if (typeof e === "number") throw { tag: "last-operation-failed", val: wrap(IoError, host, e) };
    throw e;
  }
}

/** What the core throws, in async mode, for a call that must wait. @internal */
export const WOULD_BLOCK = "would-block";

/**
 * Calls `f`; if the core says it must wait (async mode only), returns a
 * Promise that awaits what the core waits for (a timer, stdin) and retries
 * until it completes. jco's JSPI imports suspend the component meanwhile.
 * @internal
 */
export function waiting(host, f) {
  try {
    return f();
  } catch (e) {
    if (e !== WOULD_BLOCK) throw e;
  }
  return (async () => {
    for (;;) {
      await host.wait();
      try {
        return f();
      } catch (e) {
        if (e !== WOULD_BLOCK) throw e;
      }
    }
  })();
}

function self(r, Class) {
  const id = handle(r, Class);
  return [r[HOST].core, id, r[HOST]];
}

// ---- wasi:io ----

export const IoError = define("Error", "wasi:io/error.error");
Object.assign(IoError.prototype, {
  toDebugString() {
    const [core, id] = self(this, IoError);
    return core.errorToDebugString(id);
  },
});

export const Pollable = define("Pollable", "wasi:io/poll.pollable");
Object.assign(Pollable.prototype, {
  ready() {
    const [core, id] = self(this, Pollable);
    return core.pollableReady(id);
  },
  block() {
    const [core, id, host] = self(this, Pollable);
    return waiting(host, () => core.pollableBlock(id));
  },
});

export const InputStream = define("InputStream", "wasi:io/streams.input-stream");
Object.assign(InputStream.prototype, {
  read(len) {
    const [core, id, host] = self(this, InputStream);
    return streamCall(host, () => core.read(id, BigInt(len)));
  },
  blockingRead(len) {
    const [core, id, host] = self(this, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingRead(id, BigInt(len))));
  },
  skip(len) {
    const [core, id, host] = self(this, InputStream);
    return streamCall(host, () => core.skip(id, BigInt(len)));
  },
  blockingSkip(len) {
    const [core, id, host] = self(this, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingSkip(id, BigInt(len))));
  },
  subscribe() {
    const [core, id, host] = self(this, InputStream);
    return wrap(Pollable, host, core.subscribeInput(id));
  },
});

export const OutputStream = define("OutputStream", "wasi:io/streams.output-stream");
Object.assign(OutputStream.prototype, {
  checkWrite() {
    const [core, id, host] = self(this, OutputStream);
    return streamCall(host, () => core.checkWrite(id));
  },
  write(contents) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.write(id, bytesOf(contents)));
  },
  blockingWriteAndFlush(contents) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.blockingWriteAndFlush(id, bytesOf(contents)));
  },
  flush() {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.flushStream(id));
  },
  blockingFlush() {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.flushStream(id));
  },
  subscribe() {
    const [core, id, host] = self(this, OutputStream);
    return wrap(Pollable, host, core.subscribeOutput(id));
  },
  writeZeroes(len) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.writeZeroes(id, BigInt(len)));
  },
  blockingWriteZeroesAndFlush(len) {
    const [core, id, host] = self(this, OutputStream);
    streamCall(host, () => core.blockingWriteZeroesAndFlush(id, BigInt(len)));
  },
  splice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    const from = handle(src, InputStream);
    return streamCall(host, () => core.splice(id, from, BigInt(len)));
  },
  blockingSplice(src, len) {
    const [core, id, host] = self(this, OutputStream);
    const from = handle(src, InputStream);
    return waiting(host, () => streamCall(host, () => core.blockingSplice(id, from, BigInt(len))));
  },
});

// ---- wasi:filesystem/types ----

export const Descriptor = define("Descriptor", "wasi:filesystem/types.descriptor");
Object.assign(Descriptor.prototype, {
  readViaStream(offset) {
    const [core, id, host] = self(this, Descriptor);
    return wrap(InputStream, host, core.readViaStream(id, BigInt(offset)));
  },
  writeViaStream(offset) {
    const [core, id, host] = self(this, Descriptor);
    return wrap(OutputStream, host, core.writeViaStream(id, BigInt(offset)));
  },
  appendViaStream() {
    const [core, id, host] = self(this, Descriptor);
    return wrap(OutputStream, host, core.appendViaStream(id));
  },
  advise(offset, length, advice) {
    const [core, id] = self(this, Descriptor);
    const a = ADVICE.indexOf(advice);
    core.advise(id, BigInt(offset), BigInt(length), a < 0 ? 255 : a);
  },
  syncData() {
    const [core, id] = self(this, Descriptor);
    core.sync(id);
  },
  getFlags() {
    const [core, id] = self(this, Descriptor);
    return unbits(core.getFlags(id), DESCRIPTOR_FLAGS);
  },
  getType() {
    const [core, id] = self(this, Descriptor);
    return core.getType(id);
  },
  setSize(size) {
    const [core, id] = self(this, Descriptor);
    core.setSize(id, BigInt(size));
  },
  setTimes(atime, mtime) {
    const [core, id] = self(this, Descriptor);
    const [at, a] = newTimestamp(atime);
    const [mt, m] = newTimestamp(mtime);
    core.setTimes(id, at, a, mt, m);
  },
  read(length, offset) {
    const [core, id] = self(this, Descriptor);
    return core.pread(id, BigInt(length), BigInt(offset));
  },
  write(buffer, offset) {
    const [core, id] = self(this, Descriptor);
    return core.pwrite(id, bytesOf(buffer), BigInt(offset));
  },
  readDirectory() {
    const [core, id, host] = self(this, Descriptor);
    return wrap(DirectoryEntryStream, host, core.readDirectory(id));
  },
  sync() {
    const [core, id] = self(this, Descriptor);
    core.sync(id);
  },
  createDirectoryAt(path) {
    const [core, id] = self(this, Descriptor);
    core.createDirectoryAt(id, path);
  },
  stat() {
    const [core, id] = self(this, Descriptor);
    return descriptorStat(core.stat(id));
  },
  statAt(pathFlags, path) {
    const [core, id] = self(this, Descriptor);
    return descriptorStat(core.statAt(id, follow(pathFlags), path));
  },
  setTimesAt(pathFlags, path, atime, mtime) {
    const [core, id] = self(this, Descriptor);
    const [at, a] = newTimestamp(atime);
    const [mt, m] = newTimestamp(mtime);
    core.setTimesAt(id, follow(pathFlags), path, at, a, mt, m);
  },
  linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
    const [core, id] = self(this, Descriptor);
    core.linkAt(id, follow(oldPathFlags), oldPath, handle(newDescriptor, Descriptor), newPath);
  },
  openAt(pathFlags, path, openFlags, flags) {
    const [core, id, host] = self(this, Descriptor);
    const fd = core.openAt(id, follow(pathFlags), path, bits(openFlags, OPEN_FLAGS), bits(flags, DESCRIPTOR_FLAGS));
    return wrap(Descriptor, host, fd);
  },
  readlinkAt(path) {
    const [core, id] = self(this, Descriptor);
    return core.readlinkAt(id, path);
  },
  removeDirectoryAt(path) {
    const [core, id] = self(this, Descriptor);
    core.removeDirectoryAt(id, path);
  },
  renameAt(oldPath, newDescriptor, newPath) {
    const [core, id] = self(this, Descriptor);
    core.renameAt(id, oldPath, handle(newDescriptor, Descriptor), newPath);
  },
  symlinkAt(oldPath, newPath) {
    const [core, id] = self(this, Descriptor);
    core.symlinkAt(id, oldPath, newPath);
  },
  unlinkFileAt(path) {
    const [core, id] = self(this, Descriptor);
    core.unlinkFileAt(id, path);
  },
  isSameObject(other) {
    const [core, id] = self(this, Descriptor);
    return core.isSameObject(id, handle(other, Descriptor));
  },
  metadataHash() {
    const [core, id] = self(this, Descriptor);
    const [lower, upper] = core.metadataHash(id);
    return { lower, upper };
  },
  metadataHashAt(pathFlags, path) {
    const [core, id] = self(this, Descriptor);
    const [lower, upper] = core.metadataHashAt(id, follow(pathFlags), path);
    return { lower, upper };
  },
});

export const DirectoryEntryStream = define("DirectoryEntryStream", "wasi:filesystem/types.directory-entry-stream");
Object.assign(DirectoryEntryStream.prototype, {
  readDirectoryEntry() {
    const [core, id] = self(this, DirectoryEntryStream);
    const e = core.readDirectoryEntry(id);
    return e === undefined ? undefined : { type: TYPES[e[0]] ?? "unknown", name: e[1] };
  },
});

// ---- wasi:cli terminals, wasi:sockets ----

export const TerminalInput = define("TerminalInput", "wasi:cli/terminal-input.terminal-input");
export const TerminalOutput = define("TerminalOutput", "wasi:cli/terminal-output.terminal-output");
export const Network = define("Network", "wasi:sockets/network.network");
// No socket can be created in a browser, so these never have instances;
// they exist because jco checks resources with instanceof.
export const TcpSocket = define("TcpSocket", "wasi:sockets/tcp.tcp-socket");
export const UdpSocket = define("UdpSocket", "wasi:sockets/udp.udp-socket");
export const IncomingDatagramStream = define("IncomingDatagramStream", "wasi:sockets/udp.incoming-datagram-stream");
export const OutgoingDatagramStream = define("OutgoingDatagramStream", "wasi:sockets/udp.outgoing-datagram-stream");
export const ResolveAddressStream = define("ResolveAddressStream", "wasi:sockets/ip-name-lookup.resolve-address-stream");
