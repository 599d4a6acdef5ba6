// wasi:clocks/* for `jco transpile --map 'wasi:clocks/*=wasi-web/preview2/clocks#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:clocks");
export const { wallClock, monotonicClock, timezone } = imports;
