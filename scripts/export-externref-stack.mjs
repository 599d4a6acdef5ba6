// Exports the core's externref stack pointer as `__wbindgen_externref_stack`.
//   node scripts/export-externref-stack.mjs pkg/wasi_web_bg.wasm
//
// Why: wasm-bindgen passes a borrowed JS value (`&JsValue`, `&JsString`,
// `&Uint8Array`) to an export through a stack of slots at the top of the
// externref table, and it adds a global of its own for that stack (not the
// linker's, so build.rs cannot export it). A trap inside such a call (a
// Rust panic, which aborts) never pops its slots: after 1,024 of them every
// such call traps. js/core.js resets this global, as it does
// `__stack_pointer`, once no call into the core is in progress.
//
// The global is found by what wasm-bindgen makes it: a mutable i32
// initialised to 1024 (its table stack size). Exactly one such global must
// exist, or the build fails here rather than exporting the wrong one.
import { readFileSync, writeFileSync } from "node:fs";

const NAME = "__wbindgen_externref_stack";
const STACK_SIZE = 1024;

const file = process.argv[2];
if (file === undefined) throw new Error("usage: export-externref-stack.mjs <module.wasm>");
const bytes = readFileSync(file);

let pos = 8;
/** @returns {number} */
function u32() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
  }
}
/** Signed LEB128 (up to 64 bits, as a Number: only compared with small values). */
function s64() {
  let result = 0;
  let shift = 0;
  let b;
  do {
    b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  if (b & 0x40) result -= 2 ** shift;
  return result;
}
function skipName() {
  const n = u32();
  pos += n;
}
function skipLimits() {
  const flags = bytes[pos++];
  u32();
  if (flags & 1) u32();
}
/** @param {number} n */
function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a wasm module`);
let importedGlobals = 0;
/** @type {number[]} */
const candidates = [];
/** @type {{ start: number, end: number, bodyStart: number } | null} */
let exportSection = null;
let exported = false;
while (pos < bytes.length) {
  const start = pos;
  const id = bytes[pos++];
  const size = u32();
  const bodyStart = pos;
  const end = pos + size;
  if (id === 2) {
    for (let n = u32(); n > 0; n--) {
      skipName();
      skipName();
      const kind = bytes[pos++];
      if (kind === 0) u32();
      else if (kind === 1) (pos++, skipLimits());
      else if (kind === 2) skipLimits();
      else if (kind === 3) (importedGlobals++, (pos += 2));
      else if (kind === 4) (pos++, u32());
      else throw new Error(`unknown import kind ${kind}`);
    }
  } else if (id === 6) {
    const count = u32();
    for (let i = 0; i < count; i++) {
      const type = bytes[pos++];
      const mutable = bytes[pos++] === 1;
      // The init expression: only a lone i32.const 1024 matters; the rest is skipped.
      const initStart = pos;
      let lone1024 = false;
      if (bytes[pos] === 0x41) {
        pos++;
        lone1024 = s64() === STACK_SIZE && bytes[pos] === 0x0b;
        pos = initStart;
      }
      skipInit();
      if (type === 0x7f && mutable && lone1024) candidates.push(importedGlobals + i);
    }
  } else if (id === 7) {
    exportSection = { start, end, bodyStart };
    for (let n = u32(); n > 0; n--) {
      const len = u32();
      const name = bytes.subarray(pos, pos + len).toString("utf8");
      pos += len;
      pos++;
      u32();
      if (name === NAME) exported = true;
    }
  }
  pos = end;
}

function skipInit() {
  for (;;) {
    const op = bytes[pos++];
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) s64();
    else if (op === 0x43) pos += 4;
    else if (op === 0x44) pos += 8;
    else if (op === 0x23 || op === 0xd2) u32();
    else if (op === 0xd0) s64();
    else if (op >= 0x6a && op <= 0x7e) {
      // i32/i64 add, sub, mul (extended constant expressions)
    } else throw new Error(`unexpected opcode 0x${op.toString(16)} in a global's initialiser`);
  }
}

if (exported) {
  console.error(`export-externref-stack: ${file} already exports ${NAME}`);
  process.exit(0);
}
if (candidates.length !== 1) {
  throw new Error(`export-externref-stack: expected one mutable i32 global = ${STACK_SIZE} in ${file}, found ${candidates.length}`);
}
if (exportSection === null) throw new Error(`export-externref-stack: ${file} has no export section`);

// The export section again, with one more entry.
pos = exportSection.bodyStart;
const count = u32();
const entries = bytes.subarray(pos, exportSection.end);
const name = Buffer.from(NAME, "utf8");
const body = Buffer.concat([
  Buffer.from(uleb(count + 1)),
  entries,
  Buffer.from(uleb(name.length)),
  name,
  Buffer.from([3, ...uleb(candidates[0])]),
]);
const section = Buffer.concat([Buffer.from([7, ...uleb(body.length)]), body]);
writeFileSync(file, Buffer.concat([bytes.subarray(0, exportSection.start), section, bytes.subarray(exportSection.end)]));
console.error(`export-externref-stack: ${file}: global ${candidates[0]} exported as ${NAME}`);
