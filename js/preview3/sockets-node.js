// wasi:sockets@0.3 on the host's network, in Node only (WASIp3's
// `network: "host"`): TCP on node:net, UDP on node:dgram, name lookup on
// node:dns. The socket state machine and the error codes follow the WIT and
// wasmtime (a check fails before anything changes; the errno is mapped as
// wasmtime maps it).
//
// WASI's bind and listen are synchronous and must report their errors
// (address-in-use) at once, which node:net's public API cannot (it binds in
// listen() or connect() and reports errors a tick later). So a TCP socket
// is Node's own libuv handle (`process.binding("tcp_wrap")`, the class
// node:net wraps): bound and listened on directly, then handed to a
// net.Server (listen) or net.Socket (connect). UDP needs no such thing:
// node:dgram binds synchronously when its `lookup` answers synchronously.
// The builtins are taken with process.getBuiltinModule, so this file loads
// in a page too (where `network: "host"` is refused).

import { chunksOf } from "./streams.js";

const MAX_DATAGRAM = 65535;
/** Datagrams kept for a UDP socket whose guest is not receiving (more are dropped, as a full kernel buffer drops them). */
const MAX_QUEUED_DATAGRAMS = 1024;
/** A chunk handed to the guest from a TCP receive stream. */
const CHUNK = 65536;
const NS_PER_S = 1_000_000_000n;
/** Linux's ceiling for TCP_KEEPIDLE / TCP_KEEPINTVL (seconds) and TCP_KEEPCNT. */
const MAX_KEEPALIVE_S = 32767n;
const MAX_KEEPALIVE_COUNT = 127;
/** Linux's default cap on a listen backlog (net.core.somaxconn). */
const SOMAXCONN = 4096;

/**
 * The TCP sockets of this process whose port the OS chose (bound to port 0,
 * or bound implicitly by listen or connect). wasmtime sets SO_REUSEADDR
 * only for a bind to a given port, so binding another socket to such a
 * port fails with address-in-use even while it is not listening; libuv
 * sets SO_REUSEADDR on every bind, so that check is made here. @type {Set<any>}
 */
const CHOSEN_PORTS = new Set();

/** @typedef {{ tag: string, val?: string }} ErrorCode */
/** @typedef {{ tag: "ipv4", val: number[] } | { tag: "ipv6", val: number[] }} IpAddress */
/** @typedef {{ tag: "ipv4", val: { port: number, address: number[] } } | { tag: "ipv6", val: { port: number, flowInfo: number, address: number[], scopeId: number } }} IpSocketAddress */
/** @typedef {{ family: "ipv4" | "ipv6", host: string, port: number, ip: number[] }} NodeAddress */

const ok = (/** @type {unknown} */ val) => ({ tag: "ok", val });
/**
 * `result::err` of an error-code (`other` carries a message).
 * @param {string} tag
 * @param {string} [val]
 */
const err = (tag, val) => ({ tag: "err", val: /** @type {ErrorCode} */ (tag === "other" ? { tag, val } : { tag }) });

/**
 * Node's builtins for the host network, or null where there are none (a page, Deno without them).
 * @returns {{ net: typeof import("node:net"), dgram: typeof import("node:dgram"), dns: typeof import("node:dns"), util: typeof import("node:util"), url: typeof import("node:url"), tcp: any } | null}
 */
function builtins() {
  const proc = /** @type {any} */ (globalThis).process;
  if (typeof proc?.getBuiltinModule !== "function" || typeof proc.binding !== "function") return null;
  try {
    return {
      net: proc.getBuiltinModule("node:net"),
      dgram: proc.getBuiltinModule("node:dgram"),
      dns: proc.getBuiltinModule("node:dns"),
      util: proc.getBuiltinModule("node:util"),
      url: proc.getBuiltinModule("node:url"),
      tcp: proc.binding("tcp_wrap"),
    };
  } catch {
    return null;
  }
}

/** The errno names wasmtime maps, and the error-code each becomes. */
const ERRNO = /** @type {Record<string, string>} */ ({
  EACCES: "access-denied",
  EPERM: "access-denied",
  EADDRINUSE: "address-in-use",
  EADDRNOTAVAIL: "address-not-bindable",
  ECONNREFUSED: "connection-refused",
  ECONNRESET: "connection-reset",
  ECONNABORTED: "connection-aborted",
  EPIPE: "connection-broken",
  ETIMEDOUT: "timeout",
  EHOSTUNREACH: "remote-unreachable",
  EHOSTDOWN: "remote-unreachable",
  ENETUNREACH: "remote-unreachable",
  ENETDOWN: "remote-unreachable",
  ENONET: "remote-unreachable",
  EMSGSIZE: "datagram-too-large",
  EINVAL: "invalid-argument",
  EAFNOSUPPORT: "invalid-argument",
  ENOMEM: "out-of-memory",
  ENOBUFS: "out-of-memory",
  EOPNOTSUPP: "not-supported",
  ENOPROTOOPT: "not-supported",
  ENOTCONN: "invalid-state",
  EISCONN: "invalid-state",
  EALREADY: "invalid-state",
});

