// Makes the wasi-web modules imported after this one load the tests' core
// (pkg-test/, built by scripts/build.sh with the `test-seams` feature:
// MemFsCore.armPanicForTests) instead of the shipped one in pkg/. Import
// wasi-web dynamically after importing this:
//   import "./helpers/seam-core.js";
//   const { MemFS, WASI } = await import("../../js/index.js");
import { existsSync } from "node:fs";
import { register } from "node:module";

const pkgTest = new URL("../../../pkg-test/wasi_web.js", import.meta.url);
if (!existsSync(pkgTest)) throw new Error(`${pkgTest.pathname} is missing: run scripts/build.sh (it builds the tests' core)`);
register("./seam-core-hooks.js", import.meta.url);
