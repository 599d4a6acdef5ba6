// Command-line parsing for `wasi-web`, with the flag shapes of `wasmtime run`.
import { guestPathKey } from "../options.js";

export const USAGE = `Usage: wasi-web [run] [OPTIONS] FILE.wasm [ARGS...]

Runs a WASI Preview 1 program on wasi-web's in-memory filesystem. Host
directories given with --dir are copied in before the run and the program's
changes are written back after it, like a native runtime.

Options:
  --dir HOST[::GUEST]  preopen host directory HOST as GUEST (default: HOST as written)
  --env NAME=VALUE     set an environment variable (--env NAME copies the host's)
  --browser            run in headless Chromium (playwright-core) instead of Node
  -V, --version        print the version
  -h, --help           print this help

Flags also take the --flag=value form; "--" ends the options. The exit code
is the program's; a trap exits with 134.`;

export class UsageError extends Error {}

/**
 * A program to run, as the command line gives it.
 * @typedef {{ file: string, args: string[], dirs: {host: string, guest: string}[], env: Record<string, string>, browser: boolean }} RunArgs
 */

/**
 * @param {string[]} argv process.argv.slice(2)
 * @param {Record<string, string | undefined>} hostEnv
 * @returns {{ help: true } | { version: true } | RunArgs}
 */
export function parseArgs(argv, hostEnv = {}) {
  /** @type {RunArgs["dirs"]} */
  const dirs = [];
  /** @type {Record<string, string>} */
  const env = {};
  let browser = false;
  let i = 0;
  if (argv[0] === "run") i++;
  /** The flag's value: after "=", else the next argument. @param {string} flag @param {string | undefined} inline */
  const value = (flag, inline) => {
    if (inline !== undefined) return inline;
    if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    switch (flag) {
      case "-h":
      case "--help":
        return { help: true };
      case "-V":
      case "--version":
        return { version: true };
      case "--browser":
        browser = true;
        break;
      case "--dir": {
        const spec = value(flag, inline);
        const sep = spec.indexOf("::");
        const host = sep < 0 ? spec : spec.slice(0, sep);
        const guest = sep < 0 ? spec : spec.slice(sep + 2);
        if (host === "" || guest === "") throw new UsageError(`bad --dir ${JSON.stringify(spec)}: expected HOST[::GUEST]`);
        // The guest would see only one of two preopens with the same path.
        const same = dirs.find((d) => guestPathKey(d.guest) === guestPathKey(guest));
        if (same) throw new UsageError(`--dir ${spec}: guest path ${guest} is already --dir ${same.host}::${same.guest}`);
        dirs.push({ host, guest });
        break;
      }
      case "--env": {
        const spec = value(flag, inline);
        const sep = spec.indexOf("=");
        if (sep === 0) throw new UsageError(`bad --env ${JSON.stringify(spec)}: expected NAME=VALUE`);
        if (sep < 0) {
          const inherited = hostEnv[spec];
          if (inherited !== undefined) env[spec] = inherited;
        } else {
          env[spec.slice(0, sep)] = spec.slice(sep + 1);
        }
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (i >= argv.length) throw new UsageError("no program given");
  return { file: argv[i], args: argv.slice(i + 1), dirs, env, browser };
}
