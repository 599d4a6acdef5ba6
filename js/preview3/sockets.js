// wasi:sockets@0.3. By default (and always in a page) wasi-web opens no
// socket: creating a TCP or UDP socket fails with `not-supported`;
// `resolve-addresses` answers an IP address literal with that address,
// fails a string that is no host name with `invalid-argument`, and any
// other name with `permanent-resolver-failure` (no resolver). With
// `network: "host"` (Node only) the sockets and the lookup are real:
// sockets-node.js. jco keys 0.2's and 0.3's ip-name-lookup under one name,
// so `resolveAddresses` serves 0.2's call (network, name) too (0.2 sockets
// stay not-supported).
import { Preview2Core } from "../core.js";
import { define } from "../preview2/resource.js";
import { socketsImports } from "../preview2/sockets.js";
import { hostSockets, ipv6Groups } from "./sockets-node.js";
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
  // No zone ("%eth0"): a name lookup gives none.
  const groups = text.includes("%") ? undefined : ipv6Groups(text);
  return groups ? { tag: "ipv6", val: groups } : undefined;
}

/** The key of socketsImports3's result under which it keeps `closeAll()` (merge() leaves symbol keys out). */
export const CLOSE_SOCKETS = Symbol("wasi-web.closeSockets");

/**
 * The `network` option of WASIp3: "none" (the default: no socket, no
 * resolver) or "host" (Node's network, as wasmtime's `-S inherit-network`).
 * @param {unknown} value
 * @returns {"none" | "host"}
 */
export function networkOption(value) {
  if (value === undefined || value === "none") return "none";
  if (value === "host") return "host";
  throw new TypeError(`options.network must be "none" or "host", got ${JSON.stringify(value) ?? String(value)}`);
}

/**
 * The 0.3 wasi:sockets interfaces, on top of 0.2's (for jco's shared keys).
 * `network: "host"` gives real sockets (Node only: elsewhere it throws).
 * @param {() => Preview2Host} getHost
 * @param {unknown} [network] the WASIp3 option
 */
export function socketsImports3(getHost, network) {
  const p2 = socketsImports(getHost)["wasi:sockets/ip-name-lookup"];
  // Each host gets its own classes: `create` is static, so it cannot ask which host it serves.
  const host = networkOption(network) === "host" ? hostSockets() : null;
  return {
    // Closes this host's sockets: WASIp3 calls it when the run ends (a command's sockets die with it, as in wasmtime).
    [CLOSE_SOCKETS]: () => host?.closeAll(),
    "wasi:sockets/types": host ? { TcpSocket: host.TcpSocket, UdpSocket: host.UdpSocket } : { TcpSocket, UdpSocket },
    "wasi:sockets/ip-name-lookup": {
      /** @param {unknown[]} args 0.3: (name); 0.2: (network, name) */
      resolveAddresses(...args) {
        if (args.length >= 2) return p2.resolveAddresses(args[0], args[1]);
        if (host) return host.resolveAddresses(String(args[0]));
        const name = String(args[0]);
        const literal = ipv4(name) ?? ipv6(name);
        if (literal) return ok([literal]);
        return err({ tag: Preview2Core.resolveAddressesError(name) });
      },
    },
  };
}
