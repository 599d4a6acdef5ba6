// The Preview 1 conformance corpus through the Preview 2 path: each guest is
// componentized with jco's wasi_snapshot_preview1 command adapter
// (`jco new --wasi-command`) and run by run() on wasi-web's WASI 0.2 host.
//
// The adapter is a Preview 1 implementation of its own (wasmtime's), so some
// cases differ from the native Preview 1 answers the corpus records; those
// are listed below with the reason, and are expected to fail. Every other
// case must pass.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { MemFS, run } from "../../js/index.js";
import { fromHostDir } from "../../js/node/host-dirs.js";
import { fixtureDir, loadCorpus, readGuest, REPO, TRAP_EXIT_CODE } from "./helpers/corpus.js";

/** Where the adapter (not the host) answers differently. */
const ADAPTER_DIFFERS = {
  args: "the adapter keeps argv strings in its own memory region, not packed after the pointer array",
  clock_cputime: "the adapter has no process/thread CPU-time clocks (BADF)",
  dir_fd_op_failures: "fd_filestat_set_times on a directory: the adapter only takes files (BADF)",
  efault: "the adapter traps on out-of-bounds pointers instead of returning FAULT",
  environ: "the adapter sizes environ_buf differently",
  fd_advise: "the adapter answers SPIPE for stdio",
  fd_close: "the adapter answers SPIPE for fd_seek on a closed fd",
  fd_fdstat_set_rights: "the adapter does not implement fd_fdstat_set_rights (NOTSUP)",
  fd_filestat_set: "fd_filestat_set_times on a directory: the adapter only takes files (BADF)",
  fd_prestat: "the adapter answers BADF for fd_prestat_dir_name on stdio",
  fd_readdir: "WASI 0.2 read-directory on a file is not-directory",
  fd_readdir_changes: "the adapter resumes fd_readdir by skipping `cookie` entries of a fresh listing",
  fd_sync: "the adapter answers INVAL for fd_sync on stdio",
  file_allocate: "the adapter does not implement fd_allocate (NOTSUP)",
  file_truncation: "WASI 0.2 set-size on a read-only descriptor is bad-descriptor",
  file_unbuffered_write: "the adapter buffers reads ahead",
  path_open_dirfd_not_dir: "WASI 0.2 path operations on a file descriptor are not-directory",
  path_open_flags: "WASI 0.2 takes the sync descriptor flags",
  path_open_read_write: "WASI 0.2 set-size on a read-only descriptor is bad-descriptor",
  path_utf8: "component strings are UTF-8: the adapter cannot pass invalid paths",
  poll_oneoff_clock: "the adapter turns past absolute realtime deadlines into OVERFLOW",
  proc_exit_failure: "the adapter's proc_exit(n != 0) is wasi:cli/exit.exit(err): code 1",
  proc_exit_max: "the adapter's proc_exit(n != 0) is wasi:cli/exit.exit(err): code 1",
  proc_raise: "the adapter traps on proc_raise",
  sock: "the adapter traps on sock_* calls",
  stdio: "the adapter answers INVAL for fd_filestat_set_size on stdio",
  wasi_unstable: "the adapter implements wasi_snapshot_preview1 only",
};

const ADAPTER = path.join(REPO, "node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm");
const corpus = loadCorpus();

test("Preview 1 corpus, componentized, on the Preview 2 host", { skip: !fs.existsSync(ADAPTER) && "jco is not installed" }, async (t) => {
  if (corpus.length === 0) return t.skip("no corpus");
  const { componentNew } = await import("@bytecodealliance/jco");
  const adapter = fs.readFileSync(ADAPTER);
  const failed = [];
  let passed = 0;
  for (const c of corpus) {
    if (!fs.existsSync(c.wasmPath)) continue;
    let result;
    try {
      const component = await componentNew(readGuest(c), [["wasi_snapshot_preview1", adapter]]);
      const memfs = new MemFS();
      const preopens = {};
      for (const d of c.dirs) {
        const at = `/${d}`;
        if (fs.existsSync(fixtureDir(d))) fromHostDir(fixtureDir(d), { fs: memfs, at });
        else memfs.mkdir(at, { recursive: true });
        preopens[d] = at;
      }
      result = await run(component, { args: [c.wasm, ...c.args], env: c.env, preopens, fs: memfs, stdin: c.stdin });
    } catch (error) {
      result = { exitCode: TRAP_EXIT_CODE, stdout: error.stdout ?? "", stderr: error.stderr ?? "", trap: String(error?.message ?? error) };
    }
    const ok = result.stdout === c.stdout && result.exitCode === c.exitCode;
    if (ok) passed++;
    else if (!(c.name in ADAPTER_DIFFERS)) {
      failed.push(`${c.name}: exit ${result.exitCode} (want ${c.exitCode}) ${result.trap ?? ""}\n${result.stderr}`);
    }
  }
  t.diagnostic(`${passed} of ${corpus.length} cases pass through the adapter; ${Object.keys(ADAPTER_DIFFERS).length} differ by the adapter`);
  assert.deepEqual(failed, []);
  assert.ok(passed >= corpus.length - Object.keys(ADAPTER_DIFFERS).length);
});
