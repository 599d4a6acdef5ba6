// Types for wasi-web (hand-written; the JS is JSDoc-typed ESM).
// No top-level await: Node loads the core on import; a page calls init()
// (run() and runInWorker() do it themselves).
/// <reference lib="esnext.disposable" />

/** Where init() may load the core from: its bytes, a compiled module, a URL, or a fetch Response. */
export type CoreSource = Binary | WebAssembly.Module | URL | string | Response | Promise<Response>;

/**
 * Loads the Rust core. In a page: call it (and await it) before `new MemFS()`,
 * `new WASI()` or `new WASIp2()`, which otherwise throw an Error saying so;
 * `run()`, `runInWorker()` and `runComponent()` call it themselves. It fetches
 * `wasi_web_bg.wasm` from next to the module (a bundler ships it), or loads
 * `source`. In Node, Deno and Bun importing wasi-web has already loaded it
 * from disk, and this resolves at once. Calling it again returns the same
 * promise; a failed load may be retried.
 */
export function init(source?: CoreSource): Promise<void>;

/**
 * Loads the core synchronously from its bytes or a compiled
 * `WebAssembly.Module` (e.g. in a worker that was sent it). In Node it may
 * be called without an argument (it reads the file). Once loaded, later
 * calls do nothing.
 */
export function initSync(source?: Binary | WebAssembly.Module): void;

/** Whether the core is loaded. */
export function isReady(): boolean;

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
/** A node's kind, as an FsProvider reports it. */
export type FsProviderType = "file" | "directory" | "symlink";

/**
 * A filesystem behind `MemFS.mount()` (e.g. `hostFolder()` from
 * wasi-web/node). Handles are the provider's own numbers (safe integers
 * >= 0) for its nodes; `name` is always one path component. Every call is
 * synchronous and runs inside a core call: it must not use the MemFS. To
 * fail, throw an Error whose `code` is a node-style code (ENOENT, EACCES,
 * ENOTEMPTY, ...); anything else (or an answer of the wrong shape) is EIO.
 */
