// The playground page: wires the Program panel, the terminal and the Files
// panel to the runner worker.
import { parseCommandLine, parseEnv, absolutePath } from "./command-line.js";
import { byId } from "./dom.js";
import { FilesPanel } from "./files.js";
import { ProgramPanel } from "./program.js";
import { Runner } from "./runner.js";
import { Terminal } from "./terminal.js";

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

const files = new FilesPanel();
const program = new ProgramPanel();
const terminal = new Terminal(byId("terminal-output"), byId("terminal"));
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
  const acceptsInput = state === "running" && interactiveRun;
  stdinInput.setAttribute("aria-disabled", String(!acceptsInput));
  stdinInput.placeholder = acceptsInput ? "type a line + Enter" : busy ? "(not interactive)" : "(not running)";
  eofButton.disabled = !acceptsInput;
  stdinForm.querySelector("button[type=submit]")?.toggleAttribute("disabled", !acceptsInput);
  // A button that just became disabled would drop the focus to <body>.
  if (active instanceof HTMLButtonElement && active.disabled) (busy ? stopButton : runButton).focus();
  runState.textContent =
    state === "starting" ? `Starting ${runningName}…` : state === "running" ? `Running ${runningName}` : message ?? "Ready";
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
  interactiveRun = jspi && command.stdinFile === null;
  runningName = "…";
  setState("starting");
  let chosen;
  try {
    chosen = await program.current();
  } catch (error) {
    terminal.note("error", String(/** @type {Error} */ (error).message ?? error));
    setState("idle", "Could not load the program");
    terminal.flush();
    countRun();
    return;
  }
  runningName = chosen.name;
  setState("starting");
  const redirects = [
    command.stdinFile !== null ? `< ${quote(command.stdinFile)}` : "",
    command.stdoutFile !== null ? `${command.append ? ">>" : ">"} ${quote(command.stdoutFile)}` : "",
  ];
  terminal.note("note", ["$", chosen.name, ...command.args.map(quote), ...redirects].filter(Boolean).join(" "));
  if (focusStdin && interactiveRun) stdinInput.focus();
  const started = performance.now();
  const outcome = await runner.run({
    wasm: chosen.bytes,
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
  if (!runner.running || !interactiveRun) return;
  const line = stdinInput.value;
  stdinInput.value = "";
  terminal.write("stdin", `${line}\n`);
  runner.write(`${line}\n`);
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
document.documentElement.dataset.ready = "true";
