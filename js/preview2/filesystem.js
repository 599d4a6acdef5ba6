// wasi:filesystem (types, preopens): the descriptor and directory-entry
// resources and the functions, and the module exports for
// `jco transpile --map 'wasi:filesystem/*=wasi-web/preview2/filesystem#*'`
// (served by the WASIp2 set with `configure()` from "wasi-web/preview2").
// Files live in the host's MemFS; the core (src/preview2/filesystem.rs)
// keeps the descriptors and their sandboxing.
import { defaultHost } from "./default-host.js";
import { InputStream, IoError, OutputStream, viaMounts } from "./io.js";
import { bytesOf, define, handle, self, wrap } from "./resource.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */
/** @typedef {{ seconds: bigint | number, nanoseconds: number }} Datetime */
/** @typedef {{ tag: "no-change" | "now" } | { tag: "timestamp", val: Datetime }} NewTimestamp */
/** @typedef {{ symlinkFollow?: boolean } | undefined} PathFlags */

export const TYPES = ["regular-file", "directory", "symbolic-link"];
export const ADVICE = ["normal", "sequential", "random", "will-need", "dont-need", "no-reuse"];
export const DESCRIPTOR_FLAGS = ["read", "write", "fileIntegritySync", "dataIntegritySync", "requestedWriteSync", "mutateDirectory"];
export const OPEN_FLAGS = ["create", "directory", "exclusive", "truncate"];
export const NS = 1_000_000_000n;

/**
 * A flags record (`{ read: true, ... }`) as bits, bit i for `names[i]`.
 * @param {Record<string, unknown> | undefined} obj
 * @param {string[]} names
 */
export function bits(obj, names) {
  let b = 0;
  names.forEach((n, i) => {
    if (obj?.[n]) b |= 1 << i;
  });
  return b;
}

/**
 * @param {number} b
 * @param {string[]} names
 * @returns {Record<string, boolean>}
 */
export function unbits(b, names) {
  /** @type {Record<string, boolean>} */
  const o = {};
  names.forEach((n, i) => (o[n] = (b & (1 << i)) !== 0));
  return o;
}

/** @param {bigint} ns */
function datetime(ns) {
  return { seconds: ns / NS, nanoseconds: Number(ns % NS) };
}

/**
 * The core's stat ([type, links, size, atime, mtime, ctime]) as a `descriptor-stat`.
 * @param {BigUint64Array} v
 */
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

/**
 * `new-timestamp` → [tag, ns].
 * @param {NewTimestamp} t
 * @returns {[number, bigint]}
 */
export function newTimestamp(t) {
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

/**
 * A descriptor call that may reach a mount: in async mode on a suspending
 * mount, it waits for the provider (a Promise) and is made again when the
 * core fails it with "would-block" (see MOUNT_ASYNC_IMPORTS in wasip2.js).
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 */
export const fsCall = (host, f) => viaMounts(host, f, (e) => e === "would-block");

/** @param {PathFlags} pathFlags */
export const follow = (pathFlags) => Boolean(pathFlags?.symlinkFollow);

/**
 * A path argument, checked before it reaches the core: the core reads a
 * non-string's `length` before its own type check, and a JS exception
 * thrown inside a core call leaves the core borrowed for good (every later
 * call fails with "recursive use of an object").
 * @param {unknown} path
 * @returns {string}
 */
function pathArg(path) {
  if (typeof path !== "string") throw new TypeError(`wasi-web: a path must be a string, got ${path === null ? "null" : typeof path}`);
  return path;
}

/**
 * The descriptor's methods that are one core call each, shared by 0.2 and
 * 0.3 (js/preview3/filesystem.js): the same calls into the core, wrapped by
 * each one's `call` (0.2's throws the error code, 0.3's returns a result)
 * and `stat` (its descriptor-stat shape).
 * @param {ReturnType<typeof define>} Descriptor the preview's descriptor resource
 * @param {(host: Preview2Host, f: () => any) => unknown} call
 * @param {(v: BigUint64Array) => object} stat
 */
export function pathMethods(Descriptor, call, stat) {
  return {
    /** @param {string} path */
    createDirectoryAt(path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => core.createDirectoryAt(id, pathArg(path)));
    },
    stat() {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => stat(core.stat(id)));
    },
    /** @param {PathFlags} pathFlags @param {string} path */
    statAt(pathFlags, path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => stat(core.statAt(id, follow(pathFlags), pathArg(path))));
    },
    /** @param {PathFlags} pathFlags @param {string} path @param {NewTimestamp} atime @param {NewTimestamp} mtime */
    setTimesAt(pathFlags, path, atime, mtime) {
      const [core, id, host] = self(this, Descriptor);
      const [at, a] = newTimestamp(atime);
      const [mt, m] = newTimestamp(mtime);
      return call(host, () => core.setTimesAt(id, follow(pathFlags), pathArg(path), at, a, mt, m));
    },
    /** @param {PathFlags} oldPathFlags @param {string} oldPath @param {unknown} newDescriptor @param {string} newPath */
    linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
      const [core, id, host] = self(this, Descriptor);
      const to = handle(newDescriptor, Descriptor);
      return call(host, () => core.linkAt(id, follow(oldPathFlags), pathArg(oldPath), to, pathArg(newPath)));
    },
    /** @param {PathFlags} pathFlags @param {string} path @param {Record<string, boolean> | undefined} openFlags @param {Record<string, boolean> | undefined} flags */
    openAt(pathFlags, path, openFlags, flags) {
      const [core, id, host] = self(this, Descriptor);
      const [o, f] = [bits(openFlags, OPEN_FLAGS), bits(flags, DESCRIPTOR_FLAGS)];
      return call(host, () => wrap(Descriptor, host, core.openAt(id, follow(pathFlags), pathArg(path), o, f)));
    },
    /** @param {string} path */
    readlinkAt(path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => core.readlinkAt(id, pathArg(path)));
    },
    /** @param {string} path */
    removeDirectoryAt(path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => core.removeDirectoryAt(id, pathArg(path)));
    },
    /** @param {string} oldPath @param {unknown} newDescriptor @param {string} newPath */
    renameAt(oldPath, newDescriptor, newPath) {
      const [core, id, host] = self(this, Descriptor);
      const to = handle(newDescriptor, Descriptor);
      return call(host, () => core.renameAt(id, pathArg(oldPath), to, pathArg(newPath)));
    },
    /** @param {string} oldPath @param {string} newPath */
    symlinkAt(oldPath, newPath) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => core.symlinkAt(id, pathArg(oldPath), pathArg(newPath)));
    },
    /** @param {string} path */
    unlinkFileAt(path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => core.unlinkFileAt(id, pathArg(path)));
    },
    /** @param {unknown} other */
    isSameObject(other) {
      const [core, id] = self(this, Descriptor);
      return core.isSameObject(id, handle(other, Descriptor));
    },
    metadataHash() {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => {
        const [lower, upper] = core.metadataHash(id);
        return { lower, upper };
      });
    },
    /** @param {PathFlags} pathFlags @param {string} path */
    metadataHashAt(pathFlags, path) {
      const [core, id, host] = self(this, Descriptor);
      return call(host, () => {
        const [lower, upper] = core.metadataHashAt(id, follow(pathFlags), pathArg(path));
        return { lower, upper };
      });
    },
  };
}

