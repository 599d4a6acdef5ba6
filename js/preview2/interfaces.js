// The WASI 0.2 interface objects, shaped as jco expects them: one object
// per interface, keyed like jco's `--instantiation` import object
// ("wasi:io/streams": { InputStream, OutputStream }, ...). Functions that
// are not methods find their host through `getHost()` at call time, so the
// module-level exports (for `--map`) can follow `configure()`.
import { Preview2Core } from "./core.js";
import * as R from "./resources.js";
import { handle, waiting, wrap } from "./resources.js";
import { Timezone } from "./timezone.js";

/** Most pollables one `poll` takes: `MAX_POLL` in src/preview2/io.rs. */
const MAX_POLL = 65536;

/** For hosts made without a `timezone` (buildImports with a host of one's own). */
let localZone = null;

/**
 * @param {() => { core: Preview2Core, exit(code: number): never, timezone?: Timezone }} getHost
 * @returns {Record<string, Record<string, unknown>>}
 */
export function buildImports(getHost) {
  const core = () => getHost().core;
  const zone = () => getHost().timezone ?? (localZone ??= new Timezone());
  const datetime = ([seconds, nanoseconds]) => ({ seconds, nanoseconds: Number(nanoseconds) });
  const socketError = () => {
    throw Preview2Core.createSocketError();
  };
  return {
    "wasi:io/error": { Error: R.IoError },
    "wasi:io/poll": {
      Pollable: R.Pollable,
      poll(list) {
        const host = getHost();
        // The core refuses longer lists too; checked here before the
        // handles are gathered (the limit and message are the core's).
        if (list?.length > MAX_POLL) throw new Error(`wasi-web: poll takes at most ${MAX_POLL} pollables, not ${list.length}`);
        const ids = Array.from(list, (p) => handle(p, R.Pollable));
        const array = Uint32Array.from(ids);
        return waiting(host, () => host.core.poll(array));
      },
    },
    "wasi:io/streams": { InputStream: R.InputStream, OutputStream: R.OutputStream },

    "wasi:clocks/wall-clock": {
      now: () => datetime(core().wallNow()),
      resolution: () => datetime(core().wallResolution()),
    },
    "wasi:clocks/monotonic-clock": {
      now: () => core().monotonicNow(),
      resolution: () => core().monotonicResolution(),
      subscribeInstant: (when) => wrap(R.Pollable, getHost(), core().subscribeInstant(BigInt(when))),
      subscribeDuration: (d) => wrap(R.Pollable, getHost(), core().subscribeDuration(BigInt(d))),
    },
    // Unstable in WASI 0.2 (feature clocks-timezone); pure JS, no core state.
    "wasi:clocks/timezone": {
      display: (when) => zone().display(when),
      utcOffset: (when) => zone().utcOffset(when),
    },

    "wasi:random/random": {
      getRandomBytes: (len) => core().getRandomBytes(BigInt(len)),
      getRandomU64: () => core().getRandomU64(),
    },
    "wasi:random/insecure": {
      getInsecureRandomBytes: (len) => core().getRandomBytes(BigInt(len)),
      getInsecureRandomU64: () => core().getRandomU64(),
    },
    "wasi:random/insecure-seed": {
      insecureSeed: () => Array.from(core().insecureSeed()),
    },

    "wasi:cli/environment": {
      getEnvironment: () => core().getEnvironment(),
      getArguments: () => core().getArguments(),
      initialCwd: () => core().initialCwd(),
    },
    "wasi:cli/exit": {
      exit(status) {
        getHost().exit(status?.tag === "err" ? 1 : 0);
      },
      exitWithCode(code) {
        getHost().exit(code & 0xff);
      },
    },
    "wasi:cli/stdin": { getStdin: () => wrap(R.InputStream, getHost(), core().getStdin()) },
    "wasi:cli/stdout": { getStdout: () => wrap(R.OutputStream, getHost(), core().getStdout()) },
    "wasi:cli/stderr": { getStderr: () => wrap(R.OutputStream, getHost(), core().getStderr()) },
    "wasi:cli/terminal-input": { TerminalInput: R.TerminalInput },
    "wasi:cli/terminal-output": { TerminalOutput: R.TerminalOutput },
    "wasi:cli/terminal-stdin": { getTerminalStdin: () => terminal(getHost(), 0, R.TerminalInput) },
    "wasi:cli/terminal-stdout": { getTerminalStdout: () => terminal(getHost(), 1, R.TerminalOutput) },
    "wasi:cli/terminal-stderr": { getTerminalStderr: () => terminal(getHost(), 2, R.TerminalOutput) },

    "wasi:filesystem/types": {
      Descriptor: R.Descriptor,
      DirectoryEntryStream: R.DirectoryEntryStream,
      filesystemErrorCode: (err) => core().filesystemErrorCode(handle(err, R.IoError)),
    },
    "wasi:filesystem/preopens": {
      getDirectories() {
        const host = getHost();
        return host.core.getDirectories().map(([id, name]) => [wrap(R.Descriptor, host, id), name]);
      },
    },

    "wasi:sockets/network": { Network: R.Network },
    "wasi:sockets/instance-network": {
      instanceNetwork: () => wrap(R.Network, getHost(), core().instanceNetwork()),
    },
    "wasi:sockets/ip-name-lookup": {
      ResolveAddressStream: R.ResolveAddressStream,
      resolveAddresses(network, name) {
        handle(network, R.Network);
        throw Preview2Core.resolveAddressesError(String(name));
      },
    },
    "wasi:sockets/tcp": { TcpSocket: R.TcpSocket },
    "wasi:sockets/tcp-create-socket": { createTcpSocket: socketError },
    "wasi:sockets/udp": {
      UdpSocket: R.UdpSocket,
      IncomingDatagramStream: R.IncomingDatagramStream,
      OutgoingDatagramStream: R.OutgoingDatagramStream,
    },
    "wasi:sockets/udp-create-socket": { createUdpSocket: socketError },
  };
}

function terminal(host, which, Class) {
  const id = host.core.getTerminal(which);
  return id === undefined ? undefined : wrap(Class, host, id);
}

/** Interface name ("wasi:cli/terminal-stdin") → export name for `--map` ("terminalStdin"). */
export function exportName(iface) {
  return iface.slice(iface.indexOf("/") + 1).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

/** The interfaces of one package ("wasi:cli") keyed by export name. */
export function packageExports(imports, pkg) {
  const out = {};
  for (const [iface, value] of Object.entries(imports)) {
    if (iface.startsWith(`${pkg}/`)) out[exportName(iface)] = value;
  }
  return out;
}
