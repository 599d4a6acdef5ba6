// The example programs bundled with the playground (tests/guests/src/bin).
// www/vite.config.js copies their .wasm files next to the page: examples/
// and examples/p2/ (components), served the same way by Vite's dev server.

/** Where the page is (this module is also read by Node, in vite.config.js). */
const PAGE = typeof document === "undefined" ? "http://localhost/" : document.baseURI;

/** Where the example programs' .wasm files are (a URL ending in "/"). */
export const EXAMPLES_URL = new URL("examples/", PAGE).href;

/** Where the component examples' .wasm files are (a URL ending in "/"). */
export const COMPONENT_EXAMPLES_URL = new URL("examples/p2/", PAGE).href;

/**
 * @typedef {object} Example
 * @property {string} name file name without ".wasm"; also argv[0]
 * @property {string} label shown in the program menu
 * @property {string} args default arguments, shell-style
 * @property {string} description one sentence for the hint under the menu
 */

/** @type {Example[]} */
export const EXAMPLES = [
  {
    name: "hello",
    label: "hello: greets, prints its arguments",
    args: "world 'with spaces'",
    description: "Prints a greeting and each argument it was given.",
  },
  {
    name: "cat",
    label: "cat: print files",
    args: "poem.txt",
    description: "Prints the files named in its arguments, or stdin (type, then end input with Ctrl+D) when there are none.",
  },
  {
    name: "grep",
    label: "grep: search files",
    args: "-n -i the poem.txt",
    description: "grep [-i] [-n] [-v] [-c] PATTERN [FILE…]: prints the matching lines (add “> out.txt” to save them).",
  },
  {
    name: "echo_lines",
    label: "echo: interactive REPL",
    args: "",
    description: "Interactive: prompts with “> ” and answers each line you type into stdin; “exit” or Ctrl+D ends it.",
  },
  {
    name: "tree",
    label: "tree: walk a directory",
    args: "/",
    description: "Prints the directory tree under its argument (default: the preopened root).",
  },
  {
    name: "sleepy",
    label: "sleepy: sleep a while",
    args: "3000",
    description: "Sleeps for argv[1] milliseconds between two lines: try Stop.",
  },
];

/**
 * A bundled WASI 0.2 component (tests/p2guests/src/bin), run through jco.
 * @typedef {Example & { dirs: string[] }} ComponentExample
 *   dirs: folders the example writes to, created in the Files before it runs
 */

/** @type {ComponentExample[]} */
export const COMPONENT_EXAMPLES = [
  {
    name: "hello",
    label: "hello: files, a line of stdin, exit code",
    args: "/poem.txt",
    dirs: ["/data"],
    description:
      "A WASI 0.2 component (Rust, wasm32-wasip2): prints its arguments and $HOME, writes /data/from-p2.txt, " +
      "prints the file named in argv[1], lists /data, echoes one line of stdin, then calls exit(3), which Rust on wasm32-wasip2 reports as exit code 1 (an error).",
  },
];
