// Mounts: the adapter between a user's FsProvider (see index.d.ts) and the
// core (src/bindings/mount.rs). The core calls the adapter synchronously,
// with the MemFS borrowed, so nothing here may throw or call back into a
// MemFS: every provider call is wrapped, errors become WASI errno numbers
// (a node-style `code` is mapped; anything else is EIO), and every answer
// is checked for shape before the core sees it.

import { inCallback } from "./recovery.js";

/** WASI errno numbers of the node-style codes a provider may throw. */
const ERRNO = /** @type {Record<string, number>} */ ({
  E2BIG: 1,
  EACCES: 2,
  EAGAIN: 6,
  EWOULDBLOCK: 6,
  EALREADY: 7,
  EBADF: 8,
  EBUSY: 10,
  EEXIST: 20,
  EFAULT: 21,
  EFBIG: 22,
  EILSEQ: 25,
  EINVAL: 28,
  EIO: 29,
  EISDIR: 31,
  ELOOP: 32,
  EMFILE: 33,
  EMLINK: 34,
  ENAMETOOLONG: 37,
  ENFILE: 41,
  ENOENT: 44,
  ENOMEM: 48,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTDIR: 54,
  ENOTEMPTY: 55,
  ENOTSUP: 58,
  EOPNOTSUPP: 58,
  EOVERFLOW: 61,
  EPERM: 63,
  // The core has no EROFS: a read-only mount is EPERM, as a read-only
  // wasmtime preopen answers.
  EROFS: 63,
  EXDEV: 75,
  // A suspending provider's "wait for this, then call again"
  // (js/providers/wait.js): the core's WouldBlock, never seen by the guest.
  WASI_WEB_WOULD_BLOCK: 65535,
});
const EIO = 29;
const ENOENT = 44;

/** @param {unknown} error @returns {number} */
export function errnoOf(error) {
  const code = /** @type {{ code?: unknown } | null} */ (error)?.code;
  return (typeof code === "string" && ERRNO[code]) || EIO;
}

const KIND = /** @type {Record<string, number>} */ ({ file: 0, directory: 1, symlink: 2 });

