// Just enough of the WebAssembly binary format for the CLI: the name
// section (trap backtraces), exported function signatures (--invoke) and
// the memory section's limits (--max-memory).

const PAGE = 65536;
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Thrown for a module the CLI cannot read the part it needs of. */
export class WasmFormatError extends Error {}

/** A cursor over a byte range. */
class Reader {
  /** @param {Uint8Array} bytes @param {number} pos @param {number} end */
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  byte() {
    if (this.pos >= this.end) throw new WasmFormatError("unexpected end of a section");
    return this.bytes[this.pos++];
  }

  /** An unsigned LEB128 of at most 64 bits, as a Number (exact below 2^53). */
  u() {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new WasmFormatError("LEB128 number too long");
  }

  name() {
    const len = this.u();
    if (len > this.end - this.pos) throw new WasmFormatError("name runs past its section");
    const text = decoder.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return text;
  }
}

/**
 * The sections of a module, in order: id, where its header starts, where
 * its payload starts and ends.
 * @param {Uint8Array} bytes
 * @returns {{ id: number, header: number, start: number, end: number }[]}
 */
export function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError("not a WebAssembly binary");
  }
  const r = new Reader(bytes, 8);
  const out = [];
  while (r.pos < r.end) {
    const header = r.pos;
    const id = r.byte();
    const size = r.u();
    if (size > r.end - r.pos) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    out.push({ id, header, start: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return out;
}

/**
 * Function names from the "name" custom section (index → name); empty when
 * the module has none or it is malformed (names are only a nicety).
 * @param {Uint8Array} bytes
 * @returns {Map<number, string>}
 */
export function functionNames(bytes) {
  const names = new Map();
  try {
    for (const s of sections(bytes)) {
      if (s.id !== 0) continue;
      const r = new Reader(bytes, s.start, s.end);
      if (r.name() !== "name") continue;
      while (r.pos < r.end) {
        const kind = r.byte();
        const size = r.u();
        const next = r.pos + size;
        if (kind === 1) {
          const sub = new Reader(bytes, r.pos, Math.min(next, r.end));
          for (let n = sub.u(); n > 0; n--) {
            const index = sub.u();
            names.set(index, sub.name());
          }
        }
        r.pos = next;
      }
    }
  } catch (error) {
    if (!(error instanceof WasmFormatError)) throw error;
  }
  return names;
}

const VALTYPES = /** @type {Record<number, string>} */ ({
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
});

/** @param {Reader} r */
function valtype(r) {
  const b = r.byte();
  const t = VALTYPES[b];
  if (t === undefined) throw new WasmFormatError(`value type 0x${b.toString(16)} is not supported`);
  return t;
}

/** @param {Reader} r skips a table type, memory type or global type's limits */
function limits(r) {
  const flags = r.byte();
  r.u();
  if (flags & 1) r.u();
}

/**
 * The signature of an exported function, or undefined when `name` is not an
 * exported function.
 * @param {Uint8Array} bytes
 * @param {string} name
 * @returns {{ params: string[], results: string[] } | undefined}
 */
export function exportedFunctionType(bytes, name) {
  /** @type {{ params: string[], results: string[] }[]} */
  const types = [];
  /** @type {number[]} type index of each function, imports first */
  const funcs = [];
  let exported;
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    if (s.id === 1) {
      for (let n = r.u(); n > 0; n--) {
        const form = r.byte();
        if (form !== 0x60) throw new WasmFormatError("the type section uses types other than plain functions");
        const params = [];
        for (let k = r.u(); k > 0; k--) params.push(valtype(r));
        const results = [];
        for (let k = r.u(); k > 0; k--) results.push(valtype(r));
        types.push({ params, results });
      }
    } else if (s.id === 2) {
      for (let n = r.u(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) funcs.push(r.u());
        else if (kind === 1) (r.byte(), limits(r));
        else if (kind === 2) limits(r);
        else if (kind === 3) (r.byte(), r.byte());
        else if (kind === 4) (r.byte(), r.u());
        else throw new WasmFormatError(`import kind ${kind} is not supported`);
      }
    } else if (s.id === 3) {
      for (let n = r.u(); n > 0; n--) funcs.push(r.u());
    } else if (s.id === 7) {
      for (let n = r.u(); n > 0; n--) {
        const exportName = r.name();
        const kind = r.byte();
        const index = r.u();
        if (exportName === name && kind === 0) exported = index;
      }
    }
  }
  if (exported === undefined) return undefined;
  const type = types[funcs[exported]];
  if (type === undefined) throw new WasmFormatError(`function ${exported} has no type`);
  return type;
}

/**
 * Writes an unsigned LEB128.
 * @param {number} value
 * @returns {number[]}
 */
function leb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/**
 * The module with every memory it defines capped at `maxBytes` (rounded
 * down to whole 64 KiB pages): its limits get that maximum (or keep a
 * smaller one), so `memory.grow` past it returns -1, as under wasmtime's
 * `-W max-memory-size`. A memory whose minimum is already larger is refused.
 * Code moves by `shift` bytes (a backtrace subtracts it to give the file's
 * offsets: the memory section comes before the code section).
 * @param {Uint8Array} bytes
 * @param {number} maxBytes
 * @returns {{ bytes: Uint8Array, shift: number }}
 */
export function capMemory(bytes, maxBytes) {
  const pages = Math.floor(maxBytes / PAGE);
  const memory = sections(bytes).find((s) => s.id === 5);
  for (const s of sections(bytes)) {
    if (s.id !== 2) continue;
    // An imported memory is the embedder's: the CLI provides none.
    const r = new Reader(bytes, s.start, s.end);
    for (let n = r.u(); n > 0; n--) {
      r.name();
      r.name();
      const kind = r.byte();
      if (kind === 2) throw new WasmFormatError("--max-memory: the module imports its memory; only a memory it defines can be capped");
      if (kind === 0) r.u();
      else if (kind === 1) (r.byte(), limits(r));
      else if (kind === 3) (r.byte(), r.byte());
      else if (kind === 4) (r.byte(), r.u());
    }
  }
  if (memory === undefined) return { bytes, shift: 0 };
  const r = new Reader(bytes, memory.start, memory.end);
  /** @type {number[]} */
  const payload = [];
  const count = r.u();
  payload.push(...leb(count));
  for (let n = 0; n < count; n++) {
    const flags = r.byte();
    if (flags & ~7) throw new WasmFormatError(`--max-memory: memory limits flags 0x${flags.toString(16)} are not supported`);
    const min = r.u();
    const max = flags & 1 ? r.u() : Infinity;
    if (min > pages) {
      throw new WasmFormatError(`--max-memory ${maxBytes}: the module's memory starts at ${min * PAGE} bytes (${min} pages of 64 KiB)`);
    }
    payload.push(flags | 1, ...leb(min), ...leb(Math.min(max, pages)));
  }
  if (r.pos !== r.end) throw new WasmFormatError("the memory section has trailing bytes");
  const section = [5, ...leb(payload.length), ...payload];
  const out = new Uint8Array(bytes.length - (memory.end - memory.header) + section.length);
  out.set(bytes.subarray(0, memory.header), 0);
  out.set(section, memory.header);
  out.set(bytes.subarray(memory.end), memory.header + section.length);
  return { bytes: out, shift: section.length - (memory.end - memory.header) };
}
