// The playground page: wires the Program panel, the terminal and the Files
// panel to the runner worker.
import "@xterm/xterm/css/xterm.css";
import { parseCommandLine, parseEnv, absolutePath } from "./command-line.js";
import { TranspileError, transpile } from "./component.js";
import { byId } from "./dom.js";
import { FilesPanel } from "./files.js";
import { LineDiscipline } from "./line-discipline.js";
import { ProgramPanel } from "./program.js";
import { Runner } from "./runner.js";
import { Shell } from "./shell.js";
import { HOME, LINK_FILES_LIMIT, loadHistory, saveHistory, treeFromLink, treeToLink } from "./persist.js";
import { EXAMPLES, EXAMPLES_URL } from "./examples.js";
import { Terminal } from "./terminal.js";
import { StdinQueue, WASI, compileProgram, init } from "wasi-web";

// The Files panel makes a MemFS at once: load the core first.
await init();

const runButton = byId("run", HTMLButtonElement);
const stopButton = byId("stop", HTMLButtonElement);
const clearButton = byId("clear", HTMLButtonElement);
const stdinForm = byId("stdin-form", HTMLFormElement);
const stdinInput = byId("stdin", HTMLInputElement);
const eofButton = byId("eof", HTMLButtonElement);
const runState = byId("run-state");
const argsInput = byId("args", HTMLInputElement);
const envInput = byId("env", HTMLTextAreaElement);
const settingsError = byId("settings-error");
const terminalPanel = byId("terminal-panel");
const jspiNote = byId("jspi-note");
const stdinHint = byId("stdin-hint");
const STDIN_HINT = stdinHint.textContent ?? "";

const files = new FilesPanel();
// The files saved by an earlier visit (OPFS), if any.
await files.restore();
const loadProgress = byId("load-progress", HTMLProgressElement);
const rawInput = byId("raw-input", HTMLInputElement);
const program = new ProgramPanel({
  onChange: () => {
    rawInput.checked = rawPrograms.has(program.value);
    updateStdin();
  },
  onProgress: (name, loaded, total) => {
    const kb = (/** @type {number} */ n) => `${Math.round(n / 1000)} kB`;
    runState.textContent = `Downloading ${name}… ${kb(loaded)}${total ? ` of ${kb(total)}` : ""}`;
    loadProgress.hidden = false;
    if (total) loadProgress.value = loaded / total;
    else loadProgress.removeAttribute("value");
  },
});
const terminal = new Terminal(byId("terminal-output"), byId("terminal"), byId("xterm"), typed);
// Cooked mode: keys typed into the terminal are edited here and sent a line at a time.
const discipline = new LineDiscipline(
  {
    echo: (ansi) => terminal.echo(ansi),
    send: (text) => {
      terminal.write("stdin", text, { screen: false });
      // A shell command's first program reads what is typed too (shellStdin).
      if (shellStdin !== null) shellStdin.push(text);
      else runner.write(text);
    },
    eof: () => (shellStdin !== null ? shellStdin.end() : endInput()),
    interrupt: () => interrupt(),
    remember: (lines) => saveHistory(disciplineHistory, lines),
  },
  { style: "\x1b[34m" },
);
terminal.editLine = discipline;
// While no program runs, what is typed into the terminal is a shell command
// line (www/app/shell.js): programs by name, joined by pipes, on pipeline().
const shell = new Shell(
  {
    fs: () => files.fs,
    bundled: async (name) => {
      // A program opened in the Program panel (FILE.wasm runs as FILE), then a bundled example.
      const opened = program.opened().find((p) => p.name === name);
      if (opened !== undefined) return opened.bytes;
      if (!EXAMPLES.some((e) => e.name === name)) return null;
      const response = await fetch(`${EXAMPLES_URL}${name}.wasm`);
      return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
    },
    output: (fd, chunk) => {
      terminal.output(fd, chunk);
      // Backpressure: past 64 KiB not yet on the screen, the program waits for the next frame.
      shellUnshown += chunk.length;
      if (shellUnshown < 65536) return undefined;
      shellUnshown = 0;
      return terminal.drained();
    },
    programs: () => [...program.opened().map((p) => p.name), ...EXAMPLES.map((e) => e.name)],
    // The first program reads what is typed into the terminal, until Ctrl+D.
    stdin: () => (shellStdin = new StdinQueue()),
  },
  { home: HOME },
);
let shellUnshown = 0;
/** Ctrl+C's way to stop the shell's programs while they run. @type {AbortController | null} */
let shellAbort = null;
/** What is typed while a shell command runs goes to its first program (when it has no "<"). @type {StdinQueue | null} */
let shellStdin = null;
const shellLine = new LineDiscipline(
  // Ctrl+C at the prompt drops the line (the "^C" is echoed) and prompts afresh, as sh does.
  {
    echo: (ansi) => terminal.echo(ansi),
    send: (text) => runShell(text),
    eof: () => {},
    interrupt: () => prompt(),
    remember: (lines) => saveHistory("shell", lines),
  },
  { style: "\x1b[34m" },
);
// Histories are kept across reloads, in localStorage (www/app/persist.js saveHistory).
shellLine.useHistory(loadHistory("shell"));
/** The key the running program's typed lines are kept under (ProgramPanel.historyKey, or "shell-input"). */
let disciplineHistory = "shell-input";
/** Whether the shell's "$ " prompt is the terminal's last output. */
let prompted = false;
/** Each program's line history (↑/↓), by ProgramPanel.historyKey, as loaded or grown in this visit. @type {Map<string, string[]>} */
const histories = new Map();
/** The programs that get raw keys (the "Raw keys" setting), by menu value. */
const rawPrograms = new Set();
rawInput.addEventListener("change", () => {
  if (rawInput.checked) rawPrograms.add(program.value);
  else rawPrograms.delete(program.value);
});
const runner = new Runner({
  onOutput: (segments, shown) => {
    let bytes = 0;
    for (const [fd, chunk] of segments) {
      terminal.output(fd, chunk);
      bytes += chunk.length;
    }
    terminal.whenShown(() => {
      outputShown += bytes;
      shown();
    });
  },
  onStarted: () => setState("running"),
});

