// `wasi-web --invoke FUNC [ARGS...]`: calls one export of a module, with
// arguments parsed per its signature and results printed one per line, as
// `wasmtime run --invoke` does.
import { exportedFunctionType } from "./wasm-binary.js";

/** An --invoke that cannot be made (missing export, bad argument): the CLI exits 1 with its message. */
export class InvokeError extends Error {}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * One argument as the parameter's type wants it.
 * @param {string} text
 * @param {string} type
 * @param {string} func
 * @returns {number | bigint}
 */
export function parseValue(text, type, func) {
  const bad = () => new InvokeError(`--invoke ${func}: cannot parse ${JSON.stringify(text)} as ${type}`);
  switch (type) {
    case "i32":
    case "i64": {
      if (!INT.test(text)) throw bad();
      const value = BigInt(text);
      const bits = type === "i32" ? 32n : 64n;
      // Signed or unsigned spelling, as wasm integers have no sign of their own.
      if (value < -(1n << (bits - 1n)) || value >= 1n << bits) throw bad();
      return type === "i32" ? Number(BigInt.asIntN(32, value)) : BigInt.asIntN(64, value);
    }
    case "f32":
    case "f64": {
      if (!FLOAT.test(text)) throw bad();
      const lower = text.toLowerCase().replace(/^\+/, "");
      let value;
      if (/^-?inf(inity)?$/.test(lower)) value = lower.startsWith("-") ? -Infinity : Infinity;
      else if (/^-?nan$/.test(lower)) value = NaN;
      else value = Number(text);
      return type === "f32" ? Math.fround(value) : value;
    }
    default:
      throw new InvokeError(`--invoke ${func}: parameters of type ${type} are not supported`);
  }
}

/**
 * A plain decimal, never an exponent (Rust's `Display` for floats).
 * @param {string} text JS's shortest round-trip spelling of a finite number
 */
function plainDecimal(text) {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = "", exp] = m;
  const digits = lead + frac;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A result as wasmtime prints it.
 * @param {unknown} value
 * @param {string} type
 * @returns {string}
 */
export function formatValue(value, type) {
  if (typeof value === "bigint") return String(value);
  if (typeof value !== "number") return type === "externref" || type === "funcref" ? `<${type}>` : String(value);
  if (type === "i32") return String(value);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value < 0 ? "-inf" : "inf";
  if (type === "f32") {
    // The shortest decimal that reads back as the same f32.
    for (let digits = 1; digits <= 9; digits++) {
      const text = value.toPrecision(digits);
      if (Math.fround(Number(text)) === value) return plainDecimal(String(Number(text)));
    }
  }
  return plainDecimal(String(value));
}

/**
 * The call --invoke makes, and how its results print.
 * @param {Uint8Array} bytes the module
 * @param {WebAssembly.Exports} exports
 * @param {string} func
 * @param {string[]} args
 * @returns {{ call: () => unknown, print: (result: unknown) => string }}
 */
export function prepareInvoke(bytes, exports, func, args) {
  const type = exportedFunctionType(bytes, func);
  const f = exports[func];
  if (type === undefined || typeof f !== "function") throw new InvokeError(`--invoke ${func}: the module exports no function ${func}`);
  if (args.length < type.params.length) {
    throw new InvokeError(`--invoke ${func}: not enough arguments (it takes ${type.params.join(", ")})`);
  }
  if (args.length > type.params.length) {
    throw new InvokeError(`--invoke ${func}: too many arguments (it takes ${type.params.length})`);
  }
  const values = type.params.map((t, i) => parseValue(args[i], t, func));
  return {
    call: () => /** @type {(...a: unknown[]) => unknown} */ (f)(...values),
    print: (result) => {
      const results = type.results.length === 1 ? [result] : type.results.length === 0 ? [] : /** @type {unknown[]} */ (result);
      return results.map((v, i) => `${formatValue(v, type.results[i])}\n`).join("");
    },
  };
}
