// Archives for the Files panel: .zip, .tar, .tar.gz/.tgz and .gz are unpacked
// (zip and gzip by fflate, tar read here: 512-byte headers, ustar prefixes,
// GNU long names and pax paths), and the whole tree is packed as a .zip.
import { gunzipSync, unzipSync, zipSync } from "fflate";

/**
 * @typedef {{ path: string, type: "directory" } | { path: string, type: "file", data: Uint8Array }} ArchiveEntry
 *   path: relative, "/"-separated, without "." or ".." parts
 */

/** Whether a file name looks like an archive this module unpacks. @param {string} name */
export function isArchive(name) {
  return /\.(zip|tar|tgz|tar\.gz|gz)$/i.test(name);
}

/**
 * A safe relative path ("" for one that names nothing): no leading "/", no "." or "..".
 * @param {string} path
 */
function clean(path) {
  const parts = [];
  for (const part of path.replaceAll("\\", "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/**
 * The entries of an archive.
 * @param {string} name the file's name (its extension picks the format)
 * @param {Uint8Array} bytes
 * @returns {ArchiveEntry[]}
 */
export function unpack(name, bytes) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".zip")) return fromZip(bytes);
  if (lower.endsWith(".tar")) return fromTar(bytes);
  if (lower.endsWith(".tgz") || lower.endsWith(".tar.gz")) return fromTar(gunzipSync(bytes));
  if (lower.endsWith(".gz")) {
    const inner = clean(name.slice(0, -3).split("/").at(-1) ?? "") || "unpacked";
    return [{ path: inner, type: "file", data: gunzipSync(bytes) }];
  }
  throw new Error(`${name} is not a .zip, .tar, .tar.gz, .tgz or .gz file`);
}

/** @param {Uint8Array} bytes @returns {ArchiveEntry[]} */
function fromZip(bytes) {
  /** @type {ArchiveEntry[]} */
  const entries = [];
  for (const [name, data] of Object.entries(unzipSync(bytes))) {
    const path = clean(name);
    if (path === "") continue;
    entries.push(name.endsWith("/") ? { path, type: "directory" } : { path, type: "file", data });
  }
  return entries;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/** A NUL-terminated header field. @param {Uint8Array} block @param {number} at @param {number} length */
function field(block, at, length) {
  const bytes = block.subarray(at, at + length);
  const end = bytes.indexOf(0);
  return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** An octal (or base-256) number field. @param {Uint8Array} block @param {number} at @param {number} length */
function number(block, at, length) {
  if (block[at] & 0x80) {
    let n = block[at] & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + block[at + i];
    return n;
  }
  const text = latin1
    .decode(block.subarray(at, at + length))
    .replace(/\0.*$/s, "")
    .trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

/** @param {Uint8Array} bytes @returns {ArchiveEntry[]} */
function fromTar(bytes) {
  /** @type {ArchiveEntry[]} */
  const entries = [];
  let longName = "";
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    if (sum !== number(header, 148, 8)) throw new Error(`not a tar archive (bad header checksum at byte ${offset})`);
    const size = number(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const data = bytes.subarray(offset + 512, offset + 512 + size);
    if (data.length < size) throw new Error("the tar archive is cut short");
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(utf8.decode(data));
      if (match) longName = match[1];
      continue;
    }
    const prefix = latin1.decode(header.subarray(257, 262)) === "ustar" ? field(header, 345, 155) : "";
    const name = longName || (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = "";
    const path = clean(name);
    if (path === "") continue;
    if (type === "5") entries.push({ path, type: "directory" });
    else if (type === "0" || type === "7") entries.push({ path, type: "file", data: data.slice() });
    // Links, devices and the rest are skipped.
  }
  return entries;
}

/**
 * A .zip of a tree (paths relative to its root).
 * @param {{ path: string, type: string, data?: Uint8Array }[]} tree
 */
export function zipTree(tree) {
  /** @type {Record<string, Uint8Array>} */
  const files = {};
  for (const entry of tree) {
    const path = clean(entry.path);
    if (path === "") continue;
    if (entry.type === "directory") files[`${path}/`] = new Uint8Array(0);
    else if (entry.type === "file" && entry.data) files[path] = entry.data;
  }
  return zipSync(files, { level: 6 });
}