/** Output bytes on the screen so far, for tests and bench/playground-output.mjs. */
let outputShown = 0;
/** Whether the running program reads stdin from the terminal. */
let interactiveRun = false;
/** Whether components read typed input as they run (JSPI), rather than a line typed before Run. */
let componentsWait = false;
let runningName = "";

/**
 * @param {"idle" | "starting" | "running"} state
 * @param {string} [message] for idle: how the last run ended
 */
function setState(state, message) {
  const busy = state !== "idle";
  const active = document.activeElement;
  terminalPanel.dataset.state = state;
  runButton.disabled = busy;
  stopButton.disabled = !busy;
  files.setLocked(busy);
  updateStdin();
  // A button that just became disabled would drop the focus to <body>.
  if (active instanceof HTMLButtonElement && active.disabled) (busy ? stopButton : runButton).focus();
  runState.textContent =
    state === "starting" ? `Starting ${runningName}…` : state === "running" ? `Running ${runningName}` : (message ?? "Ready");
}

/**
 * The stdin controls for the state: live while an interactive program runs;
 * while idle with a component chosen and no JSPI, what is typed is that
 * component's stdin for the next run (it runs synchronously: no typing
 * while it runs).
 */
function updateStdin() {
  const state = terminalPanel.dataset.state;
  const busy = state !== "idle";
  const live = state === "running" && interactiveRun;
  const ahead = !busy && program.componentChosen && !componentsWait;
  stdinInput.setAttribute("aria-disabled", String(!(live || ahead)));
  stdinInput.placeholder = live
    ? "type a line + Enter"
    : ahead
      ? "stdin for the component: type, then Run"
      : busy
        ? "(not interactive)"
        : "(not running)";
  eofButton.disabled = !live;
  stdinForm.querySelector("button[type=submit]")?.toggleAttribute("disabled", !(live || ahead));
  stdinHint.textContent = ahead
    ? "Without JSPI, components run synchronously, so they cannot wait for typing: the line typed here before Run (Enter runs) is their whole stdin, then end of input."
    : STDIN_HINT;
}

/** @param {string | null} message */
function showSettingsError(message) {
  settingsError.textContent = message ?? "";
  settingsError.hidden = message === null;
}

