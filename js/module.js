// Recognising what the user handed us: a core module, a component, or junk.
import { toBytes } from "./internal.js";

const MODULE_VERSION = [0x01, 0x00, 0x00, 0x00];
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00];

/**
 * @param {Uint8Array} bytes
 * @param {number} offset
 * @param {number[]} expected
 */
function startsWith(bytes, offset, expected) {
  return expected.every((b, i) => bytes[offset + i] === b);
}

/**
 * Whether `data` is a WebAssembly component (header `\0asm 0d 00 01 00`):
 * `run()` runs those through jco on the Preview 2 host (wasi-web/preview2).
 * @param {unknown} data
 * @returns {data is Uint8Array | ArrayBuffer | ArrayBufferView}
 */
export function isComponent(data) {
  if (data instanceof WebAssembly.Module) return false;
  let bytes;
  try {
    bytes = toBytes(data, "the program");
  } catch {
    return false;
  }
  return bytes.length >= 8 && startsWith(bytes, 0, [0x00, 0x61, 0x73, 0x6d]) && startsWith(bytes, 4, COMPONENT_VERSION);
}

/**
 * Reads an unsigned LEB128 at `at`: [value, next offset], or undefined past the end.
 * @param {Uint8Array} bytes
 * @param {number} at
 * @returns {[number, number] | undefined}
 */
function leb(bytes, at) {
  let value = 0;
  for (let shift = 0; shift < 35 && at < bytes.length; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
  }
  return undefined;
}

/** A WASI 0.3 interface name: any 0.3.x release or 0.3.0 release candidate. */
const WASI_03_NAME = /wasi:[a-z0-9-]+\/[a-z0-9-]+@0\.3[.-]/;

/**
 * Which WASI a component is written against: "0.3" when its own imports or
 * exports (the top-level import and export sections, not those of the
 * modules and components nested in it) name a `wasi:*@0.3` interface (a
 * 0.3.x release or a 0.3.0-rc-*), else "0.2". `run()` and the CLI run a
 * 0.3 component on the 0.3 host (wasi-web/preview3, JSPI). Undefined for
 * anything that is not a component.
 * @param {unknown} data
 * @returns {"0.2" | "0.3" | undefined}
 */
export function componentWasiVersion(data) {
  if (!isComponent(data)) return undefined;
  return ownNamesMatch(toBytes(data, "the component"), WASI_03_NAME) ? "0.3" : "0.2";
}

/**
 * Whether a component's own imports name `wasi:http/outgoing-handler` (it
 * fetches): `run()` then runs it in async mode where there is JSPI, since a
 * response can only be waited for by suspending.
 * @param {unknown} data
 */
export function componentFetches(data) {
  return isComponent(data) && ownNamesMatch(toBytes(data, "the component"), /wasi:http\/outgoing-handler@/, [10]);
}

/**
 * Whether the text of a component's top-level import (10) or export (11)
 * sections matches `pattern` (names are stored as plain UTF-8 there).
 * @param {Uint8Array} bytes @param {RegExp} pattern @param {number[]} [ids]
 */
function ownNamesMatch(bytes, pattern, ids = [10, 11]) {
  const text = new TextDecoder("utf-8", { fatal: false });
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const size = leb(bytes, at + 1);
    if (size === undefined) break;
    const [length, start] = size;
    const end = start + length;
    if (end > bytes.length) break;
    if (ids.includes(id) && pattern.test(text.decode(bytes.subarray(start, end)))) return true;
    at = end;
  }
  return false;
}

/**
 * Checks the 8-byte header and returns the bytes as a Uint8Array, or throws
 * a clear error for something that is not a core WebAssembly module.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 */
export function checkModuleBytes(data) {
  const bytes = toBytes(data, "the program");
  if (bytes.length < 8 || !startsWith(bytes, 0, [0x00, 0x61, 0x73, 0x6d])) {
    throw new TypeError("not a WebAssembly binary (it does not start with \\0asm)");
  }
  if (startsWith(bytes, 4, COMPONENT_VERSION)) {
    throw new TypeError(
      "this is a WebAssembly component (WASI Preview 2); run it with run() or WASIp2 from wasi-web/preview2 (through jco), not WASI",
    );
  }
  if (!startsWith(bytes, 4, MODULE_VERSION)) {
    const version = Array.from(bytes.subarray(4, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new TypeError(`unsupported WebAssembly binary version/layer (${version})`);
  }
  return bytes;
}

/**
 * Compiles bytes (checked first) or passes a WebAssembly.Module through.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | WebAssembly.Module} program
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileProgram(program) {
  if (program instanceof WebAssembly.Module) return program;
  // A view of a SharedArrayBuffer is accepted too (the engine copies it),
  // though TypeScript's BufferSource leaves it out.
  return WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (checkModuleBytes(program)));
}

/**
 * Which WASI a module imports: "preview1" (wasi_snapshot_preview1),
 * "unstable" (wasi_unstable), or null for neither.
 * @param {WebAssembly.Module} module
 * @returns {"preview1" | "unstable" | null}
 */
export function detectWasiVersion(module) {
  const namespaces = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
  if (namespaces.has("wasi_snapshot_preview1")) return "preview1";
  if (namespaces.has("wasi_unstable")) return "unstable";
  return null;
}