/**
 * An errno name ("ECONNREFUSED") as the `result::err` of an error-code;
 * `overrides` change one mapping for one call (connect's EADDRNOTAVAIL).
 * @param {unknown} code
 * @param {Record<string, string>} [overrides]
 */
function errnoResult(code, overrides) {
  const name = String(code ?? "EIO");
  const tag = overrides?.[name] ?? ERRNO[name];
  return tag ? err(tag) : err("other", name);
}

/** @param {unknown} e an Error from Node */
const codeOf = (e) => /** @type {{ code?: unknown }} */ (e)?.code;

/**
 * An ip-socket-address from the guest as text for Node, checked.
 * @param {IpSocketAddress} a
 * @returns {NodeAddress}
 */
function fromWit(a) {
  if (a?.tag === "ipv4") {
    const ip = Array.from(a.val.address, Number);
    return { family: "ipv4", host: ip.join("."), port: a.val.port, ip };
  }
  if (a?.tag === "ipv6") {
    const ip = Array.from(a.val.address, Number);
    const scope = a.val.scopeId ? `%${a.val.scopeId}` : "";
    return { family: "ipv6", host: ip.map((g) => g.toString(16)).join(":") + scope, port: a.val.port, ip };
  }
  throw new TypeError("wasi-web: not an ip-socket-address");
}

/**
 * An IPv6 address as its 8 groups ("::1" → [0,0,0,0,0,0,0,1]), or undefined.
 * @param {string} text
 */
