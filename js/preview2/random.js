// wasi:random/* for `jco transpile --map 'wasi:random/*=wasi-web/preview2/random#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:random");
export const { random, insecure, insecureSeed } = imports;
