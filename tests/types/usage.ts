// Typed use of the public API, checked by tests/js/types.test.js with tsc
// (never run): the typings must accept what the README shows.
import {
  MemFS,
  OutputBuffer,
  StdinQueue,
  Stats,
  WASI,
  exportTree,
  importTree,
  init,
  initSync,
  isReady,
  run,
  runInWorker,
} from "../../js/index.js";
import type { JcoModule, RunOptions } from "../../js/index.js";
import * as browserBundle from "../../js/bundle.js";
import { WASIp2, configure, transpileCacheStats, transpileComponent } from "../../js/preview2/index.js";
import { WASIp3, byteStream, chunksOf, componentWasiVersion, ok, runP3Component, transpileP3 } from "../../js/preview3/index.js";
import { fromHostDir, toHostDir } from "../../js/node/index.js";

export async function usage(bytes: Uint8Array<ArrayBuffer>, component: Uint8Array, jco: JcoModule): Promise<number> {
  // Loading the core: a page awaits init(); a worker given the module loads it at once.
  await init();
  await init(new URL("https://example.com/wasi_web_bg.wasm"));
  initSync(await WebAssembly.compile(bytes));
  initSync(bytes);
  const coreLoaded: boolean = isReady();
  const fs = new MemFS({ limits: { maxBytes: 1 << 20, maxInodes: Infinity } });
  fs.mkdir("/work/sub", { recursive: true });
  fs.writeFile("/work/in.txt", "hello");
  const text: string = fs.readFile("/work/in.txt", "utf8");
  const raw: Uint8Array = fs.readFile("/work/in.txt");
  const st: Stats = fs.stat("/work/in.txt");
  const isFile: boolean = st.isFile();
  const names: string[] = fs.readdir("/work");
  // Snapshots: a tar archive of the whole MemFS, and back.
  const archive: Uint8Array<ArrayBuffer> = fs.snapshot();
  const copy: MemFS = MemFS.fromSnapshot(archive, { limits: { maxBytes: 1 << 20 } });
  MemFS.fromSnapshot(archive.buffer).close();
  copy.close();
  {
    // close() frees a MemFS at once; `using` closes it at the end of the block.
    using scratch = new MemFS();
    scratch.writeFile("/tmp", "x");
    const wasClosed: boolean = scratch.closed;
    void wasClosed;
    const other = new MemFS();
    other.close();
  }

  const stdin = new StdinQueue();
  stdin.push("line\n");
  const wasi = new WASI({
    args: ["prog", "--flag"],
    env: { HOME: "/work" },
    preopens: { "/work": "/work" },
    fs,
    stdin,
    stdout: "buffer",
    stderr: (chunk: Uint8Array) => void chunk,
    tty: [true, false, false],
    deterministic: { seed: 7 },
    maxFds: 64,
  });
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  const code: number = wasi.start(instance);
  const out: OutputBuffer | null = wasi.stdout;

  const result = await run(bytes, { args: ["prog"], fs, stdin: "typed\n", async: false });
  // Every option of new WASI() but version/stdout/stderr/returnOnExit, and the component ones.
  const everything: RunOptions = {
    args: ["prog"],
    env: { A: "1" },
    preopens: { "/": "/" },
    stdin: new StdinQueue(),
    fs,
    async: true,
    tty: false,
    deterministic: true,
    maxFds: 16,
    maxIoBytes: 1 << 20,
    maxBufferBytes: 1 << 20,
    cwd: "/",
    cache: false,
    timeZone: "UTC",
    jco,
    signal: new AbortController().signal,
  };
  await run(component, everything);
  await run(bytes, { tty: [false, true, true], maxFds: 8 });
  const reactor = new WASI();
  reactor.initialize(instance);
  reactor.flush();
  const bundled: typeof run = browserBundle.run;
  const p2FromBundle = new browserBundle.WASIp2({ fs });
  const both: string = result.stdout + result.stderr;
  const inWorker = await runInWorker(bytes, { stdout: (c) => void c, signal: new AbortController().signal });
  const clash: string[] = inWorker.conflicts.map((c) => `${c.path}: ${c.reason}`);
  const stopped: Promise<number> = new WASI({ async: true }).startAsync(instance, { signal: AbortSignal.timeout(1000) });

  const host = new WASIp2({ args: ["app"], preopens: { "/": "/" }, fs, timeZone: "Europe/Berlin" });
  const transpiled = await transpileComponent(component, { cache: false });
  const p2code: number = host.run(transpiled.instantiate(host.imports));
  configure({ fs });
  const hits: number = transpileCacheStats().memoryHits;

  importTree(new MemFS(), "/", exportTree(fs, "/work"));
  const { loaded } = fromHostDir("/tmp/x", { fs, at: "/host" });
  toHostDir(fs, "/host", "/tmp/x", { loaded });

  void [text, raw, isFile, names, out, both, inWorker, clash, stopped, hits, coreLoaded, bundled, p2FromBundle];
  return code + result.exitCode + p2code;
}

// WASI 0.3 (wasi-web/preview3).
async function preview3(bytes: Uint8Array, guestStream: { read(o: { count: number }): Promise<{ value?: unknown; done?: boolean }> }) {
  const version: "0.2" | "0.3" | undefined = componentWasiVersion(bytes);
  const p3 = new WASIp3({ args: ["app"], stdout: "buffer", timeZone: "UTC" });
  const { instantiate } = await transpileP3(bytes, { cache: false });
  const code: number = await p3.runAsync(instantiate(p3.imports));
  const r = await runP3Component(bytes, { args: ["app"], signal: AbortSignal.timeout(1000) });
  for await (const chunk of chunksOf(guestStream)) chunk.byteLength;
  const rx = byteStream(new Uint8Array(4), { chunkBytes: 2, onEnd: (e?: unknown) => void e });
  const result: { tag: "ok"; val: number | undefined } = ok(1);
  return [version, code, r.exitCode, rx, result];
}
void preview3;
