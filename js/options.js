// Reading the options `WASI` (js/wasi.js) and `WASIp2` (js/preview2/host.js)
// share, into the shapes their cores take.
import { CallbackSink } from "./callback-sink.js";
import { ConsoleSink } from "./console-sink.js";
import { DEFAULT_MAX_BUFFER_BYTES, OutputBuffer } from "./output-buffer.js";
import { stdinSource } from "./stdin.js";
import { StdinQueue } from "./stdin-queue.js";

/** A ReadableStream or an async iterable: stdin fed live. */
export function isStream(value) {
  return (
    (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) ||
    (value != null && typeof value === "object" && Symbol.asyncIterator in value)
  );
}

/**
 * The `stdin` option: the queue behind it when it is fed live (a StdinQueue
 * or a stream), and what the core reads from.
 * @returns {{ queue: StdinQueue | null, source: Uint8Array | ((max: number) => Uint8Array | null | undefined) }}
 */
export function stdinOption(option) {
  const stdin = isStream(option) ? StdinQueue.from(option) : option;
  return {
    queue: stdin instanceof StdinQueue ? stdin : null,
    // A source with read(max) (StdinQueue, worker mode's channel) may answer
    // undefined for "nothing yet"; plain callbacks mean EOF by it.
    source: typeof stdin?.read === "function" ? (max) => stdin.read(max) : stdinSource(stdin),
  };
}

/** The `maxBufferBytes` option: the most a "buffer" sink holds (default 64 MiB). */
export function maxBufferOption(value) {
  if (value === undefined) return DEFAULT_MAX_BUFFER_BYTES;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_BUFFER_LIMIT) {
    throw new TypeError(`options.maxBufferBytes must be a whole number from 0 to ${MAX_BUFFER_LIMIT}, got ${String(value)}`);
  }
  return value;
}

/** The largest `maxBufferBytes`: 4 GiB - 1, past what one Uint8Array may hold on some engines. */
const MAX_BUFFER_LIMIT = 2 ** 32 - 1;

/** The sink for a `stdout` / `stderr` option (`maxBufferBytes` caps a "buffer"). */
export function makeSink(option, name, maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES) {
  if (option === undefined || option === "console") return new ConsoleSink(name === "stdout" ? "log" : "error");
  if (option === "buffer") return new OutputBuffer(maxBufferBytes);
  if (typeof option === "function") return new CallbackSink(option);
  throw new TypeError(`options.${name} must be "console", "buffer" or a function, got ${String(option)}`);
}

/** A copy of an array of strings (missing: empty). */
export function stringList(value, what) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw new TypeError(`${what} must be an array of strings`);
  }
  return value.slice();
}

/** `env` as `KEY=VALUE` strings, from an object (undefined values skipped) or an array. */
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
 */
export function preopenList(preopens) {
  if (preopens == null) return [];
  if (typeof preopens !== "object") throw new TypeError("options.preopens must be an object { guestPath: fsPath }");
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

/** The seed of `deterministic` (true: 0), or undefined when off. */
export function deterministicSeed(option) {
  if (option === undefined || option === false) return undefined;
  if (option === true) return 0;
  const seed = option?.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new TypeError("options.deterministic.seed must be a non-negative integer");
  return seed;
}

/** Whether `async` is asked for; throws when the engine lacks JSPI. */
export function asyncOption(option) {
  const wanted = option === true;
  if (wanted && typeof WebAssembly.Suspending !== "function") {
    throw new TypeError(
      "options.async needs JSPI (WebAssembly.Suspending): Chromium 137+, Node 24+. Without it, run synchronously.",
    );
  }
  return wanted;
}
