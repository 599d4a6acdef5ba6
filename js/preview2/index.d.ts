// wasi-web/preview2: a WASI 0.2 host for components transpiled by jco.
import type { JcoModule, MemFS, OutputBuffer, OutputOption, RunResult, StdinQueue } from "../index.js";
export { init, initSync, isReady } from "../index.js";

export interface WASIp2Options {
  /** argv, argv[0] included (`wasi:cli/environment.get-arguments`). */
  args?: string[];
  env?: Record<string, string> | string[];
  /** guest path → directory in `fs` (`wasi:filesystem/preopens`). */
  preopens?: Record<string, string>;
  /** A StdinQueue (or a stream, made into one) feeds stdin while the component runs. */
  stdin?:
    | string
    | Uint8Array
    | ArrayBuffer
    | StdinQueue
    | ReadableStream
    | AsyncIterable<string | Uint8Array>
    | ((max: number) => Uint8Array | string | null | undefined);
  stdout?: OutputOption;
  stderr?: OutputOption;
  /** The most a "buffer" stdout or stderr holds, in bytes (default 64 MiB), as for WASI. */
  maxBufferBytes?: number;
  /** Default: a new empty MemFS. Share one with Preview 1 programs freely. */
  fs?: MemFS;
  /** Virtual clocks and seeded randomness, as for WASI. */
  deterministic?: boolean | { seed?: number };
  /**
   * Most bytes one stream or descriptor read, descriptor write or
   * `check-write` grant moves (a short read or write past it; a stream
   * `write` longer than `check-write` grants traps), as WASI's
   * `maxIoBytes`. Default 16 MiB (`check-write` grants at most 1 MiB).
   */
  maxIoBytes?: number;
  /** `wasi:cli/environment.initial-cwd`. */
  cwd?: string;
  /**
   * Whether stdin, stdout, stderr are terminals (`wasi:cli/terminal-*`), as
   * for WASI: one boolean for all three, or one each. Default: a "console"
   * output and a StdinQueue or stream input are terminals.
   */
  tty?: boolean | [boolean, boolean, boolean];
  /**
   * The IANA time zone `wasi:clocks/timezone` answers for ("Europe/Berlin").
   * Default: the browser's or Node's local zone; "UTC" when `deterministic`.
   */
  timeZone?: string;
  /**
   * Waits suspend the component (JSPI) instead of blocking the thread: run
   * it with `runAsync()`, transpiled with `--async-mode jspi` and
   * `ASYNC_IMPORTS` / `ASYNC_EXPORTS`. `run()` and `runComponent()` do that.
   */
  async?: boolean;
}

/** The imports that may wait, for `jco transpile --async-imports` (JSPI). */
export const ASYNC_IMPORTS: string[];
/**
 * The filesystem and file-stream imports that may wait for a URL or OPFS
 * mount: async imports too for a host whose `waitsOnMounts`.
 */
export const MOUNT_ASYNC_IMPORTS: string[];
/** `["wasi:cli/run#run", "wasi:http/incoming-handler#handle"]`, for `jco transpile --async-exports`. */
export const ASYNC_EXPORTS: string[];

/** A `wasi:wall-clock/datetime` as jco passes it. */
export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/** `wasi:clocks/timezone.timezone-display`, with jco's camelCase fields. */
export interface TimezoneDisplay {
  /** Seconds east of UTC: local time minus UTC (-18000 for New York in winter). */
  utcOffset: number;
  /** "EST", "CET", ...; the offset ("+05:45") when the zone has no common abbreviation; "UTC". */
  name: string;
  inDaylightSavingTime: boolean;
}

/** jco's `--instantiation` import object: `{ "wasi:io/streams": { InputStream, OutputStream }, ... }`. */
export type Preview2Imports = Record<string, Record<string, unknown>>;

