/**
 * What a core call that returned "would block" (async mode) waits for: the
 * earliest deadline it reported (`waitMs()`), and new stdin if it asked
 * (`waitsForInput()`). Shared by Preview 1 and Preview 2.
 * @param {{ waitMs(): number, waitsForInput(): boolean }} core
 * @param {import("./stdin-queue.js").StdinQueue | null} queue
 * @param {Iterable<Promise<unknown>>} [external] host promises behind pollables
 * @returns {Promise<unknown>}
 */
export function waitForCore(core, queue, external = []) {
  const ms = core.waitMs();
  const waits = [];
  if (ms >= 0) waits.push(new Promise((resolve) => setTimeout(resolve, ms)));
  if (core.waitsForInput() && queue) waits.push(queue.wait());
  for (const promise of external) waits.push(promise);
  // Nothing to await would be a hang: yield a turn and retry instead.
  if (waits.length === 0) waits.push(new Promise((resolve) => setTimeout(resolve, 0)));
  return Promise.race(waits);
}
