// What the playground keeps across reloads: the home folder, /home (~), is
// an OPFS mount (wasi-web's opfsMount), so what programs and the Files panel
// write there goes to the origin private file system as it happens. The rest
// of the tree is in memory, for the page's life.
//
// Also here: a tree as bytes (a 4-byte little-endian length, a JSON list of
// entries ({ path, type, target?, size? }), then the files' bytes in list
// order), for share links and for reading what an earlier version saved.

import { deflateSync, inflateSync } from "fflate";
import { importTree, opfsMount } from "wasi-web";

/** @typedef {import("wasi-web").TreeEntry} TreeEntry */

/** Where the home folder is mounted. */
export const HOME = "/home";

/** The OPFS folder that holds it. */
export const HOME_DIR = "wasi-web-playground-home";

/** Where the playground saved the whole tree before /home was a mount: moved into /home once. */
const OLD_FILE = "wasi-web-playground-files.bin";

/**
 * @typedef {object} Home
 * @property {import("wasi-web").OpfsProvider | null} provider null: /home is in memory
 * @property {string | null} why why it is not kept (no OPFS), or null
 * @property {string | null} note news for the Files panel (what an earlier version saved was moved in, or could not be)
 */

/**
 * Mounts the home folder at HOME in `fs`: OPFS when the browser has it, else
 * a folder in memory. Every file is loaded at mount (`preload`), so reads
 * never wait: the Files panel, share links and runs in the worker read /home
 * as they read the rest, with or without JSPI. The first time, what an
 * earlier version saved is moved in.
 * @param {import("wasi-web").MemFS} fs
 * @returns {Promise<Home>}
 */
export async function mountHome(fs) {
  let root;
  let provider;
  let fresh;
  try {
    root = await navigator.storage.getDirectory();
    fresh = await root.getDirectoryHandle(HOME_DIR).then(
      () => false,
      () => true,
    );
    provider = await opfsMount(await root.getDirectoryHandle(HOME_DIR, { create: true }), { preload: true, syncHandles: false });
  } catch (error) {
    fs.mkdir(HOME, { recursive: true });
    return { provider: null, why: `this browser gives the page no OPFS (${/** @type {Error} */ (error)?.message ?? error})`, note: null };
  }
  fs.mount(HOME, provider);
  let note = null;
  if (fresh) {
    note = await moveOldSave(fs, root, provider).catch(
      (error) => `The files saved by an earlier version of this page could not be moved into ${HOME}: ${error?.message ?? error}`,
    );
  }
  return { provider, why: null, note };
}

/**
 * The whole tree an earlier version saved in one file goes into /home, and
 * the file is removed once that is stored (kept if it holds symlinks, which
 * OPFS cannot).
 * @param {import("wasi-web").MemFS} fs
 * @param {FileSystemDirectoryHandle} root
 * @param {import("wasi-web").OpfsProvider} provider
 * @returns {Promise<string | null>} what to tell the person, or null when there was nothing
 */
async function moveOldSave(fs, root, provider) {
  let bytes;
  try {
    bytes = new Uint8Array(await (await (await root.getFileHandle(OLD_FILE)).getFile()).arrayBuffer());
  } catch {
    return null;
  }
  const tree = decodeTree(bytes);
  const links = tree.filter((e) => e.type === "symlink");
  importTree(
    fs,
    HOME,
    tree.filter((e) => e.type !== "symlink"),
  );
  await provider.flush();
  const moved = `The files saved by an earlier version of this page are in ${HOME} now`;
  if (links.length > 0) return `${moved}, but not its ${links.length} symlink(s): OPFS has none (the old save, ${OLD_FILE}, is kept).`;
  await root.removeEntry(OLD_FILE);
  return `${moved}.`;
}

/**
 * Empties the home folder (Reset), in OPFS too.
 * @param {import("wasi-web").MemFS} fs
 * @param {import("wasi-web").OpfsProvider | null} provider
 */
export async function clearHome(fs, provider) {
  for (const name of fs.readdir(HOME)) fs.rm(`${HOME}/${name}`, { recursive: true });
  await provider?.flush();
}

/** @param {TreeEntry[]} tree @returns {Uint8Array} */
export function encodeTree(tree) {
  const list = tree.map((e) =>
    e.type === "file"
      ? { path: e.path, type: e.type, size: e.data.length }
      : e.type === "symlink"
        ? { path: e.path, type: e.type, target: e.target }
        : { path: e.path, type: e.type },
  );
  const head = new TextEncoder().encode(JSON.stringify(list));
  let size = 4 + head.length;
  for (const e of tree) if (e.type === "file") size += e.data.length;
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let at = 4 + head.length;
  for (const e of tree) {
    if (e.type !== "file") continue;
    out.set(e.data, at);
    at += e.data.length;
  }
  return out;
}

