// The terminal: program output as it arrives (stdout and stderr in their own
// styles, decoded as UTF-8 streams), the echo of what the person typed, and
// notes from the playground itself. Shown in an xterm.js terminal emulator
// (ANSI colours, cursor control; typing goes to stdin through onKey), and
// mirrored as plain text (escape sequences removed) in an aria-live <pre>
// for screen readers and tests.
import { Terminal as XTerm } from "@xterm/xterm";

/** CSI, OSC and two-character escape sequences: dropped from the text mirror. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]/g;

/** The emulator's style for each kind (stdout keeps the program's own). */
const STYLE = { stdout: "", stderr: "\x1b[31m", stdin: "\x1b[34m", note: "\x1b[90m", error: "\x1b[91m" };

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
  /** The emulator. @type {XTerm | null} */
  xterm = null;
  /** How many typed characters the emulator shows that are not yet sent. */
  #typed = 0;

  /**
   * @param {HTMLElement} log the element the plain-text mirror is appended to (a <pre>)
   * @param {HTMLElement} scroller its scrolling container
   * @param {HTMLElement} [screen] where the terminal emulator goes
   * @param {(data: string) => void} [onKey] what is typed into the emulator
   */
  constructor(log, scroller, screen, onKey) {
    this.#log = log;
    this.#scroller = scroller;
    if (screen) {
      const dark = matchMedia("(prefers-color-scheme: dark)").matches;
      this.xterm = new XTerm({
        convertEol: true,
        cursorBlink: true,
        fontSize: 14,
        rows: 20,
        cols: 80,
        scrollback: 5000,
        theme: dark
          ? { background: "#111318", foreground: "#e6e6e6" }
          : { background: "#fbfbfd", foreground: "#1a1a1a", cursor: "#1a1a1a", selectionBackground: "#b5d5ff" },
      });
      this.xterm.open(screen);
      this.xterm.textarea?.setAttribute("aria-label", "Terminal: type here to send input to the running program");
      if (onKey) this.xterm.onData(onKey);
      new ResizeObserver(() => this.#fit(screen)).observe(screen);
    }
  }

  /** Sizes the emulator's columns to its box. @param {HTMLElement} screen */
  #fit(screen) {
    const term = this.xterm;
    const cell = /** @type {any} */ (term)?._core?._renderService?.dimensions?.css?.cell;
    if (!term || !cell?.width) return;
    const cols = Math.max(20, Math.floor((screen.clientWidth - 16) / cell.width));
    if (cols !== term.cols) term.resize(cols, term.rows);
  }

  /**
   * Shows typed text in the emulator before it is sent (the line being edited).
   * @param {string} text characters, or "\b" to erase the last one
   */
  echoTyped(text) {
    if (!this.xterm) return;
    this.flush();
    for (const c of text) {
      if (c === "\b") {
        if (this.#typed > 0) {
          this.#typed--;
          this.xterm.write("\b \b");
        }
      } else {
        this.#typed++;
        this.xterm.write(`${STYLE.stdin}${c}\x1b[0m`);
      }
    }
  }

  /** The emulator's screen and scrollback as text, one line per row. */
  screenText() {
    const buffer = this.xterm?.buffer.active;
    if (!buffer) return "";
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines.join("\n");
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
    this.#typed = 0;
    this.xterm?.reset();
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
    for (const { kind, text: raw } of this.#pending) {
      if (this.xterm) {
        // The typed line is replaced by its echo.
        if (this.#typed > 0) this.xterm.write(`\x1b[${this.#typed}D\x1b[K`);
        this.#typed = 0;
        this.xterm.write(STYLE[kind] ? `${STYLE[kind]}${raw}\x1b[0m` : raw);
      }
      const text = raw.replace(ESCAPES, "");
      if (text === "") continue;
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
