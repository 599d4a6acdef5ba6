// wasi-web/preview3: the WASI 0.3 host for components transpiled by jco
// with --async-mode jspi (needs JSPI: Node 24+, Chromium 137+).
import type { JcoModule, RunResult } from "../index.js";
import type { WASIp2, WASIp2Options } from "../preview2/index.js";
export { componentWasiVersion } from "../index.js";

/**
 * The options of `new WASIp3()`: those of WASIp2 (it always runs in async
 * mode), and `network`: `"none"` (the default: wasi:sockets answers
 * not-supported, no name resolution) or `"host"` (Node only: real TCP/UDP
 * sockets and name lookup on the host's network; a TypeError in a page).
 */
export type WASIp3Options = Omit<WASIp2Options, "async"> & { network?: "none" | "host" };

/** The message of the Error thrown where there is no JSPI. */
export const NEEDS_JSPI: string;

/**
 * A WASI 0.3 host for one component, on the same core and MemFS as WASIp2.
 * Its `imports` serve 0.2 and 0.3 members side by side (jco keys both under
 * one unversioned name), for any 0.3.x or 0.3.0-rc-* release.
 */
export class WASIp3 extends WASIp2 {
  constructor(options?: WASIp3Options);
  /** Refuses: a 0.3 component runs with `runAsync()`. */
  run(instance: object): never;
  /**
   * Runs the component's `wasi:cli/run@0.3.x` run; resolves to the exit code.
   * When it settles, what the component left pending on the host (waits,
   * streams it handed the host, sockets) has been ended.
   */
  runAsync(instance: object, options?: { signal?: AbortSignal }): Promise<number>;
  /**
   * Makes the end of the run wait (at most 100 ms) for `transfer`, a host
   * method's reading of a stream the guest handed it, before the output is
   * flushed and the core released (plain import functions' are held already).
   */
  holdEnd(transfer: Promise<unknown>): void;
  /** Aborted when the run ends or is aborted: pass it to `chunksOf` for a stream the guest handed a host function. */
  readonly runSignal: AbortSignal;
  /** Whether the run was aborted, failed or has ended (its host calls then trap). */
  readonly stopped: boolean;
}

/** Transpiles a 0.3 component with jco for JSPI; `instantiate(wasi.imports)` gives the instance for `runAsync`. */
export function transpileP3(
  component: Uint8Array | ArrayBuffer,
  options?: { mounts?: boolean; cache?: boolean; jco?: JcoModule },
): Promise<{ instantiate(imports: object): object; imports: string[]; exports: [string, string][] }>;

/** Runs a 0.3 command component to completion with collected output (what `run()` does for one). */
export function runP3Component(
  component: Uint8Array | ArrayBuffer,
  options?: Omit<WASIp3Options, "stdout" | "stderr"> & { cache?: boolean; signal?: AbortSignal; jco?: JcoModule },
): Promise<RunResult>;

/** The largest chunk the helpers move in one step (64 KiB). */
export const CHUNK_BYTES: number;

/** jco's lifted stream<u8> (what a host function gets for a stream parameter). */
export interface GuestStream {
  read(opts: { count: number }): Promise<{ value?: unknown; done?: boolean }>;
}

/**
 * A guest's stream<u8> as Uint8Array chunks; ends when the guest drops its
 * end, or `signal` aborts (a WASIp3's `runSignal`), and drops the host's when left early.
 */
export function chunksOf(
  stream: GuestStream,
  options?: { chunkBytes?: number; signal?: AbortSignal },
): AsyncGenerator<Uint8Array, void, void>;
/** A guest's stream<u8> as a ReadableStream (a fetch body). */
export function readableOf(stream: GuestStream, options?: { chunkBytes?: number; signal?: AbortSignal }): ReadableStream<Uint8Array>;

/** Bytes a byte stream may yield. */
export type ByteChunk = Uint8Array | ArrayBuffer | ArrayBufferView | string | number[];

/**
 * JS bytes as what a host function returns for a stream<u8> result, pulled
 * as the guest reads. `onEnd()` at the source's end, `onEnd(error)` when it
 * threw; `onCancel()` when the guest dropped its end first.
 */
export function byteStream(
  source: ReadableStream | AsyncIterable<ByteChunk> | Iterable<ByteChunk> | Uint8Array | string,
  options?: { chunkBytes?: number; onEnd?: (error?: unknown) => void; onCancel?: () => void },
): AsyncIterableIterator<Uint8Array>;

/** A host stream whose items come from `pull()` (undefined ends it). */
export function pulledStream<T>(pull: () => Promise<T | undefined> | T | undefined, onReturn?: () => void): AsyncIterableIterator<T>;

/** One item of a byte source as bytes (throws a TypeError for anything else). */
export function toChunk(value: unknown): Uint8Array;

/** `result::ok` / `result::err` as jco expects them from host functions. */
export function ok<T>(val?: T): { tag: "ok"; val: T | undefined };
export function err<E>(val: E): { tag: "err"; val: E };
