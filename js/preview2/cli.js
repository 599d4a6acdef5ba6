// wasi:cli (environment, exit, stdin, stdout, stderr, terminal-*): the
// functions and terminal resources, and the module exports for
// `jco transpile --map 'wasi:cli/*=wasi-web/preview2/cli#*'` (served by the
// WASIp2 set with `configure()` from "wasi-web/preview2"). The standard
// streams are wasi:io streams (io.js) on the host's stdin, stdout, stderr.
import { defaultHost } from "./default-host.js";
import { InputStream, OutputStream } from "./io.js";
import { define, wrap } from "./resource.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */

export const TerminalInput = define("TerminalInput", "wasi:cli/terminal-input.terminal-input");
export const TerminalOutput = define("TerminalOutput", "wasi:cli/terminal-output.terminal-output");

/**
 * The terminal behind stdin (0), stdout (1) or stderr (2), if the host's
 * `tty` option says that stream is one.
 * @param {Preview2Host} host
 * @param {0 | 1 | 2} which
 * @param {typeof TerminalInput} Class
 */
function terminal(host, which, Class) {
  const id = host.core.getTerminal(which);
  return id === undefined ? undefined : wrap(Class, host, id);
}

/**
 * The wasi:cli interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function cliImports(getHost) {
  const core = () => getHost().core;
  return {
    "wasi:cli/environment": {
      getEnvironment: () => core().getEnvironment(),
      getArguments: () => core().getArguments(),
      initialCwd: () => core().initialCwd(),
    },
    "wasi:cli/exit": {
      /** `exit(err)` is exit code 1, as `std::process::exit(n)` is on wasm32-wasip2. @param {{ tag: string } | undefined} status */
      exit(status) {
        getHost().exit(status?.tag === "err" ? 1 : 0);
      },
      /** @param {number} code */
      exitWithCode(code) {
        getHost().exit(code & 0xff);
      },
    },
    "wasi:cli/stdin": { getStdin: () => wrap(InputStream, getHost(), core().getStdin()) },
    "wasi:cli/stdout": { getStdout: () => wrap(OutputStream, getHost(), core().getStdout()) },
    "wasi:cli/stderr": { getStderr: () => wrap(OutputStream, getHost(), core().getStderr()) },
    "wasi:cli/terminal-input": { TerminalInput },
    "wasi:cli/terminal-output": { TerminalOutput },
    "wasi:cli/terminal-stdin": { getTerminalStdin: () => terminal(getHost(), 0, TerminalInput) },
    "wasi:cli/terminal-stdout": { getTerminalStdout: () => terminal(getHost(), 1, TerminalOutput) },
    "wasi:cli/terminal-stderr": { getTerminalStderr: () => terminal(getHost(), 2, TerminalOutput) },
  };
}

const mapped = cliImports(defaultHost);
export const environment = mapped["wasi:cli/environment"];
export const exit = mapped["wasi:cli/exit"];
export const stdin = mapped["wasi:cli/stdin"];
export const stdout = mapped["wasi:cli/stdout"];
export const stderr = mapped["wasi:cli/stderr"];
export const terminalInput = mapped["wasi:cli/terminal-input"];
export const terminalOutput = mapped["wasi:cli/terminal-output"];
export const terminalStdin = mapped["wasi:cli/terminal-stdin"];
export const terminalStdout = mapped["wasi:cli/terminal-stdout"];
export const terminalStderr = mapped["wasi:cli/terminal-stderr"];
