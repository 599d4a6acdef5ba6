// Parsing what the person types: arguments split like a POSIX shell (quotes,
// backslashes, < > >> redirections) and NAME=VALUE environment lines.

/**
 * @typedef {object} CommandLine
 * @property {string[]} args the arguments after argv[0]
 * @property {string | null} stdinFile path after "<"
 * @property {string | null} stdoutFile path after ">" or ">>"
 * @property {boolean} append true for ">>"
 */

/**
 * Splits `text` into words like a shell: whitespace separates, '…' quotes
 * literally, "…" quotes with \" \\ escapes, a backslash escapes the next
 * character. Unquoted <, > and >> redirect stdin and stdout.
 * @param {string} text
 * @returns {CommandLine}
 * @throws {SyntaxError} for an unclosed quote or a redirection without a file
 */
export function parseCommandLine(text) {
  /** @type {{ word: string, operator: boolean }[]} */
  const tokens = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const finish = () => {
    if (inWord) tokens.push({ word, operator: false });
    word = "";
    inWord = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      finish();
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError("unclosed ' quote");
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) throw new SyntaxError('unclosed " quote');
        const d = text[i];
        if (d === '"') break;
        if (d === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 < text.length) word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "<" || c === ">") {
      finish();
      const op = c === ">" && text[i + 1] === ">" ? ">>" : c;
      tokens.push({ word: op, operator: true });
      i += op.length;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  finish();

  /** @type {CommandLine} */
  const result = { args: [], stdinFile: null, stdoutFile: null, append: false };
  for (let t = 0; t < tokens.length; t++) {
    const { word: w, operator } = tokens[t];
    if (!operator) {
      result.args.push(w);
      continue;
    }
    const target = tokens[t + 1];
    if (!target || target.operator) throw new SyntaxError(`${w} needs a file name after it`);
    t++;
    if (w === "<") result.stdinFile = target.word;
    else {
      result.stdoutFile = target.word;
      result.append = w === ">>";
    }
  }
  return result;
}

/**
 * Parses environment lines: NAME=VALUE each, blank lines and # comments ignored.
 * @param {string} text
 * @returns {Record<string, string>}
 * @throws {SyntaxError} naming the first bad line
 */
export function parseEnv(text) {
  /** @type {Record<string, string>} */
  const env = {};
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new SyntaxError(`line ${index + 1}: expected NAME=VALUE, got “${line}”`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  });
  return env;
}

/**
 * An absolute MemFS path for what the person typed ("notes.txt" → "/notes.txt").
 * @param {string} path
 */
export function absolutePath(path) {
  const parts = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
