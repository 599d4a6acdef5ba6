// wasi:sockets/* for `jco transpile --map 'wasi:sockets/*=wasi-web/preview2/sockets#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:sockets");
export const { network, instanceNetwork, ipNameLookup, tcp, tcpCreateSocket, udp, udpCreateSocket } = imports;
