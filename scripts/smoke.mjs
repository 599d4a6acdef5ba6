// Checks that the freshly built pkg/ loads and runs a program (after wasm-opt
// especially). The guest is a hand-assembled module: prints, then exits 7.
import { MemFS, run } from "../js/index.js";

// (module (import "wasi_snapshot_preview1" "fd_write" ...) (import ... "proc_exit" ...)
//   (memory (export "memory") 1) (data (i32.const 16) "smoke ok\n")
//   (func (export "_start") iovec{16,9} at 0; fd_write(1, 0, 1, 8); proc_exit(7)))
const GUEST =
  "AGFzbQEAAAABEANgBH9/f38Bf2ABfwBgAAACRgIWd2FzaV9zbmFwc2hvdF9wcmV2aWV3MQhmZF93cml0ZQAAFndhc2lfc25hcHNob3RfcHJldmlldzEJcHJvY19leGl0AAEDAgECBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAIKIQEfAEEAQRA2AgBBBEEJNgIAQQFBAEEBQQgQABpBBxABCwsPAQBBEAsJc21va2Ugb2sK";

const fs = new MemFS();
fs.mkdir("/a/b", { recursive: true });
fs.writeFile("/a/b/f", "x");
if (fs.readFile("/a/b/f", "utf8") !== "x") throw new Error("smoke: MemFS round trip failed");
const result = await run(Buffer.from(GUEST, "base64"), { fs });
if (result.exitCode !== 7 || result.stdout !== "smoke ok\n") {
  throw new Error(`smoke: unexpected result ${JSON.stringify(result)}`);
}
console.error("smoke: the core loads and runs a guest");
