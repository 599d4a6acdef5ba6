// The Preview 1 corpus as WASI 0.2 components: each guest componentized with
// jco's wasi_snapshot_preview1 command adapter (`jco new --wasi-command`),
// then run on wasi-web's Preview 2 host or on @bytecodealliance/preview2-shim.
// Shared by preview2-corpus.test.js and scripts/preview2-compare.mjs.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../../../js/index.js";
import { copyFixtures, mountFixtures, readGuest, REPO, TRAP_EXIT_CODE } from "./corpus.js";

export const ADAPTER = path.join(REPO, "node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm");
export const SHIM_DIR = path.join(REPO, "node_modules/@bytecodealliance/preview2-shim");
const SHIM_CHILD = path.join(REPO, "tests/js/helpers/preview2-shim-child.js");
/** A guest that runs longer than this under preview2-shim counts as hung. */
const SHIM_TIMEOUT_MS = 60_000;

/**
 * The cases expected to fail through the adapter, with whose answer makes
 * them fail: the corpus records native Preview 1 answers, and
 * - "adapter": jco's wasi_snapshot_preview1 command adapter answers
 *   differently (so they fail on any WASI 0.2 host, wasmtime's included);
 * - "jco": jco's JS bindings lower empty strings as pointer 1 without
 *   calling the guest's realloc, which the adapter's args/environ buffers
 *   rely on (wasmtime's Preview 2 host passes these; preview2-shim fails too);
 * - "wasi-web": wasi-web's Preview 2 host (the Rust core) answers
 *   differently from wasmtime's Preview 2 host (none now: set-size on a
 *   read-only descriptor and the sync open flags were brought in line).
 * @type {Record<string, { by: "adapter" | "jco" | "wasi-web", reason: string }>}
 */
export const EXPECTED_FAILURES = {
  args: { by: "jco", reason: "the empty argument is lowered as pointer 1, outside the adapter's argv buffer" },
  clock_cputime: { by: "adapter", reason: "no process/thread CPU-time clocks (BADF)" },
  dir_fd_op_failures: { by: "adapter", reason: "fd_filestat_set_times on a directory: the adapter only takes files (BADF)" },
  efault: { by: "adapter", reason: "traps on out-of-bounds pointers instead of returning FAULT" },
  environ: { by: "jco", reason: "the empty value is lowered as pointer 1, so the adapter sizes environ_buf wrong" },
  fd_advise: { by: "adapter", reason: "answers SPIPE for stdio" },
  fd_close: { by: "adapter", reason: "answers SPIPE for fd_seek on a closed fd" },
  fd_fdstat_set_rights: { by: "adapter", reason: "does not implement fd_fdstat_set_rights (NOTSUP)" },
  fd_filestat_set: { by: "adapter", reason: "fd_filestat_set_times on a directory: the adapter only takes files (BADF)" },
  fd_prestat: { by: "adapter", reason: "answers BADF for fd_prestat_dir_name on stdio" },
  fd_readdir: { by: "adapter", reason: "fd_readdir on a file is read-directory's not-directory (NOTDIR)" },
  fd_readdir_changes: { by: "adapter", reason: "resumes fd_readdir by skipping `cookie` entries of a fresh listing" },
  fd_sync: { by: "adapter", reason: "answers INVAL for fd_sync on stdio" },
  file_allocate: { by: "adapter", reason: "does not implement fd_allocate (NOTSUP)" },
  file_unbuffered_write: { by: "adapter", reason: "buffers reads ahead" },
  path_open_dirfd_not_dir: { by: "adapter", reason: "path operations on a file descriptor are not-directory (NOTDIR)" },
  path_utf8: { by: "adapter", reason: "component strings are UTF-8: the adapter cannot pass invalid paths" },
  poll_oneoff_clock: { by: "adapter", reason: "turns past absolute realtime deadlines into OVERFLOW" },
  proc_exit_failure: { by: "adapter", reason: "proc_exit(n != 0) is wasi:cli/exit.exit(err): code 1" },
  proc_exit_max: { by: "adapter", reason: "proc_exit(n != 0) is wasi:cli/exit.exit(err): code 1" },
  proc_raise: { by: "adapter", reason: "traps on proc_raise" },
  sock: { by: "adapter", reason: "traps on sock_* calls" },
  stdio: { by: "adapter", reason: "answers INVAL for fd_filestat_set_size on stdio" },
  wasi_unstable: { by: "adapter", reason: "implements wasi_snapshot_preview1 only: the guest cannot be componentized" },
};

/**
 * @typedef {import("./corpus.js").Case} Case
 * @typedef {{ exitCode: number, stdout: string, stderr: string, trap?: string }} Outcome
 */

