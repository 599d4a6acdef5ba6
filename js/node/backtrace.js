// Trap backtraces for the CLI: the guest's wasm frames of V8's stack
// (`wasm://wasm/<module>:wasm-function[N]:0xOFF`), named from the module's
// own name section, as `wasmtime run` prints them.
import { functionNames } from "./wasm-binary.js";

const FRAME = /wasm:\/\/wasm\/([^\s:]+):wasm-function\[(\d+)\]:0x([0-9a-f]+)/;

/** The most frames printed (a stack overflow has thousands). */
const MAX_FRAMES = 50;

/**
 * Rust's legacy symbol mangling (`_ZN5hello4main17h0123456789abcdefE` →
 * `hello::main`); other names are returned as they are.
 * @param {string} name
 * @returns {string}
 */
export function demangle(name) {
  const m = /^_?_ZN(.*)E$/.exec(name);
  if (!m) return name;
  const parts = [];
  let rest = m[1];
  while (rest.length > 0) {
    const len = /^\d+/.exec(rest);
    if (!len) return name;
    const n = Number(len[0]);
    const part = rest.slice(len[0].length, len[0].length + n);
    if (part.length !== n) return name;
    parts.push(part);
    rest = rest.slice(len[0].length + n);
  }
  // The last part is the hash (h + 16 hex digits).
  if (parts.length > 1 && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  const escapes = /** @type {Record<string, string>} */ ({ SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," });
  return parts
    .map((p) =>
      p
        .replace(/^_\$/, "$")
        .replace(/\$(SP|BP|RF|LT|GT|LP|RP|C)\$/g, (_, e) => escapes[e])
        .replace(/\$u([0-9a-f]{2,6})\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
        .replace(/\.\./g, "::"),
    )
    .join("::");
}

/**
 * The guest's frames of a trap's stack, innermost first, as lines
 * `  0: 0x<offset> - <name>`. The guest's module is the outermost wasm
 * frame's (the guest calls into wasi-web's core, never the other way), so
 * frames of the core's own module are left out. Offsets are the file's:
 * `shift` is what a rewrite of the module moved its code by.
 * @param {unknown} error the engine's error (a RuntimeError or RangeError)
 * @param {Uint8Array} bytes the module as the file holds it
 * @param {number} [shift]
 * @returns {string[]} empty when the stack has no wasm frame
 */
export function backtrace(error, bytes, shift = 0) {
  const stack = String(/** @type {{ stack?: unknown }} */ (error)?.stack ?? "");
  const frames = [];
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (m) frames.push({ module: m[1], index: Number(m[2]), offset: parseInt(m[3], 16) - shift });
  }
  if (frames.length === 0) return [];
  const guest = frames[frames.length - 1].module;
  const names = functionNames(bytes);
  const mine = frames.filter((f) => f.module === guest);
  const lines = mine.slice(0, MAX_FRAMES).map((f, i) => {
    const name = names.get(f.index);
    return `  ${i}: 0x${f.offset.toString(16)} - ${name === undefined ? `<wasm function ${f.index}>` : demangle(name)}`;
  });
  if (mine.length > MAX_FRAMES) lines.push("  ... (more frames not shown)");
  return lines;
}
