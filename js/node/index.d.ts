import type { FsProvider, MemFS } from "../index.js";

/**
 * What `fromHostDir` copied at one path: for files their size, mtime and a
 * SHA-256 of the content, so that `toHostDir` can tell who changed what.
 */
export type LoadedEntry =
  { type: "directory" } | { type: "symlink"; target: string } | { type: "file"; size: number; mtimeMs: number; sha256: string };

/** A host path that `toHostDir` left alone, and why. */
export interface HostDirConflict {
  path: string;
  reason: string;
}

/** Copies a host directory (files, directories, symlinks) into a MemFS at `at` (default "/"). */
export function fromHostDir(hostDir: string, options?: { fs?: MemFS; at?: string }): { fs: MemFS; loaded: Map<string, LoadedEntry> };

/**
 * Writes the MemFS directory `fsPath` back to `hostDir`.
 *
 * With `loaded` from `fromHostDir`, only what changed in the MemFS since the
 * copy is written or deleted; a path the host also changed meanwhile is kept
 * as the host has it and listed in `conflicts`, and directories are only
 * removed if empty. Without it, new and differing entries are written and
 * nothing is deleted unless `delete: true` (which mirrors the MemFS exactly).
 */
export function toHostDir(
  memfs: MemFS,
  fsPath: string,
  hostDir: string,
  options?: { loaded?: Map<string, LoadedEntry | string>; delete?: boolean },
): { written: number; removed: number; conflicts: HostDirConflict[] };

/**
 * A live FsProvider over host folder `folder`, for `memfs.mount(at, provider)`:
 * the program works on the real files (no copy in, nothing written back).
 * `fsLike` is node:fs or any object with its sync API (a memfs volume).
 * `readonly` refuses every change with EPERM (as a read-only wasmtime
 * preopen). File names that are not UTF-8 are skipped, with a warning
 * (`onWarning`, default process.emitWarning). Host files are opened when a
 * descriptor opens them, for the access it asked (a refusal such as EACCES
 * fails that open), and closed with it. Times reach the host to the
 * microsecond (node:fs's utimes); the nanoseconds a program set are
 * reported back to it while the host file is unchanged since.
 */
export function hostFolder(
  fsLike: object,
  folder: string,
  options?: { readonly?: boolean; onWarning?: (message: string) => void },
): FsProvider & { readonly: boolean; openFiles(): number };

/**
 * Loads a component that exports `wasi:http/incoming-handler` (0.2) or
 * `wasi:http/handler` (0.3) and returns a `node:http` request listener that
 * answers each request with a fresh instance of it, as `wasi-web serve`
 * does. Needs JSPI (Node 24+); rejects otherwise, and for a component that
 * is not a handler. `options` are `WASIp2`'s (env, stdout, stderr, fs,
 * preopens…), plus `cache` (the transpile cache), `maxBodySize` (bytes,
 * default 64 MiB: a larger request body is a 413 or a failed read) and
 * `bodyTimeoutMs` (default 30 000: the longest wait for the next piece of a
 * request body).
 */
export function incomingHandler(
  component: Uint8Array,
  options?: Omit<import("../preview2/index.js").WASIp2Options, "async"> & {
    cache?: boolean;
    maxBodySize?: number;
    bodyTimeoutMs?: number;
  },
  // The listener's parameters are node:http's IncomingMessage and
  // ServerResponse, typed loosely so that these typings need no @types/node.
): Promise<(req: unknown, res: unknown) => Promise<void>>;
