import { FLUSH, WRITE } from "./internal.js";

/** A line longer than this (in UTF-16 units) is printed in pieces of this size. */
export const CONSOLE_PIECE = 65536;

/**
 * Line-buffered output to `console.log` / `console.error`. Bytes are decoded
 * as a UTF-8 stream, so a character split across two writes comes out whole;
 * the last partial line is printed at the end of the run. A line of any
 * length is printed: past 64 Ki characters without a newline, in pieces of
 * 64 Ki characters, one console call each.
 */
export class ConsoleSink {
  #method;
  #decoder = new TextDecoder();
  #partial = "";

  /** @internal the core's callback */
  [WRITE] = (/** @type {Uint8Array} */ chunk) => this.#write(chunk);

  /** @param {"log" | "error"} method */
  constructor(method) {
    this.#method = method;
  }

  /** @param {Uint8Array} chunk */
  #write(chunk) {
    const text = this.#decoder.decode(chunk, { stream: true });
    let nl = text.indexOf("\n");
    if (nl < 0) {
      this.#partial += text;
      if (this.#partial.length >= CONSOLE_PIECE) this.#printPieces();
      return;
    }
    this.#print(this.#partial + text.slice(0, nl));
    this.#partial = "";
    let start = nl + 1;
    while ((nl = text.indexOf("\n", start)) >= 0) {
      this.#print(text.slice(start, nl));
      start = nl + 1;
    }
    this.#partial = text.slice(start);
    if (this.#partial.length >= CONSOLE_PIECE) this.#printPieces();
  }

  /** Prints whole pieces of the partial line, keeping the rest (never a split surrogate pair). */
  #printPieces() {
    let start = 0;
    const partial = this.#partial;
    while (partial.length - start >= CONSOLE_PIECE) {
      let end = start + CONSOLE_PIECE;
      const last = partial.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--;
      this.#print(partial.slice(start, end));
      start = end;
    }
    this.#partial = partial.slice(start);
  }

  /** @param {string} line */
  #print(line) {
    // Looked up on each line so that a console patched later is honoured.
    console[this.#method](line);
  }

  /** @internal prints what is left of the last line */
  [FLUSH]() {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = "";
    if (rest !== "") this.#print(rest);
  }
}