export class WASIp2 {
  constructor(options?: WASIp2Options);
  /** The import object for `instantiate(getCoreModule, imports)` of `jco transpile --instantiation`. */
  readonly imports: Preview2Imports;
  getImportObject(): Preview2Imports;
  /**
   * A `wasi:io/poll` pollable backed by a JS promise (a timer, a fetch, any
   * host event), for host-defined imports to return to the component: ready
   * once the promise settles; in async mode a waiting poll wakes then.
   */
  pollableFromPromise(promise: Promise<unknown>): unknown;
  readonly fs: MemFS;
  readonly stdout: OutputBuffer | null;
  readonly stderr: OutputBuffer | null;
  readonly exitCode: number | undefined;
  /** Live resources in the host's table. */
  readonly liveResources: number;
  /** Calls `wasi:cli/run#run` of an instantiated component; returns the exit code. */
  run(instance: object): number;
  /**
   * As `run()` for `async: true` hosts and JSPI-transpiled components.
   * `signal` stops the component at its next wait (an "AbortError" DOMException).
   */
  runAsync(instance: object, options?: { signal?: AbortSignal }): Promise<number>;
  readonly async: boolean;
  /**
   * Async mode on a MemFS that had a suspending mount (URL, OPFS on a page)
   * when this host was made: its filesystem calls may wait, so the
   * component must be transpiled with MOUNT_ASYNC_IMPORTS too (`mounts: true`).
   */
  readonly waitsOnMounts: boolean;
  /** The IANA zone of `wasi:clocks/timezone` ("UTC", "America/New_York"). */
  readonly timeZone: string;
  /** The queue behind `stdin` when it is a StdinQueue or a stream, else null. */
  readonly stdinQueue: StdinQueue | null;
  flush(): void;
}

/** Sets up the host behind `wasi-web/preview2/{io,clocks,random,filesystem,cli,sockets}` (for `jco transpile --map`). */
export function configure(options?: WASIp2Options): WASIp2;

/** Whether the bytes are a WebAssembly component (`\0asm 0d 00 01 00`). */
export function isComponent(data: unknown): boolean;

/** jco's output: `${name}.js` and its core modules, by file name. Treat the bytes as read-only (they may be cached). */
export interface TranspiledFiles {
  name: string;
  files: Map<string, Uint8Array>;
  imports: string[];
  exports: [string, string][];
}

export interface TranspileOptions {
  /** Transpile for JSPI (`--async-mode jspi` with ASYNC_IMPORTS / ASYNC_EXPORTS). */
  async?: boolean;
  /** With `async`: MOUNT_ASYNC_IMPORTS are async imports too (for a host whose `waitsOnMounts`). */
  mounts?: boolean;
  /**
   * `false` bypasses the transpile cache (memory and disk). WASI_WEB_NO_CACHE=1
   * in the environment (Node) does the same for every call.
   */
  cache?: boolean;
  /**
   * jco's module (`@bytecodealliance/jco/component`) if you load it yourself;
   * else it is imported on first use (a lazily loaded chunk when bundled).
   */
  jco?: JcoModule;
}

/**
 * jco's output as files (cached, see `transpileCacheStats`). `instantiation`
 * is jco's `--instantiation` mode: "sync" (default) or "async" (getCoreModule
 * may return Promises).
 */
export function transpileFiles(
  component: Uint8Array | ArrayBuffer,
  options?: TranspileOptions & { instantiation?: "sync" | "async" },
): Promise<TranspiledFiles>;

/** Transpiles with jco (`--instantiation sync`; `async`: `--async-mode jspi`), cached, and compiles the core modules. */
export function transpileComponent(
  component: Uint8Array | ArrayBuffer,
  options?: TranspileOptions,
): Promise<{
  instantiate(imports: Preview2Imports): object;
  imports: string[];
  exports: [string, string][];
}>;

/** Runs a command component to completion, collecting stdout and stderr. Needs @bytecodealliance/jco. */
export function runComponent(
  component: Uint8Array | ArrayBuffer,
  options?: Omit<WASIp2Options, "stdout" | "stderr"> & { cache?: boolean; signal?: AbortSignal; jco?: JcoModule },
): Promise<RunResult>;

/**
 * The transpile cache's counters since this process (or page) started: hits
 * in memory and on disk (Node), misses (jco ran), corrupt disk entries
 * dropped and rebuilt, entries written; and how many outputs memory holds.
 */
export function transpileCacheStats(): {
  memoryHits: number;
  diskHits: number;
  misses: number;
  corrupt: number;
  writes: number;
  memoryEntries: number;
};

/** Empties the in-memory transpile cache (the disk cache stays). */
export function clearTranspileCache(): void;

/** The interface objects for a host found through `getHost()` at each call. */
export function buildImports(getHost: () => unknown): Preview2Imports;
