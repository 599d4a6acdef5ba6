// The terminal: program output as it arrives (stdout and stderr in their own
// styles, decoded as UTF-8 streams), the echo of what the person typed, and
// notes from the playground itself.

/** @typedef {"stdout" | "stderr" | "stdin" | "note" | "error"} Kind */

/** Older output is dropped beyond this many characters. */
const MAX_CHARS = 400_000;

export class Terminal {
  #log;
  #scroller;
  #decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  /** Text not yet in the DOM, in order. @type {{ kind: Kind, text: string }[]} */
  #pending = [];
  #frame = 0;
  #chars = 0;

  /**
   * @param {HTMLElement} log the element output is appended to (a <pre>)
   * @param {HTMLElement} scroller its scrolling container
   */
  constructor(log, scroller) {
    this.#log = log;
    this.#scroller = scroller;
  }

  /** @param {1 | 2} fd @param {Uint8Array} chunk */
  output(fd, chunk) {
    const kind = fd === 1 ? "stdout" : "stderr";
    this.write(kind, this.#decoders[kind].decode(chunk, { stream: true }));
  }

  /** Flushes the decoders: the end of a program's output. */
  endOutput() {
    for (const kind of /** @type {const} */ (["stdout", "stderr"])) {
      const rest = this.#decoders[kind].decode();
      if (rest) this.write(kind, rest);
    }
  }

  /**
   * A line from the playground, on a line of its own.
   * @param {"note" | "error"} kind
   * @param {string} text
   */
  note(kind, text) {
    const last = this.#pending.at(-1)?.text ?? this.#log.lastChild?.textContent ?? "\n";
    this.write(kind, `${last.endsWith("\n") || last === "" ? "" : "\n"}${text}\n`);
  }

  /** @param {Kind} kind @param {string} text */
  write(kind, text) {
    if (text === "") return;
    const last = this.#pending.at(-1);
    if (last && last.kind === kind) last.text += text;
    else this.#pending.push({ kind, text });
    this.#frame ||= requestAnimationFrame(() => this.#render());
  }

  clear() {
    this.#pending = [];
    this.#log.replaceChildren();
    this.#chars = 0;
  }

  /** Puts pending output on the page now rather than at the next frame. */
  flush() {
    this.#render();
  }

  /** Drops the oldest output beyond MAX_CHARS, from a line start. */
  #trim() {
    while (this.#chars > MAX_CHARS && this.#log.firstChild) {
      const first = this.#log.firstChild;
      const text = first.textContent ?? "";
      const excess = this.#chars - MAX_CHARS;
      if (text.length <= excess) {
        first.remove();
        this.#chars -= text.length;
      } else {
        const cut = text.indexOf("\n", excess);
        const keep = cut < 0 ? text.slice(excess) : text.slice(cut + 1);
        first.textContent = keep;
        this.#chars -= text.length - keep.length;
      }
    }
  }

  #render() {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    if (this.#pending.length === 0) return;
    const s = this.#scroller;
    const atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    for (const { kind, text } of this.#pending) {
      const last = /** @type {HTMLElement | null} */ (this.#log.lastElementChild);
      if (last && last.dataset.kind === kind) last.append(text);
      else {
        const span = document.createElement("span");
        span.className = `t-${kind}`;
        span.dataset.kind = kind;
        span.textContent = text;
        this.#log.append(span);
      }
      this.#chars += text.length;
    }
    this.#pending = [];
    this.#trim();
    if (atBottom) s.scrollTop = s.scrollHeight;
  }
}
