// WASI (Preview 1) and WASIp2 (Preview 2) share one base (js/host-base.js):
// the same options mean the same thing in both, and a trap is described the
// same way. Also: js/ has no import cycle, and each interface file of
// js/preview2/ serves exactly its package's interfaces.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { StdinQueue, WASI } from "../../js/index.js";
import { buildImports, WASIp2 } from "../../js/preview2/index.js";
import { REPO, requireFile } from "./helpers/prereq.js";

/** What the Preview 1 guest tty_report sees: isatty of fds 0, 1, 2. */
function preview1Tty(options) {
  const file = requireFile(
    path.join(REPO, "tests/guests/out/tty_report.wasm"),
    "run bash tests/guests/build.sh (scripts/build.sh runs it)",
  );
  let out = "";
  const wasi = new WASI({ args: ["tty_report"], ...options, stdout: (c) => (out += Buffer.from(c).toString()) });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), wasi.getImportObject());
  assert.equal(wasi.start(instance), 0);
  return [0, 1, 2].map((fd) => new RegExp(`fd ${fd} tty 1`).test(out));
}

/** What a component sees: whether get-terminal-std{in,out,err} return a terminal. */
function preview2Tty(options) {
  const imports = new WASIp2(options).imports;
  const { getTerminalStdin } = imports["wasi:cli/terminal-stdin"];
  const { getTerminalStdout } = imports["wasi:cli/terminal-stdout"];
  const { getTerminalStderr } = imports["wasi:cli/terminal-stderr"];
  return [getTerminalStdin(), getTerminalStdout(), getTerminalStderr()].map((t) => t !== undefined);
}

describe("one meaning for each option", () => {
  // tty_report writes to stdout, which the helper makes a callback (not a
  // terminal by default): the cases below set stdout's flag or test stdin/stderr.
  const cases = [
    ["default: a console is a terminal, a string stdin is not", {}, [false, false, true]],
    ["true: all three", { tty: true }, [true, true, true]],
    ["false: none", { tty: false }, [false, false, false]],
    ["one flag each", { tty: [true, false, true] }, [true, false, true]],
    ["a short array: the rest are not", { tty: [true] }, [true, false, false]],
    ["stdin fed live is a terminal", { stdin: new StdinQueue(), stderr: "buffer" }, [true, false, false]],
  ];
  for (const [name, options, expected] of cases) {
    test(`tty, ${name}`, () => {
      assert.deepEqual(preview1Tty(options), expected, "WASI");
      assert.deepEqual(preview2Tty({ ...options, stdout: () => {} }), expected, "WASIp2");
    });
  }

  test("a bad tty is a TypeError for both", () => {
    for (const tty of ["yes", 1, {}]) {
      assert.throws(() => new WASI({ tty }), { name: "TypeError", message: /options\.tty/ });
      assert.throws(() => new WASIp2({ tty }), { name: "TypeError", message: /options\.tty/ });
    }
  });

  test("the other shared options are checked alike", () => {
    for (const options of [
      { args: "a" },
      { env: 5 },
      { preopens: "/" },
      { stdout: "file" },
      { maxBufferBytes: -1 },
      { deterministic: { seed: -1 } },
      { fs: {} },
    ]) {
      const p1 = (() => {
        try {
          new WASI(options);
        } catch (e) {
          return `${e.name}: ${e.message}`;
        }
      })();
      const p2 = (() => {
        try {
          new WASIp2(options);
        } catch (e) {
          return `${e.name}: ${e.message}`;
        }
      })();
      assert.match(p1 ?? "", /^TypeError: /, JSON.stringify(options));
      assert.equal(p2, p1, JSON.stringify(options));
    }
  });
});