/** @param {string} text a shell-ish quoting of one word */
function quote(text) {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Counts finished runs in data-runs: lets tests (and curious people) wait for one. */
function countRun() {
  terminalPanel.dataset.runs = String(Number(terminalPanel.dataset.runs ?? 0) + 1);
}

/** True from Run until the run has been reported. */
let busy = false;

/** @param {{ focusStdin?: boolean }} [options] */
async function run(options) {
  if (busy) return;
  busy = true;
  // The program's output follows: the shell prompts afresh when typed into next.
  prompted = false;
  try {
    await runOnce(options);
  } finally {
    busy = false;
  }
}

/** @param {{ focusStdin?: boolean }} [options] */
async function runOnce({ focusStdin = false } = {}) {
  let command;
  let env;
  try {
    command = parseCommandLine(argsInput.value);
  } catch (error) {
    showSettingsError(`Arguments: ${/** @type {Error} */ (error).message}`);
    argsInput.focus();
    return;
  }
  try {
    env = parseEnv(envInput.value);
  } catch (error) {
    showSettingsError(`Environment: ${/** @type {Error} */ (error).message}`);
    envInput.focus();
    return;
  }
  showSettingsError(null);
  files.save();
  const jspi = await runner.interactive().catch(() => false);
  const componentChosen = program.componentChosen;
  interactiveRun = jspi && command.stdinFile === null;
  // Without JSPI a component cannot wait for typing: its stdin is the line typed before Run.
  const stdinText = componentChosen && !jspi && command.stdinFile === null && stdinInput.value !== "" ? `${stdinInput.value}\n` : "";
  if (componentChosen && !jspi) stdinInput.value = "";
  runningName = "…";
  setState("starting");
  let chosen;
  try {
    chosen = await program.current();
  } catch (error) {
    loadProgress.hidden = true;
    terminal.note("error", String(/** @type {Error} */ (error).message ?? error));
    setState("idle", "Could not load the program");
    terminal.flush();
    countRun();
    return;
  }
  loadProgress.hidden = true;
  runningName = chosen.name;
  setState("starting");
  if (!chosen.component) runState.textContent = `Compiling and starting ${chosen.name}…`;
  const redirects = [
    command.stdinFile !== null ? `< ${quote(command.stdinFile)}` : "",
    command.stdoutFile !== null ? `${command.append ? ">>" : ">"} ${quote(command.stdoutFile)}` : "",
  ];
  terminal.note("note", ["$", chosen.name, ...command.args.map(quote), ...redirects].filter(Boolean).join(" "));
  /** @type {import("./component.js").Transpiled | null} */
  let component = null;
  if (chosen.component) {
    for (const dir of chosen.dirs) files.ensureDirectory(dir);
    runState.textContent = `Transpiling ${chosen.name} with jco…`;
    try {
      component = await transpile(chosen.bytes, { async: jspi });
    } catch (error) {
      const message = error instanceof TranspileError ? error.message : String(/** @type {Error} */ (error)?.message ?? error);
      terminal.note("error", `[cannot run ${chosen.name}: ${message}]`);
      setState("idle", `Cannot run ${chosen.name}`);
      terminal.flush();
      countRun();
      return;
    }
    if (stdinText !== "") terminal.write("stdin", stdinText);
  }
  if (focusStdin && interactiveRun) stdinInput.focus();
  const historyKey = program.historyKey;
  if (!histories.has(historyKey)) histories.set(historyKey, loadHistory(historyKey));
  discipline.useHistory(/** @type {string[]} */ (histories.get(historyKey)));
  disciplineHistory = historyKey;
  discipline.reset();
  discipline.raw = rawPrograms.has(program.value);
  const started = performance.now();
  const outcome = await runner.run({
    wasm: chosen.component ? new Uint8Array(0) : chosen.bytes,
    component,
    stdinText,
    args: [chosen.name, ...command.args],
    env,
    tree: files.snapshot(),
    stdinFile: command.stdinFile === null ? null : absolutePath(command.stdinFile),
    stdoutFile: command.stdoutFile === null ? null : absolutePath(command.stdoutFile),
    append: command.append,
  });
  const took = `${Math.round(performance.now() - started)} ms`;
  terminal.endOutput();
  // The end is reported after the last byte is on the screen.
  await terminal.drained();
  discipline.reset();
  if ("tree" in outcome && outcome.tree) files.replace(outcome.tree);
  switch (outcome.kind) {
    case "exit": {
      if (outcome.redirected) terminal.note("note", `(stdout: ${outcome.redirected.bytes} bytes written to ${outcome.redirected.path})`);
      const text = `${chosen.name} exited with code ${outcome.exitCode}`;
      terminal.note(outcome.exitCode === 0 ? "note" : "error", `[${text} · ${took}]`);
      setState("idle", text);
      break;
    }
    case "trap":
      terminal.note("error", `[trap: ${outcome.message}]`);
      setState("idle", `${chosen.name} trapped (a WebAssembly runtime error)`);
      break;
    case "load":
      terminal.note("error", `[cannot run ${chosen.name}: ${outcome.message}]`);
      setState("idle", `Cannot run ${chosen.name}`);
      break;
    case "interrupted":
      terminal.note("error", `[interrupted (Ctrl+C) after ${took}; the files it changed are kept]`);
      setState("idle", `${chosen.name} was interrupted`);
      break;
    case "error":
      terminal.note("error", `[error: ${outcome.message}]`);
      setState("idle", `${chosen.name} failed`);
      break;
    case "stopped":
      terminal.note("error", `[stopped after ${took}; the files are as they were before the run]`);
      setState("idle", `${chosen.name} was stopped`);
      break;
  }
  terminal.flush();
  countRun();
}

function sendLine() {
  // Enter in a component's stdin runs it with what was typed.
  if (!runner.running && !busy && program.componentChosen && !componentsWait) {
    run();
    return;
  }
  if (!runner.running || !interactiveRun) return;
  const line = stdinInput.value;
  stdinInput.value = "";
  terminal.write("stdin", `${line}\n`);
  runner.write(`${line}\n`);
}

function prompt() {
  terminal.write("note", `${shell.displayCwd} $ `);
  terminal.flush();
  prompted = true;
}

/** The history of lines typed into shell commands' programs. @type {string[]} */
const shellInputHistory = loadHistory("shell-input");

/**
 * Tab: one match is completed; several are completed as far as they agree,
 * then listed under the line, and the prompt and line are drawn again.
 */
function complete() {
  const { insert, matches } = shell.complete(shellLine.line, shellLine.cursor);
  if (insert !== "") shellLine.input(insert);
  if (matches.length < 2) return;
  const right = Array.from(shellLine.line).length - shellLine.cursor;
  terminal.echo(`${right > 0 ? `\x1b[${right}C` : ""}\r\n${matches.join("  ")}\r\n`);
  // The screen-reader log gets the list too (an echo is on the emulator only).
  terminal.write("note", `${shellLine.line}\n${matches.join("  ")}\n`, { screen: false });
  prompt();
  terminal.echo(shellLine.drawSequence());
}

/** Runs a shell command line typed into the terminal (Enter), then prompts again. @param {string} text */
async function runShell(text) {
  if (busy) return;
  busy = true;
  prompted = false;
  terminal.write("stdin", text, { screen: false });
  files.save();
  files.setLocked(true);
  runButton.disabled = true;
  runState.textContent = `Running ${text.trim()}`;
  // Lines typed for the command's programs are edited as a running program's are (history of their own).
  discipline.useHistory(shellInputHistory);
  disciplineHistory = "shell-input";
  discipline.reset();
  discipline.raw = false;
  try {
    shellAbort = new AbortController();
    const status = await shell.execute(text, { signal: shellAbort.signal });
    terminal.endOutput();
    if (shellAbort.signal.aborted) {
      // After a half-typed line, which stays on the screen as typed (as a tty's).
      discipline.reset();
      terminal.write("note", "^C\n");
    }
    await terminal.drained();
    runState.textContent = `Exit status ${status}`;
  } finally {
    shellAbort = null;
    shellStdin?.end();
    shellStdin = null;
    discipline.reset();
    files.setLocked(false);
    files.render();
    runButton.disabled = false;
    busy = false;
    shellLine.reset();
    prompt();
    // The run is counted (tests wait for that) once the prompt is on the screen.
    await terminal.drained();
    countRun();
  }
}

/**
 * Keys typed into the terminal emulator go through the line discipline
 * while a program reads them (cooked: edited, Enter sends the line; raw:
 * as typed). Ctrl+C interrupts any running program.
 * @param {string} data
 */
function typed(data) {
  if (!runner.running) {
    if (shellAbort !== null) {
      // A shell command runs. Ctrl+C stops it (its "^C" is shown once the programs' last output is);
      // what is typed before goes to its first program, if that reads the terminal (cooked mode, as for Run).
      const [before, ...rest] = data.split("\x03");
      if (shellStdin !== null && before !== "") {
        terminal.flush();
        discipline.input(before);
      }
      if (rest.length > 0) shellAbort.abort(new Error("Ctrl+C"));
      return;
    }
    if (busy) return;
    terminal.flush();
    if (!prompted) prompt();
    // Tab completes the word at the cursor (www/app/shell.js complete()).
    data.split("\t").forEach((part, i) => {
      if (i > 0) complete();
      if (part !== "") shellLine.input(part);
    });
    return;
  }
  if (!interactiveRun) {
    if (data.includes("\x03")) interrupt();
    return;
  }
  // Output still pending goes on the screen first, so the echo follows it.
  terminal.flush();
  discipline.input(data);
}

/** Ctrl+C: the program ends at its next WASI call, keeping its files (see Runner.interrupt). */
function interrupt() {
  if (runner.running) runner.interrupt();
}

function endInput() {
  if (!runner.running || !interactiveRun) return;
  const rest = stdinInput.value;
  stdinInput.value = "";
  // Like a terminal's Ctrl+D: what is typed goes without a newline, then EOF.
  if (rest) {
    terminal.write("stdin", rest);
    runner.write(rest);
  }
  terminal.note("note", "^D (end of input)");
  runner.endInput();
}

runButton.addEventListener("click", () => run({ focusStdin: true }));
stopButton.addEventListener("click", () => {
  runner.stop();
  runButton.focus();
});
clearButton.addEventListener("click", () => terminal.clear());
stdinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  sendLine();
});
eofButton.addEventListener("click", () => {
  endInput();
  stdinInput.focus();
});
stdinInput.addEventListener("keydown", (event) => {
  if (!event.ctrlKey || event.altKey || event.metaKey) return;
  const key = event.key.toLowerCase();
  if (key === "d") {
    event.preventDefault();
    endInput();
  } else if (key === "c" && stdinInput.selectionStart === stdinInput.selectionEnd && runner.running) {
    event.preventDefault();
    interrupt();
  }
});
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    run({ focusStdin: true });
  }
});

