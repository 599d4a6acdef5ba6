// The terminal's line discipline, as a tty's in cooked mode: keys typed into
// the emulator edit a line here (echoed, never seen by the program) until
// Enter sends it. WASI has no termios, so a program cannot ask for raw mode;
// the page offers it as a setting instead (see www/README.md), and then keys
// go to stdin as typed. Pure logic, no DOM: unit-tested in Node.

/** Keys as xterm.js reports them (onData), by what they do in cooked mode. */
const KEYS = new Map([
  ["\x1b[D", "left"],
  ["\x1bOD", "left"],
  ["\x02", "left"], // Ctrl+B
  ["\x1b[C", "right"],
  ["\x1bOC", "right"],
  ["\x06", "right"], // Ctrl+F
  ["\x1b[H", "home"],
  ["\x1bOH", "home"],
  ["\x1b[1~", "home"],
  ["\x01", "home"], // Ctrl+A
  ["\x1b[F", "end"],
  ["\x1bOF", "end"],
  ["\x1b[4~", "end"],
  ["\x05", "end"], // Ctrl+E
  ["\x1b[A", "up"],
  ["\x1bOA", "up"],
  ["\x10", "up"], // Ctrl+P
  ["\x1b[B", "down"],
  ["\x1bOB", "down"],
  ["\x0e", "down"], // Ctrl+N
  ["\x7f", "backspace"],
  ["\b", "backspace"],
  ["\x1b[3~", "delete"],
  ["\x15", "kill-start"], // Ctrl+U
  ["\x0b", "kill-end"], // Ctrl+K
  ["\x17", "kill-word"], // Ctrl+W
  ["\r", "enter"],
  ["\n", "enter"],
  ["\x04", "eof"], // Ctrl+D
  ["\x03", "interrupt"], // Ctrl+C
]);

/** An escape sequence at the start of a string: CSI, SS3, or ESC + one character. */
const ESCAPE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/s;

/** How many history lines a program keeps. */
const HISTORY_MAX = 500;

/**
 * Splits what xterm.js reports (one key, or a paste) into keys: escape
 * sequences whole, other characters one by one (by code point).
 * @param {string} data
 * @returns {string[]}
 */
export function splitKeys(data) {
  /** @type {string[]} */
  const keys = [];
  let rest = data;
  while (rest !== "") {
    const m = rest.startsWith("\x1b") ? ESCAPE.exec(rest) : null;
    const key = m ? m[0] : String.fromCodePoint(/** @type {number} */ (rest.codePointAt(0)));
    keys.push(key);
    rest = rest.slice(key.length);
  }
  return keys;
}

/**
 * @typedef {object} DisciplineHandlers
 * @property {(ansi: string) => void} echo writes to the screen (escape sequences included)
 * @property {(text: string) => void} send gives text to the program's stdin
 * @property {() => void} eof ends the program's stdin
 * @property {() => void} interrupt Ctrl+C: ends the program
 * @property {(history: string[]) => void} [remember] the history has a new line (to keep it across reloads)
 */

export class LineDiscipline {
  /** Raw mode: keys go to stdin as typed, no echo and no editing (only Ctrl+C is kept). */
  raw = false;
  /** The line being edited, by code point (so that ← moves over a whole character). @type {string[]} */
  #line = [];
  #cursor = 0;
  /** The history in use (one per program: the page swaps it). @type {string[]} */
  history = [];
  /** Where ↑/↓ is in the history; history.length is the line being edited. */
  #at = 0;
  /** The edited line, kept while ↑/↓ browse the history. */
  #draft = "";
  #on;
  /** The style the edited line is echoed in, and the reset after it. */
  #style;

  /** @param {DisciplineHandlers} handlers @param {{ style?: string }} [options] */
  constructor(handlers, { style = "" } = {}) {
    this.#on = handlers;
    this.#style = style;
  }

  /** The line being edited. */
  get line() {
    return this.#line.join("");
  }

  /** The cursor, in characters from the start of the line. */
  get cursor() {
    return this.#cursor;
  }

  /** Uses a program's history (kept by the caller across runs). @param {string[]} history */
  useHistory(history) {
    this.history = history;
    this.#at = history.length;
    this.#draft = "";
  }

  /** Forgets the line being edited (a new run), without touching the screen. */
  reset() {
    this.#line = [];
    this.#cursor = 0;
    this.#at = this.history.length;
    this.#draft = "";
  }