describe("one description of a trap", () => {
  /** An instance as jco makes it, whose run traps with `error`. */
  const trapping = (error) => ({
    run: {
      run() {
        throw error;
      },
    },
  });

  test("a trap in the component names it, with the engine's error as cause", () => {
    const engine = new WebAssembly.RuntimeError("unreachable");
    const wasi = new WASIp2({ args: ["app"], stdout: "buffer", stderr: "buffer" });
    assert.throws(
      () => wasi.run(trapping(engine)),
      (e) => e instanceof WebAssembly.RuntimeError && e.message === "app trapped: unreachable" && e.cause === engine,
    );
    // Without args, as WASI says "the WebAssembly program".
    const unnamed = new WASIp2({ stdout: "buffer" });
    assert.throws(() => unnamed.run(trapping(new RangeError("Maximum call stack size exceeded"))), {
      name: "RangeError",
      message: "the component trapped: Maximum call stack size exceeded",
    });
  });

  test("other errors pass through unchanged; exit and err results are exit codes", () => {
    const plain = new Error("jco: resource already dropped");
    assert.throws(
      () => new WASIp2({ stdout: "buffer" }).run(trapping(plain)),
      (e) => e === plain,
    );
    const wasi = new WASIp2({ stdout: "buffer" });
    const exits = { run: { run: () => wasi.imports["wasi:cli/exit"].exitWithCode(300) } };
    assert.equal(wasi.run(exits), 300 & 0xff);
    class ComponentError extends Error {}
    assert.equal(new WASIp2({ stdout: "buffer" }).run(trapping(new ComponentError("err"))), 1);
  });
});

describe("module layout", () => {
  /** Relative imports of a module: static, re-exports and literal dynamic imports. */
  function importsOf(file) {
    const source = fs.readFileSync(file, "utf8").replace(/\/\*[^]*?\*\/|^\s*\/\/.*$/gm, "");
    const specs = [
      ...source.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["'](\.[^"']+)["']|import\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g,
      ),
    ];
    return specs.map((m) => path.resolve(path.dirname(file), m[1] ?? m[2] ?? m[3]));
  }

  test("js/ has no import cycle", () => {
    const files = fs.readdirSync(path.join(REPO, "js"), { recursive: true }).filter((f) => f.endsWith(".js"));
    assert.ok(files.length > 40, `${files.length} modules`);
    const graph = new Map(files.map((f) => [path.join(REPO, "js", f), []]));
    for (const file of graph.keys())
      graph.set(
        file,
        importsOf(file).filter((dep) => graph.has(dep)),
      );
    // The edge that used to close a cycle is seen by this parser.
    assert.ok(graph.get(path.join(REPO, "js/preview2/wasip2.js")).includes(path.join(REPO, "js/preview2/io.js")));
    const state = new Map();
    const stack = [];
    const visit = (file) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        const cycle = stack.slice(stack.indexOf(file)).concat(file);
        assert.fail(`import cycle: ${cycle.map((f) => path.relative(REPO, f)).join(" → ")}`);
      }
      state.set(file, "open");
      stack.push(file);
      for (const dep of graph.get(file)) visit(dep);
      stack.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file);
  });

  test("each interface file serves its package's interfaces, as jco's --map names them", async () => {
    const all = Object.keys(buildImports(() => ({})));
    const packages = new Set(all.map((name) => name.slice(0, name.indexOf("/"))));
    assert.deepEqual([...packages].sort(), [
      "wasi:cli",
      "wasi:clocks",
      "wasi:filesystem",
      "wasi:http",
      "wasi:io",
      "wasi:random",
      "wasi:sockets",
    ]);
    // wasi:http is a host of its own (js/http/, over fetch), with no --map module exports.
    const { httpImports } = await import("../../js/http/types.js");
    const httpNames = all.filter((name) => name.startsWith("wasi:http/"));
    assert.deepEqual(Object.keys(httpImports(() => ({})).imports), httpNames);
    packages.delete("wasi:http");
    for (const pkg of packages) {
      const module = await import(`../../js/preview2/${pkg.slice("wasi:".length)}.js`);
      const builder = module[`${pkg.slice("wasi:".length)}Imports`];
      assert.equal(typeof builder, "function", `${pkg}: its builder`);
      const interfaces = all.filter((name) => name.startsWith(`${pkg}/`));
      assert.deepEqual(Object.keys(builder(() => ({}))), interfaces, pkg);
      for (const name of interfaces) {
        // "wasi:cli/terminal-stdin" → terminalStdin, as jco's --map output imports it.
        const exportName = name.slice(name.indexOf("/") + 1).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        assert.deepEqual(Object.keys(module[exportName] ?? {}), Object.keys(buildImports(() => ({}))[name]), `${pkg}#${exportName}`);
      }
    }
  });
});