/** Whether jco (and so its adapter) is installed. */
export function hasAdapter() {
  return fs.existsSync(ADAPTER);
}

/** Whether @bytecodealliance/preview2-shim is installed. */
export function hasShim() {
  return fs.existsSync(path.join(SHIM_DIR, "package.json"));
}

/**
 * Loads jco's componentNew and the adapter once; the result componentizes
 * one case's guest.
 * @returns {Promise<(c: Case) => Promise<Uint8Array>>}
 */
export async function componentizer() {
  const { componentNew } = await import("@bytecodealliance/jco");
  const adapter = fs.readFileSync(ADAPTER);
  return (c) => componentNew(readGuest(c), [["wasi_snapshot_preview1", adapter]]);
}

/** Whether an outcome is the one the manifest records. */
export function passes(c, outcome) {
  return outcome.stdout === c.stdout && outcome.exitCode === c.exitCode;
}

/**
 * Runs a componentized case with run() on wasi-web's Preview 2 host: the
 * fixture dirs copied into a fresh MemFS and preopened under their names.
 * @param {Case} c
 * @param {Uint8Array} component
 * @returns {Promise<Outcome>}
 */
export async function runOnWasiWeb(c, component) {
  try {
    const { memfs, preopens } = mountFixtures(c);
    return await run(component, { args: [c.wasm, ...c.args], env: c.env, preopens, fs: memfs, stdin: c.stdin });
  } catch (error) {
    return { exitCode: TRAP_EXIT_CODE, stdout: error.stdout ?? "", stderr: error.stderr ?? "", trap: String(error?.message ?? error) };
  }
}

/**
 * Runs a componentized case on @bytecodealliance/preview2-shim in a child
 * Node process (the shim writes to the process's own stdout and exits it):
 * the component transpiled by jco, the fixture dirs copied into a fresh
 * temp dir (the child's cwd) and preopened under their names, the
 * manifest's stdin piped in.
 * @param {Case} c
 * @param {Uint8Array} component
 * @returns {Promise<Outcome>}
 */
export async function runOnPreview2Shim(c, component) {
  const { transpile } = await import("@bytecodealliance/jco");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-p2shim-"));
  try {
    // The transpiled files sit outside the preopened root, where a guest cannot reach them.
    const out = path.join(tmp, "out");
    const root = path.join(tmp, "root");
    fs.mkdirSync(root);
    const { files } = await transpile(component, { name: "component", instantiation: "async", noTypescript: true, quiet: true });
    for (const [file, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      fs.writeFileSync(path.join(out, file), data);
    }
    copyFixtures(c, root);
    const preopens = Object.fromEntries(c.dirs.map((d) => [d, path.join(root, d)]));
    const job = { out, preopens, env: c.env, args: [c.wasm, ...c.args] };
    return await spawnChild([SHIM_CHILD, JSON.stringify(job)], { cwd: root, input: c.stdin });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** @returns {Promise<Outcome>} */
function spawnChild(args, { cwd, input }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), SHIM_TIMEOUT_MS);
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      const trap = /^preview2-shim-child: trap: (.*)$/m.exec(stderr)?.[1];
      resolve({
        exitCode: signal ? TRAP_EXIT_CODE : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
        ...(signal ? { trap: `killed by ${signal} (hung for ${SHIM_TIMEOUT_MS / 1000} s?)` } : trap ? { trap } : {}),
      });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

/**
 * Why an outcome is not the expected one, in a line: the guest's first
 * FAIL line, the trap, or the exit code / stdout difference.
 * @param {Case} c
 * @param {Outcome} outcome
 */
export function failureReason(c, outcome) {
  const fail = /^FAIL: ?(.*)$/m.exec(outcome.stdout)?.[1] ?? /^FAIL: ?(.*)$/m.exec(outcome.stderr)?.[1];
  if (fail) return `FAIL ${fail.trim()}`;
  if (outcome.trap) return `trap: ${firstLine(outcome.trap)}`;
  if (outcome.exitCode !== c.exitCode) {
    const said = firstLine(outcome.stderr);
    return `exit ${outcome.exitCode} (want ${c.exitCode})${said ? `: ${said}` : ""}`;
  }
  const got = outcome.stdout.split("\n");
  const want = c.stdout.split("\n");
  const i = want.findIndex((line, k) => got[k] !== line);
  return `stdout line ${i + 1}: ${JSON.stringify(got[i] ?? "<missing>")}, want ${JSON.stringify(want[i])}`;
}

function firstLine(text) {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line.trim();
}