setState("idle");
runner.interactive().then(
  (jspi) => {
    jspiNote.hidden = jspi;
    componentsWait = jspi;
    updateStdin();
  },
  (error) => terminal.note("error", String(error.message ?? error)),
);
/**
 * The page's URL with the chosen example, arguments and environment in its
 * hash (#program=…&args=…&env=…). Files and opened .wasm files are not in it.
 */
function shareUrl() {
  const params = new URLSearchParams({ program: program.value, args: argsInput.value, env: envInput.value });
  // The Files go in too when they are small enough, compressed (www/app/persist.js).
  const packed = treeToLink(files.snapshot());
  linkHasFiles = packed !== null;
  if (packed !== null) params.set("files", packed);
  return `${location.href.split("#")[0]}#${params}`;
}

/** Whether the last share link made carries the Files. */
let linkHasFiles = false;

/** Restores what a share link holds. */
function restoreFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const linked = params.get("files");
  if (linked !== null) {
    try {
      files.merge(treeFromLink(linked));
    } catch (error) {
      showSettingsError(`The link's files could not be read: ${/** @type {Error} */ (error).message}`);
    }
  }
  const chosen = params.get("program");
  if (chosen === null) return;
  if (!program.choose(chosen)) {
    showSettingsError(`The link names a program this page does not have (${chosen}).`);
    return;
  }
  const args = params.get("args");
  const env = params.get("env");
  if (args !== null) argsInput.value = args;
  if (env !== null) envInput.value = env;
}

