// The terminal: program output as it arrives (stdout and stderr in their own
// styles, decoded as UTF-8 streams), the echo of what the person typed, and
// notes from the playground itself. Shown in an xterm.js terminal emulator
// (ANSI colours, cursor control; typing goes to a line discipline through
// onKey, whose edited line is kept below the output), and mirrored as plain text (escape sequences removed) in an aria-live <pre>
// for screen readers and tests.
import { Terminal as XTerm } from "@xterm/xterm";

/** CSI, OSC and two-character escape sequences: dropped from the text mirror. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]/g;

/** The emulator's style for each kind (stdout keeps the program's own). */
const STYLE = { stdout: "", stderr: "\x1b[31m", stdin: "\x1b[34m", note: "\x1b[90m", error: "\x1b[91m" };

/** @typedef {"stdout" | "stderr" | "stdin" | "note" | "error"} Kind */

/**
 * The mirror drops older output beyond this many characters: enough for a
 * screen reader's recent lines (the emulator keeps 5000 lines of scrollback);
 * a larger mirror made fast output several times slower.
 */
const MAX_CHARS = 20_000;

/**
 * The mirror is brought up to date at most this often while output streams
 * (and whenever the output is waited for: drained(), flush()): changing its
 * text makes the page lay it out again, which on every frame cost more than
 * xterm.js's own work.
 */
const MIRROR_MS = 250;
/**
 * The same while a flood (FLOOD_CHARS) lasts: each update then replaces
 * the whole mirror, which the page lays out again (thousands of lines), and
 * faster than anyone could read it.
 */
const FLOOD_MIRROR_MS = 1000;

/**
 * After a write of more than FLOOD_CHARS (a program printing faster than
 * one reads), the next one waits FLOOD_MS from its start: what comes
 * meanwhile is written at once, and jump scroll drops more of it.
 * Output that comes slower still shows at the next frame.
 */
const FLOOD_CHARS = 16 * 1024;
const FLOOD_MS = 50;

/** The emulator's colours, following the page's light or dark scheme (backgrounds: --term-bg in style.css). */
const THEMES = {
  dark: { background: "#0b0d10", foreground: "#e6e6e6", cursor: "#e6e6e6", selectionBackground: "#3a4a66" },
  light: { background: "#fbfbfc", foreground: "#1a1a1a", cursor: "#1a1a1a", selectionBackground: "#b5d5ff" },
};

/**
 * Characters that may change the emulator's state (C0 controls but tab,
 * line feed and carriage return; DEL; C1 controls): text with none of them
 * only puts characters in cells.
 */
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/** The width xterm.js keeps for its vertical scrollbar (overviewRuler.width, default 14 px). */
const SCROLLBAR = 14;

/**
 * The edited line of the line discipline: taken off the screen before
 * output is written and put back after it.
 * @typedef {{ eraseSequence(): string, drawSequence(): string }} EditLine
 */

/**
 * xterm.js 6 brings its scrollbar up to date on every line feed that
 * scrolls (Viewport._sync on the buffer's onScroll), which while the
 * scrollback fills costs more than the rest of the line's parsing (5000
 * lines: about 100 ms against 25). This does it at most once per frame,
 * before the frame's drawing, as xterm.js itself does after a resize. It
 * reaches into xterm.js's internals: if they are not as expected, nothing
 * changes.
 * @param {XTerm} term
 */
function syncScrollbarPerFrame(term) {
  const viewport = /** @type {any} */ (term)._core?._viewport;
  const sync = viewport?._sync;
  if (typeof sync !== "function" || typeof viewport.queueSync !== "function") return;
  let queued = false;
  // The buffer's scrolls call _sync() with no argument; queueSync's frame callback passes one.
  viewport._sync = (/** @type {unknown[]} */ ...args) => {
    if (args.length > 0) return sync.apply(viewport, args);
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      sync.call(viewport);
    });
  };
}

