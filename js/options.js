// Reading the options `WASI` (js/wasi.js) and `WASIp2` (js/preview2/wasip2.js)
// share (js/host-base.js reads them), into the shapes their cores take.
import { CallbackSink } from "./callback-sink.js";
import { ConsoleSink } from "./console-sink.js";
import { DEFAULT_MAX_BUFFER_BYTES, OutputBuffer } from "./output-buffer.js";
import { stdinSource } from "./stdin.js";
import { StdinQueue } from "./stdin-queue.js";

/**
 * The options `WASI` and `WASIp2` share.
 * @typedef {object} HostOptions
 * @property {string[]} [args] argv, argv[0] included
 * @property {Record<string, string | undefined> | string[]} [env] variables, or `KEY=VALUE` strings
 * @property {Record<string, string>} [preopens] guest path → directory in `fs`
 * @property {StdinOptionValue} [stdin]
 * @property {boolean | boolean[]} [tty] whether stdin, stdout, stderr are terminals (default: a console or live stdin is one)
 * @property {boolean} [async] waits suspend the guest (JSPI)
 * @property {boolean | { seed?: number }} [deterministic] virtual clocks and seeded randomness
 * @property {OutputOption} [stdout]
 * @property {OutputOption} [stderr]
 * @property {number} [maxBufferBytes] the most a "buffer" stdout/stderr holds (default 64 MiB); past it the guest's writes fail
 * @property {number} [maxIoBytes] the most one read or write moves, in either preview (default 16 MiB, the core's); a longer one is a short read or write
 * @property {import("./memfs.js").MemFS} [fs] default: a new empty MemFS
 */

/** @typedef {"console" | "buffer" | ((chunk: Uint8Array) => void)} OutputOption */
/**
 * @typedef {undefined | string | Uint8Array | ArrayBuffer | StdinQueue | ReadableStream
 *   | AsyncIterable<string | Uint8Array> | ((max: number) => Uint8Array | string | null | undefined)} StdinOptionValue
 */
/** What the core reads stdin from: all of it, or `(max) => bytes | null (EOF) | undefined (nothing yet)`. */
/** @typedef {Uint8Array | ((max: number) => Uint8Array | null | undefined)} StdinSource */
/** @typedef {import("./callback-sink.js").CallbackSink | import("./console-sink.js").ConsoleSink | OutputBuffer} Sink */

/**
 * A ReadableStream or an async iterable: stdin fed live.
 * @param {unknown} value
 * @returns {value is ReadableStream | AsyncIterable<string | Uint8Array>}
 */
function isStream(value) {
  return (
    (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) ||
    (value != null && typeof value === "object" && Symbol.asyncIterator in value)
  );
}

/**
 * The `stdin` option: the queue behind it when it is fed live (a StdinQueue
 * or a stream), and what the core reads from.
 * @param {unknown} option
 * @returns {{ queue: StdinQueue | null, source: StdinSource }}
 */
export function stdinOption(option) {
  const stdin = isStream(option) ? StdinQueue.from(option) : option;
  // A source with read(max) (StdinQueue, worker mode's channel) may answer
  // undefined for "nothing yet"; plain callbacks mean EOF by it.
  const reader = /** @type {{ read?: unknown }} */ (stdin);
  if (typeof reader?.read === "function") {
    const source = /** @type {{ read(max: number): Uint8Array | null | undefined }} */ (reader);
    return { queue: stdin instanceof StdinQueue ? stdin : null, source: (max) => source.read(max) };
  }
  return { queue: null, source: stdinSource(/** @type {Parameters<typeof stdinSource>[0]} */ (stdin)) };
}

/**
 * The `maxBufferBytes` option: the most a "buffer" sink holds (default 64 MiB).
 * @param {unknown} value
 * @returns {number}
 */
export function maxBufferOption(value) {
  if (value === undefined) return DEFAULT_MAX_BUFFER_BYTES;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > MAX_BUFFER_LIMIT) {
    throw new TypeError(`options.maxBufferBytes must be a whole number from 0 to ${MAX_BUFFER_LIMIT}, got ${String(value)}`);
  }
  return value;
}

/** The largest `maxBufferBytes`: 4 GiB - 1, past what one Uint8Array may hold on some engines. */
const MAX_BUFFER_LIMIT = 2 ** 32 - 1;

/**
 * The sink for a `stdout` / `stderr` option (`maxBufferBytes` caps a "buffer").
 * @param {unknown} option
 * @param {"stdout" | "stderr"} name
 * @returns {Sink}
 */
