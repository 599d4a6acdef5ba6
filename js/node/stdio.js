// Blocking stdio for the CLI: the guest's fd_read/fd_write are synchronous.
import fs from "node:fs";

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Writes all of `bytes` to a file descriptor, waiting out EAGAIN. A closed
 * pipe (`| head`) throws node:fs's EPIPE error: as the guest's sink, that
 * gives the guest EPIPE (js/recovery.js), as on a native host.
 * @param {number} fd
 * @param {Uint8Array} bytes
 */
export function writeAll(fd, bytes) {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code === "EAGAIN") sleep(1);
      else throw error;
    }
  }
}

/**
 * `writeAll` for wasi-web's own messages and for --browser mode's output: a closed pipe drops them.
 * @param {number} fd
 * @param {Uint8Array} bytes
 */
export function writeQuietly(fd, bytes) {
  try {
    writeAll(fd, bytes);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException | undefined} */ (error)?.code !== "EPIPE") throw error;
  }
}

/**
 * A stdin callback reading the process's fd 0 as the guest asks for it.
 * @returns {(max: number) => Uint8Array | null}
 */
export function processStdin() {
  let buf = Buffer.allocUnsafe(65536);
  let eof = false;
  return (max) => {
    if (eof) return null;
    const want = Math.max(1, Math.min(max, buf.length));
    for (;;) {
      try {
        const n = fs.readSync(0, buf, 0, want, null);
        if (n === 0) {
          eof = true;
          return null;
        }
        const chunk = buf.subarray(0, n);
        buf = Buffer.allocUnsafe(65536);
        return chunk;
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code === "EAGAIN") {
          sleep(5);
          continue;
        }
        eof = true; // EOF, EBADF (no stdin), ...
        return null;
      }
    }
  };
}

/**
 * All of stdin when it is a pipe or file (for --browser); empty for a terminal or none.
 * @returns {Uint8Array}
 */
export function readAllStdin() {
  try {
    if (fs.fstatSync(0).isCharacterDevice()) return new Uint8Array(0);
    return fs.readFileSync(0);
  } catch {
    return new Uint8Array(0);
  }
}