export interface FsProvider {
  /** Refuse every change (EPERM), unless mount() says otherwise. */
  readonly?: boolean;
  /**
   * May answer "would block" (js/providers/wait.js): async-mode WASIs made
   * on this MemFS after the mount suspend on file reads and writes.
   */
  suspends?: boolean;
  /** The mounted directory's handle. */
  root(): number;
  /** Entry `name` of directory `dir`, or null if there is none. */
  lookup(dir: number, name: string): { handle: number; type: FsProviderType } | null;
  stat(handle: number): {
    dev: bigint | number;
    ino: bigint | number;
    type: FsProviderType;
    nlink: bigint | number;
    size: bigint | number;
    atimeNs: bigint | number;
    mtimeNs: bigint | number;
    ctimeNs: bigint | number;
  };
  /** The size alone (asked for on every read): optional, else `stat(handle).size`. */
  size?(handle: number): bigint | number;
  readlink(handle: number): string;
  /**
   * A descriptor is about to be opened on file or directory `handle` to
   * read and/or write: throw (EACCES, say) if the host would refuse that,
   * so the open fails rather than the first read, write or listing. Not
   * asked for a file `create` just made. Optional.
   */
  checkOpen?(handle: number, read: boolean, write: boolean): void;
  /** A descriptor opened the node (one close() follows each open()). */
  open?(handle: number): void;
  close?(handle: number): void;
  /** The core holds no more references to the handle. */
  forget?(handle: number): void;
  /** Up to `length` bytes at `offset`; fewer only at the end of the file. */
  read(handle: number, offset: number, length: number): Uint8Array;
  /**
   * Optional, preferred over read(): fills `buffer` (a view of the core's
   * memory, valid during the call only) from `offset`; the count, less
   * than `buffer.length` only at the end of the file.
   */
  readInto?(handle: number, offset: number, buffer: Uint8Array): number;
  /** Bytes written (> 0); `data` is valid during the call only. */
  write(handle: number, offset: number, data: Uint8Array): number;
  truncate(handle: number, size: number): void;
  /** Entries without "." and ".."; `ino` may be 0 if unknown. */
  readdir(handle: number): { name: string; type: FsProviderType; ino?: number }[];
  /** Creates (or opens, unless `exclusive`) regular file `name`: its handle. */
  create(dir: number, name: string, exclusive: boolean): number;
  mkdir(dir: number, name: string): void;
  unlink(dir: number, name: string): void;
  rmdir(dir: number, name: string): void;
  rename(dir: number, name: string, toDir: number, toName: string): void;
  symlink(dir: number, name: string, target: string): void;
  link(handle: number, dir: number, name: string): void;
  /** null keeps a time. */
  setTimes(handle: number, atimeNs: bigint | null, mtimeNs: bigint | null): void;
}

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
  /**
   * Mounts `provider` at `path` (a new name, or an empty directory nothing
   * has open): everything under it is the provider's, live, for this API
   * and every program on this MemFS. Paths and symlinks are still resolved
   * by the MemFS (the provider gets one name at a time, never "/" or ".."),
   * so its sandbox holds. `readonly` (or `provider.readonly`) refuses every
   * change with EPERM. rename/link across mounts: EXDEV. The MemFS limits
   * do not count the provider's files.
   */
  mount(path: string, provider: FsProvider, options?: { readonly?: boolean }): void;
  exists(path: string): boolean;
  /**
   * The whole filesystem as a tar archive (POSIX pax, readable by `tar`):
   * directories, files (holes as zeros), symlinks, hard links, atime and
   * mtime in nanoseconds. Files only held open (unlinked) are left out.
   */
  snapshot(): Uint8Array<ArrayBuffer>;
  /**
   * A new MemFS holding what a tar archive holds (from `snapshot()`, or a
   * pax/ustar/GNU tar). Hard links share an inode again; ctime is the restore
   * time; modes and owners are ignored. A bad archive (truncated, a name
   * outside the root, a device entry...) throws a `MemFSError` with code
   * EINVAL; one beyond `options.limits`, ENOSPC / EFBIG / ENAMETOOLONG.
   */
  static fromSnapshot(bytes: Binary, options?: MemFSOptions): MemFS;
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
   * Default 16 MiB. The same cap as WASIp2's `maxIoBytes`.
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
  /**
   * Sets up a reactor: calls `_initialize` if it is exported (it may be
   * absent); then call the instance's exports, and `flush()` for pending
   * output. As in node:wasi, a module that exports `_start` is a command:
   * `initialize()` throws a TypeError for it (use `start()`), and `start()`
   * throws one for a module that also exports `_initialize`.
   */
  initialize(instance: WebAssembly.Instance): void;
  /** Delivers output still held by the core or a console sink. */
  flush(): void;
}

/**
 * jco's browser module, `@bytecodealliance/jco/component` (its `generate()`
 * is what wasi-web calls to transpile a component).
 */
export interface JcoModule {
  generate(
    component: Uint8Array,
    options: object,
  ): Promise<{ files: [string, Uint8Array][]; imports: string[]; exports: [string, string][] }>;
}

/**
 * The options of `run()`: those of `new WASI()` except `version` (detected),
 * `stdout`/`stderr` (collected into the result) and `returnOnExit` (always
 * true), and a few for components.
 */
