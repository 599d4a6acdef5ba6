// wasi:http/types `fields` (headers and trailers): names and values checked
// as the WIT asks (invalid-syntax, forbidden, immutable), names compared
// without case, entries kept in the order given; a name already present
// keeps the casing of its first entry (the suite's http-fields expects that).

/** RFC 9110 token: the characters a field name may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Names a guest may not set, as in wasmtime's wasi-http (hop-by-hop fields
 * the host's HTTP stack owns, and `host`, which comes from the authority).
 */
export const FORBIDDEN = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
  "http2-settings",
]);

/** @param {unknown} name */
export function validName(name) {
  return typeof name === "string" && TOKEN.test(name);
}

/**
 * A field value: any byte but the controls (HTAB allowed) and DEL, so no
 * CR, LF or NUL can split a header.
 * @param {Uint8Array} value
 */
export function validValue(value) {
  for (const b of value) if ((b < 0x20 && b !== 0x09) || b === 0x7f) return false;
  return true;
}

/**
 * A `list<u8>` from jco (a Uint8Array) or a caller, copied (the fields keep it).
 * @param {unknown} value
 * @returns {Uint8Array}
 */
function bytes(value) {
  if (value instanceof Uint8Array) return value.slice();
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  if (Array.isArray(value)) return Uint8Array.from(value);
  throw new TypeError("wasi-web: a field value must be a list<u8>");
}

/**
 * Bytes as a string of one char per byte (a ByteString, as fetch() and
 * Node take header values), in pieces so that no length overflows the
 * argument list.
 * @param {Uint8Array} bytes
 */
export function latin1(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** @param {"invalid-syntax" | "forbidden" | "immutable"} tag */
const headerError = (tag) => ({ tag });

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");

/** A header or trailer map. */
export class Fields {
  /** @type {[string, Uint8Array][]} */
  #entries = [];
  #immutable = false;

  constructor() {}

  /**
   * @param {ArrayLike<[string, unknown]>} entries
   * @returns {Fields}
   */
  static fromList(entries) {
    const f = new Fields();
    for (const [name, value] of Array.from(entries)) {
      const v = bytes(value);
      const error = check(name, [v]);
      if (error) throw headerError(error);
      f.#entries.push([f.#casing(name), v]);
    }
    return f;
  }

  /**
   * Fields made by the host (a response's headers, an incoming request's):
   * immutable, taken as given (the HTTP stack already parsed them).
   * @param {Iterable<[string, Uint8Array]>} entries
   * @param {boolean} [immutable]
   */
  static fromHost(entries, immutable = true) {
    const f = new Fields();
    f.#entries = [...entries];
    f.#immutable = immutable;
    return f;
  }

  /** Makes this map immutable (a request's or response's headers). @internal */
  freeze() {
    this.#immutable = true;
    return this;
  }

  /** @param {string} name */
  get(name) {
    const key = String(name).toLowerCase();
    return this.#entries.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v.slice());
  }

  /** @param {string} name */
  has(name) {
    const key = String(name).toLowerCase();
    return this.#entries.some(([n]) => n.toLowerCase() === key);
  }

  /**
   * @param {string} name
   * @param {ArrayLike<unknown>} values
   */
  set(name, values) {
    const vs = Array.from(values, bytes);
    this.#mutable(name, vs);
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== key);
    for (const v of vs) this.#entries.push([name, v]);
  }

  /** @param {string} name */
  delete(name) {
    this.#mutable(name, []);
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== key);
  }

  /**
   * @param {string} name
   * @param {unknown} value
   */
  append(name, value) {
    const v = bytes(value);
    this.#mutable(name, [v]);
    this.#entries.push([this.#casing(name), v]);
  }

  /**
   * `name` as the entries already spell it, if they have it.
   * @param {string} name
   */
  #casing(name) {
    // A map of the first casings, brought up to date with what was pushed
    // since (rebuilt when #entries was replaced): a scan per append would
    // make a guest's 20000 fields take seconds.
    if (this.#casingsOf !== this.#entries) {
      this.#casings = new Map();
      this.#casingsOf = this.#entries;
      this.#cased = 0;
    }
    for (; this.#cased < this.#entries.length; this.#cased++) {
      const n = this.#entries[this.#cased][0];
      const key = n.toLowerCase();
      if (!this.#casings.has(key)) this.#casings.set(key, n);
    }
    return this.#casings.get(name.toLowerCase()) ?? name;
  }
  /** Lower-case name → its first entry's name, for the first #cased of #casingsOf. @type {Map<string, string>} */
  #casings = new Map();
  /** @type {[string, Uint8Array][] | undefined} */
  #casingsOf = undefined;
  #cased = 0;

  /** @returns {[string, Uint8Array][]} */
  entries() {
    return this.#entries.map(([n, v]) => [n, v.slice()]);
  }

  clone() {
    return Fields.fromHost(this.entries(), false);
  }

  /** 0.3: `entries` under its new name. */
  copyAll() {
    return this.entries();
  }

  /**
   * 0.3: the values of `name`, removed.
   * @param {string} name
   */
  getAndDelete(name) {
    this.#mutable(name, []);
    const values = this.get(name);
    this.delete(name);
    return values;
  }

  /** Dropped by the guest: nothing to free. */
  [symbolDispose]() {}

  /**
   * Throws the header-error a change gives, if any.
   * @param {string} name
   * @param {Uint8Array[]} values
   */
  #mutable(name, values) {
    if (this.#immutable) throw headerError("immutable");
    const error = check(name, values);
    if (error) throw headerError(error);
  }
}

/**
 * @param {unknown} name
 * @param {Uint8Array[]} values
 * @returns {"invalid-syntax" | "forbidden" | undefined}
 */
function check(name, values) {
  if (!validName(name)) return "invalid-syntax";
  if (!values.every(validValue)) return "invalid-syntax";
  if (FORBIDDEN.has(/** @type {string} */ (name).toLowerCase())) return "forbidden";
  return undefined;
}
