// `.wat` programs for the CLI, assembled by wabt (an optional dependency,
// loaded only for text input).

/**
 * Whether `bytes` is WebAssembly text rather than a binary: a `.wat` name,
 * or text that starts (after whitespace and comments) with `(module` or
 * `(component`.
 * @param {string} file
 * @param {Uint8Array} bytes
 */
export function isWat(file, bytes) {
  if (/\.wat$/i.test(file)) return true;
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return false;
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return /^(?:\s|;;[^\n]*\n|\(;[\s\S]*?;\))*\((?:module|component)\b/.test(head);
}

/**
 * The binary module of a `.wat` text, with its names kept (for backtraces).
 * @param {string} file for messages
 * @param {Uint8Array} text
 * @returns {Promise<Uint8Array>}
 */
export async function watToWasm(file, text) {
  let init;
  try {
    init = (await import("wabt")).default;
  } catch {
    throw new Error(`${file} is WebAssembly text: assembling it needs the wabt package (npm install wabt)`);
  }
  const wabt = await init();
  let module;
  try {
    module = wabt.parseWat(file, text, {
      multi_value: true,
      bulk_memory: true,
      sign_extension: true,
      sat_float_to_int: true,
      mutable_globals: true,
      reference_types: true,
      simd: true,
      tail_call: true,
      threads: true,
      memory64: true,
      extended_const: true,
      exceptions: true,
    });
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: true }).buffer;
  } catch (error) {
    // wabt's messages already name the file, line and column.
    throw new Error(
      String(/** @type {Error} */ (error)?.message ?? error)
        .replace(/^\w+ failed:\s*/, "")
        .trim(),
      { cause: error },
    );
  } finally {
    module?.destroy();
  }
}
