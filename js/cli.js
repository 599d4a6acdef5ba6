#!/usr/bin/env node
// wasi-web's command line: `wasi-web [run] [--dir H[::G]]... [--env K=V]... [--browser] FILE.wasm [ARGS...]`
import fs from "node:fs";
import path from "node:path";
import { parseArgs, USAGE, UsageError } from "./node/cli-args.js";

function version() {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return `wasi-web ${pkg.version}`;
}

/** @param {string[]} argv @returns {Promise<number>} */
async function main(argv) {
  let options;
  try {
    options = parseArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wasi-web: ${error.message}\n\n${USAGE}\n`);
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
  let bytes;
  try {
    bytes = fs.readFileSync(options.file);
  } catch (error) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (error);
    throw new Error(`cannot read ${options.file}: ${code ?? message}`, { cause: error });
  }
  const job = { ...options, bytes, argv0: path.basename(options.file) };
  if (options.browser) {
    const { runInBrowser } = await import("./node/run-browser.js");
    return runInBrowser(job);
  }
  const { runInNode } = await import("./node/run-node.js");
  return runInNode(job);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // Library errors already start with "wasi-web: ".
    const message = String(error?.message ?? error).replace(/^wasi-web: /, "");
    process.stderr.write(`wasi-web: ${message}\n`);
    process.exit(1);
  },
);