export const Descriptor = define("Descriptor", "wasi:filesystem/types.descriptor");
Object.assign(Descriptor.prototype, {
  /** @param {bigint | number} offset */
  readViaStream(offset) {
    const [core, id, host] = self(this, Descriptor);
    return wrap(InputStream, host, core.readViaStream(id, BigInt(offset)));
  },
  /** @param {bigint | number} offset */
  writeViaStream(offset) {
    const [core, id, host] = self(this, Descriptor);
    return wrap(OutputStream, host, core.writeViaStream(id, BigInt(offset)));
  },
  appendViaStream() {
    const [core, id, host] = self(this, Descriptor);
    return wrap(OutputStream, host, core.appendViaStream(id));
  },
  /** @param {bigint | number} offset @param {bigint | number} length @param {string} advice */
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
  /** @param {bigint | number} size */
  setSize(size) {
    const [core, id, host] = self(this, Descriptor);
    return fsCall(host, () => core.setSize(id, BigInt(size)));
  },
  /** @param {NewTimestamp} atime @param {NewTimestamp} mtime */
  setTimes(atime, mtime) {
    const [core, id, host] = self(this, Descriptor);
    const [at, a] = newTimestamp(atime);
    const [mt, m] = newTimestamp(mtime);
    return fsCall(host, () => core.setTimes(id, at, a, mt, m));
  },
  /** @param {bigint | number} length @param {bigint | number} offset */
  read(length, offset) {
    const [core, id, host] = self(this, Descriptor);
    return fsCall(host, () => core.pread(id, BigInt(length), BigInt(offset)));
  },
  /** @param {Uint8Array} buffer @param {bigint | number} offset */
  write(buffer, offset) {
    const [core, id, host] = self(this, Descriptor);
    return fsCall(host, () => core.pwrite(id, bytesOf(buffer), BigInt(offset)));
  },
  readDirectory() {
    const [core, id, host] = self(this, Descriptor);
    return fsCall(host, () => wrap(DirectoryEntryStream, host, core.readDirectory(id)));
  },
  sync() {
    const [core, id] = self(this, Descriptor);
    core.sync(id);
  },
  ...pathMethods(Descriptor, fsCall, descriptorStat),
});

export const DirectoryEntryStream = define("DirectoryEntryStream", "wasi:filesystem/types.directory-entry-stream");
Object.assign(DirectoryEntryStream.prototype, {
  readDirectoryEntry() {
    const [core, id, host] = self(this, DirectoryEntryStream);
    return fsCall(host, () => {
      const e = core.readDirectoryEntry(id);
      return e === undefined ? undefined : { type: TYPES[e[0]] ?? "unknown", name: /** @type {string} */ (e[1]) };
    });
  },
});

/**
 * The wasi:filesystem interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function filesystemImports(getHost) {
  return {
    "wasi:filesystem/types": {
      Descriptor,
      DirectoryEntryStream,
      /** @param {unknown} err */
      filesystemErrorCode: (err) => getHost().core.filesystemErrorCode(handle(err, IoError)),
    },
    "wasi:filesystem/preopens": {
      getDirectories() {
        const host = getHost();
        return host.core.getDirectories().map(([id, name]) => [wrap(Descriptor, host, id), name]);
      },
    },
  };
}

const mapped = filesystemImports(defaultHost);
export const types = mapped["wasi:filesystem/types"];
export const preopens = mapped["wasi:filesystem/preopens"];