  /**
   * What takes the edited line off the screen (before program output is
   * written), and what puts it back after. Both empty when nothing is typed.
   */
  eraseSequence() {
    if (this.#line.length === 0) return "";
    return `${this.#cursor > 0 ? `\x1b[${this.#cursor}D` : ""}\x1b[K`;
  }

  drawSequence() {
    if (this.#line.length === 0) return "";
    const back = this.#line.length - this.#cursor;
    const reset = this.#style ? "\x1b[0m" : "";
    return `${this.#style}${this.line}${reset}${back > 0 ? `\x1b[${back}D` : ""}`;
  }

  /** @param {string} data what xterm.js reported (onData) */
  input(data) {
    if (this.raw) {
      // Ctrl+C still ends the program: there is no other way to stop a raw reader from the keyboard.
      const parts = data.split("\x03");
      parts.forEach((part, i) => {
        if (part !== "") this.#on.send(part);
        if (i < parts.length - 1) this.#on.interrupt();
      });
      return;
    }
    for (const key of splitKeys(data)) this.#key(key);
  }

  /** @param {string} key */
  #key(key) {
    const action = KEYS.get(key);
    if (action === undefined) {
      // Printable characters are inserted; other control keys and unknown escapes are dropped.
      if (key.startsWith("\x1b") || (key.codePointAt(0) ?? 0) < 0x20) return;
      this.#edit(() => {
        this.#line.splice(this.#cursor, 0, key);
        this.#cursor++;
      });
      return;
    }
    const line = this.#line;
    switch (action) {
      case "left":
        if (this.#cursor > 0) this.#move(this.#cursor - 1);
        break;
      case "right":
        if (this.#cursor < line.length) this.#move(this.#cursor + 1);
        break;
      case "home":
        this.#move(0);
        break;
      case "end":
        this.#move(line.length);
        break;
      case "backspace":
        if (this.#cursor > 0)
          this.#edit(() => {
            line.splice(this.#cursor - 1, 1);
            this.#cursor--;
          });
        break;
      case "delete":
        if (this.#cursor < line.length) this.#edit(() => line.splice(this.#cursor, 1));
        break;
      case "kill-start":
        this.#edit(() => {
          line.splice(0, this.#cursor);
          this.#cursor = 0;
        });
        break;
      case "kill-end":
        this.#edit(() => line.splice(this.#cursor));
        break;
      case "kill-word": {
        // As a tty's WERASE: spaces before the cursor, then the word before them.
        let start = this.#cursor;
        while (start > 0 && line[start - 1] === " ") start--;
        while (start > 0 && line[start - 1] !== " ") start--;
        this.#edit(() => {
          line.splice(start, this.#cursor - start);
          this.#cursor = start;
        });
        break;
      }
      case "up":
      case "down":
        this.#browse(action === "up" ? -1 : 1);
        break;
      case "enter": {
        const text = this.line;
        this.#on.echo(`${this.eraseSequence()}${this.#style}${text}${this.#style ? "\x1b[0m" : ""}\r\n`);
        if (text.trim() !== "" && this.history.at(-1) !== text) {
          this.history.push(text);
          if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
          this.#on.remember?.(this.history);
        }
        this.reset();
        this.#on.send(`${text}\n`);
        break;
      }
      case "eof":
        // As a tty's VEOF: on an empty line, end of file; else the line goes without a newline.
        if (line.length === 0) this.#on.eof();
        else {
          const text = this.line;
          this.#on.echo(`${this.eraseSequence()}${this.#style}${text}${this.#style ? "\x1b[0m" : ""}`);
          this.reset();
          this.#on.send(text);
        }
        break;
      case "interrupt":
        this.#on.echo(`${this.#line.length > 0 ? this.#moveSequence(this.#cursor, line.length) : ""}^C\r\n`);
        this.reset();
        this.#on.interrupt();
        break;
    }
  }

  /** @param {number} direction -1 for ↑, 1 for ↓ */
  #browse(direction) {
    const to = this.#at + direction;
    if (to < 0 || to > this.history.length) return;
    if (this.#at === this.history.length) this.#draft = this.line;
    this.#at = to;
    const text = to === this.history.length ? this.#draft : (this.history[to] ?? "");
    this.#edit(() => {
      this.#line = Array.from(text);
      this.#cursor = this.#line.length;
    });
  }

  /** Changes the line and redraws it. @param {() => void} change */
  #edit(change) {
    const erase = this.eraseSequence();
    change();
    this.#on.echo(erase + this.drawSequence());
  }

  /** @param {number} to */
  #move(to) {
    if (to === this.#cursor) return;
    this.#on.echo(this.#moveSequence(this.#cursor, to));
    this.#cursor = to;
  }

  /** @param {number} from @param {number} to */
  #moveSequence(from, to) {
    if (to === from) return "";
    return to < from ? `\x1b[${from - to}D` : `\x1b[${to - from}C`;
  }
}
