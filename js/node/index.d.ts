import type { MemFS } from "../index.js";

/** Copies a host directory (files, directories, symlinks) into a MemFS at `at` (default "/"). */
export function fromHostDir(
  hostDir: string,
  options?: { fs?: MemFS; at?: string },
): { fs: MemFS; loaded: Map<string, "file" | "directory" | "symlink"> };

/**
 * Makes `hostDir` match the MemFS directory `fsPath` (writes new/changed files,
 * directories, symlinks; deletes what is gone). With `loaded` from
 * `fromHostDir`, only entries that were copied in are ever deleted.
 */
export function toHostDir(
  memfs: MemFS,
  fsPath: string,
  hostDir: string,
  options?: { loaded?: Map<string, string> },
): { written: number; removed: number };
