// `wasi-web --browser FILE.wasm`: the same run, inside headless Chromium.
//
// The page cannot reach host files synchronously, so --browser keeps a copy:
// the host dirs are copied into a MemFS here, which goes to the page as a
// tar archive (MemFS.snapshot) over HTTP, never as a string. The program
// runs in a worker of the page (js/browser/bridge-worker.js) whose stdin,
// stdout and stderr are synchronous requests to this process's bridge, so
// stdin streams as it arrives and a closed stdout gives the program EPIPE.
// When it ends (exit, trap, or a stop after SIGINT/SIGTERM) its MemFS comes
// back as an archive, and only what it changed is written to the host, with
// the rules of toHostDir's baseline (js/node/host-dirs.js): renames are
// replayed as renames, a removed directory is rmdir, a path the host changed
// meanwhile is left alone and reported. A WASI 0.2 component is transpiled
// here by jco (cached) and its files served to the page.
import { fileURLToPath } from "node:url";
import { MemFS } from "../memfs.js";
import { componentWasiVersion, isComponent } from "../module.js";
import { launchChromium, openRunnerPage } from "./chromium.js";
import { replayRenames } from "./host-dirs.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { startServer } from "./server.js";
import { writeAll, writeQuietly } from "./stdio.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BRIDGE = "/__wasi-web/bridge";

/**
 * How long an interrupted program gets to reach its next WASI call, where
 * it stops and sends its files back; after that they are discarded.
 */
export const STOP_GRACE_MS = 2000;

/** @param {string} line */
function say(line) {
  writeQuietly(2, new TextEncoder().encode(`wasi-web: ${line}\n`));
}

/**
 * jco's output for the page: instantiation mode, so its JS imports nothing
 * (no import map; the page passes WASIp2#imports), and async, so that the
 * page fetches and compiles the core modules asynchronously.
 * @param {Uint8Array} bytes
 */
async function transpileForPage(bytes) {
  const { transpileFiles } = await import("../preview2/run.js");
  // A WASI 0.3 component is transpiled for JSPI (Chromium has it).
  const p3 = componentWasiVersion(bytes) === "0.3";
  const transpiled = await transpileFiles(bytes, { instantiation: "async", async: p3 });
  // A 0.2 component that fetches waits for fetch(): it runs on an async host
  // (JSPI), as the CLI does it in Node 24.
  if (p3 || !transpiled.imports.includes("wasi:http/outgoing-handler")) return { transpiled, async: p3 };
  return { transpiled: await transpileFiles(bytes, { instantiation: "async", async: true }), async: true };
}

/**
 * Serves the program: the module itself, or a component's transpiled files.
 * @param {import("./server.js").Server} server
 * @param {Uint8Array} bytes
 * @param {{ transpiled: import("../preview2/transpile-cache.js").Transpiled, async: boolean } | null} forPage
 * @returns {{ wasmUrl: string } | { componentUrl: string, componentImports: string[], componentP3: boolean, componentAsync: boolean }}
 */
function serveProgram(server, bytes, forPage) {
  if (!forPage) return { wasmUrl: server.route("/__wasi-web/program.wasm", bytes) };
  const { transpiled } = forPage;
  for (const [name, data] of transpiled.files) server.route(`/__wasi-web/component/${name}`, data);
  return {
    componentUrl: `${server.url}/__wasi-web/component/${transpiled.name}.js`,
    componentImports: transpiled.imports,
    componentP3: componentWasiVersion(bytes) === "0.3",
    componentAsync: forPage.async,
  };
}

/**
 * The process's stdin as the page asks for it: read only once the program
 * reads (a program that never does leaves it alone), paused while more than
 * QUEUE_MAX bytes wait.
 */
class StdinPump {
  static QUEUE_MAX = 1 << 20;
  /** @type {Buffer[]} */
  #chunks = [];
  #queued = 0;
  #ended = false;
  #started = false;
  #stopped = false;
  /** @type {(() => void)[]} */
  #waiters = [];

