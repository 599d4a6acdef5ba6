import { FLUSH, WRITE } from "./internal.js";

/**
 * Line-buffered output to `console.log` / `console.error`. Bytes are decoded
 * as a UTF-8 stream, so a character split across two writes comes out whole;
 * the last partial line is printed at the end of the run.
 */
export class ConsoleSink {
  #method;
  #decoder = new TextDecoder();
  #partial = "";

  /** @param {"log" | "error"} method */
  constructor(method) {
    this.#method = method;
    /** @internal the core's callback */
    this[WRITE] = (chunk) => this.#write(chunk);
  }

  #write(chunk) {
    const text = this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl = text.indexOf("\n");
    if (nl < 0) {
      this.#partial += text;
      return;
    }
    this.#print(this.#partial + text.slice(0, nl));
    this.#partial = "";
    start = nl + 1;
    while ((nl = text.indexOf("\n", start)) >= 0) {
      this.#print(text.slice(start, nl));
      start = nl + 1;
    }
    this.#partial = text.slice(start);
  }

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
