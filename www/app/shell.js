// A small shell for the playground's terminal, on the library's pipeline():
//   prog args | prog2 args < in.txt > out.txt && prog3 …
// Programs are found by name: a bundled example, or NAME.wasm in the Files
// (a word with a "/" or ending in ".wasm" is a path to one). Built-ins: echo,
// ls, pwd, help. `$?` is the last status, as in sh. Programs run on the
// page's thread under JSPI, on the Files' MemFS, with "/" preopened (the
// working directory, for Preview 1 programs, is "/").
import { pipeline } from "wasi-web";
import { absolutePath as absolute } from "./command-line.js";

/**
 * @typedef {object} Stage
 * @property {string[]} words argv
 * @property {string | null} stdin `< path`
 * @property {string | null} stdout `> path` or `>> path`
 * @property {boolean} append `>>`
 * @property {string | null} stderr `2> path`
 */

/** Why a command line cannot be run, shown as sh would. */
export class ShellSyntaxError extends Error {}

const OPERATORS = ["&&", ">>", "2>", "|", "<", ">"];

/**
 * Splits a command line into words and operators. Quotes ('…', "…") and
 * backslashes work as in sh; `$?` outside single quotes is `status`.
 * @param {string} line
 * @param {number} status
 * @returns {({ word: string } | { op: string })[]}
 */
export function tokenize(line, status) {
  /** @type {({ word: string } | { op: string })[]} */
  const tokens = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const end = () => {
    if (inWord) tokens.push({ word });
    word = "";
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\n") {
      end();
      i++;
      continue;
    }
    // "2>" is an operator only at the start of a word, as in sh.
    const op = OPERATORS.find((o) => line.startsWith(o, i) && (o !== "2>" || !inWord));
    if (op !== undefined) {
      end();
      tokens.push({ op });
      i += op.length;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError("unterminated '");
      word += line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && i + 1 < line.length && '"\\$'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else if (line.startsWith("$?", i)) {
          word += String(status);
          i += 2;
        } else {
          word += line[i++];
        }
      }
      if (i >= line.length) throw new ShellSyntaxError('unterminated "');
      i++;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[i + 1];
      i += 2;
    } else if (line.startsWith("$?", i)) {
      word += String(status);
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  end();
  return tokens;
}

/**
 * A command line as a list of pipelines joined by `&&`, each a list of stages.
 * @param {string} line
 * @param {number} [status] what `$?` expands to
 * @returns {Stage[][]}
 */
export function parse(line, status = 0) {
  /** @type {Stage[][]} */
  const list = [];
  /** @type {Stage[]} */
  let pipe = [];
  /** @type {Stage} */
  let stage = { words: [], stdin: null, stdout: null, append: false, stderr: null };
  const tokens = tokenize(line, status);
  if (tokens.length === 0) return [];
  const close = (/** @type {string} */ op) => {
    if (stage.words.length === 0) throw new ShellSyntaxError(`syntax error near "${op}"`);
    pipe.push(stage);
    stage = { words: [], stdin: null, stdout: null, append: false, stderr: null };
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ("word" in token) {
      stage.words.push(token.word);
      continue;
    }
    if (token.op === "|" || token.op === "&&") {
      close(token.op);
      if (token.op === "&&") {
        list.push(pipe);
        pipe = [];
      }
      continue;
    }
    const target = tokens[++i];
    if (target === undefined || !("word" in target)) throw new ShellSyntaxError(`"${token.op}" needs a file name`);
    if (token.op === "<") stage.stdin = target.word;
    else if (token.op === "2>") stage.stderr = target.word;
    else {
      stage.stdout = target.word;
      stage.append = token.op === ">>";
    }
  }
  close("end of line");
  list.push(pipe);
  return list;
}

const HELP = `A small shell: prog args | prog2 args, < in, > out, >> out, 2> err, a && b, $? (the last status).
Programs: the bundled examples by name, or NAME.wasm from the Files (run by NAME).
Built-ins: echo, ls [dir], pwd, help. The working directory is /.
`;

/**
 * @typedef {object} ShellHost
 * @property {() => import("wasi-web").MemFS} fs the Files' MemFS
 * @property {(name: string) => Promise<Uint8Array | null>} bundled a bundled example's bytes, or null
 * @property {(fd: 1 | 2, chunk: Uint8Array) => void | Promise<unknown>} output what the commands print; a
 *   promise (e.g. until the screen caught up) holds the last program's next write back until it settles
 */

export class Shell {
  /** The last command's status (`$?`). */
  status = 0;
  #host;
  #encoder = new TextEncoder();

  /** @param {ShellHost} host */
  constructor(host) {
    this.#host = host;
  }

  /**
   * Runs a command line; resolves to its status (also kept as `status`).
   * Aborting `signal` (Ctrl+C) stops the programs: status 130, as sh's for SIGINT.
   * @param {string} line
   * @param {{ signal?: AbortSignal }} [options]
   */
  async execute(line, { signal } = {}) {
    let list;
    try {
      list = parse(line, this.status);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      this.#print(2, `sh: ${error.message}\n`);
      return (this.status = 2);
    }
    for (const pipe of list) {
      this.status = await this.#runPipe(pipe, signal);
      if (this.status !== 0) break;
    }
    return this.status;
  }

