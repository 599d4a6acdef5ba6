// wasi:sockets: the resources and functions, and the module exports for
// `jco transpile --map 'wasi:sockets/*=wasi-web/preview2/sockets#*'` (served
// by the WASIp2 set with `configure()` from "wasi-web/preview2"). A browser
// can open no socket: creating one fails with `not-supported`, and name
// lookups fail; `instance-network` works.
import { Preview2Core } from "../core.js";
import { defaultHost } from "./default-host.js";
import { define, handle, wrap } from "./resource.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */

export const Network = define("Network", "wasi:sockets/network.network");
// No socket can be created, so these never have instances; they exist
// because jco checks resources with instanceof.
export const TcpSocket = define("TcpSocket", "wasi:sockets/tcp.tcp-socket");
export const UdpSocket = define("UdpSocket", "wasi:sockets/udp.udp-socket");
export const IncomingDatagramStream = define("IncomingDatagramStream", "wasi:sockets/udp.incoming-datagram-stream");
export const OutgoingDatagramStream = define("OutgoingDatagramStream", "wasi:sockets/udp.outgoing-datagram-stream");
export const ResolveAddressStream = define("ResolveAddressStream", "wasi:sockets/ip-name-lookup.resolve-address-stream");

/** @returns {never} */
function socketError() {
  throw Preview2Core.createSocketError();
}

/**
 * The wasi:sockets interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function socketsImports(getHost) {
  return {
    "wasi:sockets/network": { Network },
    "wasi:sockets/instance-network": {
      instanceNetwork: () => wrap(Network, getHost(), getHost().core.instanceNetwork()),
    },
    "wasi:sockets/ip-name-lookup": {
      ResolveAddressStream,
      /** @param {unknown} network @param {unknown} name */
      resolveAddresses(network, name) {
        handle(network, Network);
        throw Preview2Core.resolveAddressesError(String(name));
      },
    },
    "wasi:sockets/tcp": { TcpSocket },
    "wasi:sockets/tcp-create-socket": { createTcpSocket: socketError },
    "wasi:sockets/udp": { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    "wasi:sockets/udp-create-socket": { createUdpSocket: socketError },
  };
}

const mapped = socketsImports(defaultHost);
export const network = mapped["wasi:sockets/network"];
export const instanceNetwork = mapped["wasi:sockets/instance-network"];
export const ipNameLookup = mapped["wasi:sockets/ip-name-lookup"];
export const tcp = mapped["wasi:sockets/tcp"];
export const tcpCreateSocket = mapped["wasi:sockets/tcp-create-socket"];
export const udp = mapped["wasi:sockets/udp"];
export const udpCreateSocket = mapped["wasi:sockets/udp-create-socket"];
