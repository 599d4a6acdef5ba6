// A MemFS subtree as a plain list, to copy trees between filesystems, across
// a page boundary, or to and from a host directory.

/**
 * @typedef {{ path: string, type: "directory" } |
 *           { path: string, type: "file", data: Uint8Array } |
 *           { path: string, type: "symlink", target: string }} TreeEntry
 * `path` is relative to the tree's root, "/"-separated; a directory comes
 * before its contents.
 */

/** @param {string} root @param {string} rel */
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
  /** @type {TreeEntry[]} */
  const out = [];
  /** @param {string} rel */
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
        // Without an encoding, readFile gives bytes.
        out.push({ path, type: "file", data: /** @type {Uint8Array} */ (fs.readFile(full)) });
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

/**
 * @typedef {{ type: "directory" } | { type: "file", data: Uint8Array } | { type: "symlink", target: string }} EntryState
 * @typedef {{ path: string, before: EntryState | null, after: EntryState | null }} TreeChange
 * `path` is absolute in the filesystem; `before` is the entry as the program
 * was given it (null: it did not exist), `after` as the program left it
 * (null: deleted).
 * @typedef {{ path: string, reason: string }} Conflict
 */

/** Byte equality, four bytes a step where both are aligned. @param {Uint8Array} a @param {Uint8Array} b */
function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (; i < words; i++) if (wa[i] !== wb[i]) return false;
    i = words * 4;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @param {EntryState | TreeEntry} a @param {EntryState | TreeEntry} b */
function sameState(a, b) {
  if (a.type !== b.type) return false;
  if (a.type === "file") return b.type === "file" && equalBytes(a.data, b.data);
  return a.type !== "symlink" || (b.type === "symlink" && a.target === b.target);
}

/** @param {TreeEntry} entry @returns {EntryState} */
function stateOf(entry) {
  if (entry.type === "file") return { type: "file", data: entry.data };
  if (entry.type === "symlink") return { type: "symlink", target: entry.target };
  return { type: "directory" };
}

/**
 * What changed between `before` and `after`, two exports of the tree at
 * `root`: one change per path created, deleted or modified (a file's bytes,
 * a symlink's target, or the kind of entry). Directories only appear or go.
 * @param {string} root
 * @param {TreeEntry[]} before
 * @param {TreeEntry[]} after
 * @returns {TreeChange[]}
 */
export function diffTree(root, before, after) {
  const old = new Map(before.map((e) => [e.path, e]));
  /** @type {TreeChange[]} */
  const changes = [];
  for (const entry of after) {
    const was = old.get(entry.path);
    old.delete(entry.path);
    if (was !== undefined && sameState(was, entry)) continue;
    changes.push({ path: join(root, entry.path), before: was === undefined ? null : stateOf(was), after: stateOf(entry) });
  }
  for (const was of old.values()) changes.push({ path: join(root, was.path), before: stateOf(was), after: null });
  return changes;
}

/**
 * @typedef {EntryState | { type: "file", data: null, size: number }} CurrentState
 * An entry as it is now; a file's `data` is null when its size alone shows it differs.
 */

/**
 * What `path` is in `fs` now, null if nothing; `want` (when given) spares reading a file of another size.
 * @param {import("./memfs.js").MemFS} fs
 * @param {string} path
 * @param {EntryState | null} [want]
 * @returns {CurrentState | null}
 */
function currentState(fs, path, want) {
  let stat;
  try {
    stat = fs.lstat(path);
  } catch (error) {
    const code = /** @type {{ code?: unknown } | undefined} */ (error)?.code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
  if (stat.type === "directory") return { type: "directory" };
  if (stat.type === "symlink") return { type: "symlink", target: fs.readlink(path) };
  if (want?.type === "file" && want.data.length !== stat.size) return { type: "file", data: null, size: stat.size };
  return { type: "file", data: /** @type {Uint8Array} */ (fs.readFile(path)) };
}

/** @param {CurrentState | null} state @param {EntryState | null} want */
function matches(state, want) {
  if (state === null || want === null) return state === want;
  if (state.type === "file" && state.data === null) return false;
  return sameState(/** @type {EntryState} */ (state), want);
}

/** @param {import("./memfs.js").MemFS} fs @param {string} path @param {EntryState} state */
function create(fs, path, state) {
  if (state.type === "directory") fs.mkdir(path);
  else if (state.type === "symlink") fs.symlink(state.target, path);
  else fs.writeFile(path, state.data);
}

/** An error's message, or the thrown value itself. @param {unknown} error */
function messageOf(error) {
  return /** @type {{ message?: unknown } | undefined} */ (error)?.message ?? error;
}

/**
 * Applies a program's changes to `fs`, path by path, without overwriting
 * anything someone else changed meanwhile: a change is applied only where
 * the path is still as the program was given it (same kind, same bytes or
 * symlink target; a directory it deletes must hold nothing else), or already
 * is as the program left it. Any other path is left alone and reported as a
 * conflict, as is a change `fs` refuses (a limit, a parent deleted).
 * @param {import("./memfs.js").MemFS} fs
 * @param {TreeChange[]} changes
 * @returns {Conflict[]}
 */
export function applyChanges(fs, changes) {
  /** @type {Conflict[]} */
  const conflicts = [];
  /** @param {string} path @param {string} reason */
  const conflict = (path, reason) => conflicts.push({ path, reason });
  // A prefix sorts first: parents come before their contents.
  const sorted = [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const blocked = new Set();
  // Deletions, and entries replaced by another kind: contents first.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const { path, before, after } = sorted[i];
    if (before === null || (after !== null && after.type === before.type)) continue;
    try {
      const now = currentState(fs, path, before);
      if (now === null) continue; // gone already
      if (!matches(now, before)) {
        conflict(path, "changed meanwhile by someone else; kept as it is");
        blocked.add(path);
      } else if (before.type === "directory" && fs.readdir(path).length > 0) {
        conflict(path, "the program removed this directory, but it holds entries the program did not know; kept");
        blocked.add(path);
      } else {
        fs.rm(path);
      }
    } catch (error) {
      conflict(path, `not removed: ${messageOf(error)}`);
      blocked.add(path);
    }
  }
  // Creations and modifications: parents first.
  for (const { path, before, after } of sorted) {
    if (after === null || blocked.has(path)) continue;
    try {
      const now = currentState(fs, path, after);
      if (matches(now, after)) continue; // already as the program left it
      if (before !== null && before.type === after.type) {
        // `now` was read against `after`'s size: read it again against `before`'s.
        const was = now?.type === "file" && now.data === null ? currentState(fs, path, before) : now;
        if (!matches(was, before)) {
          const what =
            now === null ? "deleted meanwhile by someone else; not recreated" : "changed meanwhile by someone else; kept as it is";
          conflict(path, what);
          continue;
        }
        if (after.type === "symlink") fs.rm(path);
        create(fs, path, after);
      } else if (now !== null) {
        conflict(path, "created meanwhile by someone else; kept as it is");
      } else {
        create(fs, path, after);
      }
    } catch (error) {
      conflict(path, `not written: ${messageOf(error)}`);
    }
  }
  return conflicts;
}
