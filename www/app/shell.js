// A small shell for the playground's terminal, on the library's pipeline():
//   prog args | prog2 args < in.txt > out.txt && prog3 … || prog4 ; prog5
// Programs are found by name (see #find): NAME.wasm in the current folder or
// in ~, an opened program, or a bundled example; a word with a "/" or ending
// in ".wasm" is a path to one. Built-ins: cd, pwd, echo, ls, mkdir, rm, help.
// `$?` is the last status and `~` the home folder, as in sh. Programs run on
// the page's thread under JSPI, on the Files' MemFS (preopens: preopensFor);
// a component (WASI 0.2 or 0.3) is transpiled by jco as pipeline() does.
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

/**
 * One pipeline of a list, and how it joins the one before: ";" runs it
 * anyway, "&&" if that one's status was 0, "||" if it was not (sh's and-or
 * lists: && and || bind equally, left to right).
 * `source` is its text, parsed again when it runs: `$?` is the status then.
 * @typedef {{ op: ";" | "&&" | "||", pipe: Stage[], source: string }} ListItem
 */

/** Why a command line cannot be run, shown as sh would. */
export class ShellSyntaxError extends Error {}

const OPERATORS = ["&&", "||", ">>", "2>", "|", "<", ">", ";"];

/**
 * Splits a command line into words and operators. Quotes ('…', "…") and
 * backslashes work as in sh; `$?` outside single quotes is `status`; an
 * unquoted `~` that starts a word (alone or before "/") is `home`, if given.
 * @param {string} line
 * @param {number} status
 * @param {string} [home]
 * @returns {({ word: string } | { op: string, at: number })[]} `at`: where the operator is in `line`
 */
