// wasi:clocks@0.3 (monotonic-clock's waits, system-clock, timezone) on the
// 0.2 host's core: a wait is the core's own timer (virtual time in
// deterministic mode, and a wait flushes stdout and stderr first, as for
// 0.2 and Preview 1), awaited in async mode.
import { waiting } from "../preview2/resource.js";
import { u64 } from "./filesystem.js";

/** @typedef {import("../preview2/resource.js").Preview2Host} Preview2Host */
/** @typedef {{ seconds: bigint | number, nanoseconds: number }} Instant */

/**
 * Waits on a core pollable, then frees it.
 * @param {Preview2Host} host
 * @param {number} id
 */
async function waitOn(host, id) {
  try {
    await waiting(host, () => host.core.pollableBlock(id));
  } finally {
    host.core.drop(id);
  }
}

/**
 * The 0.3 clocks members that 0.2 lacks (`now` of monotonic-clock is the same).
 * @param {() => Preview2Host & { timezone?: import("../preview2/timezone.js").Timezone }} getHost
 */
export function clocksImports3(getHost) {
  const core = () => getHost().core;
  return {
    "wasi:clocks/monotonic-clock": {
      getResolution: () => core().monotonicResolution(),
      /** @param {bigint | number} when */
      waitUntil: (when) => waitOn(getHost(), core().subscribeInstant(u64(when, "when"))),
      /** @param {bigint | number} howLong */
      waitFor: (howLong) => waitOn(getHost(), core().subscribeDuration(u64(howLong, "how-long"))),
    },
    "wasi:clocks/system-clock": {
      now() {
        const [seconds, nanoseconds] = core().wallNow();
        return { seconds: BigInt.asIntN(64, seconds), nanoseconds: Number(nanoseconds) };
      },
      getResolution() {
        const [seconds, nanoseconds] = core().wallResolution();
        return seconds * 1_000_000_000n + BigInt(nanoseconds);
      },
    },
    // Unstable in 0.3 as in 0.2 (feature clocks-timezone); from Intl.
    "wasi:clocks/timezone": {
      ianaId: () => getHost().timezone?.id,
      /** @param {Instant} when */
      utcOffset(when) {
        const zone = getHost().timezone;
        const seconds = zone?.utcOffset({ seconds: BigInt(when.seconds), nanoseconds: when.nanoseconds });
        return seconds === undefined ? undefined : BigInt(seconds) * 1_000_000_000n;
      },
      toDebugString: () => getHost().timezone?.id ?? "UTC",
    },
  };
}
