// A MemFS subtree as a plain list, to copy trees between filesystems, across
// a page boundary, or to and from a host directory.

/**
 * @typedef {{ path: string, type: "directory" } |
 *           { path: string, type: "file", data: Uint8Array } |
 *           { path: string, type: "symlink", target: string }} TreeEntry
 * `path` is relative to the tree's root, "/"-separated; a directory comes
 * before its contents.
 */

function join(root, rel) {
  if (rel === "") return root;
  return root.endsWith("/") ? root + rel : `${root}/${rel}`;
}

/**
 * Lists everything under `root` (not following symlinks).
 * @param {import("./memfs.js").MemFS} fs
 * @param {string} [root]
 * @returns {TreeEntry[]}
 */
export function exportTree(fs, root = "/") {
  const out = [];
  const walk = (rel) => {
    for (const name of fs.readdir(join(root, rel))) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const full = join(root, path);
      const type = fs.lstat(full).type;
      if (type === "directory") {
        out.push({ path, type });
        walk(path);
      } else if (type === "symlink") {
        out.push({ path, type, target: fs.readlink(full) });
      } else {
        out.push({ path, type: "file", data: fs.readFile(full) });
      }
    }
  };
  walk("");
  return out;
}

/**
 * Creates the entries under `root` (made if missing), overwriting files.
 * @param {import("./memfs.js").MemFS} fs
 * @param {string} root
 * @param {TreeEntry[]} entries
 */
export function importTree(fs, root, entries) {
  fs.mkdir(root, { recursive: true });
  for (const entry of entries) {
    const full = join(root, entry.path);
    if (entry.type === "directory") fs.mkdir(full, { recursive: true });
    else if (entry.type === "symlink") fs.symlink(entry.target, full);
    else fs.writeFile(full, entry.data);
  }
}
