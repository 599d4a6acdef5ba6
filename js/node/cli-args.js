// Command-line parsing for `wasi-web`, with the flag shapes of `wasmtime run`.
import fs from "node:fs";
import { guestPathKey } from "../options.js";

export const USAGE = `Usage: wasi-web [run] [OPTIONS] FILE [ARGS...]
       wasi-web serve [--addr HOST:PORT] COMPONENT   (wasi:http handler; see wasi-web serve --help)

Runs a WebAssembly program: a WASI Preview 1 module (.wasm, or .wat text,
assembled with the optional wabt package) or a WASI 0.2 or 0.3 component
(through jco; 0.3 needs JSPI: Node 24+), on wasi-web's in-memory filesystem. Host directories given with --dir
are mounted live, as wasmtime does: the program works on the real files,
nothing is copied in and nothing is written back (with --browser they are
copied into the page and the changes written back after the run).

Options:
  --dir HOST[::GUEST]    preopen host directory HOST as GUEST (default: HOST as written)
  --dir HOST::GUEST:readonly   the same, read-only: changes fail with EPERM
  --env NAME=VALUE       set an environment variable (--env NAME copies the host's)
  -S inherit-env         give the program all of the host's environment variables
  -S inherit-network     give a WASI 0.3 component the host's network: real TCP/UDP
                         sockets and name lookup (Node only; default: none). wasmtime's
                         -S tcp, -S udp, -S allow-ip-name-lookup are taken as part of it
  --argv0 NAME           the program's argv[0] (default: FILE's base name)
  --invoke FUNC          call export FUNC with ARGS (i32/i64/f32/f64) instead of
                         _start, and print its results; a reactor's _initialize runs first
  --timeout DURATION     end the program after DURATION (5, 5s, 300ms, 2m): exit 134
  --max-memory BYTES     cap the program's linear memory (memory.grow past it fails)
  --max-fds N            open file descriptors, stdio and preopens included (EMFILE past it)
  --mem-dir GUEST        preopen an empty in-memory directory as GUEST (gone at exit)
  --max-bytes BYTES      file data the --mem-dir directories hold in all (ENOSPC past it)
  -W timeout=D,max-memory-size=B   wasmtime's spelling of --timeout and --max-memory
  -S p3, -S http, -W component-model-async   accepted for wasmtime's command lines:
                         WASI 0.3 and wasi:http are always on in wasi-web
  --browser              run in headless Chromium (playwright-core) instead of Node
  -V, --version          print the version
  -h, --help             print this help

BYTES take a K, M or G suffix (KiB, MiB, GiB). Flags also take the
--flag=value form; "--" ends the options. The exit code is the program's
(a proc_exit code of 126 or more is invalid, as in wasmtime: exit 1); a
trap exits with 134 and prints the guest's backtrace.`;

export class UsageError extends Error {}

/**
 * A program to run, as the command line gives it. The optional fields are
 * present only when their flag is given.
 * @typedef {{ file: string, args: string[], dirs: {host: string, guest: string, readonly: boolean}[], env: Record<string, string>, browser: boolean } & RunFlags} RunArgs
 * @typedef {object} RunFlags
 * @property {string} [argv0] --argv0
 * @property {string} [invoke] --invoke: the export to call
 * @property {number} [timeout] --timeout, in milliseconds
 * @property {number} [maxMemory] --max-memory, in bytes
 * @property {number} [maxFds] --max-fds
 * @property {number} [maxBytes] --max-bytes
 * @property {string[]} [memDirs] --mem-dir: guest paths of empty in-memory preopens
 * @property {"host"} [network] -S inherit-network: the host's network for wasi:sockets@0.3
 */