export class Terminal {
  #log;
  #scroller;
  #decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  /** Text not yet in the DOM, in order; `screen` false: for the mirror only (already echoed). @type {{ kind: Kind, text: string, screen: boolean }[]} */
  #pending = [];
  /** Text on the screen but not yet in the mirror, in order (its last MAX_CHARS or so only). @type {{ kind: Kind, text: string }[]} */
  #unmirrored = [];
  #unmirroredChars = 0;
  #mirroredAt = 0;
  #frame = 0;
  #chars = 0;
  /** The emulator. @type {XTerm | null} */
  xterm = null;
  /** The line being typed, if any. @type {EditLine | null} */
  editLine = null;
  /**
   * Jump scroll: lines of one frame's output that would scroll out of the
   * scrollback before the frame is drawn are not given to xterm.js (see
   * #unseen). False: every line is (bench/playground-output.mjs compares).
   */
  jumpScroll = true;
  /** Called once the output so far is on the screen. @type {(() => void)[]} */
  #shown = [];
  /**
   * Writes xterm.js has not parsed yet. Frames write nothing meanwhile: the
   * output waits in #pending, where jump scroll can still drop the lines
   * that would scroll away, rather than in xterm.js's own queue, where every
   * line costs a line feed.
   */
  #parsing = 0;
  /** No write before this time (performance.now()) but on flush(): see FLOOD_MS. */
  #resumeAt = 0;
  /** The timer that renders at #resumeAt. */
  #pace = 0;
  /** The timer that brings the mirror up to date (MIRROR_MS). */
  #mirrorTimer = 0;

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
      const scheme = matchMedia("(prefers-color-scheme: dark)");
      this.xterm = new XTerm({
        convertEol: true,
        cursorBlink: true,
        fontSize: 14,
        rows: 20,
        cols: 80,
        scrollback: 5000,
        theme: scheme.matches ? THEMES.dark : THEMES.light,
      });
      // Live, as the page's own colours follow the scheme.
      scheme.addEventListener("change", () => {
        if (this.xterm) this.xterm.options.theme = scheme.matches ? THEMES.dark : THEMES.light;
      });
      this.xterm.open(screen);
      syncScrollbarPerFrame(this.xterm);
      this.xterm.textarea?.setAttribute("aria-label", "Terminal: type here to send input to the running program");
      if (onKey) this.xterm.onData(onKey);
      new ResizeObserver(() => this.#fit(screen)).observe(screen);
    }
  }

  /**
   * Sizes the emulator to its box: the content box (padding excluded), less
   * the scrollbar's width, in whole cells, so that no column is hidden under
   * the scrollbar or clipped by the box.
   * @param {HTMLElement} screen
   */
  #fit(screen) {
    const term = this.xterm;
    const cell = /** @type {any} */ (term)?._core?._renderService?.dimensions?.css?.cell;
    if (!term || !cell?.width) return;
    const style = getComputedStyle(screen);
    const width = screen.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const height = screen.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const cols = Math.max(20, Math.floor((width - SCROLLBAR) / cell.width));
    const rows = Math.max(5, Math.floor(height / cell.height));
    if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
  }

  /** Writes the line discipline's echo: output still pending goes first. @param {string} ansi */
  echo(ansi) {
    if (!this.xterm) return;
    this.flush();
    this.xterm.write(ansi);
  }

  /** Calls `done` once everything written so far is on the screen. @param {() => void} done */
  whenShown(done) {
    this.#shown.push(done);
    this.#frame ||= requestAnimationFrame(() => this.#render());
  }

  /** Resolves once everything written so far is on the screen. @returns {Promise<void>} */
  drained() {
    return new Promise((resolve) => {
      this.whenShown(resolve);
      this.flush();
    });
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
    const last = (this.#pending.at(-1) ?? this.#unmirrored.at(-1))?.text ?? this.#log.lastChild?.textContent ?? "\n";
    this.write(kind, `${last.endsWith("\n") || last === "" ? "" : "\n"}${text}\n`);
  }

  /**
   * @param {Kind} kind @param {string} text
   * @param {{ screen?: boolean }} [options] screen false: the text is on the emulator already (an echoed line)
   */
  write(kind, text, { screen = true } = {}) {
    if (text === "") return;
    const last = this.#pending.at(-1);
    if (last && last.kind === kind && last.screen === screen) last.text += text;
    else this.#pending.push({ kind, text, screen });
    this.#frame ||= requestAnimationFrame(() => this.#render());
  }

  clear() {
    this.#pending = [];
    this.#unmirrored = [];
    this.#unmirroredChars = 0;
    this.#log.replaceChildren();
    this.#chars = 0;
    this.xterm?.reset();
    this.xterm?.write(this.editLine?.drawSequence() ?? "");
    // No flood's pause for what comes next; waiters for the screen are still called.
    clearTimeout(this.#pace);
    this.#pace = 0;
    this.#resumeAt = 0;
    if (this.#shown.length > 0) this.#frame ||= requestAnimationFrame(() => this.#render());
  }

  /** Puts pending output on the page now rather than at the next frame (the mirror too). */
  flush() {
    this.#render(true);
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

  /**
   * Writes the pending output to the emulator in one write: at a frame,
   * unless xterm.js is still parsing the last one (then once it is done)
   * or a flood's pause (FLOOD_MS) is not over.
   * @param {boolean} [now] flush(): write even so, and bring the mirror up to date
   */
  #render(now = false) {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    if (!now) {
      if (this.#parsing > 0) return;
      const wait = this.#resumeAt - performance.now();
      if (wait > 0) {
        this.#pace ||= setTimeout(() => {
          this.#pace = 0;
          this.#frame ||= requestAnimationFrame(() => this.#render());
        }, wait);
        return;
      }
    }
    const shown = this.#shown;
    this.#shown = [];
    if (this.#pending.length > 0) {
      // The output, with the line being typed moved below it.
      let screen = "";
      for (const { kind, text, screen: onScreen } of this.#pending) {
        if (onScreen) screen += STYLE[kind] ? `${STYLE[kind]}${text}\x1b[0m` : text;
        this.#toMirror(kind, text);
      }
      this.#pending = [];
      if (this.xterm) {
        const erase = this.editLine?.eraseSequence() ?? "";
        const text = erase + this.#unseen(screen) + (this.editLine?.drawSequence() ?? "");
        if (text.length > FLOOD_CHARS) this.#resumeAt = performance.now() + FLOOD_MS;
        this.#parsing++;
        this.xterm.write(text, () => this.#parsed(shown));
      } else shown.forEach((f) => f());
    } else this.#afterWrite(shown);
    if (this.#unmirrored.length > 0) {
      const every = performance.now() < this.#resumeAt + FLOOD_MS ? FLOOD_MIRROR_MS : MIRROR_MS;
      const wait = now ? 0 : this.#mirroredAt + every - performance.now();
      if (wait <= 0) this.#mirror();
      // The rest later, in case no more output comes (a timer: a frame requested meanwhile is drawn).
      else {
        this.#mirrorTimer ||= setTimeout(() => {
          this.#mirrorTimer = 0;
          this.#frame ||= requestAnimationFrame(() => this.#render());
        }, wait);
      }
    }
  }

  /**
   * xterm.js has parsed a write (and any before it): its waiters are called,
   * and what came meanwhile goes at the next frame.
   * @param {(() => void)[]} shown
   */
  #parsed(shown) {
    this.#parsing--;
    shown.forEach((f) => f());
    if (this.#pending.length > 0 || this.#shown.length > 0 || this.#unmirrored.length > 0)
      this.#frame ||= requestAnimationFrame(() => this.#render());
  }

  /**
   * Jump scroll: `text` without the lines at its start that would scroll
   * out of the scrollback (and off the screen) before this write ends, so
   * could never be seen, when they are plain text (CONTROLS: nothing that
   * could change the emulator's state). What is kept has more lines than
   * the screen and scrollback hold, so they end as they would have with
   * every line written; the mirror gets every line. A fast printer's frame
   * of 64 KiB of short lines is about twice the 5000-line scrollback.
   * @param {string} text
   */
  #unseen(text) {
    const term = this.xterm;
    if (!term || !this.jumpScroll) return text;
    // The kept text starts at a line start, with scrollback + rows + 1 more
    // line feeds: its first line (where the cursor was) scrolls out too.
    const lines = (term.options.scrollback ?? 1000) + term.rows + 2;
    if (text.length < 2 * lines) return text;
    let at = text.length;
    for (let n = 0; n < lines; n++) {
      at = at > 0 ? text.lastIndexOf("\n", at - 1) : -1;
      if (at < 0) return text;
    }
    let cut = at + 1;
    // A control sequence in the lines to drop: keep everything from the line it is on.
    const control = text.slice(0, cut).search(CONTROLS);
    if (control >= 0) cut = text.lastIndexOf("\n", control) + 1;
    return cut > 0 ? text.slice(cut) : text;
  }

  /**
   * Queues text for the mirror, keeping only about its last MAX_CHARS (the
   * mirror would drop the rest), cut at a line start.
   * @param {Kind} kind @param {string} text
   */
  #toMirror(kind, text) {
    const last = this.#unmirrored.at(-1);
    if (last && last.kind === kind) last.text += text;
    else this.#unmirrored.push({ kind, text });
    this.#unmirroredChars += text.length;
    while (this.#unmirroredChars > 2 * MAX_CHARS) {
      const first = this.#unmirrored[0];
      const excess = this.#unmirroredChars - MAX_CHARS;
      if (first.text.length <= excess) {
        this.#unmirrored.shift();
        this.#unmirroredChars -= first.text.length;
      } else {
        const cut = first.text.indexOf("\n", excess);
        const keep = cut < 0 ? first.text.slice(excess) : first.text.slice(cut + 1);
        this.#unmirroredChars -= first.text.length - keep.length;
        first.text = keep;
      }
    }
  }

  /** Appends the queued text to the mirror, escape sequences removed. */
  #mirror() {
    clearTimeout(this.#mirrorTimer);
    this.#mirrorTimer = 0;
    // The mirror's box is only scrolled when the emulator is absent: reading
    // its layout costs more than writing to xterm.js.
    const s = this.xterm ? null : this.#scroller;
    const atBottom = s !== null && s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    for (const { kind, text: raw } of this.#unmirrored) {
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
    this.#unmirrored = [];
    this.#unmirroredChars = 0;
    this.#mirroredAt = performance.now();
    this.#trim();
    if (s && atBottom) s.scrollTop = s.scrollHeight;
  }

  /** Calls each of `shown` once xterm.js has parsed what was written. @param {(() => void)[]} shown */
  #afterWrite(shown) {
    if (shown.length === 0) return;
    const call = () => shown.forEach((f) => f());
    if (this.xterm) this.xterm.write("", call);
    else call();
  }
}