export interface RunOptions extends Omit<WASIOptions, "version" | "stdout" | "stderr" | "returnOnExit"> {
  /** For a component: the `initial-cwd` it sees. */
  cwd?: string;
  /** For a component: `false` transpiles it again rather than use jco's cached output. */
  cache?: boolean;
  /** For a component: the IANA zone of `wasi:clocks/timezone` (default local; UTC when deterministic). */
  timeZone?: string;
  /**
   * For a WASI 0.3 component: `"host"` gives it real TCP/UDP sockets and
   * name lookup on the host's network (Node only; a TypeError in a page);
   * `"none"` (the default) opens nothing: wasi:sockets answers not-supported.
   */
  network?: "none" | "host";
  /**
   * For a component: jco's module, if you load it yourself (e.g. from a CDN:
   * `await import("https://esm.sh/@bytecodealliance/jco/component")`).
   * Without it, wasi-web imports `@bytecodealliance/jco/component` when the
   * first component runs (a bundler makes that a chunk of its own).
   */
  jco?: JcoModule;
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

/** One program of a pipeline(). */
export interface PipelineStage {
  /** A Preview 1 command, or the bytes of a WASI 0.2 or 0.3 command component (transpiled by jco for JSPI). */
  program: Binary | WebAssembly.Module;
  /** argv, argv[0] included. */
  args?: string[];
  /** Added to the pipeline's `env` for this program. */
  env?: Record<string, string | undefined> | string[];
}

export interface PipelineOptions {
  /** The MemFS every program shares (default: a new empty one). */
  fs?: MemFS;
  /** Guest path → MemFS directory, for every program. */
  preopens?: Record<string, string>;
  /** Every program's environment. */
  env?: Record<string, string | undefined> | string[];
  /** The first program's stdin (default: empty). */
  stdin?: StdinOption;
  /** The last program's stdout (default "buffer": returned). */
  stdout?: OutputOption;
  /** Every program's stderr (default "buffer": returned). */
  stderr?: OutputOption;
  /** The status is the last non-zero exit code, as sh's `set -o pipefail` (default false: the last program's). */
  pipefail?: boolean;
  /** Bytes a pipe holds before its writer waits (default 65536). */
  pipeCapacity?: number;
  /** Aborting it stops every program at its next WASI call or wait. */
  signal?: AbortSignal;
  /** The most a "buffer" stdout or stderr holds (default 64 MiB). */
  maxBufferBytes?: number;
  /** The components' `initial-cwd` (Preview 1 has none: preopen "." for that). */
  cwd?: string;
  /** jco's module, for the components (default: imported on first use). */
  jco?: JcoModule;
  /** false: transpile the components again even if jco's output is cached. */
  cache?: boolean;
}

export interface PipelineResult {
  /** The pipeline's exit status, as sh's `$?`. */
  status: number;
  /** Each program's exit code, in order. */
  exitCodes: number[];
  /** The last program's output when `stdout` is "buffer", else "". */
  stdout: string;
  /** Every program's error output, in program order, when `stderr` is "buffer", else "". */
  stderr: string;
}

/**
 * Runs programs (Preview 1 modules, WASI 0.2 and 0.3 components)
 * concurrently on one MemFS, each one's stdout piped into the next one's
 * stdin, as sh runs `a | b | c`. A component jco cannot transpile rejects
 * the call, naming its stage, before any program starts. Needs JSPI (Chromium
 * 137+, Node 24+); without it the promise rejects with a TypeError. If a
 * program traps or the signal aborts, the others run to their end and the
 * promise rejects with the first error, which carries `exitCodes`,
 * `stdout` and `stderr`.
 */
export function pipeline(stages: PipelineStage[], options?: PipelineOptions): Promise<PipelineResult>;

/** Which WASI a module imports, or null for neither. */
export function detectWasiVersion(module: WebAssembly.Module): "preview1" | "unstable" | null;

/**
 * Which WASI a component is written against: "0.3" when its top-level
 * imports or exports name a `wasi:*@0.3` interface (a 0.3.x release or a
 * 0.3.0-rc-*), else "0.2"; undefined for anything that is not a component.
 * `run()` and the CLI run a 0.3 component on `WASIp3` (wasi-web/preview3).
 */
export function componentWasiVersion(data: unknown): "0.2" | "0.3" | undefined;

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
 * `deterministic`, `maxIoBytes`, `maxFds` and `tty` work as in `run()`
 * (`tty` defaults to no terminal: output goes to callbacks); `async` (the
 * worker blocks instead), `cache`, `timeZone`, `cwd`, `jco` (component
 * options; a worker runs Preview 1 programs) and `maxBufferBytes` (output
 * is not buffered) are a TypeError.
 */
export function runInWorker(
  program: Binary | WebAssembly.Module,
  options?: Omit<RunOptions, "stdin" | "async" | "cache" | "timeZone" | "cwd" | "jco" | "maxBufferBytes"> & {
    stdin?: Exclude<StdinOption, (max: number) => unknown>;
    stdout?: (chunk: Uint8Array) => void;
    stderr?: (chunk: Uint8Array) => void;
    /**
     * Mounts made in the worker (a provider cannot be posted to it), by
     * MemFS path: preopen them (`preopens: { "/data": "/data" }`). A URL
     * mount reads with synchronous XMLHttpRequest; an OPFS mount uses sync
     * access handles and stores its changes before the promise settles.
     * A copied preopen must not contain a mount (TypeError).
     */
    mounts?: Record<string, WorkerMount>;
  },
): Promise<WorkerRunResult>;

/** A mount for `runInWorker()`: plain data the worker turns into a provider. */
export type WorkerMount =
  | { url: UrlManifest; blockSize?: number }
  | { opfs: string | FileSystemDirectoryHandle; preload?: boolean; syncHandles?: boolean; create?: boolean };

/** One file of a `urlMount` manifest. */
export interface UrlFileEntry {
  /** "/"-separated, relative to the mount ("lib/os.py"). */
  path: string;
  /** Bytes (what the server must send). */
  size: number;
  /** Absolute, or relative to `base`; default: `base` + the path. */
  url?: string;
  /** ms since the epoch, or a date string; default 0. */
  mtime?: number | string | Date;
}

/** The tree of a `urlMount`: listing and stat never fetch. */
export interface UrlManifest {
  /** What relative URLs (and paths) resolve against; default the page's address. */
  base?: string;
  files: UrlFileEntry[] | Record<string, Omit<UrlFileEntry, "path">>;
  /** Extra (e.g. empty) directories. */
  directories?: string[];
}

export interface UrlMountOptions {
  /** Bytes per fetched block: a power of two, 4 KiB to 64 MiB (default 256 KiB). */
  blockSize?: number;
  /** The fetch() for async-mode reads and prefetch() (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Fetch with synchronous XMLHttpRequest when a call cannot wait (default: in a Web Worker only). */
  syncXhr?: boolean;
  /** Fetched blocks kept, least recently used dropped first (default 256 MiB; Infinity keeps all). */
  maxCacheBytes?: number;
}

/**
 * A read-only provider serving a manifest's files from their URLs, fetched
 * on first read in blocks (HTTP Range where the server answers 206, the
 * whole file once where it answers 200), cached. A read that needs a fetch
 * suspends the guest in async mode (JSPI), uses synchronous XMLHttpRequest
 * in a Web Worker, and is EIO (with a console warning) in sync mode unless
 * `prefetch()` fetched it. Writes are EPERM. Fetch failures, and a server
 * whose bytes disagree with the manifest or change (ETag), are EIO.
 */
export class UrlProvider implements FsProvider {
  readonly readonly: true;
  /** Whether reads may wait for a fetch (false with synchronous XMLHttpRequest): async-mode programs on its MemFS then suspend on file reads and writes. */
  suspends: boolean;
  /** Bytes received so far, and requests sent (with and without a Range header). */
  readonly stats: { bytesFetched: number; requests: number; rangeRequests: number; wholeFileRequests: number };
  constructor(manifest: UrlManifest, options?: UrlMountOptions);
  /** Bytes of fetched blocks held now (at most about maxCacheBytes). */
  readonly cachedBytes: number;
  /** Fetches the files at `paths` (a directory: all below it), or every file; rejects naming those that failed (RangeError if they exceed maxCacheBytes). */
  prefetch(paths?: string[]): Promise<void>;
  root(): number;
  lookup(dir: number, name: string): { handle: number; type: FsProviderType } | null;
  stat(handle: number): ReturnType<FsProvider["stat"]>;
  readlink(handle: number): never;
  read(handle: number, offset: number, length: number): Uint8Array;
  /**
   * Optional, preferred over read(): fills `buffer` (a view of the core's
   * memory, valid during the call only) from `offset`; the count, less
   * than `buffer.length` only at the end of the file.
   */
  readInto?(handle: number, offset: number, buffer: Uint8Array): number;
  write(): never;
  truncate(): never;
  readdir(handle: number): { name: string; type: FsProviderType; ino: number }[];
  create(): never;
  mkdir(): never;
  unlink(): never;
  rmdir(): never;
  rename(): never;
  symlink(): never;
  link(): never;
  setTimes(): never;
}

/** `fs.mount("/data", urlMount({ base: "https://example.org/data/", files: [{ path: "a.csv", size: 1234 }] }))`. */
export function urlMount(manifest: UrlManifest, options?: UrlMountOptions): UrlProvider;

/** Fetches a JSON `UrlManifest`; its relative URLs resolve against the manifest's own URL. */
export function urlMountFromManifest(url: string | URL, options?: UrlMountOptions): Promise<UrlProvider>;

export interface OpfsMountOptions {
  /** File data through FileSystemSyncAccessHandles opened at mount (default: in a worker; they exist only there). */
  syncHandles?: boolean;
  /** Load every file's contents at mount, for programs in sync mode on a page. */
  preload?: boolean;
  /** With a name: make the directory if it is missing (default true). */
  create?: boolean;
}

/**
 * A provider over an OPFS directory (see `opfsMount`). The tree is read at
 * mount; directory changes apply to a mirror at once and to OPFS in order,
 * written behind; file contents load on first use (a page: the guest
 * suspends under JSPI; sync mode: EIO unless preloaded) or go through sync
 * access handles (a worker). Symlinks and hard links: ENOTSUP; times a
 * program sets last for the session only.
 */
export class OpfsProvider implements FsProvider {
  /** Whether file contents may have to load (false with sync access handles). */
  suspends: boolean;
  /** Stores every change so far in OPFS; rejects listing what could not be stored. run() and startAsync() call it. */
  flush(): Promise<void>;
  /** flush(), then closes the sync access handles; do not use the provider after. */
  unmount(): Promise<void>;
  /** Loads the contents of the files at `paths` (all by default), for sync mode. */
  prefetch(paths?: string[]): Promise<void>;
  root(): number;
  lookup(dir: number, name: string): { handle: number; type: FsProviderType } | null;
  stat(handle: number): ReturnType<FsProvider["stat"]>;
  readlink(handle: number): never;
  open(handle: number): void;
  close(handle: number): void;
  read(handle: number, offset: number, length: number): Uint8Array;
  /**
   * Optional, preferred over read(): fills `buffer` (a view of the core's
   * memory, valid during the call only) from `offset`; the count, less
   * than `buffer.length` only at the end of the file.
   */
  readInto?(handle: number, offset: number, buffer: Uint8Array): number;
  write(handle: number, offset: number, data: Uint8Array): number;
  truncate(handle: number, size: number): void;
  readdir(handle: number): { name: string; type: FsProviderType; ino: number }[];
  create(dir: number, name: string, exclusive: boolean): number;
  mkdir(dir: number, name: string): void;
  unlink(dir: number, name: string): void;
  rmdir(dir: number, name: string): void;
  rename(dir: number, name: string, toDir: number, toName: string): void;
  symlink(): never;
  link(): never;
  setTimes(handle: number, atimeNs: bigint | null, mtimeNs: bigint | null): void;
}

/**
 * Mounts an OPFS directory so that a page's files persist across reloads:
 * `fs.mount("/home", await opfsMount("home"))`. `dir` is a
 * FileSystemDirectoryHandle or the name of a directory at the OPFS root.
 */
export function opfsMount(dir: string | FileSystemDirectoryHandle, options?: OpfsMountOptions): Promise<OpfsProvider>;
