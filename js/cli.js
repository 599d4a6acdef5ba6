#!/usr/bin/env node
// wasi-web's command line: `wasi-web [run] [OPTIONS] FILE [ARGS...]`, with the flags of `wasmtime run` (see USAGE).
import fs from "node:fs";
import path from "node:path";
import { parseArgs, readProgram, USAGE, UsageError } from "./node/cli-args.js";
import { isWat, watToWasm } from "./node/wat.js";

/** Flags the --browser path does not carry out yet: refused rather than ignored. */
const NODE_ONLY = /** @type {const} */ ([
  ["invoke", "--invoke"],
  ["timeout", "--timeout"],
  ["maxMemory", "--max-memory"],
  ["maxFds", "--max-fds"],
  ["maxBytes", "--max-bytes"],
  ["memDirs", "--mem-dir"],
  ["network", "-S inherit-network"],
]);

function version() {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return `wasi-web ${pkg.version}`;
}

/** @param {string[]} argv @returns {Promise<number>} */
async function main(argv) {
  if (argv[0] === "serve") {
    const { serveMain } = await import("./node/serve.js");
    return serveMain(argv.slice(1));
  }
  let options;
  try {
    options = parseArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line: the problem, and where the usage is.
    process.stderr.write(`wasi-web: ${error.message} (see wasi-web --help)\n`);
    return 2;
  }
  if ("help" in options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ("version" in options) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  let bytes = readProgram(options.file);
  if (isWat(options.file, bytes)) bytes = await watToWasm(options.file, bytes);
  const job = { ...options, bytes, argv0: options.argv0 ?? path.basename(options.file) };
  if (options.browser) {
    for (const [key, flag] of NODE_ONLY) {
      if (options[key] !== undefined) {
        process.stderr.write(`wasi-web: ${flag} is not supported with --browser (see wasi-web --help)\n`);
        return 2;
      }
    }
    const { runInBrowser } = await import("./node/run-browser.js");
    return runInBrowser(job);
  }
  const { runInNode } = await import("./node/run-node.js");
  return runInNode(job);
}

// Trap backtraces show the guest's frames; V8 keeps 10 by default.
Error.stackTraceLimit = 200;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // Library errors already start with "wasi-web: ".
    const message = String(error?.message ?? error).replace(/^wasi-web: /, "");
    process.stderr.write(`wasi-web: ${message}\n`);
    process.exit(1);
  },
);
