// wasi:clocks (wall-clock, monotonic-clock, timezone): the functions, and
// the module exports for `jco transpile --map 'wasi:clocks/*=wasi-web/preview2/clocks#*'`
// (served by the WASIp2 set with `configure()` from "wasi-web/preview2").
// The clocks are the core's (virtual ones in deterministic mode); the time
// zone is answered in JS from Intl (timezone.js).
import { defaultHost } from "./default-host.js";
import { Pollable } from "./io.js";
import { wrap } from "./resource.js";
import { Timezone } from "./timezone.js";

/** @typedef {import("./resource.js").Preview2Host} Preview2Host */
/** @typedef {import("./timezone.js").Datetime} Datetime */

/** For hosts made without a `timezone` (buildImports with a host of one's own). @type {Timezone | null} */
let localZone = null;

/**
 * The core's `[seconds, nanoseconds]` as a `wasi:clocks/wall-clock.datetime`.
 * @param {ArrayLike<bigint>} pair
 */
function datetime(pair) {
  return { seconds: pair[0], nanoseconds: Number(pair[1]) };
}

/**
 * The wasi:clocks interfaces, keyed as in jco's `--instantiation` import object.
 * @param {() => Preview2Host} getHost the host at call time
 */
export function clocksImports(getHost) {
  const core = () => getHost().core;
  const zone = () => getHost().timezone ?? (localZone ??= new Timezone());
  return {
    "wasi:clocks/wall-clock": {
      now: () => datetime(core().wallNow()),
      resolution: () => datetime(core().wallResolution()),
    },
    "wasi:clocks/monotonic-clock": {
      now: () => core().monotonicNow(),
      resolution: () => core().monotonicResolution(),
      /** @param {bigint | number} when */
      subscribeInstant: (when) => wrap(Pollable, getHost(), core().subscribeInstant(BigInt(when))),
      /** @param {bigint | number} duration */
      subscribeDuration: (duration) => wrap(Pollable, getHost(), core().subscribeDuration(BigInt(duration))),
    },
    // Unstable in WASI 0.2 (feature clocks-timezone); pure JS, no core state.
    "wasi:clocks/timezone": {
      /** @param {Datetime} when */
      display: (when) => zone().display(when),
      /** @param {Datetime} when */
      utcOffset: (when) => zone().utcOffset(when),
    },
  };
}

const mapped = clocksImports(defaultHost);
export const wallClock = mapped["wasi:clocks/wall-clock"];
export const monotonicClock = mapped["wasi:clocks/monotonic-clock"];
export const timezone = mapped["wasi:clocks/timezone"];