export function ipv6Groups(text) {
  const [addr] = text.split("%");
  if (!/^[0-9a-fA-F:.]+$/.test(addr) || !addr.includes(":")) return undefined;
  let hostname;
  try {
    // The URL parser normalises the address (or rejects it); an embedded IPv4 part becomes hex.
    hostname = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head, tail] = hostname.includes("::") ? hostname.split("::") : [hostname, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 ? groups : undefined;
}

/**
 * An address Node reports ({ address, port }) as an ip-socket-address.
 * @param {{ address: string, port: number, family?: string | number }} a
 * @returns {IpSocketAddress}
 */
function toWit(a) {
  if (!a.address.includes(":")) {
    return { tag: "ipv4", val: { port: a.port, address: a.address.split(".").map(Number) } };
  }
  const scope = Number(a.address.split("%")[1] ?? 0);
  return {
    tag: "ipv6",
    val: {
      port: a.port,
      flowInfo: 0,
      address: ipv6Groups(a.address) ?? [0, 0, 0, 0, 0, 0, 0, 0],
      scopeId: Number.isInteger(scope) ? scope : 0,
    },
  };
}

/** @param {NodeAddress} a */
const isUnspecified = (a) => a.ip.every((x) => x === 0);
/** @param {NodeAddress} a */
const isMulticast = (a) => (a.family === "ipv4" ? a.ip[0] >= 224 && a.ip[0] <= 239 : a.ip[0] >>> 8 === 0xff);
/** @param {NodeAddress} a */
const isBroadcast = (a) => a.family === "ipv4" && a.ip.every((x) => x === 255);
/** @param {NodeAddress} a */
const isV4Mapped = (a) => a.family === "ipv6" && a.ip.slice(0, 5).every((x) => x === 0) && a.ip[5] === 0xffff;

/**
 * Why the guest's address is wrong for a socket of `family` (as wasmtime
 * checks it), or null.
 * @param {"ipv4" | "ipv6"} family
 * @param {IpSocketAddress} addr
 * @param {{ remote?: boolean, unicast?: boolean }} rules
 * @returns {[NodeAddress, null] | [null, ReturnType<typeof err>]}
 */
function checkAddress(family, addr, rules) {
  const a = fromWit(addr);
  if (a.family !== family || isV4Mapped(a)) return [null, err("invalid-argument")];
  if (rules.unicast && (isMulticast(a) || isBroadcast(a))) return [null, err("invalid-argument")];
  if (rules.remote && (isUnspecified(a) || a.port === 0)) return [null, err("invalid-argument")];
  return [a, null];
}

/** The wildcard address of a family, port 0 (an implicit bind). @param {"ipv4" | "ipv6"} family */
const wildcard = (family) => (family === "ipv4" ? "0.0.0.0" : "::");

/** A stream that ends at once (a receive that fails). */
const emptyStream = () => ({
  [Symbol.asyncIterator]() {
    return this;
  },
  next: async () => ({ done: true, value: undefined }),
  return: async () => ({ done: true, value: undefined }),
});

/**
 * Drops a stream the guest gave that will not be read (a send that fails at once).
 * @param {any} stream
 */
function dropStream(stream) {
  try {
    stream?.[Symbol.dispose]?.();
  } catch {
    // Already closed: nothing to release.
  }
}

/**
 * A u64 / duration option value from jco (bigint) checked to be non-zero.
 * @param {bigint | number} v
 */
const positive = (v) => BigInt(v) > 0n;

/**
 * The wasi:sockets@0.3 classes and functions on the host network, for one
 * WASIp3; throws in a page (no node:net).
 * @returns {{ TcpSocket: any, UdpSocket: any, resolveAddresses: (name: string) => Promise<unknown>, closeAll: () => void }}
 */
export function hostSockets() {
  const node = builtins();
  if (node === null) {
    throw new TypeError(
      'wasi-web: network: "host" needs Node (node:net, node:dgram, node:dns, process.binding("tcp_wrap")); a page has no host network',
    );
  }
  const { net, dgram, dns, util, url, tcp } = node;
  const { TCP, constants: TCP_CONSTANTS } = tcp;
  /** @param {number} rc a libuv return code (0 or a negative errno) */
  const uvName = (rc) => util.getSystemErrorName(rc);

  const STATE = Symbol("wasi-web.socket");
  /** This host's open sockets (TcpState / UdpState), closed by closeAll when the run ends. @type {Set<any>} */
  const live = new Set();
  /** Aborted by closeAll: ends the reads of send streams (an exited guest never drops its end). */
  const ended = new AbortController();

  /**
   * @typedef {object} TcpState
   * @property {"ipv4" | "ipv6"} family
   * @property {"unbound" | "bound" | "listening" | "connecting" | "connected" | "closed"} state
   * @property {any} handle the libuv TCP handle before a net.Socket / net.Server owns it
   * @property {import("node:net").Socket | null} socket
   * @property {import("node:net").Server | null} server
   * @property {boolean} sent whether send was called
   * @property {boolean} received whether receive was called
   * @property {number} refs the guest's handle plus the streams still open on the socket
   * @property {{ keepAlive: boolean, idle: bigint, interval: bigint, count: number, hopLimit: number, recvBuf: bigint, sendBuf: bigint, backlog: number }} opts
   */

  /** The defaults of Linux (keep-alive 7200 s / 75 s / 9, TTL 64). @returns {TcpState["opts"]} */
  const defaultOptions = () => ({
    keepAlive: false,
    idle: 7200n * NS_PER_S,
    interval: 75n * NS_PER_S,
    count: 9,
    hopLimit: 64,
    recvBuf: 131072n,
    sendBuf: 16384n,
    backlog: 128,
  });

  class TcpSocket {
    /** @type {TcpState} */
    [STATE];

    constructor() {
      throw new TypeError("TcpSocket is made by wasi-web, not with new");
    }

    /**
     * @param {TcpState} st
     * @returns {TcpSocket}
     */
    static wrap(st) {
      const s = Object.create(TcpSocket.prototype);
      s[STATE] = st;
      return s;
    }

    /** @param {string} family */
    static create(family) {
      if (family !== "ipv4" && family !== "ipv6") return err("not-supported");
      /** @type {TcpState} */
      const st = {
        family,
        state: "unbound",
        handle: new TCP(TCP_CONSTANTS.SOCKET),
        socket: null,
        server: null,
        sent: false,
        received: false,
        refs: 1,
        opts: defaultOptions(),
      };
      live.add(st);
      return ok(TcpSocket.wrap(st));
    }

    /** @param {IpSocketAddress} address */
    bind(address) {
      const st = this[STATE];
      if (st.state !== "unbound") return err("invalid-state");
      const [a, bad] = checkAddress(st.family, address, { unicast: true });
      if (bad) return bad;
      if (a.port !== 0 && portTaken(st.family, a, a.port)) return err("address-in-use");
      return bindHandle(st, a.host, a.port);
    }

    /** @param {IpSocketAddress} address */
    async connect(address) {
      const st = this[STATE];
      if (st.state !== "unbound" && st.state !== "bound") return err("invalid-state");
      const [a, bad] = checkAddress(st.family, address, { unicast: true, remote: true });
      if (bad) return bad;
      const implicitBind = st.state === "unbound";
      st.state = "connecting";
      // `handle` and `manualStart` are node:net's own options (the typings leave them out).
      const socket = new net.Socket(/** @type {any} */ ({ handle: st.handle, manualStart: true, allowHalfOpen: true }));
      st.handle = null;
      st.socket = socket;
      // Reading starts when the guest calls receive.
      socket.pause();
      const outcome = await new Promise((resolve) => {
        const onError = (/** @type {unknown} */ e) => resolve(e);
        socket.once("error", onError);
        // Closed under it (the run ended): no "error" comes.
        socket.once("close", () => resolve({ code: "ECONNABORTED" }));
        socket.connect({ port: a.port, host: a.host.split("%")[0] }, () => {
          socket.off("error", onError);
          resolve(null);
        });
      });
      if (outcome !== null) {
        st.state = "closed";
        socket.destroy();
        // On Linux EADDRNOTAVAIL here means no ephemeral port was left.
        return errnoResult(codeOf(outcome), { EADDRNOTAVAIL: "address-in-use" });
      }
      // Errors after this reach send/receive; a socket with no listener must not throw.
      socket.on("error", () => {});
      if (implicitBind) CHOSEN_PORTS.add(st);
      st.state = "connected";
      applyKeepAlive(st);
      return ok(undefined);
    }

    listen() {
      const st = this[STATE];
      if (st.state === "unbound") {
        const bound = bindHandle(st, wildcard(st.family), 0);
        if (bound.tag === "err") return bound;
      } else if (st.state !== "bound") {
        return err("invalid-state");
      }
      // listen() first on the handle itself: its errno comes back here, not a tick later.
      const rc = st.handle.listen(st.opts.backlog);
      if (rc !== 0) return errnoResult(uvName(rc));
      const server = new net.Server({ allowHalfOpen: true, pauseOnConnect: true });
      /** @type {import("node:net").Socket[]} */
      const queue = [];
      /** @type {((s: import("node:net").Socket | null) => void) | null} */
      let waiter = null;
      server.on("connection", (/** @type {import("node:net").Socket} */ s) => {
        s.on("error", () => {});
        if (waiter) {
          const w = waiter;
          waiter = null;
          w(s);
        } else if (queue.length < Math.min(st.opts.backlog, SOMAXCONN)) queue.push(s);
        // Node accepts at once; past the backlog the guest has not taken, a connection is dropped, as a full kernel queue would.
        else s.destroy();
      });
      server.on("error", () => {});
      server.on("close", () => waiter?.(null));
      server.listen(st.handle);
      st.handle = null;
      st.server = server;
      st.state = "listening";
      st.refs += 1;
      let open = true;
      const opts = st.opts;
      const family = st.family;
      const end = () => {
        if (!open) return;
        open = false;
        for (const s of queue.splice(0)) s.destroy();
        release(st);
      };
      return ok({
        [Symbol.asyncIterator]() {
          return this;
        },
        async next() {
          if (!open) return { done: true, value: undefined };
          const s =
            queue.shift() ??
            (await new Promise((/** @type {(s: import("node:net").Socket | null) => void} */ resolve) => (waiter = resolve)));
          if (s === null) {
            end();
            return { done: true, value: undefined };
          }
          /** @type {TcpState} */
          const child = {
            family,
            state: "connected",
            handle: null,
            socket: s,
            server: null,
            sent: false,
            received: false,
            refs: 1,
            opts: { ...opts },
          };
          applyKeepAlive(child);
          live.add(child);
          return { done: false, value: TcpSocket.wrap(child) };
        },
        async return() {
          end();
          return { done: true, value: undefined };
        },
      });
    }

    /** @param {any} data the guest's stream<u8> */
    send(data) {
      const st = this[STATE];
      if (st.state !== "connected" || st.sent || st.socket === null) {
        dropStream(data);
        return Promise.resolve(err("invalid-state"));
      }
      st.sent = true;
      st.refs += 1;
      const socket = st.socket;
      return (async () => {
        try {
          for await (const chunk of chunksOf(data, { signal: ended.signal })) {
            // Each chunk waits for Node to hand it to the kernel: that is the backpressure.
            await new Promise((resolve, reject) => socket.write(chunk, (e) => (e ? reject(e) : resolve(undefined))));
          }
          // The guest closed its end: a FIN (shutdown(SHUT_WR)).
          await new Promise((resolve, reject) => {
            socket.once("error", reject);
            socket.end(() => {
              socket.off("error", reject);
              resolve(undefined);
            });
          });
          return ok(undefined);
        } catch (e) {
          return errnoResult(codeOf(e) === "ERR_STREAM_DESTROYED" ? "EPIPE" : codeOf(e));
        } finally {
          release(st);
        }
      })();
    }

    receive() {
      const st = this[STATE];
      if (st.state !== "connected" || st.received || st.socket === null) {
        return [emptyStream(), Promise.resolve(err("invalid-state"))];
      }
      st.received = true;
      st.refs += 1;
      const socket = st.socket;
      /** @type {(r: unknown) => void} */
      let settle = () => {};
      const done = new Promise((resolve) => (settle = resolve));
      let finished = false;
      /** @type {unknown} */
      let failure = null;
      let ended = false;
      socket.on("end", () => {
        ended = true;
      });
      socket.on("error", (e) => {
        failure ??= e;
      });
      /** @param {boolean} [dropped] the guest dropped the stream: a shutdown(SHUT_RD), not an error */
      const finish = (dropped = false) => {
        if (finished) return;
        finished = true;
        settle(failure !== null ? errnoResult(codeOf(failure)) : ended || dropped ? ok(undefined) : err("connection-reset"));
        release(st);
      };
      const stream = {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next() {
          for (;;) {
            if (finished) return { done: true, value: undefined };
            const chunk = /** @type {Uint8Array | null} */ (socket.read());
            if (chunk !== null) {
              if (chunk.byteLength > CHUNK) socket.unshift(chunk.subarray(CHUNK));
              return { done: false, value: new Uint8Array(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, CHUNK)) };
            }
            if (ended || failure !== null || socket.destroyed) {
              finish();
              return { done: true, value: undefined };
            }
            await new Promise((resolve) => {
              const wake = () => {
                socket.off("readable", wake).off("end", wake).off("error", wake).off("close", wake);
                resolve(undefined);
              };
              socket.on("readable", wake).on("end", wake).on("error", wake).on("close", wake);
            });
          }
        },
        async return() {
          // The guest stopped reading (shutdown(SHUT_RD)): what still arrives is dropped.
          if (!finished) {
            socket.on("data", () => {});
            socket.resume();
            finish(true);
          }
          return { done: true, value: undefined };
        },
      };
      return [stream, done];
    }

    getLocalAddress() {
      const st = this[STATE];
      if (st.state === "unbound" || st.state === "closed") return err("invalid-state");
      const addr = localOf(st);
      return addr ? ok(toWit(addr)) : err("invalid-state");
    }

    getRemoteAddress() {
      const st = this[STATE];
      const s = st.socket;
      if (st.state !== "connected" || !s || s.remoteAddress === undefined) return err("invalid-state");
      return ok(toWit({ address: s.remoteAddress, port: /** @type {number} */ (s.remotePort) }));
    }

    getIsListening() {
      return this[STATE].state === "listening";
    }

    getAddressFamily() {
      return this[STATE].family;
    }

    /** @param {bigint} value */
    setListenBacklogSize(value) {
      const st = this[STATE];
      if (!positive(value)) return err("invalid-argument");
      if (st.state === "connecting" || st.state === "connected") return err("invalid-state");
      if (st.state === "closed") return err("invalid-state");
      st.opts.backlog = Number(BigInt.asUintN(31, BigInt(value) > 0x7fffffffn ? 0x7fffffffn : BigInt(value)));
      // Linux takes a new backlog from a second listen(); the server's handle is libuv's.
      const h = /** @type {any} */ (st.server)?._handle;
      if (st.state === "listening" && h) h.listen(st.opts.backlog);
      return ok(undefined);
    }

    getKeepAliveEnabled() {
      return ok(this[STATE].opts.keepAlive);
    }

    /** @param {boolean} value */
    setKeepAliveEnabled(value) {
      const st = this[STATE];
      st.opts.keepAlive = Boolean(value);
      applyKeepAlive(st);
      return ok(undefined);
    }

    getKeepAliveIdleTime() {
      return ok(this[STATE].opts.idle);
    }

    /** @param {bigint} value */
    setKeepAliveIdleTime(value) {
      const st = this[STATE];
      if (!positive(value)) return err("invalid-argument");
      st.opts.idle = clampSeconds(BigInt(value));
      applyKeepAlive(st);
      return ok(undefined);
    }

    getKeepAliveInterval() {
      return ok(this[STATE].opts.interval);
    }

    /** @param {bigint} value */
    setKeepAliveInterval(value) {
      if (!positive(value)) return err("invalid-argument");
      this[STATE].opts.interval = clampSeconds(BigInt(value));
      return ok(undefined);
    }

    getKeepAliveCount() {
      return ok(this[STATE].opts.count);
    }

    /** @param {number} value */
    setKeepAliveCount(value) {
      if (!(value > 0)) return err("invalid-argument");
      this[STATE].opts.count = Math.min(Number(value), MAX_KEEPALIVE_COUNT);
      return ok(undefined);
    }

    getHopLimit() {
      return ok(this[STATE].opts.hopLimit);
    }

    /** @param {number} value */
    setHopLimit(value) {
      if (!(value > 0)) return err("invalid-argument");
      this[STATE].opts.hopLimit = Number(value);
      return ok(undefined);
    }

    getReceiveBufferSize() {
      return ok(this[STATE].opts.recvBuf);
    }

    /** @param {bigint} value */
    setReceiveBufferSize(value) {
      if (!positive(value)) return err("invalid-argument");
      this[STATE].opts.recvBuf = BigInt(value);
      return ok(undefined);
    }

    getSendBufferSize() {
      return ok(this[STATE].opts.sendBuf);
    }

    /** @param {bigint} value */
    setSendBufferSize(value) {
      if (!positive(value)) return err("invalid-argument");
      this[STATE].opts.sendBuf = BigInt(value);
      return ok(undefined);
    }

    /** The guest dropped the socket: the OS socket closes once its streams are done too. */
    [Symbol.dispose]() {
      const st = this[STATE];
      if (st.refs > 0) release(st);
    }
  }

  /**
   * Binds a TCP state's libuv handle; a failed bind leaves it unbound (with a fresh handle).
   * @param {TcpState} st
   * @param {string} host
   * @param {number} port
   */
  function bindHandle(st, host, port) {
    const h = st.handle;
    // IPv6 sockets are IPV6_V6ONLY, as the WIT says; libuv sets SO_REUSEADDR, as it asks.
    let rc = st.family === "ipv4" ? h.bind(host, port) : h.bind6(host, port, TCP_CONSTANTS.UV_TCP_IPV6ONLY);
    // libuv keeps EADDRINUSE for the next listen/connect; getsockname reports it now.
    if (rc === 0) rc = h.getsockname({});
    if (rc !== 0) {
      h.close();
      st.handle = new TCP(TCP_CONSTANTS.SOCKET);
      return errnoResult(uvName(rc));
    }
    st.state = "bound";
    if (port === 0) CHOSEN_PORTS.add(st);
    applyKeepAlive(st);
    return ok(undefined);
  }

  /**
   * The local address of a TCP socket in any state, or null.
   * @param {TcpState} st
   * @returns {{ address: string, port: number } | null}
   */
  function localOf(st) {
    if (st.handle) {
      const out = /** @type {any} */ ({});
      return st.handle.getsockname(out) === 0 && typeof out.port === "number" ? out : null;
    }
    const a = st.server?.address() ?? st.socket?.address();
    return a && typeof a === "object" && "port" in a ? /** @type {any} */ (a) : null;
  }

  /**
   * Whether a socket whose port the OS chose holds `port` on an address that overlaps `a`.
   * @param {"ipv4" | "ipv6"} family
   * @param {NodeAddress} a
   * @param {number} port
   */
  function portTaken(family, a, port) {
    for (const other of CHOSEN_PORTS) {
      if (other.family !== family || other.state === "closed") continue;
      const local = localOf(other);
      if (!local || local.port !== port) continue;
      const theirs = toWit(local).val.address;
      const wild = (/** @type {number[]} */ ip) => ip.every((x) => x === 0);
      if (wild(theirs) || wild(a.ip) || theirs.join() === a.ip.join()) return true;
    }
    return false;
  }

  /** @param {TcpState} st */
  function applyKeepAlive(st) {
    const seconds = Number(st.opts.idle / NS_PER_S);
    if (st.socket) st.socket.setKeepAlive(st.opts.keepAlive, seconds * 1000);
    else st.handle?.setKeepAlive(st.opts.keepAlive, seconds);
  }

  /** @param {bigint} ns */
  function clampSeconds(ns) {
    const s = (ns + NS_PER_S - 1n) / NS_PER_S;
    return (s > MAX_KEEPALIVE_S ? MAX_KEEPALIVE_S : s) * NS_PER_S;
  }

  /** @param {TcpState} st */
  function release(st) {
    if (st.refs <= 0) return;
    st.refs -= 1;
    if (st.refs > 0) return;
    st.state = "closed";
    live.delete(st);
    CHOSEN_PORTS.delete(st);
    st.socket?.destroy();
    st.server?.close();
    st.handle?.close();
    st.handle = null;
  }

  /**
   * @typedef {object} UdpState
   * @property {"ipv4" | "ipv6"} family
   * @property {import("node:dgram").Socket} socket
   * @property {boolean} bound
   * @property {NodeAddress | null} remote
   * @property {{ msg: Uint8Array, from: { address: string, port: number } }[]} queue
   * @property {((d: unknown) => void)[]} waiters
   * @property {unknown} failure a receive error not yet reported
   * @property {boolean} closed
   * @property {{ hopLimit: number, recvBuf: bigint | null, sendBuf: bigint | null }} opts
   */

  /** node:dgram resolves names with this: a guest's address is already an IP, so it answers at once. */
  const literalLookup = (/** @type {string} */ address, /** @type {any} */ opts, /** @type {any} */ cb) => {
    const callback = typeof opts === "function" ? opts : cb;
    callback(null, address, address.includes(":") ? 6 : 4);
  };

  class UdpSocket {
    /** @type {UdpState} */
    [STATE];

    constructor() {
      throw new TypeError("UdpSocket is made by wasi-web, not with new");
    }

    /** @param {string} family */
    static create(family) {
      if (family !== "ipv4" && family !== "ipv6") return err("not-supported");
      // IPv6 sockets are IPV6_V6ONLY, as the WIT says (the flag is EINVAL on an IPv4 one).
      const socket = dgram.createSocket({ type: family === "ipv4" ? "udp4" : "udp6", ipv6Only: family === "ipv6", lookup: literalLookup });
      const s = Object.create(UdpSocket.prototype);
      /** @type {UdpState} */
      const st = {
        family,
        socket,
        bound: false,
        remote: null,
        queue: [],
        waiters: [],
        failure: null,
        closed: false,
        opts: { hopLimit: 64, recvBuf: null, sendBuf: null },
      };
      s[STATE] = st;
      live.add(st);
      socket.on("message", (msg, from) => {
        const w = st.waiters.shift();
        if (w) w({ msg, from });
        else if (st.queue.length < MAX_QUEUED_DATAGRAMS) st.queue.push({ msg, from });
      });
      socket.on("error", (e) => {
        const w = st.waiters.shift();
        if (w) w(e);
        else st.failure = e;
      });
      return ok(s);
    }

    /** @param {IpSocketAddress} address */
    bind(address) {
      const st = this[STATE];
      if (st.closed) return err("invalid-state");
      if (st.bound) return err("invalid-state");
      const [a, bad] = checkAddress(st.family, address, {});
      if (bad) return bad;
      return bindUdp(st, a.host, a.port);
    }

    /** @param {IpSocketAddress} address */
    connect(address) {
      const st = this[STATE];
      if (st.closed) return err("invalid-state");
      const [a, bad] = checkAddress(st.family, address, { remote: true });
      if (bad) return bad;
      if (!st.bound) {
        const r = bindUdp(st, wildcard(st.family), 0);
        if (r.tag === "err") return r;
      }
      if (st.remote) st.socket.disconnect();
      st.remote = null;
      st.socket.connect(a.port, a.host);
      // With the synchronous lookup the connect is done (or failed) now; a failure leaves it unconnected.
      try {
        st.socket.remoteAddress();
      } catch {
        return err("invalid-argument");
      }
      st.remote = a;
      return ok(undefined);
    }

    disconnect() {
      const st = this[STATE];
      if (st.closed || !st.remote) return err("invalid-state");
      st.socket.disconnect();
      st.remote = null;
      return ok(undefined);
    }

    /**
     * @param {Uint8Array} data
     * @param {IpSocketAddress | undefined} remote
     */
    async send(data, remote) {
      const st = this[STATE];
      if (st.closed) return err("invalid-state");
      if (data.byteLength > MAX_DATAGRAM) return err("datagram-too-large");
      /** @type {NodeAddress | null} */
      let to = null;
      if (remote !== undefined && remote !== null) {
        const [a, bad] = checkAddress(st.family, remote, { remote: true });
        // wasmtime's answer for port 0 (the suite checks it): EADDRNOTAVAIL from sendto.
        if (bad && !isUnspecified(fromWit(remote)) && fromWit(remote).port === 0 && fromWit(remote).family === st.family) {
          return err("address-not-bindable");
        }
        if (bad) return bad;
        if (st.remote && (a.host !== st.remote.host || a.port !== st.remote.port)) return err("invalid-argument");
        to = a;
      } else if (!st.remote) {
        return err("invalid-argument");
      }
      if (!st.bound) {
        const r = bindUdp(st, wildcard(st.family), 0);
        if (r.tag === "err") return r;
      }
      const bytes = data instanceof Uint8Array ? data : Uint8Array.from(data);
      return new Promise((resolve) => {
        const done = (/** @type {Error | null} */ e) => resolve(e ? errnoResult(codeOf(e)) : ok(undefined));
        try {
          // A connected socket sends without an address (Node refuses one).
          if (st.remote) st.socket.send(bytes, done);
          else st.socket.send(bytes, /** @type {NodeAddress} */ (to).port, /** @type {NodeAddress} */ (to).host, done);
        } catch (e) {
          resolve(errnoResult(codeOf(e)));
        }
      });
    }

    async receive() {
      const st = this[STATE];
      if (st.closed || !st.bound) return err("invalid-state");
      for (;;) {
        if (st.failure !== null) {
          const e = st.failure;
          st.failure = null;
          return errnoResult(codeOf(e));
        }
        const d = st.queue.shift() ?? /** @type {any} */ (await new Promise((resolve) => st.waiters.push(resolve)));
        if (d === null) return err("invalid-state");
        if (d instanceof Error) return errnoResult(codeOf(d));
        // Datagrams queued before a connect may come from another peer.
        const r = st.remote;
        if (r && (d.from.port !== r.port || toWit(d.from).val.address.join() !== r.ip.join())) continue;
        return ok([new Uint8Array(d.msg.buffer, d.msg.byteOffset, d.msg.byteLength), toWit(d.from)]);
      }
    }

    getLocalAddress() {
      const st = this[STATE];
      if (st.closed || !st.bound) return err("invalid-state");
      return ok(toWit(st.socket.address()));
    }

    getRemoteAddress() {
      const st = this[STATE];
      if (st.closed || !st.remote) return err("invalid-state");
      return ok(toWit(st.socket.remoteAddress()));
    }

    getAddressFamily() {
      return this[STATE].family;
    }

    getUnicastHopLimit() {
      return ok(this[STATE].opts.hopLimit);
    }

    /** @param {number} value */
    setUnicastHopLimit(value) {
      const st = this[STATE];
      if (!(value > 0)) return err("invalid-argument");
      st.opts.hopLimit = Number(value);
      if (st.bound) st.socket.setTTL(st.opts.hopLimit);
      return ok(undefined);
    }

    getReceiveBufferSize() {
      const st = this[STATE];
      return ok(st.opts.recvBuf ?? (st.bound ? BigInt(st.socket.getRecvBufferSize()) : 212992n));
    }

    /** @param {bigint} value */
    setReceiveBufferSize(value) {
      const st = this[STATE];
      if (!positive(value)) return err("invalid-argument");
      st.opts.recvBuf = BigInt(value);
      applyUdpBuffers(st);
      return ok(undefined);
    }

    getSendBufferSize() {
      const st = this[STATE];
      return ok(st.opts.sendBuf ?? (st.bound ? BigInt(st.socket.getSendBufferSize()) : 212992n));
    }

    /** @param {bigint} value */
    setSendBufferSize(value) {
      const st = this[STATE];
      if (!positive(value)) return err("invalid-argument");
      st.opts.sendBuf = BigInt(value);
      applyUdpBuffers(st);
      return ok(undefined);
    }

    [Symbol.dispose]() {
      const st = this[STATE];
      if (st.closed) return;
      closeUdp(st);
    }
  }

  /** @param {UdpState} st */
  function closeUdp(st) {
    st.closed = true;
    live.delete(st);
    for (const w of st.waiters.splice(0)) w(null);
    st.socket.close();
  }

  /**
   * @param {UdpState} st
   * @param {string} host
   * @param {number} port
   */
  function bindUdp(st, host, port) {
    /** @type {unknown} */
    let failure = null;
    const onError = (/** @type {unknown} */ e) => (failure = e);
    // The lookup answers synchronously, so bind errors are emitted before bind() returns.
    st.socket.prependOnceListener("error", onError);
    try {
      st.socket.bind({ port, address: host.split("%")[0], exclusive: true });
    } catch (e) {
      failure = e;
    }
    st.socket.off("error", onError);
    if (failure !== null) return errnoResult(codeOf(failure));
    st.bound = true;
    st.socket.setTTL(st.opts.hopLimit);
    applyUdpBuffers(st);
    return ok(undefined);
  }

  /** Node sets buffer sizes only on a bound socket; set ones are applied at bind. @param {UdpState} st */
  function applyUdpBuffers(st) {
    if (!st.bound) return;
    const cap = (/** @type {bigint} */ v) => Number(v > 0x7fffffffn ? 0x7fffffffn : v);
    try {
      if (st.opts.recvBuf !== null) st.socket.setRecvBufferSize(cap(st.opts.recvBuf));
      if (st.opts.sendBuf !== null) st.socket.setSendBufferSize(cap(st.opts.sendBuf));
    } catch {
      // The kernel clamps or refuses; the WIT allows the value read back to differ.
    }
  }

  /** The DNS error names node:dns gives, as ip-name-lookup error-codes. */
  const DNS_ERRORS = /** @type {Record<string, string>} */ ({
    ENOTFOUND: "name-unresolvable",
    ENODATA: "name-unresolvable",
    EAI_NONAME: "name-unresolvable",
    EAI_NODATA: "name-unresolvable",
    EAI_ADDRFAMILY: "name-unresolvable",
    EAI_AGAIN: "temporary-resolver-failure",
    EAI_FAIL: "permanent-resolver-failure",
    EACCES: "access-denied",
    EPERM: "access-denied",
  });

  /**
   * `resolve-addresses` through the system resolver (getaddrinfo, as wasmtime's).
   * @param {string} name
   */
  async function resolveAddresses(name) {
    const text = String(name);
    const v6 = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
    if (net.isIPv4(text)) return ok([{ tag: "ipv4", val: text.split(".").map(Number) }]);
    if (net.isIPv6(v6)) return ok([ipAddress(v6)]);
    // IDNA: a Unicode name becomes its ASCII form; "" means it is no valid name.
    const ascii = url.domainToASCII(text);
    if (ascii === "" || ascii.length > 253) return err("invalid-argument");
    try {
      const found = await dns.promises.lookup(ascii, { all: true });
      /** @type {IpAddress[]} */
      const list = [];
      for (const { address } of found) {
        const ip = ipAddress(address);
        if (!list.some((x) => x.tag === ip.tag && x.val.join() === ip.val.join())) list.push(ip);
      }
      return list.length > 0 ? ok(list) : err("name-unresolvable");
    } catch (e) {
      const tag = DNS_ERRORS[String(codeOf(e))];
      return tag ? err(tag) : err("other", String(codeOf(e) ?? e));
    }
  }

  /**
   * An address Node gives as ip-address; an IPv4-mapped IPv6 one as IPv4 (the WIT never returns those).
   * @param {string} address
   * @returns {IpAddress}
   */
  function ipAddress(address) {
    if (!address.includes(":")) return { tag: "ipv4", val: address.split(".").map(Number) };
    const g = ipv6Groups(address) ?? [0, 0, 0, 0, 0, 0, 0, 0];
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
      return { tag: "ipv4", val: [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255] };
    }
    return { tag: "ipv6", val: g };
  }

  /** Closes every socket of this host (its run ended: nothing can use them any more). */
  function closeAll() {
    ended.abort();
    for (const st of [...live]) {
      if ("queue" in st) closeUdp(st);
      else {
        st.refs = 1;
        release(st);
      }
    }
  }

  return { TcpSocket, UdpSocket, resolveAddresses, closeAll };
}