export function tokenize(line, status, home) {
  /** @type {({ word: string } | { op: string, at: number })[]} */
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
      tokens.push({ op, at: i });
      i += op.length;
      continue;
    }
    const next = line[i + 1];
    if (c === "~" && !inWord && home !== undefined && (next === undefined || next === "/" || " \t\n|&<>;".includes(next))) {
      word = home;
      inWord = true;
      i++;
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
 * A command line as a list of pipelines joined by `;`, `&&` and `||`, each
 * a list of stages. The first item's op is ";". A `;` may end the line.
 * @param {string} line
 * @param {number} [status] what `$?` expands to
 * @param {string} [home] what `~` expands to (by default it stays "~")
 * @returns {ListItem[]}
 */
export function parse(line, status = 0, home) {
  /** @type {ListItem[]} */
  const list = [];
  /** @type {ListItem["op"]} */
  let op = ";";
  /** Where the current item's text starts. */
  let from = 0;
  /** @type {Stage[]} */
  let pipe = [];
  /** @type {Stage} */
  let stage = { words: [], stdin: null, stdout: null, append: false, stderr: null };
  const tokens = tokenize(line, status, home);
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
    if (token.op === "|") {
      close(token.op);
      continue;
    }
    if (token.op === "&&" || token.op === "||" || token.op === ";") {
      close(token.op);
      list.push({ op, pipe, source: line.slice(from, token.at) });
      pipe = [];
      op = token.op;
      from = token.at + token.op.length;
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
  // "a ;": sh allows a list to end with ";" (not with && or ||).
  const empty = stage.words.length === 0 && stage.stdin === null && stage.stdout === null && stage.stderr === null;
  if (empty && pipe.length === 0 && op === ";" && list.length > 0) return list;
  close("end of line");
  list.push({ op, pipe, source: line.slice(from) });
  return list;
}

const HELP = `A small shell: prog args | prog2 args, < in, > out, >> out, 2> err,
a && b (b if a succeeded), a || b (b if a failed), a ; b (both), $? (the
last status), ~ (the home folder, /home, kept across reloads).
Programs by name: NAME.wasm in the current folder or in ~, a program opened
in the Program panel, or a bundled example; or a path to a .wasm. WASI 0.2
and 0.3 components run too (in a pipe as well). Tab completes program and
file names; Up/Down recall earlier lines (kept across reloads). A program
with no "<" reads what you type (Ctrl+D ends it, Ctrl+C stops the programs).
A built-in may start a pipe.
Built-ins: cd [dir], pwd, echo, ls [-a] [path…], mkdir [-p] dir…,
rm [-r] [-f] path…, help.
The current folder: programs get it as PWD (and components as their initial
cwd), and their relative paths and ".." resolve in it. WASI Preview 1 has
no working directory, so the shell preopens the current folder as "." and
its parents as "..", "../..", … next to "/" and each folder in /. Outside /,
a program cannot reach / itself, a file directly in / (use ../../file), or a
folder in / with the name of one in the current folder (that one wins).
`;

const BUILTINS = new Set(["cd", "echo", "help", "ls", "mkdir", "pwd", "rm"]);

/** sh's words for the MemFS's error codes. */
const STRERROR = /** @type {Record<string, string>} */ ({
  ENOENT: "No such file or directory",
  EEXIST: "File exists",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  ENOTEMPTY: "Directory not empty",
  EBUSY: "Device or resource busy",
  EXDEV: "Invalid cross-device link",
  EPERM: "Operation not permitted",
  EACCES: "Permission denied",
  EIO: "Input/output error",
  ENOTSUP: "Operation not supported",
  EINVAL: "Invalid argument",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  ENOSPC: "No space left on device",
});

/** @param {unknown} error */
function strerror(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  if (typeof code === "string" && code in STRERROR) return STRERROR[code];
  return /** @type {Error} */ (error)?.message ?? String(error);
}

/** @param {string} dir @param {string} name */
const join = (dir, name) => (dir === "/" ? `/${name}` : `${dir}/${name}`);

/** @param {import("wasi-web").MemFS} fs @param {string} path */
function isDirectory(fs, path) {
  try {
    return fs.stat(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The preopens that give a Preview 1 program `cwd` as its working directory.
 * WASI Preview 1 has none: wasi-libc (C, Rust) starts every program in "/",
 * makes a relative path absolute against that, and opens it in the preopen
 * whose name is the longest prefix of it, "/" and "." both counting as the
 * empty prefix (the later preopen wins). So, after "/", every folder at the
 * root is preopened by its own name (absolute paths into them work), the
 * cwd's parents as "..", "../..", … and the cwd as "." last: a relative path
 * resolves in the cwd, "../x" in its parent. What cannot work this way, and
 * resolves in the cwd instead: an absolute path to "/" itself or to a file
 * directly in it. A root folder with the name of an entry of the cwd is left
 * out, so that the cwd's entry wins for relative paths.
 * @param {import("wasi-web").MemFS} fs
 * @param {string} cwd absolute
 * @returns {Record<string, string>}
 */
export function preopensFor(fs, cwd) {
  /** @type {Record<string, string>} */
  const preopens = { "/": "/" };
  if (cwd === "/") return preopens;
  const here = new Set(fs.readdir(cwd));
  for (const name of fs.readdir("/")) {
    if (!here.has(name) && isDirectory(fs, `/${name}`)) preopens[`/${name}`] = `/${name}`;
  }
  const parts = cwd.split("/").filter((p) => p !== "");
  for (let up = 1; up <= parts.length; up++) {
    preopens[Array(up).fill("..").join("/")] = `/${parts.slice(0, parts.length - up).join("/")}`;
  }
  preopens["."] = cwd;
  return preopens;
}

/** Characters that end a word when completing (sh's metacharacters). */
const BREAKS = " \t|&<>;";

/** A name as typed into a command line: special characters escaped. @param {string} name */
const escapeWord = (name) => name.replace(/[\s'"\\|&<>;$`()*?[\]#~!{}]/g, "\\$&");

/** The longest common start of `names`. @param {string[]} names */
function commonPrefix(names) {
  let prefix = names[0] ?? "";
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * @typedef {object} Completion
 * @property {string} insert what to type at the cursor (the rest of the single match, or the matches' common start)
 * @property {string[]} matches every match, as listed to the person (folders end in "/"); listed when more than one
 */

/**
 * @typedef {object} ShellHost
 * @property {() => import("wasi-web").MemFS} fs the Files' MemFS
 * @property {(name: string) => Promise<Uint8Array | null>} bundled a program opened in the page or a bundled example, by name, or null
 * @property {() => string[]} [programs] the names `bundled` knows (for Tab)
 * @property {() => import("wasi-web").StdinOption | undefined} [stdin] the first program's stdin when it has
 *   no `<` (what is typed into the terminal); default: empty
 * @property {(fd: 1 | 2, chunk: Uint8Array) => void | Promise<unknown>} output what the commands print; a
 *   promise (e.g. until the screen caught up) holds the last program's next write back until it settles
 */

export class Shell {
  /** The last command's status (`$?`). */
  status = 0;
  /** The working directory (absolute). */
  cwd;
  /** `~`, where `cd` alone goes. */
  home;
  /** The working directory before the last `cd` (for `cd -`). */
  #oldCwd;
  #host;
  #encoder = new TextEncoder();

  /** @param {ShellHost} host @param {{ home?: string, cwd?: string }} [options] */
  constructor(host, { home = "/", cwd = home } = {}) {
    this.#host = host;
    this.home = absolute(home);
    this.cwd = absolute(cwd);
    this.#oldCwd = this.cwd;
  }

  /** The cwd as a prompt shows it: under the home folder as "~…". */
  get displayCwd() {
    const { cwd, home } = this;
    if (home !== "/" && (cwd === home || cwd.startsWith(`${home}/`))) return `~${cwd.slice(home.length)}`;
    return cwd;
  }

  /** A path typed by the person, made absolute against the cwd. @param {string} path */
  resolve(path) {
    return absolute(path.startsWith("/") ? path : `${this.cwd}/${path}`);
  }

  /**
   * Runs a command line; resolves to its status (also kept as `status`).
   * Aborting `signal` (Ctrl+C) stops the programs: status 130, as sh's for
   * SIGINT (the caller shows the "^C").
   * @param {string} line
   * @param {{ signal?: AbortSignal }} [options]
   */
  async execute(line, { signal } = {}) {
    let list;
    try {
      list = parse(line, this.status, this.home);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      this.#print(2, `sh: ${error.message}\n`);
      return (this.status = 2);
    }
    for (const [i, { op, source }] of list.entries()) {
      // As sh: a skipped pipeline leaves $? as it was.
      if ((op === "&&" && this.status !== 0) || (op === "||" && this.status === 0)) continue;
      // Parsed again now, so that its $? is the status of the pipeline before it.
      const pipe = i === 0 ? list[0].pipe : parse(source, this.status, this.home)[0].pipe;
      this.status = await this.#runPipe(pipe, signal);
      // Ctrl+C ends the whole list, as SIGINT does an interactive sh's.
      if (signal?.aborted) break;
    }
    return this.status;
  }

  /** @param {1 | 2} fd @param {string} text */
  #print(fd, text) {
    if (text !== "") this.#host.output(fd, this.#encoder.encode(text));
  }

  /** @param {Stage[]} pipe @param {AbortSignal | undefined} signal */
  async #runPipe(pipe, signal) {
    const fs = this.#host.fs();
    const first = pipe[0];
    // A built-in alone runs here; one that starts a pipe gives its output to the rest as stdin.
    if (BUILTINS.has(first.words[0])) {
      const { status, out } = this.#builtin(first, pipe.length === 1);
      if (pipe.length === 1) return status;
      return this.#runPrograms(pipe.slice(1), out, signal);
    }
    let stdin;
    if (first.stdin !== null) {
      try {
        stdin = fs.readFile(this.resolve(first.stdin));
      } catch (error) {
        this.#print(2, `sh: ${first.stdin}: ${strerror(error)}\n`);
        return 1;
      }
    } else {
      stdin = this.#host.stdin?.();
    }
    return this.#runPrograms(pipe, stdin, signal);
  }

  /**
   * @param {Stage[]} pipe programs only
   * @param {import("wasi-web").StdinOption | undefined} stdin the first one's
   * @param {AbortSignal | undefined} signal
   */
  async #runPrograms(pipe, stdin, signal) {
    const fs = this.#host.fs();
    /** @type {{ program: Uint8Array, args: string[] }[]} */
    const stages = [];
    for (const stage of pipe) {
      const name = stage.words[0];
      if (BUILTINS.has(name)) {
        this.#print(2, `sh: ${name}: a built-in can only start a pipe here\n`);
        return 2;
      }
      const program = await this.#find(name);
      if (program === null) {
        this.#print(2, `sh: ${name}: command not found\n`);
        return 127;
      }
      stages.push({ program, args: stage.words });
    }
    const last = pipe[pipe.length - 1];
    const errFile = pipe.find((s) => s.stderr !== null)?.stderr ?? null;
    let preopens;
    try {
      preopens = preopensFor(fs, this.cwd);
    } catch (error) {
      // The cwd was removed (by a program, or in the Files panel).
      this.#print(2, `sh: ${this.cwd}: ${strerror(error)}\n`);
      return 1;
    }
    // What preopensFor cannot reach from here: said, rather than left for the program to fail on.
    for (const stage of pipe) {
      for (const arg of stage.words.slice(1)) {
        const top = /^\/+([^/]+)/.exec(arg)?.[1];
        if (this.cwd === "/" || top === undefined || `/${top}` in preopens || !fs.exists(`/${top}`)) continue;
        this.#print(2, `sh: note: ${arg} is out of a program's reach from here (see help)\n`);
      }
    }
    try {
      const result = await pipeline(stages, {
        fs,
        signal,
        preopens,
        env: { HOME: this.home, PWD: this.cwd },
        // A component's initial-cwd (wasi:cli/environment); Preview 1 has only the preopens.
        cwd: this.cwd,
        stdin,
        stdout: last.stdout !== null ? "buffer" : (chunk) => this.#host.output(1, chunk),
        stderr: errFile !== null ? "buffer" : (chunk) => this.#host.output(2, chunk),
      });
      if (last.stdout !== null && !this.#save(last.stdout, result.stdout, last.append)) return 1;
      if (errFile !== null && !this.#save(errFile, result.stderr, false)) return 1;
      return result.status;
    } catch (error) {
      // Ctrl+C: the terminal has shown "^C" (as a tty does); 130 is sh's status for SIGINT.
      if (/** @type {Error} */ (error)?.name === "AbortError") return 130;
      this.#print(2, `sh: ${/** @type {Error} */ (error)?.message ?? String(error)}\n`);
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
    const to = this.resolve(path);
    try {
      const before = append && fs.exists(to) ? fs.readFile(to, "utf8") : "";
      fs.writeFile(to, before + text);
      return true;
    } catch (error) {
      this.#print(2, `sh: ${path}: ${strerror(error)}\n`);
      return false;
    }
  }

  /** The folders searched for NAME.wasm: the cwd, then ~. */
  #path() {
    return this.cwd === this.home ? [this.cwd] : [this.cwd, this.home];
  }

  /**
   * A program by name: NAME.wasm in the cwd or in ~ (the user's own) first,
   * else what the host has (an opened program, a bundled example); a word
   * with "/" or ending in ".wasm" is a path.
   * @param {string} name
   * @returns {Promise<Uint8Array | null>}
   */
  async #find(name) {
    const fs = this.#host.fs();
    const isPath = name.includes("/") || name.endsWith(".wasm");
    const paths = isPath ? [this.resolve(name)] : this.#path().map((dir) => join(dir, `${name}.wasm`));
    for (const path of paths) {
      try {
        if (fs.stat(path).isFile()) return /** @type {Uint8Array} */ (fs.readFile(path));
      } catch {
        // not there
      }
    }
    return isPath ? null : this.#host.bundled(name);
  }

  /**
   * Runs a built-in; its errors go to stderr (or its `2>` file), its output
   * is printed (`print`) or returned.
   * @param {Stage} stage @param {boolean} print
   * @returns {{ status: number, out: string }}
   */
  #builtin(stage, print) {
    const [name, ...args] = stage.words;
    let out = "";
    let status = 0;
    const fs = this.#host.fs();
    /** @param {string} text */
    const fail = (text) => {
      errors += `${text}\n`;
      status = 1;
    };
    let errors = "";
    // sh opens the 2> file (empty) whether or not anything is written to it.
    const result = (/** @type {{ status: number, out: string }} */ r) => {
      if (stage.stderr === null) this.#print(2, errors);
      else if (!this.#save(stage.stderr, errors, false)) return { status: 1, out: r.out };
      return r;
    };
    const { flags, operands, bad } = options(args, name === "rm" ? "rRf" : name === "mkdir" ? "p" : name === "ls" ? "a" : "");
    if (bad !== null && name !== "echo" && name !== "cd") {
      fail(`${name}: invalid option -- '${bad}'`);
      return result({ status: 2, out: "" });
    }
    if (name === "echo") out = `${args.join(" ")}\n`;
    else if (name === "pwd") out = `${this.cwd}\n`;
    else if (name === "help") out = HELP;
    else if (name === "cd") {
      if (args.length > 1) fail("sh: cd: too many arguments");
      else {
        const to = args.length === 0 ? this.home : args[0] === "-" ? this.#oldCwd : this.resolve(args[0]);
        try {
          if (!fs.stat(to).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
          this.#oldCwd = this.cwd;
          this.cwd = to;
          if (args[0] === "-") out = `${to}\n`;
        } catch (error) {
          fail(`sh: cd: ${args[0] ?? to}: ${strerror(error)}`);
        }
      }
    } else if (name === "mkdir") {
      if (operands.length === 0) fail("mkdir: missing operand");
      for (const dir of operands) {
        try {
          const path = this.resolve(dir);
          if (flags.has("p")) {
            if (fs.exists(path) && !fs.stat(path).isDirectory()) throw Object.assign(new Error("exists"), { code: "EEXIST" });
            fs.mkdir(path, { recursive: true });
          } else fs.mkdir(path);
        } catch (error) {
          fail(`mkdir: ${dir}: ${strerror(error)}`);
        }
      }
    } else if (name === "rm") {
      const force = flags.has("f");
      const recursive = flags.has("r") || flags.has("R");
      if (operands.length === 0 && !force) fail("rm: missing operand");
      for (const target of operands) {
        const path = this.resolve(target);
        try {
          if (path === "/" || path === "/." || target.split("/").at(-1) === "." || target.split("/").at(-1) === "..") {
            throw Object.assign(new Error("refusing"), { code: "EINVAL" });
          }
          // lstat: ENOENT when missing; a dangling symlink is there, and removed.
          if (fs.lstat(path).isDirectory() && !recursive) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
          fs.rm(path, { recursive });
        } catch (error) {
          const code = /** @type {{ code?: string }} */ (error)?.code;
          if (force && code === "ENOENT") continue;
          fail(code === "EINVAL" ? `rm: refusing to remove '${target}'` : `rm: ${target}: ${strerror(error)}`);
        }
      }
    } else if (name === "ls") {
      const all = flags.has("a");
      const targets = operands.length > 0 ? operands : ["."];
      const files = [];
      const dirs = [];
      for (const target of targets) {
        const path = this.resolve(target);
        try {
          if (fs.stat(path).isDirectory()) dirs.push([target, path]);
          else files.push(target);
        } catch (error) {
          fail(`ls: ${target}: ${strerror(error)}`);
        }
      }
      // As ls: the files named first, then each folder's entries (headed when there are several).
      for (const file of files.sort()) out += `${file}\n`;
      for (const [target, path] of dirs) {
        if (targets.length > 1) out += `${out === "" ? "" : "\n"}${target}:\n`;
        try {
          for (const entry of fs.readdir(path).sort()) {
            if (!all && entry.startsWith(".")) continue;
            out += `${entry}${isDirectory(fs, join(path, entry)) ? "/" : ""}\n`;
          }
        } catch (error) {
          fail(`ls: ${target}: ${strerror(error)}`);
        }
      }
    }
    if (!print) return result({ status, out });
    if (stage.stdout !== null) return result({ status: this.#save(stage.stdout, out, stage.append) ? status : 1, out: "" });
    this.#print(1, out);
    return result({ status, out: "" });
  }

  /**
   * What Tab completes at `cursor` in `line`: a program name in a command's
   * first word (built-ins, NAME.wasm in the cwd and ~, the host's programs),
   * else a file name (folders with a "/").
   * @param {string} line @param {number} cursor in characters (code points)
   * @returns {Completion}
   */
  complete(line, cursor) {
    const before = Array.from(line).slice(0, cursor).join("");
    let start = before.length;
    while (start > 0 && !(BREAKS.includes(before[start - 1]) && before[start - 2] !== "\\")) start--;
    // Backslash escapes in the word as typed: "my\ file" is "my file".
    const word = before.slice(start).replace(/\\(.)/g, "$1");
    const head = before.slice(0, start).trimEnd();
    const command = head === "" || head.endsWith("|") || head.endsWith("&&") || head.endsWith(";");
    const fs = this.#host.fs();
    if (command && !word.includes("/")) {
      const names = new Set([...BUILTINS, ...(this.#host.programs?.() ?? [])]);
      for (const dir of this.#path()) {
        try {
          for (const entry of fs.readdir(dir)) {
            if (entry.endsWith(".wasm") && !isDirectory(fs, join(dir, entry))) names.add(entry.slice(0, -5));
          }
        } catch {
          // the folder is gone
        }
      }
      const matches = [...names].filter((n) => n.startsWith(word)).sort();
      if (matches.length === 1) return { insert: `${escapeWord(matches[0].slice(word.length))} `, matches };
      return { insert: escapeWord(commonPrefix(matches).slice(word.length)), matches };
    }
    const slash = word.lastIndexOf("/");
    const dirTyped = word.slice(0, slash + 1);
    const base = word.slice(slash + 1);
    const dir = dirTyped === "" ? this.cwd : this.resolve(dirTyped.startsWith("~/") ? this.home + dirTyped.slice(1) : dirTyped);
    let entries;
    try {
      entries = fs.readdir(dir);
    } catch {
      return { insert: "", matches: [] };
    }
    const matches = entries
      .filter((e) => e.startsWith(base) && (base.startsWith(".") || !e.startsWith(".")))
      .sort()
      .map((e) => (isDirectory(fs, join(dir, e)) ? `${e}/` : e));
    if (matches.length === 1) {
      const rest = escapeWord(matches[0].slice(base.length).replace(/\/$/, ""));
      return { insert: matches[0].endsWith("/") ? `${rest}/` : `${rest} `, matches };
    }
    return { insert: escapeWord(commonPrefix(matches).slice(base.length)), matches };
  }
}

/**
 * A built-in's arguments: single-letter flags from `known` (grouped, as
 * "-rf"), up to "--" or the first operand.
 * @param {string[]} args @param {string} known
 * @returns {{ flags: Set<string>, operands: string[], bad: string | null }}
 */
function options(args, known) {
  const flags = new Set();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    for (const c of arg.slice(1)) {
      if (!known.includes(c)) return { flags, operands: [], bad: c };
      flags.add(c);
    }
  }
  return { flags, operands: args.slice(i), bad: null };
}