/** @param {unknown} v @returns {v is number} */
const isHandle = (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** @param {unknown} v */
function big(v) {
  if (typeof v === "bigint") return v >= 0n && v < 1n << 64n ? v : -1n;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return BigInt(Math.floor(v));
  return -1n;
}

/**
 * What the core calls. Methods answer numbers (0 or a handle, or an errno:
 * negative where a handle is expected, positive otherwise), strings,
 * Uint8Arrays or flat arrays; never throw.
 * @internal
 */
export class ProviderAdapter {
  /** [dev, ino, kind, nlink, size, atimeNs, mtimeNs, ctimeNs] of the last stat. */
  statBuf = new BigUint64Array(8);
  /**
   * The user's provider. Every call to it goes through `inCallback`
   * (js/recovery.js): the core holds the MemFS borrowed while one runs, so
   * what a trap left must not be released meanwhile (a MemFS call from the
   * provider gets EBUSY instead).
   * @type {import("./index.js").FsProvider}
   */
  #p;

  /** @param {import("./index.js").FsProvider} provider */
  constructor(provider) {
    this.#p = provider;
  }

  root() {
    try {
      const h = inCallback(() => this.#p.root());
      return isHandle(h) ? h : -1;
    } catch {
      return -1;
    }
  }

  /** handle * 4 + kind, or -errno (-ENOENT when there is no such entry). @param {number} dir @param {string} name */
  lookup(dir, name) {
    try {
      const r = inCallback(() => this.#p.lookup(dir, name));
      if (r === null || r === undefined) return -ENOENT;
      const kind = KIND[r.type];
      if (kind === undefined || !isHandle(r.handle) || r.handle > Number.MAX_SAFE_INTEGER / 4) return -EIO;
      return r.handle * 4 + kind;
    } catch (error) {
      return -errnoOf(error);
    }
  }

  /** Fills statBuf; 0 or an errno. @param {number} h */
  stat(h) {
    try {
      const s = inCallback(() => this.#p.stat(h));
      const kind = KIND[s?.type];
      if (kind === undefined) return EIO;
      const v = [s.dev, s.ino, kind, s.nlink, s.size, s.atimeNs, s.mtimeNs, s.ctimeNs].map(big);
      if (v.some((x) => x < 0n)) return EIO;
      for (let i = 0; i < 8; i++) this.statBuf[i] = v[i];
      return 0;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /** The size (a provider's `size(h)`, else its stat's), or -errno. @param {number} h */
  size(h) {
    try {
      const p = this.#p;
      const size = inCallback(() => (p.size ? p.size(h) : p.stat(h)?.size));
      const n = typeof size === "bigint" ? Number(size) : size;
      return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : -EIO;
    } catch (error) {
      return -errnoOf(error);
    }
  }

  /** @param {number} h */
  readlink(h) {
    try {
      const t = inCallback(() => this.#p.readlink(h));
      return typeof t === "string" ? t : EIO;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /** @param {number} h */
  open(h) {
    return this.#status(() => this.#p.open?.(h));
  }

  /** @param {number} h */
  close(h) {
    this.#status(() => this.#p.close?.(h));
  }

  /** @param {number} h */
  forget(h) {
    this.#status(() => this.#p.forget?.(h));
  }

  /** The core's memory (`setCoreMemory`), where reads land and writes come from. @type {WebAssembly.Memory | null} */
  #memory = null;
  /** The last view of it, reused while the core asks for the same bytes (its buffers are reused). */
  #view = new Uint8Array(0);
  #viewAt = -1;

  /** Called once, at the mount. @param {WebAssembly.Memory} memory */
  setCoreMemory(memory) {
    this.#memory = memory;
  }

  /** core[ptr, ptr+len) as a view, valid until the core's memory grows (so during one call). @param {number} ptr @param {number} len */
  #bytes(ptr, len) {
    // A view the memory's growth detached has length 0.
    if (this.#viewAt === ptr && this.#view.length === len && len > 0) return this.#view;
    this.#view = new Uint8Array(/** @type {WebAssembly.Memory} */ (this.#memory).buffer, ptr, len);
    this.#viewAt = ptr;
    return this.#view;
  }

  /**
   * Fills core[ptr, ptr+len) from `offset`: the count (less only at the
   * end of the file), or -errno; never throws (not a `catch` import). A
   * provider's `readInto` reads straight into the view; else its `read`
   * answer is copied.
   * @param {number} h @param {number} offset @param {number} ptr @param {number} len
   */
  readInto(h, offset, ptr, len) {
    try {
      const buf = this.#bytes(ptr, len);
      const p = this.#p;
      if (p.readInto) {
        const n = inCallback(() => /** @type {NonNullable<typeof p.readInto>} */ (p.readInto)(h, offset, buf));
        return Number.isSafeInteger(n) && n >= 0 && n <= len ? n : -EIO;
      }
      const bytes = inCallback(() => p.read(h, offset, len));
      if (!(bytes instanceof Uint8Array) || bytes.length > len) return -EIO;
      buf.set(bytes);
      return bytes.length;
    } catch (error) {
      return -errnoOf(error);
    }
  }

  /** A descriptor is being opened on `h` to read and/or write: 0, or why it cannot be. @param {number} h @param {boolean} read @param {boolean} write */
  checkOpen(h, read, write) {
    return this.#status(() => this.#p.checkOpen?.(h, read, write));
  }

  /**
   * Writes all of core[ptr, ptr+len) at `offset`: 0 or an errno; never
   * throws (not a `catch` import). The provider gets a view of the core's
   * memory, valid during the call only.
   * @param {number} h @param {number} offset @param {number} ptr @param {number} len
   */
  writeFrom(h, offset, ptr, len) {
    return this.#status(() => {
      const data = this.#bytes(ptr, len);
      let done = 0;
      while (done < len) {
        const n = this.#p.write(h, offset + done, done === 0 ? data : data.subarray(done));
        if (!(Number.isSafeInteger(n) && n > 0 && n <= len - done)) throw new Error("bad write count");
        done += n;
      }
    });
  }

  /** @param {number} h @param {number} size */
  truncate(h, size) {
    return this.#status(() => this.#p.truncate(h, size));
  }

  /** [name, kind, ino, ...] or an errno. @param {number} h */
  readdir(h) {
    try {
      const entries = inCallback(() => this.#p.readdir(h));
      if (!Array.isArray(entries)) return EIO;
      const out = [];
      for (const e of entries) {
        const kind = KIND[e?.type];
        if (typeof e?.name !== "string" || kind === undefined) return EIO;
        const ino = isHandle(e.ino) ? e.ino : 0;
        out.push(e.name, kind, ino);
      }
      return out;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /** A handle, or -errno. @param {number} dir @param {string} name @param {boolean} exclusive */
  create(dir, name, exclusive) {
    try {
      const h = inCallback(() => this.#p.create(dir, name, exclusive));
      return isHandle(h) ? h : -EIO;
    } catch (error) {
      return -errnoOf(error);
    }
  }

  /** @param {number} dir @param {string} name */
  mkdir(dir, name) {
    return this.#status(() => this.#p.mkdir(dir, name));
  }

  /** @param {number} dir @param {string} name */
  unlink(dir, name) {
    return this.#status(() => this.#p.unlink(dir, name));
  }

  /** @param {number} dir @param {string} name */
  rmdir(dir, name) {
    return this.#status(() => this.#p.rmdir(dir, name));
  }

  /** @param {number} dir @param {string} name @param {number} toDir @param {string} toName */
  rename(dir, name, toDir, toName) {
    return this.#status(() => this.#p.rename(dir, name, toDir, toName));
  }

  /** @param {number} dir @param {string} name @param {string} target */
  symlink(dir, name, target) {
    return this.#status(() => this.#p.symlink(dir, name, target));
  }

  /** @param {number} h @param {number} dir @param {string} name */
  link(h, dir, name) {
    return this.#status(() => this.#p.link(h, dir, name));
  }

  /** `which`: 1 atime, 2 mtime. @param {number} h @param {number} which @param {bigint} atimeNs @param {bigint} mtimeNs */
  setTimes(h, which, atimeNs, mtimeNs) {
    return this.#status(() => this.#p.setTimes(h, which & 1 ? atimeNs : null, which & 2 ? mtimeNs : null));
  }

  /** @param {() => unknown} f */
  #status(f) {
    try {
      inCallback(f);
      return 0;
    } catch (error) {
      return errnoOf(error);
    }
  }
}

/** @param {unknown} p */
export function checkProvider(p) {
  const need = [
    "root",
    "lookup",
    "stat",
    "readlink",
    "read",
    "write",
    "truncate",
    "readdir",
    "create",
    "mkdir",
    "unlink",
    "rmdir",
    "rename",
    "symlink",
    "link",
    "setTimes",
  ];
  if (p === null || typeof p !== "object") throw new TypeError("provider must be an object");
  const missing = need.filter((m) => typeof (/** @type {Record<string, unknown>} */ (p)[m]) !== "function");
  if (missing.length > 0) throw new TypeError(`provider lacks ${missing.join(", ")}`);
  return /** @type {import("./index.js").FsProvider} */ (p);
}
