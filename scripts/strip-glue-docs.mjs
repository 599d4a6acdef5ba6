// Drops the JSDoc blocks wasm-bindgen copies from Rust doc comments into
// the generated glue. Only whole-line blocks are touched, so code and
// strings are never changed; the typings keep the documentation.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const file = process.argv[2];
const src = fs.readFileSync(file, "utf8");
const out = src.replace(/^[ \t]*\/\*\*(?:(?!\*\/)[\s\S])*\*\/[ \t]*\n/gm, "");
// The result must still parse before it replaces the original.
const tmp = `${file}.check.mjs`;
fs.writeFileSync(tmp, out);
const check = spawnSync(process.execPath, ["--check", tmp], { encoding: "utf8" });
fs.rmSync(tmp);
if (check.status !== 0) throw new Error(`${file}: stripping comments broke the glue:\n${check.stderr}`);
fs.writeFileSync(file, out);
console.error(`strip-glue-docs: ${src.length} -> ${out.length} bytes`);