/** @param {Uint8Array} bytes @returns {TreeEntry[]} */
export function decodeTree(bytes) {
  if (bytes.length < 4) throw new Error("the saved files are damaged (too short)");
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (4 + length > bytes.length) throw new Error("the saved files are damaged (bad header)");
  const list = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  if (!Array.isArray(list)) throw new Error("the saved files are damaged (no list)");
  let at = 4 + length;
  return list.map((e) => {
    if (e.type === "file") {
      if (!Number.isSafeInteger(e.size) || e.size < 0 || at + e.size > bytes.length)
        throw new Error("the saved files are damaged (bad size)");
      const data = bytes.slice(at, at + e.size);
      at += e.size;
      return { path: String(e.path), type: "file", data };
    }
    if (e.type === "symlink") return { path: String(e.path), type: "symlink", target: String(e.target) };
    if (e.type === "directory") return { path: String(e.path), type: "directory" };
    throw new Error(`the saved files are damaged (an entry of type ${String(e.type)})`);
  });
}

/** The most characters of files a share link carries (compressed, base64url). */
export const LINK_FILES_LIMIT = 16 * 1024;

/**
 * The tree as a share link's `files` parameter (deflated, base64url), or
 * null when even compressed it is over LINK_FILES_LIMIT.
 * @param {TreeEntry[]} tree
 */
export function treeToLink(tree) {
  const packed = deflateSync(encodeTree(tree), { level: 9 });
  if (Math.ceil(packed.length / 3) * 4 > LINK_FILES_LIMIT) return null;
  let binary = "";
  for (let i = 0; i < packed.length; i += 0x8000) binary += String.fromCharCode(...packed.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** What treeToLink made; throws an Error for anything else. @param {string} text */
export function treeFromLink(text) {
  if (text.length > LINK_FILES_LIMIT || !/^[\w-]*$/.test(text)) throw new Error("the link's files are damaged");
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  let inflated;
  try {
    inflated = inflateSync(bytes);
  } catch {
    throw new Error("the link's files are damaged");
  }
  return decodeTree(inflated);
}

/**
 * Typed-line histories (↑/↓) kept across reloads: the shell's command lines,
 * the lines typed into shell commands' programs, and each Run program's
 * (by ProgramPanel.historyKey), as JSON in the page's localStorage under
 * HISTORY_KEY. Bounded: HISTORY_LINES lines per list (the last ones), lines
 * of at most HISTORY_LINE_CHARS characters (a longer one is not kept), and
 * HISTORY_LISTS lists (the least recently changed goes). Not in /home: Reset
 * and share links are about files, and a history is not one.
 */
export const HISTORY_KEY = "wasi-web-playground-history";
export const HISTORY_LINES = 200;
export const HISTORY_LINE_CHARS = 1000;
export const HISTORY_LISTS = 30;

/**
 * The page's localStorage, or null where it cannot be used (blocked, or
 * not in a page).
 * @returns {Pick<Storage, "getItem" | "setItem"> | null}
 */
function localStore() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // A page whose storage is blocked throws on the very access.
    return null;
  }
}

/**
 * Every kept list, most recently changed last; what cannot be read is empty.
 * @param {Pick<Storage, "getItem"> | null} store
 * @returns {[string, string[]][]}
 */
function readHistories(store) {
  try {
    const value = JSON.parse(store?.getItem(HISTORY_KEY) ?? "[]");
    if (!Array.isArray(value)) return [];
    return value.filter(
      (entry) =>
        Array.isArray(entry) &&
        typeof entry[0] === "string" &&
        Array.isArray(entry[1]) &&
        entry[1].every((/** @type {unknown} */ line) => typeof line === "string"),
    );
  } catch {
    return [];
  }
}

/**
 * A kept history (empty when there is none): a new array, for the line
 * discipline to push to.
 * @param {string} key
 * @param {Pick<Storage, "getItem"> | null} [store]
 * @returns {string[]}
 */
export function loadHistory(key, store = localStore()) {
  return [...(readHistories(store).find(([k]) => k === key)?.[1] ?? [])];
}

/**
 * Keeps a history (its bounded tail). Storage that is full or blocked
 * leaves it for this visit only: nothing else depends on it.
 * @param {string} key
 * @param {string[]} lines
 * @param {Pick<Storage, "getItem" | "setItem"> | null} [store]
 */
export function saveHistory(key, lines, store = localStore()) {
  if (store === null) return;
  const kept = lines.filter((line) => line.length <= HISTORY_LINE_CHARS).slice(-HISTORY_LINES);
  const lists = readHistories(store).filter(([k]) => k !== key);
  lists.push([key, kept]);
  try {
    store.setItem(HISTORY_KEY, JSON.stringify(lists.slice(-HISTORY_LISTS)));
  } catch {
    // Full (QuotaExceededError) or blocked: kept for this visit only.
  }
}
