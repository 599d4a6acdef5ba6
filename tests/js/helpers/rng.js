// mulberry32: a small seeded generator for the fuzz tests, so that a
// failure can be replayed from its seed.

/** @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @param {number} n */
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    /** @template T @param {T[]} list */
    pick: (list) => list[int(list.length)],
    u32: () => int(2 ** 32),
  };
}
