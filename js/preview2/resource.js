// What every WASI 0.2 interface file (io.js, clocks.js, random.js, cli.js,
// filesystem.js, sockets.js) shares: the resource base class, the host a
// resource and an interface function serve (`Preview2Host`), and the retry
// of calls that must wait (async mode).
//
// A resource object is a handle number in one Preview2Core's table plus the
// host that owns it; jco checks resources with `instanceof`, so one class
// serves every WASIp2.

/** @typedef {import("../core.js").Preview2Core} Preview2Core */
/** @typedef {import("./timezone.js").Timezone} Timezone */

/**
 * What the interface functions and resources of one component call: a
 * `WASIp2` or the default host of the `--map` exports (both a
 * ComponentHost, component-host.js), or an object of one's own with the
 * same members (see `buildImports`).
 * @typedef {object} Preview2Host
 * @property {Preview2Core} core the component's Rust core object (its resource table)
 * @property {(code: number) => never} exit ends the run with `code` (throws)
 * @property {() => Promise<void>} [wait] async mode: what to await before retrying a call the core said must wait
 * @property {Timezone} [timezone] answers `wasi:clocks/timezone` (default: the local zone)
 */

/** The host a resource belongs to. */
const OWNER = Symbol("wasi-web.p2.owner");
/** The handle number in the core's table; undefined once dropped. */
const ID = Symbol("wasi-web.p2.id");

const symbolDispose = Symbol.dispose || Symbol.for("dispose");

class Resource {
  /** The WIT name, for error messages ("wasi:io/poll.pollable"). */
  static resourceName = "resource";
  /** @type {Preview2Host} */
  [OWNER];
  /** @type {number | undefined} */
  [ID];

  /** @internal */
  constructor() {
    throw new TypeError(`${new.target.name} is made by wasi-web, not with new`);
  }

  /** Dropped by the guest (jco calls this): frees the handle in the core. */
  [symbolDispose]() {
    const id = this[ID];
    if (id === undefined) return;
    this[OWNER].core.drop(id);
    this[ID] = undefined;
  }
}

/**
 * A resource class named `name` (the JS name jco uses) for the WIT resource
 * `resourceName`.
 * @param {string} name
 * @param {string} resourceName
 * @returns {typeof Resource}
 */
export function define(name, resourceName) {
  const C = { [name]: class extends Resource {} }[name];
  C.resourceName = resourceName;
  return C;
}

/**
 * Wraps a handle number in a resource object of class `Class`. @internal
 * @template {Resource} R
 * @param {{ prototype: R }} Class
 * @param {Preview2Host} host
 * @param {number} id
 * @returns {R}
 */
export function wrap(Class, host, id) {
  const r = Object.create(Class.prototype);
  r[OWNER] = host;
  r[ID] = id;
  return r;
}

/**
 * The handle of a live resource of class `Class`; throws otherwise. @internal
 * @param {unknown} r
 * @param {typeof Resource} Class
 * @returns {number}
 */
export function handle(r, Class) {
  if (!(r instanceof Class)) {
    const what = /** @type {{ constructor?: { name?: string } } | undefined} */ (r)?.constructor?.name ?? typeof r;
    throw new TypeError(`wasi-web: expected a ${Class.resourceName}, got ${what}`);
  }
  const id = r[ID];
  if (id === undefined) {
    throw new Error(`wasi-web: this ${Class.resourceName} was dropped and cannot be used`);
  }
  return id;
}

/**
 * Forgets a resource's handle without dropping it in the core, for an owner
 * that drops it later itself (a WASI 0.3 descriptor whose streams are still
 * moving data); the handle, or undefined if it was already gone.
 * @param {unknown} r
 * @returns {number | undefined}
 */
export function detach(r) {
  const res = /** @type {Resource} */ (r);
  const id = res[ID];
  res[ID] = undefined;
  return id;
}

/**
 * `this` of a resource method, checked: its core, handle and owner.
 * @param {unknown} r
 * @param {typeof Resource} Class
 * @returns {[Preview2Core, number, Preview2Host]}
 */
export function self(r, Class) {
  const id = handle(r, Class);
  const owner = /** @type {Resource} */ (r)[OWNER];
  return [owner.core, id, owner];
}

/** What the core throws, in async mode, for a call that must wait. */
const WOULD_BLOCK = "would-block";

/**
 * Calls `f`; if the core says it must wait (async mode only), returns a
 * Promise that awaits what the core waits for (a timer, stdin) and retries
 * until it completes. jco's JSPI imports suspend the component meanwhile.
 * @internal
 * @template T
 * @param {Preview2Host} host
 * @param {() => T} f
 * @returns {T | Promise<T>}
 */
export function waiting(host, f) {
  try {
    return f();
  } catch (e) {
    if (e !== WOULD_BLOCK) throw e;
  }
  const wait = host.wait;
  if (wait === undefined) throw new Error("wasi-web: the core must wait, but this host has no wait() (async mode)");
  return (async () => {
    for (;;) {
      await wait.call(host);
      try {
        return f();
      } catch (e) {
        if (e !== WOULD_BLOCK) throw e;
      }
    }
  })();
}

/**
 * A `list<u8>` as a plain Uint8Array of this realm, which the core takes:
 * it checks the length against the call's limit, then copies only what the
 * call takes (never the whole list first). jco passes plain Uint8Arrays;
 * other views (a Buffer, a subclass) become a plain view of the same bytes,
 * so the core's copies call no method of the caller's.
 * @param {Uint8Array | ArrayBufferView | ArrayLike<number>} contents
 * @returns {Uint8Array}
 */
export function bytesOf(contents) {
  if (Object.getPrototypeOf(contents) === Uint8Array.prototype) return /** @type {Uint8Array} */ (contents);
  if (ArrayBuffer.isView(contents)) return new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength);
  return Uint8Array.from(contents);
}