byId("share").addEventListener("click", async () => {
  const url = shareUrl();
  const field = byId("share-url", HTMLInputElement);
  const state = byId("share-state");
  field.value = url;
  field.hidden = false;
  history.replaceState(null, "", url);
  if (!program.value.startsWith("example:") && !program.value.startsWith("component:")) {
    state.textContent = "Your own .wasm files are not in links: the link opens the first example.";
  } else {
    try {
      await navigator.clipboard.writeText(url);
      state.textContent = "Copied.";
    } catch {
      state.textContent = "Copy the link above.";
    }
    if (!linkHasFiles)
      state.textContent += ` The Files are too big for a link (over ${LINK_FILES_LIMIT / 1024} KB compressed): it has none.`;
  }
  field.select();
});
restoreFromHash();
addEventListener("hashchange", restoreFromHash);

// For tests and the console: the emulator and its text.
// outputShown and the library (for the same-page baseline in bench/playground-output.mjs) too.
Object.assign(window, {
  playground: {
    xterm: terminal.xterm,
    // Its jumpScroll switch, for bench/playground-output.mjs.
    terminal,
    screenText: () => terminal.screenText(),
    outputShown: () => outputShown,
    library: { WASI, compileProgram },
  },
});
document.documentElement.dataset.ready = "true";