  /** @param {1 | 2} fd @param {string} text */
  #print(fd, text) {
    this.#host.output(fd, this.#encoder.encode(text));
  }

  /** @param {Stage[]} pipe @param {AbortSignal | undefined} signal */
  async #runPipe(pipe, signal) {
    const fs = this.#host.fs();
    if (pipe.length === 1 && BUILTINS.has(pipe[0].words[0])) return this.#builtin(pipe[0]);
    /** @type {{ program: Uint8Array, args: string[] }[]} */
    const stages = [];
    for (const stage of pipe) {
      const name = stage.words[0];
      if (BUILTINS.has(name)) {
        this.#print(2, `sh: ${name}: a built-in cannot be part of a pipe here\n`);
        return 2;
      }
      const program = await this.#find(name);
      if (program === null) {
        this.#print(2, `sh: ${name}: command not found\n`);
        return 127;
      }
      stages.push({ program, args: stage.words });
    }
    const first = pipe[0];
    const last = pipe[pipe.length - 1];
    const errFile = pipe.find((s) => s.stderr !== null)?.stderr ?? null;
    let stdin;
    if (first.stdin !== null) {
      try {
        stdin = fs.readFile(absolute(first.stdin));
      } catch (error) {
        this.#print(2, `sh: ${first.stdin}: ${/** @type {Error} */ (error).message}\n`);
        return 1;
      }
    }
    try {
      const result = await pipeline(stages, {
        fs,
        signal,
        preopens: { "/": "/" },
        env: { HOME: "/", PWD: "/" },
        stdin,
        stdout: last.stdout !== null ? "buffer" : (chunk) => this.#host.output(1, chunk),
        stderr: errFile !== null ? "buffer" : (chunk) => this.#host.output(2, chunk),
      });
      if (last.stdout !== null && !this.#save(last.stdout, result.stdout, last.append)) return 1;
      if (errFile !== null && !this.#save(errFile, result.stderr, false)) return 1;
      return result.status;
    } catch (error) {
      const aborted = /** @type {Error} */ (error)?.name === "AbortError";
      this.#print(2, aborted ? "^C\n" : `sh: ${/** @type {Error} */ (error)?.message ?? String(error)}\n`);
      if (aborted) return 130;
      // A trap: 134, as wasmtime's CLI (128 + SIGABRT).
      return error instanceof WebAssembly.RuntimeError || error instanceof RangeError ? 134 : 1;
    }
  }

  /**
   * @param {string} path @param {string} text @param {boolean} append
   * @returns {boolean} whether it was written
   */
  #save(path, text, append) {
    const fs = this.#host.fs();
    const to = absolute(path);
    try {
      const before = append && fs.exists(to) ? fs.readFile(to, "utf8") : "";
      fs.writeFile(to, before + text);
      return true;
    } catch (error) {
      this.#print(2, `sh: ${path}: ${/** @type {Error} */ (error).message}\n`);
      return false;
    }
  }

  /**
   * A program by name: NAME.wasm in the Files first (the user's own), else a
   * bundled example; a word with "/" or ending in ".wasm" is a path.
   * @param {string} name
   * @returns {Promise<Uint8Array | null>}
   */
  async #find(name) {
    const fs = this.#host.fs();
    const path = name.includes("/") || name.endsWith(".wasm") ? absolute(name) : `/${name}.wasm`;
    try {
      if (fs.stat(path).isFile()) return /** @type {Uint8Array} */ (fs.readFile(path));
    } catch {
      // not in the Files
    }
    if (name.includes("/") || name.endsWith(".wasm")) return null;
    return this.#host.bundled(name);
  }

  /** @param {Stage} stage */
  #builtin(stage) {
    const [name, ...args] = stage.words;
    let out = "";
    let status = 0;
    const fs = this.#host.fs();
    if (name === "echo") out = `${args.join(" ")}\n`;
    else if (name === "pwd") out = "/\n";
    else if (name === "help") out = HELP;
    else if (name === "ls") {
      for (const dir of args.length > 0 ? args : ["/"]) {
        try {
          const path = absolute(dir);
          if (!fs.stat(path).isDirectory()) {
            out += `${dir}\n`;
            continue;
          }
          if (args.length > 1) out += `${dir}:\n`;
          for (const entry of fs.readdir(path).sort()) {
            const full = path === "/" ? `/${entry}` : `${path}/${entry}`;
            out += `${entry}${fs.lstat(full).isDirectory() ? "/" : ""}\n`;
          }
        } catch (error) {
          this.#print(2, `ls: ${dir}: ${/** @type {Error} */ (error).message}\n`);
          status = 1;
        }
      }
    }
    if (stage.stdout !== null) return this.#save(stage.stdout, out, stage.append) ? status : 1;
    this.#print(1, out);
    return status;
  }
}

const BUILTINS = new Set(["echo", "ls", "pwd", "help"]);
