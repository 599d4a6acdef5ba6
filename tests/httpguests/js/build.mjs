// Builds ../out/js_fetch.wasm from fetch.js with componentize-js (installed
// with jco). The world is a command (wasi:cli/run) that reads its arguments;
// StarlingMonkey, inside componentize-js, imports WASI 0.2.10 (wasi:http for
// fetch() among them), so the two interfaces named here are that release's (as it has them:
// the engine's WIT and this one are merged).
import { readFile, writeFile } from "node:fs/promises";
import { componentize } from "@bytecodealliance/componentize-js";

const here = new URL(".", import.meta.url);
const witWorld = `
package wasi-web:js-fetch;

world js-fetch {
  import wasi:cli/environment@0.2.10;
  export wasi:cli/run@0.2.10;
}

package wasi:cli@0.2.10 {
  interface environment {
    get-environment: func() -> list<tuple<string, string>>;
    get-arguments: func() -> list<string>;
    initial-cwd: func() -> option<string>;
  }
  interface run {
    run: func() -> result;
  }
}
`;
const { component } = await componentize(await readFile(new URL("fetch.js", here), "utf8"), {
  sourceName: "fetch.js",
  witWorld,
  worldName: "js-fetch",
  disableFeatures: ["fetch-event"],
});
await writeFile(new URL("../out/js_fetch.wasm", here), component);
