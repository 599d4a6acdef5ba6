// The Program panel: pick a bundled example or open/drop a .wasm file, which
// is checked at once (not WebAssembly, not a WASI command) so a bad file gets
// its error before anything runs. Components (WASI 0.2 and 0.3) are accepted
// as they are; jco checks them when they run. Each program keeps its own arguments.
import { checkModuleBytes, detectWasiVersion } from "wasi-web";
import { COMPONENT_EXAMPLES, COMPONENT_EXAMPLES_URL, EXAMPLES, EXAMPLES_URL } from "./examples.js";
import { componentWasiVersion } from "wasi-web";
import { isComponent } from "./component.js";
import { byId, formatSize, h } from "./dom.js";

/**
 * @typedef {object} Program
 * @property {string} name file name, e.g. "hello.wasm"
 * @property {Uint8Array} bytes
 * @property {boolean} component a WASI 0.2 or 0.3 component rather than a core module
 * @property {string[]} dirs folders to create in the Files before it runs
 */

/**
 * Why `bytes` cannot be run, or null if they look like a WASI command or are
 * a component.
 * @param {Uint8Array} bytes
 * @returns {Promise<string | null>}
 */
export async function problemWith(bytes) {
  if (isComponent(bytes)) return null;
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

/**
 * A response's body, reporting the bytes read as they arrive.
 * @param {Response} response
 * @param {(loaded: number, total: number) => void} progress
 */
async function readWithProgress(response, progress) {
  const total = Number(response.headers.get("content-length") ?? 0);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let loaded = 0;
  progress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
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

  #onChange = () => {};
  /** @type {(name: string, loaded: number, total: number) => void} */
  #onProgress = () => {};

  /**
   * @param {{ onChange?(): void, onProgress?(name: string, loaded: number, total: number): void }} [options]
   *   onChange: another program was picked; onProgress: bytes of an example fetched so far (total 0: unknown)
   */
  constructor({ onChange = () => {}, onProgress = () => {} } = {}) {
    this.#onProgress = onProgress;
    const group = byId("example-programs", HTMLOptGroupElement);
    for (const example of EXAMPLES) {
      group.append(h("option", { value: `example:${example.name}` }, example.label));
      this.#argsFor.set(`example:${example.name}`, example.args);
    }
    const components = byId("component-programs", HTMLOptGroupElement);
    for (const example of COMPONENT_EXAMPLES) {
      components.append(h("option", { value: `component:${example.name}` }, example.label));
      this.#argsFor.set(`component:${example.name}`, example.args);
    }
    this.#select.value = `example:${EXAMPLES[0].name}`;
    this.#show();
    this.#onChange = onChange;
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
    const component = isComponent(bytes);
    this.#files.set(value, { name: file.name, bytes, component, dirs: [] });
    this.#argsFor.set(value, "");
    this.#yours.hidden = false;
    this.#yours.append(h("option", { value }, `${file.name} (${component ? "component, " : ""}${formatSize(bytes.length)})`));
    this.#select.value = value;
    this.#show();
    return true;
  }

  /** The opened programs, components too (the shell runs FILE.wasm as FILE; the last opened of a name wins). */
  opened() {
    return [...this.#files.values()].reverse().map((f) => ({ name: f.name.replace(/\.wasm$/, ""), bytes: f.bytes }));
  }

  /**
   * What the chosen program's typed-line history is kept under: the menu
   * value for an example, the file name for an opened file (whose menu
   * value is only good for this visit).
   */
  get historyKey() {
    const file = this.#files.get(this.#select.value);
    return file ? `opened:${file.name}` : this.#select.value;
  }

  /** The chosen program's menu value, e.g. "example:grep". */
  get value() {
    return this.#select.value;
  }

  /**
   * Picks a bundled example by its menu value ("example:…" or "component:…").
   * @param {string} value
   * @returns {boolean} whether there is such an example
   */
  choose(value) {
    if (!/^(example|component):/.test(value) || ![...this.#select.options].some((o) => o.value === value)) return false;
    this.#select.value = value;
    this.#show();
    return true;
  }

  /** Whether the chosen program is a component (known without loading it). */
  get componentChosen() {
    const value = this.#select.value;
    return this.#files.get(value)?.component ?? value.startsWith("component:");
  }

  /** The chosen program's bytes (examples are fetched the first time). @returns {Promise<Program>} */
  async current() {
    const value = this.#select.value;
    const file = this.#files.get(value);
    if (file) return file;
    const component = value.startsWith("component:");
    const name = value.slice(value.indexOf(":") + 1);
    const url = new URL(`${name}.wasm`, component ? COMPONENT_EXAMPLES_URL : EXAMPLES_URL);
    let bytes = this.#fetched.get(value);
    if (!bytes) {
      bytes = fetch(url).then(async (response) => {
        if (!response.ok) {
          const hint = component ? " (build it with bash tests/p2guests/build.sh)" : "";
          throw new Error(`could not load the example ${name}.wasm: HTTP ${response.status}${hint}`);
        }
        return readWithProgress(response, (loaded, total) => this.#onProgress(`${name}.wasm`, loaded, total));
      });
      bytes.catch(() => this.#fetched.delete(value));
      this.#fetched.set(value, bytes);
    }
    const dirs = component ? (COMPONENT_EXAMPLES.find((e) => e.name === name)?.dirs ?? []) : [];
    return { name: `${name}.wasm`, bytes: await bytes, component, dirs };
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
    const example = EXAMPLES.find((e) => `example:${e.name}` === value) ?? COMPONENT_EXAMPLES.find((e) => `component:${e.name}` === value);
    this.#description.textContent = file
      ? `Your file ${file.name}, ${file.component ? `a WASI ${componentWasiVersion(file.bytes)} component` : "a core module"}, ${formatSize(file.bytes.length)}.`
      : (example?.description ?? "");
    this.#onChange();
  }
}
