// wasi:filesystem/* for `jco transpile --map 'wasi:filesystem/*=wasi-web/preview2/filesystem#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:filesystem");
export const { types, preopens } = imports;
