import { CallbackSink } from "../callback-sink.js";
import { ConsoleSink } from "../console-sink.js";
import { CORE, FLUSH, WRITE } from "../internal.js";
import { MemFS } from "../memfs.js";
import { OutputBuffer } from "../output-buffer.js";
import { stdinSource } from "../stdin.js";
import { WASIExit } from "../wasi-exit.js";
import { Preview2Core } from "./core.js";
import { buildImports } from "./interfaces.js";

function makeSink(option, name) {
  if (option === undefined || option === "console") return new ConsoleSink(name === "stdout" ? "log" : "error");
  if (option === "buffer") return new OutputBuffer();
  if (typeof option === "function") return new CallbackSink(option);
  throw new TypeError(`options.${name} must be "console", "buffer" or a function, got ${String(option)}`);
}

function stringList(value, what) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw new TypeError(`${what} must be an array of strings`);
  }
  return value.slice();
}

function envList(env) {
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

function preopenList(preopens) {
  if (preopens == null) return [];
  if (typeof preopens !== "object") throw new TypeError("options.preopens must be an object { guestPath: fsPath }");
  return Object.entries(preopens).map(([guest, path]) => {
    if (typeof path !== "string") throw new TypeError(`options.preopens[${JSON.stringify(guest)}] must be a string`);
    return [guest, path];
  });
}

function seedOf(option) {
  if (option === undefined || option === false) return undefined;
  if (option === true) return 0;
  const seed = option?.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new TypeError("options.deterministic.seed must be a non-negative integer");
  return seed;
}

/**
 * A WASI 0.2 (Preview 2) host for one component, on a MemFS that Preview 1
 * programs may share. Takes the options of `WASI` (args, env, preopens,
 * stdin, stdout, stderr, fs, deterministic) plus `cwd` (`initial-cwd`) and
 * `tty` ([stdin, stdout, stderr] are terminals).
 *
 * ```js
 * const wasi = new WASIp2({ args: ["app"], preopens: { "/": "/" }, fs });
 * const component = instantiate(getCoreModule, wasi.imports); // jco --instantiation sync
 * const exitCode = wasi.run(component);
 * ```
 */
export class WASIp2 {
  #fs;
  #sinks;
  #imports;
  /** @internal */
  host;

  constructor(options = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const fs = options.fs ?? new MemFS();
    if (!(fs instanceof MemFS)) throw new TypeError("options.fs must be a MemFS");
    this.#fs = fs;
    const stdout = makeSink(options.stdout, "stdout");
    const stderr = makeSink(options.stderr, "stderr");
    this.#sinks = [stdout, stderr];
    const tty = options.tty ?? [false, false, false];
    if (!Array.isArray(tty) || tty.length !== 3) throw new TypeError("options.tty must be [stdin, stdout, stderr] booleans");
    const core = new Preview2Core(fs[CORE], {
      args: stringList(options.args, "options.args"),
      env: envList(options.env),
      preopens: preopenList(options.preopens),
      stdin: stdinSource(options.stdin),
      stdout: stdout[WRITE],
      stderr: stderr[WRITE],
      tty: tty.map(Boolean),
      seed: seedOf(options.deterministic),
      cwd: options.cwd,
    });
    this.host = {
      core,
      exit: (code) => {
        core.exit(code);
        throw new WASIExit(code, this);
      },
    };
    this.#imports = buildImports(() => this.host);
  }

  /**
   * The import object for a component transpiled with
   * `jco transpile --instantiation`: `{ "wasi:cli/environment": {...}, ... }`.
   */
  get imports() {
    return this.#imports;
  }

  /** Same as `imports`, named like `WASI#getImportObject`. */
  getImportObject() {
    return this.#imports;
  }

  get fs() {
    return this.#fs;
  }

  /** @returns {OutputBuffer | null} */
  get stdout() {
    return this.#sinks[0] instanceof OutputBuffer ? this.#sinks[0] : null;
  }

  /** @returns {OutputBuffer | null} */
  get stderr() {
    return this.#sinks[1] instanceof OutputBuffer ? this.#sinks[1] : null;
  }

  /** The code given to `exit`, if the component called it. */
  get exitCode() {
    return this.host.core.exitCode();
  }

  /** Live resources in the table (for leak checks). */
  get liveResources() {
    return this.host.core.live();
  }

  flush() {
    this.host.core.flush();
    for (const sink of this.#sinks) sink[FLUSH]();
  }

  /**
   * Runs an instantiated command component (the object jco's `instantiate`
   * returns): calls `wasi:cli/run#run` and returns the exit code: 0 when
   * it returns ok, 1 for err, or the code given to `exit`.
   * @param {object} instance
   * @returns {number}
   */
  run(instance) {
    const run = instance?.run?.run ?? findRun(instance);
    if (typeof run !== "function") throw new TypeError("the component does not export wasi:cli/run: it is not a command");
    try {
      run();
      return 0;
    } catch (error) {
      if (error instanceof WASIExit && error.owner === this) return error.exitCode;
      // jco wraps an `err` result of run() in a ComponentError.
      if (error?.name === "ComponentError" || error?.constructor?.name === "ComponentError") return 1;
      throw error;
    } finally {
      this.flush();
    }
  }
}

function findRun(instance) {
  for (const [key, value] of Object.entries(instance ?? {})) {
    if (key.startsWith("wasi:cli/run@") && typeof value?.run === "function") return value.run;
  }
  return undefined;
}

let defaultWasi = null;

/**
 * Configures the host behind the module exports `wasi-web/preview2/io`,
 * `.../cli`, ... that `jco transpile --map 'wasi:cli/*=wasi-web/preview2/cli#*'`
 * output imports. Call it before the component runs; returns the WASIp2.
 * Without it, the first call makes one with default options (console output,
 * a new empty MemFS, no preopens).
 */
export function configure(options = {}) {
  defaultWasi = new WASIp2(options);
  return defaultWasi;
}

/** The WASIp2 behind the module exports (made on first use). */
export function defaultHost() {
  if (defaultWasi === null) defaultWasi = new WASIp2();
  return defaultWasi;
}