const SIZE_UNITS = /** @type {Record<string, number>} */ ({ "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 });

/** wasmtime's switches for what wasi-web always serves (WASI 0.3, wasi:http, the async ABI). */
const ALWAYS_ON_S = new Set(["p3", "http"]);
const ALWAYS_ON_W = new Set(["component-model-async", "component-model-async-builtins", "component-model-async-stackful"]);

/**
 * A byte count: digits with an optional K, M or G suffix (powers of 1024; "KiB", "MB" too).
 * @param {string} flag
 * @param {string} text
 */
export function parseSize(flag, text) {
  const m = /^(\d+)\s*(?:([KMG])(?:i?B)?|B)?$/i.exec(text.trim());
  const bytes = m ? Number(m[1]) * SIZE_UNITS[(m[2] ?? "").toUpperCase()] : NaN;
  if (!Number.isSafeInteger(bytes))
    throw new UsageError(`bad ${flag} ${JSON.stringify(text)}: expected a byte count such as 65536, 64K, 16M or 1G`);
  return bytes;
}

const DURATION_UNITS = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 });

/**
 * A duration in milliseconds: a number of seconds, or a number with ms, s, m or h (as wasmtime's -W timeout).
 * @param {string} flag
 * @param {string} text
 */
export function parseDuration(flag, text) {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Math.ceil(Number(m[1]) * DURATION_UNITS[m[2] ?? "s"]) : NaN;
  if (!(ms > 0) || !Number.isSafeInteger(ms))
    throw new UsageError(`bad ${flag} ${JSON.stringify(text)}: expected a duration such as 10, 10s, 500ms or 2m`);
  return ms;
}

/**
 * A count of at least `min`.
 * @param {string} flag
 * @param {string} text
 * @param {number} min
 */
function parseCount(flag, text, min) {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > 2 ** 31)
    throw new UsageError(`bad ${flag} ${JSON.stringify(text)}: expected a whole number from ${min} to ${2 ** 31}`);
  return n;
}

/** A -S yes/no value (wasmtime's spelling: y, yes, true, n, no, false; none is yes). @param {string} key @param {string | undefined} v */
function yesNo(key, v) {
  if (v === undefined || /^(y|yes|true)$/.test(v)) return true;
  if (/^(n|no|false)$/.test(v)) return false;
  throw new UsageError(`bad -S ${key}=${v}: expected y or n`);
}

/**
 * @param {string[]} argv process.argv.slice(2)
 * @param {Record<string, string | undefined>} hostEnv
 * @returns {{ help: true } | { version: true } | RunArgs}
 */
