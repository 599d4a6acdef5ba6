// Types for wasi-web (hand-written; the JS is JSDoc-typed ESM).
// Importing the package loads the core with top-level await: no init().
/// <reference lib="esnext.disposable" />

/** What `MemFS.stat` / `lstat` return. */
export class Stats {
  readonly type: "file" | "directory" | "symlink";
  readonly size: number;
  readonly ino: number;
  readonly nlink: number;
  readonly dev: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** An error from MemFS, with a node:fs-style code. */
export interface MemFSError extends Error {
  code: "ENOENT" | "EEXIST" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY" | "EINVAL" | "ELOOP" | string;
}

export type Binary = Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * Resource limits of a MemFS. Each is checked before a change is made, so a
 * refused change leaves no trace. `Infinity` lifts one.
 */
export interface MemFSLimits {
  /** Stored file data in all files, in bytes (ENOSPC). Holes of sparse files are free; fd_allocate reserves. Default 1 GiB. */
  maxBytes?: number;
  /** Size of one file, holes included (EFBIG). Default and most: 2^63 - 1 (holes cost nothing). */
  maxFileSize?: number;
  /** Files, directories and symlinks, the root included (ENOSPC). Default 1,048,576. */
  maxInodes?: number;
  /** Symlinks followed while resolving one path (ELOOP). Default 40. */
  maxSymlinks?: number;
  /** Bytes in one path or symlink target (ENAMETOOLONG); a component has at most 255 regardless. Default 4096. */
  maxPathLength?: number;
}

export interface MemFSOptions {
  limits?: MemFSLimits;
}

/**
 * An in-memory filesystem with absolute paths ("/a/b"). Synchronous; errors
 * are `MemFSError`s. One MemFS may back several WASI instances.
 */
export class MemFS {
  constructor(options?: MemFSOptions);
  /** The limits in force, defaults filled in. */
  readonly limits: Required<MemFSLimits>;
  /** Inodes in use (the root included) and bytes of stored file data. */
  usage(): { inodes: number; bytes: number };
  /** Checks internal consistency (for tests); throws an Error saying what is wrong. */
  checkInvariants(): void;
  /** Bytes of the core's own WebAssembly.Memory, shared by every MemFS and WASI (for leak checks). */
  static coreMemoryBytes(): number;
  /**
   * Frees everything the filesystem holds, at once. Every later call throws
   * "MemFS is closed"; a program still running on it gets EBADF. Twice: nothing.
   */
  close(): void;
  /** Same as close(): `using fs = new MemFS()`. */
  [Symbol.dispose](): void;
  /** Whether close() has been called. */
  readonly closed: boolean;
  mkdir(path: string, options?: { recursive?: boolean }): void;
  writeFile(path: string, data: string | Binary): void;
  readFile(path: string): Uint8Array;
  readFile(path: string, encoding: "utf8" | "utf-8" | { encoding: "utf8" | "utf-8" }): string;
  readFile(path: string, encoding?: null | { encoding?: null }): Uint8Array;
  readdir(path: string): string[];
  stat(path: string): Stats;
  lstat(path: string): Stats;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  rename(from: string, to: string): void;
  rm(path: string, options?: { recursive?: boolean }): void;
  exists(path: string): boolean;
}

/**
 * Output collected with `stdout: "buffer"` / `stderr: "buffer"`, up to
 * `maxBytes` (the `maxBufferBytes` option, default 64 MiB). Past it the
 * program's writes fail with EIO (a stream error in WASI 0.2), the bytes
 * that fit are kept, and `truncated` is true.
 */
export class OutputBuffer {
  readonly length: number;
  /** The most bytes it holds (`maxBufferBytes`). */
  readonly maxBytes: number;
  /** Whether output was refused because the buffer was full (until `clear()`). */
  readonly truncated: boolean;
  /** A copy of the bytes. */
  bytes(): Uint8Array;
  /** The bytes as UTF-8 text. */
  text(): string;
  clear(): void;
}

/**
 * Where a stream goes: "console" (default: line-buffered console.log /
 * console.error; a line longer than 64 Ki characters is printed in pieces),
 * "buffer" (read it from `wasi.stdout` / `wasi.stderr`), or a callback
 * receiving each chunk (a copy it may keep). A callback that throws gives
 * the program EIO, and the run (`start()`, `run()`, `flush()`) then throws
 * that exception; one that throws an Error whose `code` is "EPIPE" (as
 * node:fs does for a closed pipe) closes the stream: the program gets EPIPE,
 * as on a native host, and the run is not failed by it.
 */
export type OutputOption = "console" | "buffer" | ((chunk: Uint8Array) => void);

/** All of stdin, or a callback asked for up to `max` bytes; null or empty is end of file. */
export type StdinOption =
  | string
  | Binary
  | StdinQueue
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | ((max: number) => Uint8Array | string | null | undefined);

/**
 * Stdin fed while the program runs. In async mode a read with nothing
 * queued suspends the program until the next push(); in sync mode it gets
 * EAGAIN.
 */
export class StdinQueue {
  constructor();
  static from(source: ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): StdinQueue;
  push(data: string | Binary): void;
  end(): void;
  readonly ended: boolean;
  /** Up to `max` bytes; null at end of file; undefined when nothing is queued yet. */
  read(max: number): Uint8Array | null | undefined;
  /** Resolves at the next push() or end(). */
  wait(): Promise<void>;
}

export interface WASIOptions {
  /** Import namespace: "preview1" = wasi_snapshot_preview1 (default), "unstable" = wasi_unstable. */
  version?: "preview1" | "unstable";
  /** argv, argv[0] included. */
  args?: string[];
  env?: Record<string, string>;
  /**
   * Guest path → directory in `fs`, e.g. `{ "/": "/" }` or `{ "/sandbox": "/home/me" }`.
   * Two guest paths naming the same directory (`/data` and `/data/`) are a TypeError.
   */
  preopens?: Record<string, string>;
  /**
   * Default true: `start()` returns proc_exit's code. false: like node:wasi,
   * proc_exit ends the Node process (process.exit); in a browser, `start()`
   * throws an Error named "WASIExit" with `exitCode`.
   */
  returnOnExit?: boolean;
  stdin?: StdinOption;
  stdout?: OutputOption;
  stderr?: OutputOption;
  /** The most a "buffer" stdout or stderr holds, in bytes (default 64 MiB); see `OutputBuffer`. */
  maxBufferBytes?: number;
  /** Default: a new, empty MemFS. */
  fs?: MemFS;
  /**
   * Blocking calls (sleep, poll_oneoff, reads of stdin) suspend the program
   * with JSPI while the page keeps running; run it with `startAsync()`.
   * Needs WebAssembly.Suspending (Chromium 137+, Node 24+).
   */
  async?: boolean;
  /**
   * Whether stdin, stdout and stderr are terminals (`isatty`; a terminal's
   * output is flushed at each newline). Default: a "console" output and a
   * StdinQueue or stream input are terminals.
   */
  tty?: boolean | [boolean, boolean, boolean];
  /** Virtual clocks that jump to each deadline, and random bytes from a seed: reproducible runs. */
  deterministic?: boolean | { seed?: number };
  /** Most file descriptors open at once, stdio and preopens included (EMFILE). Default 1024. */
  maxFds?: number;
  /**
   * Most bytes one fd_read / fd_write / fd_pread / fd_pwrite moves; a larger
   * one is shortened to this (a short read or write, as POSIX allows).
   * Default 16 MiB.
   */
  maxIoBytes?: number;
}

/** A WASI Preview 1 host for one program, shaped like node:wasi's WASI. */
export class WASI {
  constructor(options?: WASIOptions);
  /** The import functions by Preview 1 name. */
  readonly wasiImport: Record<string, (...args: any[]) => any>;
  readonly fs: MemFS;
  readonly version: "preview1" | "unstable";
  /** The buffer when constructed with `stdout: "buffer"`, else null. */
  readonly stdout: OutputBuffer | null;
  readonly stderr: OutputBuffer | null;
  /** proc_exit's code, once called. */
  readonly exitCode: number | undefined;
  /** Both import modules; `wasiImport` is the one named by `version`. */
  getImportObject(): { wasi_snapshot_preview1: Record<string, Function>; wasi_unstable: Record<string, Function> };
  /**
   * Runs a command (`_start`); returns its exit code. A trap is thrown as a
   * WebAssembly.RuntimeError (RangeError for stack exhaustion) naming the
   * program, with the engine's error as `cause`. A panic inside wasi-web's
   * own core is thrown as an Error "wasi-web core panicked in <call>: …";
   * the MemFS stays usable.
   */
  start(instance: WebAssembly.Instance): number;
  /**
   * Runs a command with real waiting (JSPI); needs `async: true`. When
   * `signal` is aborted, the program's next WASI call (or the wait it is in)
   * ends it: rejects with a DOMException named "AbortError" whose `cause` is
   * the signal's reason. Its MemFS changes stay. A program computing without
   * WASI calls holds the thread and cannot be stopped (use runInWorker()).
   */
  startAsync(instance: WebAssembly.Instance, options?: { signal?: AbortSignal }): Promise<number>;
  /** The queue behind stdin when it is a StdinQueue or a stream. */
  readonly stdinQueue: StdinQueue | null;
  /** Sets up a reactor (`_initialize`, if exported). */
  initialize(instance: WebAssembly.Instance): void;
  /** Delivers output still held by the core or a console sink. */
  flush(): void;
}

export interface RunOptions {
  args?: string[];
  env?: Record<string, string>;
  preopens?: Record<string, string>;
  stdin?: StdinOption;
  fs?: MemFS;
  /** Run with JSPI: blocking calls really wait (see WASIOptions.async). */
  async?: boolean;
  deterministic?: boolean | { seed?: number };
  /** For a component: `false` transpiles it again rather than use jco's cached output. */
  cache?: boolean;
  /** For a component: the IANA zone of `wasi:clocks/timezone` (default local; UTC when deterministic). */
  timeZone?: string;
  /**
   * Stops the program when aborted (see `WASI.startAsync`): rejects with an
   * "AbortError" DOMException. Needs `async: true` (a TypeError without);
   * a component stops at its next wait. runInWorker() takes it too.
   */
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A program's change runInWorker() did not apply to the MemFS, and why. */
export interface WorkerConflict {
  /** Absolute path in the MemFS. */
  path: string;
  reason: string;
}

export interface WorkerRunResult extends RunResult {
  /** Changes the program made that were not applied (empty when all were). */
  conflicts: WorkerConflict[];
}

/**
 * Compiles (if needed), instantiates and runs a WASI command, detecting
 * wasi_snapshot_preview1 / wasi_unstable from its imports, with stdout and
 * stderr buffered. A trap rejects with the trap error, which also has the
 * `stdout` and `stderr` so far. A WASI 0.2 component runs through jco (see
 * wasi-web/preview2); bytes that are not WebAssembly reject with a TypeError.
 */
export function run(program: Binary | WebAssembly.Module, options?: RunOptions): Promise<RunResult>;

/** Which WASI a module imports, or null for neither. */
export function detectWasiVersion(module: WebAssembly.Module): "preview1" | "unstable" | null;

/** Checks the header: a core module's bytes are returned, anything else throws a clear TypeError. */
export function checkModuleBytes(bytes: Binary): Uint8Array;

/** Compiles checked bytes, or passes a Module through. */
export function compileProgram(program: Binary | WebAssembly.Module): Promise<WebAssembly.Module>;

export type TreeEntry =
  | { path: string; type: "directory" }
  | { path: string; type: "file"; data: Uint8Array }
  | { path: string; type: "symlink"; target: string };

/** Everything under `root` as a list (directories before their contents). */
export function exportTree(fs: MemFS, root?: string): TreeEntry[];

/** Creates the entries under `root`. */
export function importTree(fs: MemFS, root: string, entries: TreeEntry[]): void;

/**
 * Worker mode, for browsers without JSPI: runs a WASI command in a Web
 * Worker whose blocking calls (sleep, poll_oneoff, stdin reads) wait with
 * Atomics.wait, while the page feeds stdin and stays responsive. Needs a
 * cross-origin isolated page (`Cross-Origin-Opener-Policy: same-origin`,
 * `Cross-Origin-Embedder-Policy: require-corp`) for SharedArrayBuffer.
 *
 * The preopened MemFS directories are copied in; when the program ends
 * (exit, trap or abort) each path it created, modified or deleted is applied
 * to the MemFS only if that path is still as it was when the program
 * started (or already as the program left it); otherwise the MemFS keeps
 * what the page or another program put there and the path is listed in
 * `conflicts` (with a console warning). A trap rejects with a
 * WebAssembly.RuntimeError. `signal` stops the program at its next WASI
 * call or wait, keeping its files; one that makes no call within 500 ms is
 * terminated and its changes are lost (`lostChanges: true` on the error).
 * Errors carry `stdout`, `stderr` and `conflicts`. `stdin` cannot be a
 * callback (the program reads it in the worker): a TypeError.
 */
export function runInWorker(
  program: Binary | WebAssembly.Module,
  options?: Omit<RunOptions, "stdin"> & {
    stdin?: Exclude<StdinOption, (max: number) => unknown>;
    stdout?: (chunk: Uint8Array) => void;
    stderr?: (chunk: Uint8Array) => void;
  },
): Promise<WorkerRunResult>;
