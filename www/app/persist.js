// The Files kept across reloads: the whole tree in one file of the origin
// private file system (OPFS), rewritten after each change. One file rather
// than a mount: a run takes a copy of the Files and hands back a new tree
// (www/app/files.js), so what is kept is that tree.
//
// Format: a 4-byte little-endian length, a JSON list of entries
// ({ path, type, target?, size? }), then the files' bytes in list order.

import { deflateSync, inflateSync } from "fflate";

/** @typedef {import("wasi-web").TreeEntry} TreeEntry */

const FILE = "wasi-web-playground-files.bin";

/** The OPFS root, or null where there is none. */
async function root() {
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
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

/** The saved tree, or null when nothing is saved (or there is no OPFS). @returns {Promise<TreeEntry[] | null>} */
export async function loadTree() {
  const dir = await root();
  if (dir === null) return null;
  let file;
  try {
    file = await (await dir.getFileHandle(FILE)).getFile();
  } catch {
    return null;
  }
  return decodeTree(new Uint8Array(await file.arrayBuffer()));
}

/** Saves the tree (replacing what was saved). @param {TreeEntry[]} tree */
export async function saveTree(tree) {
  const dir = await root();
  if (dir === null) return;
  const writable = await (await dir.getFileHandle(FILE, { create: true })).createWritable();
  await writable.write(/** @type {Uint8Array<ArrayBuffer>} */ (encodeTree(tree)));
  await writable.close();
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