export function makeSink(option, name, maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES) {
  if (option === undefined || option === "console") return new ConsoleSink(name === "stdout" ? "log" : "error");
  if (option === "buffer") return new OutputBuffer(maxBufferBytes);
  if (typeof option === "function") return new CallbackSink(/** @type {(chunk: Uint8Array) => void} */ (option));
  throw new TypeError(`options.${name} must be "console", "buffer" or a function, got ${String(option)}`);
}

/**
 * A copy of an array of strings (missing: empty).
 * @param {unknown} value
 * @param {string} what the option, for the message
 * @returns {string[]}
 */
export function stringList(value, what) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw new TypeError(`${what} must be an array of strings`);
  }
  return value.slice();
}

/**
 * `env` as `KEY=VALUE` strings, from an object (undefined values skipped) or an array.
 * @param {unknown} env
 * @returns {string[]}
 */
export function envList(env) {
  if (env == null) return [];
  if (Array.isArray(env)) return stringList(env, "options.env");
  if (typeof env !== "object") throw new TypeError("options.env must be an object of strings");
  return Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (k.includes("=")) throw new TypeError(`options.env: variable name ${JSON.stringify(k)} contains '='`);
      return `${k}=${v}`;
    });
}

/**
 * A guest path reduced to the directory it names for a guest: repeated
 * slashes and `.` segments dropped, no trailing slash (`/data/` and
 * `/data//.` are `/data`; `./a` and `a` are `a`).
 * @param {string} guest
 */
export function guestPathKey(guest) {
  const absolute = guest.startsWith("/");
  const parts = guest.split("/").filter((part) => part !== "" && part !== ".");
  const key = parts.join("/");
  return absolute ? `/${key}` : key === "" ? "." : key;
}

/**
 * `preopens` `{ guestPath: fsPath }` as `[guest, path]` pairs. Two guest
 * paths that name the same directory (`/data` and `/data/`) are refused:
 * the guest would see only one of them.
 * @param {unknown} preopens
 * @returns {[string, string][]}
 */
export function preopenList(preopens) {
  if (preopens == null) return [];
  if (typeof preopens !== "object") throw new TypeError("options.preopens must be an object { guestPath: fsPath }");
  /** @type {Map<string, string>} */
  const seen = new Map();
  return Object.entries(preopens).map(([guest, path]) => {
    if (typeof path !== "string") throw new TypeError(`options.preopens[${JSON.stringify(guest)}] must be a string`);
    const key = guestPathKey(guest);
    if (seen.has(key)) {
      throw new TypeError(
        `options.preopens: ${JSON.stringify(seen.get(key))} and ${JSON.stringify(guest)} are the same guest path; the guest would see only one`,
      );
    }
    seen.set(key, guest);
    return [guest, path];
  });
}

/**
 * The seed of `deterministic` (true: 0), or undefined when off.
 * @param {unknown} option
 * @returns {number | undefined}
 */
export function deterministicSeed(option) {
  if (option === undefined || option === false) return undefined;
  if (option === true) return 0;
  const seed = /** @type {{ seed?: unknown } | null} */ (option)?.seed ?? 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0)
    throw new TypeError("options.deterministic.seed must be a non-negative integer");
  return seed;
}

/**
 * Whether `async` is asked for; throws when the engine lacks JSPI.
 * @param {unknown} option
 * @returns {boolean}
 */
export function asyncOption(option) {
  const wanted = option === true;
  if (wanted && typeof WebAssembly.Suspending !== "function") {
    throw new TypeError("options.async needs JSPI (WebAssembly.Suspending): Chromium 137+, Node 24+. Without it, run synchronously.");
  }
  return wanted;
}

/**
 * The `tty` option: whether stdin, stdout and stderr are terminals (isatty;
 * `wasi:cli/terminal-*`). A boolean sets all three, an array each one
 * (missing entries: false). By default a console, or stdin fed live (a
 * StdinQueue or a stream), is a terminal.
 * @param {unknown} option
 * @param {{ liveStdin: boolean, stdout: unknown, stderr: unknown }} defaults
 * @returns {[boolean, boolean, boolean]}
 */
export function ttyOption(option, { liveStdin, stdout, stderr }) {
  if (typeof option === "boolean") return [option, option, option];
  if (Array.isArray(option)) return [option[0] === true, option[1] === true, option[2] === true];
  if (option !== undefined) throw new TypeError("options.tty must be a boolean or an array of 3 booleans");
  /** @param {unknown} o */
  const console = (o) => o === undefined || o === "console";
  return [liveStdin, console(stdout), console(stderr)];
}

/**
 * An optional whole-number option from `min` to `max` (undefined: the core's default).
 * @param {unknown} value
 * @param {string} what the option, for the message
 * @param {number} min
 * @param {number} max
 * @returns {number | undefined}
 */
export function optionalCount(value, what, min, max) {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${what} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
