// Host adapters shared by the Node child (node-host.mjs) and the page
// (page/page.mjs): each runs one WASI command to completion in a fresh
// filesystem whose preopened directory is "/work" and returns what the run
// produced, for cross-checking. No Node or DOM APIs here.

export const PREOPEN = "/work";

/** FNV-1a 32-bit over bytes, continuing from `h`. */
export function fnv32(bytes, h = 0x811c9dc5) {
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const decoder = new TextDecoder();

/**
 * What a run produced, reduced to something small to compare across hosts:
 * exit code, stdout length + hash + last line, and each output file's hash.
 */
export function digest({ exitCode, stdout, stderr, files }) {
  const text = decoder.decode(stdout.subarray(Math.max(0, stdout.length - 200)));
  const lines = text.trimEnd().split("\n");
  return {
    exitCode,
    stdoutBytes: stdout.length,
    stdoutFnv: fnv32(stdout).toString(16).padStart(8, "0"),
    lastLine: lines[lines.length - 1],
    stderr: stderr.slice(0, 300),
    files: Object.fromEntries(
      Object.entries(files).map(([name, b]) => [name, b ? `${b.length}:${fnv32(b).toString(16).padStart(8, "0")}` : "missing"]),
    ),
  };
}

/**
 * wasi-web: a fresh MemFS with /work, stdout/stderr buffered.
 * @param {{WASI: any, MemFS: any}} api  the wasi-web module
 * @param {WebAssembly.Module} module
 * @param {{args: string[], inputs?: Record<string, Uint8Array>, outputs?: string[]}} job
 * @param {(fs: any) => void} [mount]  mounts /work instead of making it in the MemFS
 */
export async function runWasiWeb(api, module, job, mount = undefined) {
  const fs = new api.MemFS();
  if (mount) {
    // /work is a provider's (the inputs are already there).
    mount(fs);
  } else {
    fs.mkdir(PREOPEN);
    for (const [name, bytes] of Object.entries(job.inputs ?? {})) fs.writeFile(`${PREOPEN}/${name}`, bytes);
  }
  const wasi = new api.WASI({
    version: "preview1",
    args: job.args,
    env: {},
    preopens: { [PREOPEN]: PREOPEN },
    fs,
    stdout: "buffer",
    stderr: "buffer",
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  const exitCode = wasi.start(instance);
  return {
    exitCode,
    stdout: wasi.stdout.bytes(),
    stderr: wasi.stderr.text(),
    files: () =>
      Object.fromEntries((job.outputs ?? []).map((n) => [n, fs.exists(`${PREOPEN}/${n}`) ? fs.readFile(`${PREOPEN}/${n}`) : null])),
  };
}

/**
 * @bjorn3/browser_wasi_shim: a PreopenDirectory named /work; stdout and
 * stderr collected by ConsoleStdout callbacks (the shim hands over copies).
 * @param {any} shim  the @bjorn3/browser_wasi_shim module
 */
export async function runShim(shim, module, job) {
  const out = [];
  const err = [];
  const contents = new Map(Object.entries(job.inputs ?? {}).map(([name, bytes]) => [name, new shim.File(bytes)]));
  const dir = new shim.PreopenDirectory(PREOPEN, contents);
  const fds = [
    new shim.OpenFile(new shim.File([])),
    new shim.ConsoleStdout((chunk) => out.push(chunk)),
    new shim.ConsoleStdout((chunk) => err.push(chunk)),
    dir,
  ];
  // { debug: false } matters: the shim's constructor turns its debug logging
  // ON when options.debug is undefined (0.4.2), which would flood the console.
  const wasi = new shim.WASI(job.args, [], fds, { debug: false });
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  const exitCode = wasi.start(instance);
  return {
    exitCode,
    stdout: concat(out),
    stderr: decoder.decode(concat(err)),
    files: () => Object.fromEntries((job.outputs ?? []).map((n) => [n, dir.dir.contents.get(n)?.data ?? null])),
  };
}

/**
 * Runs `job` with `runner` at least once and until `minMs` have passed,
 * timing all of it (set-up of the filesystem, instantiation, the run).
 * Returns the time per run, the number of runs and the last run's digest.
 * Each run's output files are read (and a node:wasi temp dir removed)
 * outside the timed part.
 */
export async function timed(runner, module, job, minMs = 0) {
  let last;
  let runs = 0;
  let ms = 0;
  do {
    const t0 = performance.now();
    last = await runner(module, job);
    ms += performance.now() - t0;
    runs++;
    last.digest = digest({ ...last, files: last.files() });
    // Untimed: give the event loop a turn. wasi-web keeps each guest's
    // WebAssembly.Memory alive until a FinalizationRegistry callback frees
    // its WasiCore; in Chromium, ~120 back-to-back runs without a task turn
    // end in "Out of memory: Cannot allocate Wasm memory" (see README).
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (ms < minMs);
  return { ms: ms / runs, runs, result: last.digest };
}
