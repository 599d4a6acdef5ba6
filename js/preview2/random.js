// wasi:random (random, insecure, insecure-seed): the functions, and the
// module exports for `jco transpile --map 'wasi:random/*=wasi-web/preview2/random#*'`
// (served by the WASIp2 set with `configure()` from "wasi-web/preview2").
// The bytes are the core's (seeded in deterministic mode).
import { defaultHost } from "./default-host.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */

/**
 * The wasi:random interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function randomImports(getHost) {
  const core = () => getHost().core;
  return {
    "wasi:random/random": {
      /** @param {bigint | number} len */
      getRandomBytes: (len) => core().getRandomBytes(BigInt(len)),
      getRandomU64: () => core().getRandomU64(),
    },
    "wasi:random/insecure": {
      /** @param {bigint | number} len */
      getInsecureRandomBytes: (len) => core().getRandomBytes(BigInt(len)),
      getInsecureRandomU64: () => core().getRandomU64(),
    },
    "wasi:random/insecure-seed": {
      insecureSeed: () => Array.from(core().insecureSeed()),
    },
  };
}

const mapped = randomImports(defaultHost);
export const random = mapped["wasi:random/random"];
export const insecure = mapped["wasi:random/insecure"];
export const insecureSeed = mapped["wasi:random/insecure-seed"];
