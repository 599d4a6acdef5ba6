import { spawn } from "node:child_process";
import path from "node:path";
import { REPO } from "./corpus.js";

const CLI = path.join(REPO, "js/cli.js");

/** Runs the CLI; resolves with { exitCode, stdout, stderr } (strings). `env` adds to process.env. */
export function runCli(args, { cwd = REPO, input = "", env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        exitCode: signal ? `signal ${signal}` : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
