// The playground page: wires the Program panel, the terminal and the Files
// panel to the runner worker.
import "@xterm/xterm/css/xterm.css";
import { parseCommandLine, parseEnv, absolutePath } from "./command-line.js";
import { TranspileError, transpile } from "./component.js";
import { byId } from "./dom.js";
import { FilesPanel } from "./files.js";
import { ProgramPanel } from "./program.js";
import { Runner } from "./runner.js";
import { Terminal } from "./terminal.js";
import { init } from "wasi-web";

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
const loadProgress = byId("load-progress", HTMLProgressElement);
const program = new ProgramPanel({
  onChange: () => updateStdin(),
  onProgress: (name, loaded, total) => {
    const kb = (/** @type {number} */ n) => `${Math.round(n / 1000)} kB`;
    runState.textContent = `Downloading ${name}… ${kb(loaded)}${total ? ` of ${kb(total)}` : ""}`;
    loadProgress.hidden = false;
    if (total) loadProgress.value = loaded / total;
    else loadProgress.removeAttribute("value");
  },
});
const terminal = new Terminal(byId("terminal-output"), byId("terminal"), byId("xterm"), typed);
const runner = new Runner({
  onOutput: (fd, chunk) => terminal.output(fd, chunk),
  onStarted: () => setState("running"),
});

/** Whether the running program reads stdin from the terminal. */
let interactiveRun = false;
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
 * while idle with a component chosen, what is typed is that component's
 * stdin for the next run (components run synchronously: no typing while
 * they run).
 */
function updateStdin() {
  const state = terminalPanel.dataset.state;
  const busy = state !== "idle";
  const live = state === "running" && interactiveRun;
  const ahead = !busy && program.componentChosen;
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
  stdinHint.textContent = program.componentChosen
    ? "Components run synchronously, so they cannot wait for typing: the line typed here before Run (Enter runs) is their whole stdin, then end of input."
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
  interactiveRun = jspi && command.stdinFile === null && !componentChosen;
  // A component's stdin: the line typed before Run.
  const stdinText = componentChosen && command.stdinFile === null && stdinInput.value !== "" ? `${stdinInput.value}\n` : "";
  if (componentChosen) stdinInput.value = "";
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
      component = await transpile(chosen.bytes);
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
  if (!runner.running && !busy && program.componentChosen) {
    run();
    return;
  }
  if (!runner.running || !interactiveRun) return;
  const line = stdinInput.value;
  stdinInput.value = "";
  terminal.write("stdin", `${line}\n`);
  runner.write(`${line}\n`);
}

/**
 * Keys typed into the terminal emulator, with a terminal's line discipline:
 * the line is edited here (and kept in the stdin field), Enter sends it,
 * Backspace erases, Ctrl+D ends the input, Ctrl+C stops the program.
 * @param {string} data
 */
function typed(data) {
  if (data.startsWith("\x1b")) return; // arrows and other keys with no meaning here
  for (const c of data) {
    if (c === "\r" || c === "\n") sendLine();
    else if (c === "\x7f" || c === "\b") {
      if (stdinInput.value !== "") {
        stdinInput.value = stdinInput.value.slice(0, -1);
        terminal.echoTyped("\b");
      }
    } else if (c === "\x04") endInput();
    else if (c === "\x03") {
      if (runner.running) runner.stop();
    } else if (c >= " " && stdinInput.getAttribute("aria-disabled") === "false") {
      stdinInput.value += c;
      terminal.echoTyped(c);
    }
  }
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
    runner.stop();
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
  },
  (error) => terminal.note("error", String(error.message ?? error)),
);
/**
 * The page's URL with the chosen example, arguments and environment in its
 * hash (#program=…&args=…&env=…). Files and opened .wasm files are not in it.
 */
function shareUrl() {
  const params = new URLSearchParams({ program: program.value, args: argsInput.value, env: envInput.value });
  return `${location.href.split("#")[0]}#${params}`;
}

/** Restores what a share link holds. */
function restoreFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
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
  }
  field.select();
});
restoreFromHash();
addEventListener("hashchange", restoreFromHash);

// For tests and the console: the emulator and its text.
Object.assign(window, { playground: { xterm: terminal.xterm, screenText: () => terminal.screenText() } });
document.documentElement.dataset.ready = "true";
