// wasi:io/* for `jco transpile --map 'wasi:io/*=wasi-web/preview2/io#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:io");
export const { error, poll, streams } = imports;
