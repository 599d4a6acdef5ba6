// The Program panel: pick a bundled example or open/drop a .wasm file, which
// is checked at once (not WebAssembly, a component, not a WASI command) so a
// bad file gets its error before anything runs. Each program keeps its own
// arguments.
import { EXAMPLES_URL, checkModuleBytes, detectWasiVersion } from "./lib.js";
import { EXAMPLES } from "./examples.js";
import { byId, formatSize, h } from "./dom.js";

/**
 * @typedef {object} Program
 * @property {string} name file name, e.g. "hello.wasm"
 * @property {Uint8Array} bytes
 */

/** The header of a component: `\0asm`, version 0x0d, layer 1. */
const COMPONENT_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** @param {Uint8Array} bytes */
function isComponent(bytes) {
  return bytes.length >= 8 && COMPONENT_HEADER.every((b, i) => bytes[i] === b);
}

/**
 * Why `bytes` cannot be run, or null if they look like a WASI command.
 * @param {Uint8Array} bytes
 * @returns {Promise<string | null>}
 */
export async function problemWith(bytes) {
  if (isComponent(bytes)) {
    return (
      "it is a WebAssembly component (WASI Preview 2), and components are not supported in the playground yet. " +
      "Build a core module instead, for example with Rust's wasm32-wasip1 target."
    );
  }
  let module;
  try {
    module = await WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (checkModuleBytes(bytes)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof WebAssembly.CompileError) return `it is not valid WebAssembly: ${message}`;
    return message;
  }
  if (detectWasiVersion(module) === null) {
    return "it imports neither wasi_snapshot_preview1 nor wasi_unstable: it is not a WASI program";
  }
  if (!WebAssembly.Module.exports(module).some((e) => e.name === "_start" && e.kind === "function")) {
    return "it has no _start function: it is not a WASI command (libraries and reactors cannot be run here)";
  }
  return null;
}

export class ProgramPanel {
  #select = byId("program-select", HTMLSelectElement);
  #yours = byId("your-programs", HTMLOptGroupElement);
  #description = byId("program-description");
  #error = byId("program-error");
  #input = byId("wasm-input", HTMLInputElement);
  #args = byId("args", HTMLInputElement);
  /** Opened files by option value. @type {Map<string, Program>} */
  #files = new Map();
  /** Fetched examples by name. @type {Map<string, Promise<Uint8Array>>} */
  #fetched = new Map();
  /** The arguments typed for each program, by option value. @type {Map<string, string>} */
  #argsFor = new Map();
  #shown = "";
  #count = 0;

  constructor() {
    const group = byId("example-programs", HTMLOptGroupElement);
    for (const example of EXAMPLES) {
      group.append(h("option", { value: `example:${example.name}` }, example.label));
      this.#argsFor.set(`example:${example.name}`, example.args);
    }
    this.#select.value = `example:${EXAMPLES[0].name}`;
    this.#show();
    this.#select.addEventListener("change", () => this.#show());
    this.#input.addEventListener("change", async () => {
      const file = this.#input.files?.[0];
      this.#input.value = "";
      if (file) await this.open(file);
    });
    const zone = byId("program");
    zone.addEventListener("dragover", (event) => {
      if (!event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      zone.classList.add("drop-target");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("drop-target"));
    zone.addEventListener("drop", (event) => {
      zone.classList.remove("drop-target");
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      this.open(file);
    });
  }

  /**
   * Checks a .wasm file and, if it can run, adds it to the menu and picks it.
   * @param {File} file
   * @returns {Promise<boolean>} whether it was added
   */
  async open(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const problem = await problemWith(bytes);
    if (problem !== null) {
      this.#showError(`Cannot run ${file.name}: ${problem}`);
      return false;
    }
    this.#showError(null);
    const value = `file:${this.#count++}`;
    this.#files.set(value, { name: file.name, bytes });
    this.#argsFor.set(value, "");
    this.#yours.hidden = false;
    this.#yours.append(h("option", { value }, `${file.name} (${formatSize(bytes.length)})`));
    this.#select.value = value;
    this.#show();
    return true;
  }

  /** The chosen program's bytes (examples are fetched the first time). @returns {Promise<Program>} */
  async current() {
    const value = this.#select.value;
    const file = this.#files.get(value);
    if (file) return file;
    const name = value.slice("example:".length);
    let bytes = this.#fetched.get(name);
    if (!bytes) {
      bytes = fetch(new URL(`${name}.wasm`, EXAMPLES_URL)).then(async (response) => {
        if (!response.ok) throw new Error(`could not load the example ${name}.wasm: HTTP ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      });
      bytes.catch(() => this.#fetched.delete(name));
      this.#fetched.set(name, bytes);
    }
    return { name: `${name}.wasm`, bytes: await bytes };
  }

  /** @param {string | null} message */
  #showError(message) {
    this.#error.textContent = message ?? "";
    this.#error.hidden = message === null;
  }

  #show() {
    if (this.#shown) this.#argsFor.set(this.#shown, this.#args.value);
    const value = this.#select.value;
    this.#shown = value;
    this.#args.value = this.#argsFor.get(value) ?? "";
    const file = this.#files.get(value);
    const example = EXAMPLES.find((e) => `example:${e.name}` === value);
    this.#description.textContent = file
      ? `Your file ${file.name}, ${formatSize(file.bytes.length)}.`
      : example?.description ?? "";
  }
}
