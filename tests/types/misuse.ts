// Calls the typings must refuse (tests/js/types.test.js expects one error
// per line marked `// error`).
import { MemFS, WASI, run, runInWorker } from "../../js/index.js";
import { WASIp2 } from "../../js/preview2/index.js";

const fs = new MemFS();
new WASI({ args: "prog" }); // error
new WASI({ preopens: ["/work"] }); // error
new WASI({ version: "preview2" }); // error
new WASI({ tty: [true] }); // error
fs.writeFile("/x", 42); // error
const n: number = fs.readFile("/x", "utf8"); // error
run(new Uint8Array(8), { args: "prog" }); // error
new WASIp2({ stdout: 3 }); // error
fs.closed = true; // error
fs.close("now"); // error
void n;
void runInWorker(new Uint8Array(8), { stdin: () => null }); // error
run(new Uint8Array(8), { stdout: "buffer" }); // error
run(new Uint8Array(8), { jco: {} }); // error
void runInWorker(new Uint8Array(8), { jco: {} as never, maxFds: 3 }); // error