  #start() {
    this.#started = true;
    const input = process.stdin;
    input.on("data", (/** @type {Buffer} */ d) => {
      this.#chunks.push(d);
      this.#queued += d.length;
      if (this.#queued > StdinPump.QUEUE_MAX) input.pause();
      this.#wake();
    });
    const end = () => {
      this.#ended = true;
      this.#wake();
    };
    input.on("end", end);
    // No stdin (closed fd 0) reads as end of file.
    input.on("error", end);
  }

  #wake() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Ends every pending and later read with "stopped". */
  stop() {
    this.#stopped = true;
    this.#wake();
  }

  /**
   * Up to `max` bytes once some are there; null at end of file; "stopped".
   * @param {number} max
   * @returns {Promise<Buffer | null | "stopped">}
   */
  async read(max) {
    if (!this.#started) this.#start();
    while (this.#chunks.length === 0 && !this.#ended && !this.#stopped) {
      await new Promise((resolve) => this.#waiters.push(() => resolve(undefined)));
    }
    if (this.#stopped) return "stopped";
    const head = this.#chunks[0];
    if (head === undefined) return null;
    const n = Math.max(1, Math.min(max, head.length));
    const out = head.subarray(0, n);
    if (n === head.length) this.#chunks.shift();
    else this.#chunks[0] = head.subarray(n);
    this.#queued -= n;
    if (this.#queued <= StdinPump.QUEUE_MAX && process.stdin.isPaused()) process.stdin.resume();
    return out;
  }

  /** Lets the process exit: no more reading. */
  close() {
    if (this.#started) process.stdin.pause();
  }
}

/**
 * The bridge's routes on the server (see js/browser/bridge-worker.js).
 * @param {import("./server.js").Server} server
 * @param {StdinPump} stdin
 */
function openBridge(server, stdin) {
  const state = {
    stopping: false,
    /** @type {Buffer | null} the program's MemFS at its end */
    tree: /** @type {Buffer | null} */ (null),
    /** fds whose pipe closed */
    closed: new Set(),
  };
  server.handle(`${BRIDGE}/stdin`, (req, _body, send) => {
    const max = Number(new URL(/** @type {string} */ (req.url), "http://x").searchParams.get("max"));
    stdin.read(Number.isSafeInteger(max) && max > 0 ? Math.min(max, 1 << 16) : 1 << 16).then((data) => {
      if (data === "stopped") send(409);
      else if (data === null) send(204);
      else send(200, data);
    });
  });
  for (const fd of [1, 2]) {
    server.handle(`${BRIDGE}/out/${fd}`, (_req, body, send) => {
      if (state.closed.has(fd)) return send(410);
      try {
        // Synchronous, as in the Node path: the program waits for the pipe.
        writeAll(fd, body);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EPIPE") {
          say(`writing the program's output to fd ${fd}: ${/** @type {Error} */ (error).message}`);
        }
        // The program gets EPIPE either way: its output has nowhere to go.
        state.closed.add(fd);
        return send(410);
      }
      send(state.stopping ? 409 : 204);
    });
  }
  /** The archive being received, and how many of its bytes came. */
  let incoming = { tree: Buffer.alloc(0), received: 0 };
  server.handle(`${BRIDGE}/result.tar`, (req, body, send) => {
    const query = new URL(/** @type {string} */ (req.url), "http://x").searchParams;
    const at = Number(query.get("at"));
    const total = Number(query.get("total"));
    // A snapshot fits a Uint8Array: 4 GiB at most.
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(total) || total > 2 ** 32 || at < 0 || at + body.length > total) {
      return send(400);
    }
    if (at === 0) incoming = { tree: Buffer.allocUnsafe(total), received: 0 };
    if (incoming.tree.length !== total) return send(400);
    body.copy(incoming.tree, at);
    incoming.received += body.length;
    if (incoming.received === total) state.tree = incoming.tree;
    send(204);
  });
  return state;
}

/**
 * Resolves with the signal's name at SIGINT or SIGTERM; `off()` removes the handlers.
 */
function onInterrupt() {
  /** @type {(signal: NodeJS.Signals) => void} */
  let resolve = () => {};
  /** @type {Promise<NodeJS.Signals>} */
  const signalled = new Promise((r) => (resolve = r));
  const handler = (/** @type {NodeJS.Signals} */ signal) => resolve(signal);
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signalled,
    off() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/**
 * @param {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} job
 * @returns {Promise<number>}
 */
export async function runInBrowser(job) {
  // Before the browser starts: a missing jco fails fast.
  const transpiled = isComponent(job.bytes) ? await transpileForPage(job.bytes) : null;
  const copy = new MemFS();
  const { preopens, roots } = mountHostDirs(copy, job.dirs);
  const archive = copy.snapshot();
  copy.close();
  const server = await startServer(PACKAGE_ROOT);
  const stdin = new StdinPump();
  const bridge = openBridge(server, stdin);
  const interrupt = onInterrupt();
  let browser;
  try {
    // The browser must outlive SIGINT/SIGTERM: the program's files are still in it.
    browser = await launchChromium({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    const page = await openRunnerPage(browser, server.url);
    /** @type {import("../browser/page-runner.js").PageJob} */
    const pageJob = {
      ...serveProgram(server, job.bytes, transpiled),
      args: [job.argv0, ...job.args],
      env: job.env,
      preopens,
      treeUrl: server.route("/__wasi-web/tree.tar", archive),
      bridge: `${server.url}${BRIDGE}`,
    };
    // Runs in the page, where openRunnerPage loaded the runner.
    const running = page.evaluate(
      (pageJob) => /** @type {import("./chromium.js").RunnerGlobal} */ (globalThis).__wasiWebRunner.runJob(pageJob),
      pageJob,
    );
    // Closing the browser after an interrupt may reject it unobserved.
    running.catch(() => {});
    const first = await Promise.race([running, interrupt.signalled]);
    /** @type {NodeJS.Signals | null} */
    let signal = null;
    /** @type {import("../browser/page-runner.js").PageResult | null} */
    let result;
    if (typeof first === "string") {
      signal = first;
      bridge.stopping = true;
      stdin.stop();
      await page.evaluate(() => /** @type {import("./chromium.js").RunnerGlobal} */ (globalThis).__wasiWebRunner.stop());
      /** @type {Promise<null>} */
      const grace = new Promise((resolve) => setTimeout(() => resolve(null), STOP_GRACE_MS).unref());
      result = await Promise.race([running, grace]);
    } else {
      result = first;
    }
    if (result?.error) throw new Error(`in the browser: ${result.error}`);
    if (result?.trap) writeQuietly(2, new TextEncoder().encode(`wasi-web: ${result.trap}\n`));
    if (result && bridge.tree) {
      const back = MemFS.fromSnapshot(bridge.tree);
      let renamed = 0;
      for (const root of roots) renamed += replayRenames(root, result.renames);
      const conflicts = syncHostDirs(back, roots);
      back.close();
      if (signal) {
        say(
          `interrupted (${signal}): the program stopped; its file changes were written back` +
            `${conflicts.length ? ` except ${conflicts.length} reported above` : ""}${renamed ? ` (${renamed} rename(s) replayed)` : ""}`,
        );
      }
    } else if (signal) {
      const why = result
        ? "the program stopped but its files did not come back"
        : `the program made no WASI call within ${STOP_GRACE_MS} ms`;
      say(
        `interrupted (${signal}): ${why}, so its file changes in the browser were discarded; ` +
          `nothing was written back to ${roots.length ? roots.map((r) => r.host).join(", ") : "the host"}`,
      );
    } else if (roots.length > 0) {
      say("the browser sent no files back: nothing was written to the host");
    }
    if (signal) return signal === "SIGINT" ? 130 : 143;
    // Set whenever there is no error. A code outside [0, 126) is refused as
    // wasmtime and the Node path refuse it (run-node.js InvalidExitStatus).
    const code = /** @type {number} */ (result?.exitCode) >>> 0;
    // A trap's 134 (result.trap set) is the CLI's own code, not the guest's.
    if (code >= 126 && !result?.trap) {
      say(`exit with invalid exit status ${code}, outside of [0..126)`);
      return 1;
    }
    return code;
  } finally {
    interrupt.off();
    stdin.close();
    await browser?.close();
    await server.close();
  }
}
