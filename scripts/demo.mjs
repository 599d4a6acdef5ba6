// Runs an example guest with the public API on an in-memory filesystem.
//   node scripts/demo.mjs [GUEST.wasm] [ARGS...]
// Default guest: the corpus's hello.wasm, else its args_none.wasm.
import fs from "node:fs";
import path from "node:path";
import { MemFS, WASI, detectWasiVersion } from "../js/index.js";

const out = new URL("../tests/guests/out/", import.meta.url);
const candidates = ["hello.wasm", "args_none.wasm"].map((n) => new URL(n, out));
const file = process.argv[2] ?? candidates.find((u) => fs.existsSync(u));
if (!file) {
  console.error("demo: no guest found; build them with: bash tests/guests/build.sh");
  process.exit(1);
}
const name = path.basename(typeof file === "string" ? file : file.pathname);

const memfs = new MemFS();
memfs.mkdir("/sandbox", { recursive: true });
memfs.writeFile("/sandbox/hello.txt", "Hello from wasi-web's in-memory filesystem!\n");

const module = await WebAssembly.compile(fs.readFileSync(file));
const wasi = new WASI({
  version: detectWasiVersion(module) ?? "preview1",
  args: [name, ...process.argv.slice(3)],
  env: { WASI_WEB: "1" },
  preopens: { "/sandbox": "/sandbox" },
  fs: memfs,
});
console.error(`demo: running ${name} on a MemFS (preopened as /sandbox)`);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
console.error(`demo: exit code ${code}; /sandbox now holds: ${memfs.readdir("/sandbox").join(", ")}`);
process.exitCode = code;
