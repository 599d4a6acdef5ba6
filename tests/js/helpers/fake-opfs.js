// An in-memory stand-in for the OPFS API (FileSystemDirectoryHandle and
// FileSystemFileHandle, as much as js/providers/opfs.js uses), so the
// provider's mirror and write-behind can be tested in Node. Every change is
// logged; `gate` holds changes back to look at OPFS midway (a reload).

const domError = (name, message) => Object.assign(new Error(message), { name });

/** Where a directory handle keeps its entry (for move()). */
const ENTRY = Symbol("entry");

/** move() of a file or directory entry into the directory of handle `dir`. */
async function move(fake, entry, dir, name) {
  if (entry.parent === undefined) throw domError("NotFoundError", "gone");
  await fake.step(`move ${entry.name} ${name}`);
  const to = dir[ENTRY];
  if (to.children.has(name)) throw domError("InvalidModificationError", `${name} exists`);
  entry.parent.children.delete(entry.name);
  to.children.set(name, entry);
  entry.parent = to;
  entry.name = name;
}

/** A file or directory entry; handles point at entries, so a move keeps them valid. */
class Entry {
  constructor(kind, name, parent) {
    this.kind = kind;
    this.name = name;
    this.parent = parent;
    /** @type {Map<string, Entry>} */
    this.children = new Map();
    this.data = new Uint8Array(0);
    this.lastModified = Date.now();
  }
}

export class FakeOpfs {
  /** @type {string[]} */
  log = [];
  /** @type {Promise<void> | null} resolves to let held changes go on */
  gate = null;
  root = new Entry("directory", "", null);

  /** The root handle. */
  handle() {
    return dirHandle(this, this.root);
  }

  async step(what) {
    if (this.gate !== null) await this.gate;
    this.log.push(what);
  }

  /** { "a/b.txt": "text", "d/": "" } */
  tree() {
    const out = {};
    const walk = (e, prefix) => {
      for (const [name, c] of e.children) {
        if (c.kind === "directory") {
          out[`${prefix}${name}/`] = "";
          walk(c, `${prefix}${name}/`);
        } else out[`${prefix}${name}`] = new TextDecoder().decode(c.data);
      }
    };
    walk(this.root, "");
    return Object.fromEntries(Object.entries(out).sort());
  }

  /** Puts files ({ "a/b.txt": "text" }) in, directories made as needed. */
  seed(files) {
    for (const [path, text] of Object.entries(files)) {
      const names = path.split("/");
      let e = this.root;
      for (const n of names.slice(0, -1)) {
        if (!e.children.has(n)) e.children.set(n, new Entry("directory", n, e));
        e = e.children.get(n);
      }
      const f = new Entry("file", names.at(-1), e);
      f.data = new TextEncoder().encode(text);
      e.children.set(f.name, f);
    }
  }
}

function dirHandle(fake, entry) {
  const child = async (name, kind, create) => {
    if (entry.parent === undefined) throw domError("NotFoundError", "gone");
    let c = entry.children.get(name);
    if (c === undefined) {
      if (!create) throw domError("NotFoundError", `no ${name}`);
      await fake.step(`create ${kind} ${name}`);
      c = new Entry(kind, name, entry);
      entry.children.set(name, c);
    } else if (c.kind !== kind) throw domError("TypeMismatchError", `${name} is a ${c.kind}`);
    return c;
  };
  return {
    [ENTRY]: entry,
    kind: "directory",
    name: entry.name,
    move: (dir, name) => move(fake, entry, dir, name),
    async getDirectoryHandle(name, options = {}) {
      return dirHandle(fake, await child(name, "directory", options.create));
    },
    async getFileHandle(name, options = {}) {
      return fileHandle(fake, await child(name, "file", options.create));
    },
    async removeEntry(name, options = {}) {
      const c = entry.children.get(name);
      if (c === undefined) throw domError("NotFoundError", `no ${name}`);
      if (c.kind === "directory" && c.children.size > 0 && !options.recursive) throw domError("InvalidModificationError", "not empty");
      await fake.step(`remove ${name}`);
      entry.children.delete(name);
      c.parent = undefined;
    },
    async *entries() {
      for (const [name, c] of [...entry.children]) yield [name, c.kind === "file" ? fileHandle(fake, c) : dirHandle(fake, c)];
    },
  };
}

function fileHandle(fake, entry) {
  const h = {
    kind: "file",
    get name() {
      return entry.name;
    },
    async getFile() {
      if (entry.parent === undefined) throw domError("NotFoundError", "gone");
      const data = entry.data;
      return { size: data.length, lastModified: entry.lastModified, arrayBuffer: async () => data.slice().buffer };
    },
    async createWritable() {
      /** @type {Uint8Array[]} */
      const parts = [];
      return {
        async write(bytes) {
          parts.push(new Uint8Array(bytes));
        },
        // Replaces the contents only when closed, as OPFS does.
        async close() {
          await fake.step(`write ${entry.name}`);
          const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
          entry.data = all;
          entry.lastModified = Date.now();
        },
      };
    },
    move: (dir, name) => move(fake, entry, dir, name),
  };
  return h;
}
