// wasi:cli/* for `jco transpile --map 'wasi:cli/*=wasi-web/preview2/cli#*'`,
// served by the host set with `configure()` from "wasi-web/preview2".
import { defaultHost } from "./host.js";
import { buildImports, packageExports } from "./interfaces.js";

const imports = packageExports(buildImports(() => defaultHost().host), "wasi:cli");
export const {
  environment,
  exit,
  stdin,
  stdout,
  stderr,
  terminalInput,
  terminalOutput,
  terminalStdin,
  terminalStdout,
  terminalStderr,
} = imports;