export function parseArgs(argv, hostEnv = {}) {
  /** @type {RunArgs["dirs"]} */
  const dirs = [];
  /** @type {Record<string, string>} */
  const env = {};
  let browser = false;
  let inheritEnv = false;
  /** wasmtime's finer network switches, as given: wasi-web has only -S inherit-network. @type {Record<string, boolean>} */
  const netSwitches = {};
  /** @type {RunFlags} */
  const flags = {};
  let i = 0;
  if (argv[0] === "run") i++;
  /** The flag's value: after "=", else the next argument. @param {string} flag @param {string | undefined} inline */
  const value = (flag, inline) => {
    if (inline !== undefined) return inline;
    if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    // -S/-W take their value attached too (-Sinherit-env), as wasmtime's do.
    const short = /^-[SW]./.test(arg);
    const flag = short ? arg.slice(0, 2) : eq < 0 ? arg : arg.slice(0, eq);
    const inline = short ? arg.slice(2) : eq < 0 ? undefined : arg.slice(eq + 1);
    switch (flag) {
      case "-h":
      case "--help":
        return { help: true };
      case "-V":
      case "--version":
        return { version: true };
      case "--browser":
        browser = true;
        break;
      case "--dir": {
        const spec = value(flag, inline);
        const sep = spec.indexOf("::");
        const host = sep < 0 ? spec : spec.slice(0, sep);
        let guest = sep < 0 ? spec : spec.slice(sep + 2);
        // HOST::GUEST:readonly (only after "::": a host path may hold ":").
        const readonly = sep >= 0 && guest.endsWith(":readonly");
        if (readonly) guest = guest.slice(0, -":readonly".length);
        if (host === "" || guest === "") throw new UsageError(`bad --dir ${JSON.stringify(spec)}: expected HOST[::GUEST[:readonly]]`);
        // The guest would see only one of two preopens with the same path.
        const same = dirs.find((d) => guestPathKey(d.guest) === guestPathKey(guest));
        if (same) throw new UsageError(`--dir ${spec}: guest path ${guest} is already --dir ${same.host}::${same.guest}`);
        dirs.push({ host, guest, readonly });
        break;
      }
      case "--env": {
        const spec = value(flag, inline);
        const sep = spec.indexOf("=");
        if (sep === 0) throw new UsageError(`bad --env ${JSON.stringify(spec)}: expected NAME=VALUE`);
        if (sep < 0) {
          const inherited = hostEnv[spec];
          if (inherited !== undefined) env[spec] = inherited;
        } else {
          env[spec.slice(0, sep)] = spec.slice(sep + 1);
        }
        break;
      }
      case "--argv0":
        flags.argv0 = value(flag, inline);
        break;
      case "--invoke":
        flags.invoke = value(flag, inline);
        break;
      case "--timeout":
        flags.timeout = parseDuration(flag, value(flag, inline));
        break;
      case "--max-memory":
        flags.maxMemory = parseSize(flag, value(flag, inline));
        break;
      case "--max-fds":
        // stdio and the preopens take fds too: the core needs at least 3.
        flags.maxFds = parseCount(flag, value(flag, inline), 3);
        break;
      case "--max-bytes":
        flags.maxBytes = parseSize(flag, value(flag, inline));
        break;
      case "--mem-dir": {
        const guest = value(flag, inline);
        if (guest === "") throw new UsageError("--mem-dir needs a guest path");
        (flags.memDirs ??= []).push(guest);
        break;
      }
      case "-S":
      case "-W":
        for (const item of value(flag, inline).split(",")) {
          const sep = item.indexOf("=");
          const key = sep < 0 ? item : item.slice(0, sep);
          const v = sep < 0 ? undefined : item.slice(sep + 1);
          if (flag === "-S" && key === "inherit-env") inheritEnv = yesNo(key, v);
          else if (flag === "-S" && (key === "tcp" || key === "udp" || key === "allow-ip-name-lookup")) netSwitches[key] = yesNo(key, v);
          else if (flag === "-S" && key === "inherit-network") {
            if (yesNo(key, v)) flags.network = "host";
            else delete flags.network;
          } else if ((flag === "-S" && ALWAYS_ON_S.has(key)) || (flag === "-W" && ALWAYS_ON_W.has(key))) {
            // wasmtime needs these to run 0.3 components or wasi:http; wasi-web always has them.
            if (!yesNo(key, v)) throw new UsageError(`${flag} ${key}=n: wasi-web cannot turn that off (it is always on)`);
          } else if (flag === "-W" && key === "timeout" && v !== undefined) flags.timeout = parseDuration("-W timeout", v);
          else if (flag === "-W" && key === "max-memory-size" && v !== undefined) flags.maxMemory = parseSize("-W max-memory-size", v);
          else
            throw new UsageError(
              `unsupported ${flag} option ${JSON.stringify(item)} (wasi-web knows -S inherit-env, -S inherit-network, -S tcp, -S udp, -S allow-ip-name-lookup, -W timeout=D, -W max-memory-size=B, and takes -S p3, -S http, -W component-model-async as always on)`,
            );
        }
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (i >= argv.length) throw new UsageError("no program given");
  for (const [n, guest] of (flags.memDirs ?? []).entries()) {
    const key = guestPathKey(guest);
    const taken = dirs.some((d) => guestPathKey(d.guest) === key) || (flags.memDirs ?? []).slice(0, n).some((g) => guestPathKey(g) === key);
    if (taken) throw new UsageError(`--mem-dir ${guest}: that guest path is already preopened`);
  }
  for (const [key, on] of Object.entries(netSwitches)) {
    // Refused rather than ignored: wasi-web cannot give one part of the network without the others.
    if (!on && flags.network === "host") {
      throw new UsageError(`-S ${key}=n: wasi-web cannot turn that off alone (-S inherit-network gives TCP, UDP and name lookup together)`);
    }
    if (on && key === "allow-ip-name-lookup" && flags.network !== "host") {
      throw new UsageError("-S allow-ip-name-lookup needs -S inherit-network in wasi-web (name lookup comes with the host network)");
    }
  }
  if (inheritEnv) {
    // --env values win over the inherited ones, as in wasmtime.
    const inherited = Object.fromEntries(Object.entries(hostEnv).filter(([, v]) => v !== undefined));
    Object.assign(env, { ...inherited, ...env });
  }
  return { file: argv[i], args: argv.slice(i + 1), dirs, env, browser, ...flags };
}

export const SERVE_USAGE = `Usage: wasi-web serve [OPTIONS] COMPONENT

Serves a component that exports wasi:http/incoming-handler (WASI 0.2) or
wasi:http/handler (WASI 0.3) on a local port, as \`wasmtime serve\` does: each
request runs in a fresh instance (async mode: needs JSPI, Node 24+). Its
outgoing requests go through fetch().

Options:
  --addr HOST:PORT   the address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --env NAME=VALUE   set an environment variable (--env NAME copies the host's)
  --max-body-size N  refuse request bodies over N bytes: 413, or the guest's read fails
                     (default 67108864, 64 MiB)
  --body-timeout S   fail a request body that sends nothing for S seconds (default 30)
  -h, --help         print this help`;

/**
 * The command line of `wasi-web serve` (the arguments after "serve").
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} [hostEnv]
 * @returns {{ help: true } | { file: string, host: string, port: number, env: Record<string, string>, maxBodySize?: number, bodyTimeoutMs?: number }}
 */
export function parseServeArgs(argv, hostEnv = {}) {
  let host = "127.0.0.1";
  let port = 8080;
  /** @type {number | undefined} */
  let maxBodySize;
  /** @type {number | undefined} */
  let bodyTimeoutMs;
  /** @type {Record<string, string>} */
  const env = {};
  /** @type {string | undefined} */
  let file;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === "-h" || flag === "--help") return { help: true };
    if (flag === "--addr") {
      const text = value();
      const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
      if (!m || Number(m[2]) > 65535)
        throw new UsageError(`bad --addr ${JSON.stringify(text)}: expected HOST:PORT, such as 127.0.0.1:8080`);
      host = m[1].replace(/^\[|\]$/g, "");
      port = Number(m[2]);
    } else if (flag === "--env") {
      const text = value();
      const at = text.indexOf("=");
      if (at === 0) throw new UsageError(`bad --env ${JSON.stringify(text)}: expected NAME=VALUE`);
      if (at > 0) env[text.slice(0, at)] = text.slice(at + 1);
      else if (hostEnv[text] !== undefined) env[text] = /** @type {string} */ (hostEnv[text]);
    } else if (flag === "--max-body-size") {
      const text = value();
      if (!/^\d+$/.test(text) || !(Number(text) > 0) || !Number.isSafeInteger(Number(text)))
        throw new UsageError(`bad --max-body-size ${JSON.stringify(text)}: expected a number of bytes > 0`);
      maxBodySize = Number(text);
    } else if (flag === "--body-timeout") {
      const text = value();
      if (!/^\d+(\.\d+)?$/.test(text) || !(Number(text) > 0) || Number(text) > 86400)
        throw new UsageError(`bad --body-timeout ${JSON.stringify(text)}: expected seconds > 0 (at most 86400)`);
      bodyTimeoutMs = Math.max(1, Math.round(Number(text) * 1000));
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unknown serve option ${flag}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`serve takes one component, got ${JSON.stringify(arg)} too`);
    }
  }
  if (file === undefined) throw new UsageError("serve needs a component to serve");
  return { file, host, port, env, maxBodySize, bodyTimeoutMs };
}

/**
 * The bytes of the program file a command line names, or an Error that
 * says which file and why (ENOENT, EACCES, EISDIR …).
 * @param {string} file
 * @returns {Uint8Array}
 */
export function readProgram(file) {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (error);
    throw new Error(`cannot read ${file}: ${code ?? message}`, { cause: error });
  }
}
