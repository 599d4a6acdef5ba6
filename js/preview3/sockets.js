// wasi:sockets@0.3 where wasi-web opens no socket (a page cannot; in Node
// neither, for now): creating a TCP or UDP socket fails with
// `not-supported`; `resolve-addresses` answers an IP address literal with
// that address, fails a string that is no host name with
// `invalid-argument`, and any other name with `permanent-resolver-failure`
// (no resolver). jco keys 0.2's and 0.3's ip-name-lookup under one name, so
// `resolveAddresses` serves 0.2's call (network, name) too.
import { Preview2Core } from "../core.js";
import { define } from "../preview2/resource.js";
import { socketsImports } from "../preview2/sockets.js";
import { err, ok } from "./streams.js";

/** @typedef {import("../preview2/resource.js").Preview2Host} Preview2Host */

const notSupported = () => err({ tag: "not-supported" });

// No instance is ever made; the classes exist for jco's instanceof checks.
export const TcpSocket = define("TcpSocket", "wasi:sockets/types.tcp-socket");
export const UdpSocket = define("UdpSocket", "wasi:sockets/types.udp-socket");
Object.assign(TcpSocket, { create: notSupported });
Object.assign(UdpSocket, { create: notSupported });

/**
 * An IPv4 literal ("127.0.0.1") as `ip-address`, else undefined.
 * @param {string} s
 */
function ipv4(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return { tag: "ipv4", val: /** @type {[number, number, number, number]} */ (parts) };
}

/**
 * An IPv6 literal ("::1", "[fe80::1]") as `ip-address`, else undefined.
 * @param {string} s
 */
function ipv6(s) {
  const text = s.startsWith("[") && s.endsWith("]") ? s.slice(1, -1) : s;
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return undefined;
  let hostname;
  try {
    // The URL parser normalises the address (or rejects it).
    hostname = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head, tail] = hostname.includes("::") ? hostname.split("::") : [hostname, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 ? { tag: "ipv6", val: groups } : undefined;
}

/**
 * The 0.3 wasi:sockets interfaces, on top of 0.2's (for jco's shared keys).
 * @param {() => Preview2Host} getHost
 */
export function socketsImports3(getHost) {
  const p2 = socketsImports(getHost)["wasi:sockets/ip-name-lookup"];
  return {
    "wasi:sockets/types": { TcpSocket, UdpSocket },
    "wasi:sockets/ip-name-lookup": {
      /** @param {unknown[]} args 0.3: (name); 0.2: (network, name) */
      resolveAddresses(...args) {
        if (args.length >= 2) return p2.resolveAddresses(args[0], args[1]);
        const name = String(args[0]);
        const literal = ipv4(name) ?? ipv6(name);
        if (literal) return ok([literal]);
        return err({ tag: Preview2Core.resolveAddressesError(name) });
      },
    },
  };
}
