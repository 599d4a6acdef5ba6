// The Files panel: the page's MemFS as a tree, with create, upload, edit,
// download and delete. The MemFS lives as long as the page, except the home
// folder, /home, an OPFS mount (persist.js) that is kept across reloads. A
// run in the worker gets a copy and the program's changes come back when it
// ends; the shell's programs run on this MemFS itself.
import { MemFS, exportTree } from "wasi-web";
import { absolutePath } from "./command-line.js";
import { isArchive, unpack, zipTree } from "./archive.js";
import { byId, download, formatSize, h } from "./dom.js";
import { STARTER_FILES } from "./starter-files.js";
import { HOME, clearHome, mountHome } from "./persist.js";

/** @typedef {import("wasi-web").TreeEntry} TreeEntry */

const decoder = new TextDecoder("utf-8", { fatal: true });

/** @param {string} path */
function parentOf(path) {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** @param {string} path */
function baseName(path) {
  return path.slice(path.lastIndexOf("/") + 1) || "/";
}

/** @param {string} dir @param {string} name */
function join(dir, name) {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** The text of a file, or null when it is not UTF-8 text. @param {Uint8Array} bytes */
function asText(bytes) {
  if (bytes.includes(0)) return null;
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** A message from a MemFS error. @param {unknown} error */
function describe(error) {
  /** @type {Record<string, string>} */
  const messages = {
    ENOENT: "no such file or directory",
    EEXIST: "it already exists",
    ENOTDIR: "a part of the path is not a folder",
    ENOTEMPTY: "the folder is not empty",
    EISDIR: "it is a folder",
  };
  const code = error && typeof error === "object" && "code" in error ? String(error.code) : "";
  return messages[code] ?? (error instanceof Error ? error.message : String(error));
}

export class FilesPanel {
  fs = new MemFS();
  /** The selected entry (a file or a folder). */
  selected = "/";
  /** The file open in the editor, or null. @type {string | null} */
  editing = null;
  #dirty = false;
  #locked = false;
  /** What "New file" / "New folder" creates. @type {"file" | "directory"} */
  #creating = "file";
  /** The home folder's OPFS provider, or null (not mounted yet, or no OPFS: then /home is in memory). @type {import("wasi-web").OpfsProvider | null} */
  home = null;
  /** Settles once every change so far is stored in OPFS (or could not be: then the panel says so). @type {Promise<void>} */
  saved = Promise.resolve();

  #treeEl = byId("file-tree");
  #status = byId("files-status");
  #newFile = byId("new-file", HTMLButtonElement);
  #newFolder = byId("new-folder", HTMLButtonElement);
  #upload = byId("upload-input", HTMLInputElement);
  #downloadButton = byId("download-file", HTMLButtonElement);
  #downloadZip = byId("download-zip", HTMLButtonElement);
  #unpackArchives = byId("unpack-archives", HTMLInputElement);
  #deleteButton = byId("delete-entry", HTMLButtonElement);
  #resetButton = byId("reset-files", HTMLButtonElement);
  #createForm = byId("create-form", HTMLFormElement);
  #createLabel = byId("create-label");
  #createPath = byId("create-path", HTMLInputElement);
  #editor = byId("editor");
  #editorLabel = byId("editor-label");
  #editorText = byId("editor-text", HTMLTextAreaElement);
  #editorState = byId("editor-state");
  #save = byId("editor-save", HTMLButtonElement);

  constructor() {
    this.#resetRoot();
    this.render();
    this.#newFile.addEventListener("click", () => this.#openCreate("file"));
    this.#newFolder.addEventListener("click", () => this.#openCreate("directory"));
    this.#createForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#create();
    });
    byId("create-cancel").addEventListener("click", () => this.#closeCreate());
    this.#createForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.#closeCreate();
    });
    this.#upload.addEventListener("change", async () => {
      await this.upload([...(this.#upload.files ?? [])]);
      this.#upload.value = "";
    });
    this.#downloadButton.addEventListener("click", () => this.#download());
    this.#downloadZip.addEventListener("click", () => download(zipTree(this.snapshot()), "files.zip"));
    this.#deleteButton.addEventListener("click", () => this.#delete());
    this.#resetButton.addEventListener("click", () => this.reset());
    this.#save.addEventListener("click", () => this.save());
    byId("editor-close").addEventListener("click", () => this.#closeEditor());
    this.#editorText.addEventListener("input", () => this.#setDirty(true));
    this.#editorText.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        this.save();
      }
    });
    const panel = byId("files");
    panel.addEventListener("dragover", (event) => {
      if (this.#locked || !event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      panel.classList.add("drop-target");
    });
    panel.addEventListener("dragleave", () => panel.classList.remove("drop-target"));
    panel.addEventListener("drop", (event) => {
      panel.classList.remove("drop-target");
      if (this.#locked || !event.dataTransfer) return;
      event.preventDefault();
      this.upload([...event.dataTransfer.files]);
    });
  }

  /** The starter files at the root; everything else at the root but /home goes. */
  #resetRoot() {
    for (const name of this.fs.readdir("/")) if (`/${name}` !== HOME) this.fs.rm(`/${name}`, { recursive: true });
    for (const [path, text] of Object.entries(STARTER_FILES)) {
      this.fs.mkdir(parentOf(path), { recursive: true });
      this.fs.writeFile(path, text);
    }
  }

  /** Reset: the starter files back, and the home folder emptied (in OPFS too). */
  async reset() {
    if (this.#locked) return;
    let message = "The files are back to how they started, and the home folder is empty.";
    try {
      this.#resetRoot();
      if (this.#exists(HOME)) await clearHome(this.fs, this.home);
    } catch (error) {
      message = `Could not reset everything: ${describe(error)}`;
    }
    this.selected = this.#exists(HOME) ? HOME : "/";
    this.#closeEditor();
    this.render();
    this.#say(message);
  }

  /**
   * Mounts the home folder (OPFS) at /home, with what an earlier visit kept
   * there; from then on every change to it is stored as it happens.
   */
  async restore() {
    try {
      const { provider, why, note } = await mountHome(this.fs);
      this.home = provider;
      if (why !== null) this.#say(`${HOME} is not kept across reloads: ${why}.`);
      else if (note !== null) this.#say(note);
    } catch (error) {
      this.#say(`The home folder could not be opened: ${describe(error)}`);
      if (!this.#exists(HOME)) this.fs.mkdir(HOME);
    }
    this.selected = HOME;
    this.render();
  }

  /** Reports a change that could not be stored in OPFS (the page keeps it for this visit). */
  #persist() {
    const home = this.home;
    if (home === null) return;
    this.saved = home.flush().catch((error) => this.#say(`A change to ${HOME} could not be kept for the next visit: ${describe(error)}`));
  }

  /**
   * Adds the files of a share link: its folders and files are written in,
   * replacing a file of the same path; everything else is kept.
   * @param {TreeEntry[]} tree
   */
  merge(tree) {
    for (const entry of tree) {
      const path = absolutePath(entry.path);
      if (path === "/") continue;
      try {
        if (entry.type === "directory") this.fs.mkdir(path, { recursive: true });
        else if (entry.type === "file") {
          this.fs.mkdir(parentOf(path), { recursive: true });
          this.fs.writeFile(path, entry.data);
        }
      } catch (error) {
        this.#say(`Could not add ${path} from the link: ${describe(error)}`);
      }
    }
    this.render();
  }

  /** The whole filesystem, for a run. @returns {TreeEntry[]} */
  snapshot() {
    return exportTree(this.fs, "/");
  }

  /**
   * Takes the filesystem a program in the worker left behind: the changes
   * are made here, in place, so that those to /home go to OPFS.
   * @param {TreeEntry[]} tree
   */
  replace(tree) {
    try {
      reconcile(this.fs, tree);
    } catch (error) {
      this.#say(`Some of the program's changes could not be kept: ${describe(error)}`);
    }
    if (!this.#exists(this.selected)) this.selected = "/";
    if (this.editing !== null) {
      if (this.#exists(this.editing) && this.fs.stat(this.editing).isFile()) this.#openEditor(this.editing);
      else this.#closeEditor();
    }
    this.render();
  }

  /**
   * While a program runs the files are its own: no changes from the page.
   * @param {boolean} locked
   */
  setLocked(locked) {
    this.#locked = locked;
    this.#editorText.readOnly = locked;
    if (locked) this.#closeCreate();
    byId("files-locked").hidden = !locked;
    this.#updateButtons();
  }

  /**
   * Makes sure a folder exists (for an example that writes there).
   * @param {string} path absolute
   */
  ensureDirectory(path) {
    if (this.#exists(path) && this.fs.stat(path).isDirectory()) return;
    try {
      this.fs.mkdir(path, { recursive: true });
      this.render();
    } catch (error) {
      this.#say(`Could not create ${path}: ${describe(error)}`);
    }
  }

  /** Saves the editor's text, if it changed. */
  save() {
    if (this.editing === null || !this.#dirty || this.#locked) return;
    try {
      this.fs.writeFile(this.editing, this.#editorText.value);
      this.#setDirty(false);
      this.render();
    } catch (error) {
      this.#say(`Could not save ${this.editing}: ${describe(error)}`);
    }
  }

  /**
   * Copies files from the person's computer into the selected folder.
   * @param {File[]} files
   */
  async upload(files) {
    if (this.#locked || files.length === 0) return;
    const dir = this.#selectedDir();
    const written = [];
    for (const file of files) {
      const path = join(dir, file.name);
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (this.#unpackArchives.checked && isArchive(file.name)) {
          const entries = unpack(file.name, bytes);
          for (const entry of entries) {
            const to = join(dir, entry.path);
            if (entry.type === "directory") this.fs.mkdir(to, { recursive: true });
            else {
              this.fs.mkdir(parentOf(to), { recursive: true });
              this.fs.writeFile(to, entry.data);
            }
          }
          written.push(`${file.name} (${entries.filter((e) => e.type === "file").length} files unpacked into ${dir})`);
          continue;
        }
        this.fs.writeFile(path, bytes);
        written.push(path);
      } catch (error) {
        this.#say(`Could not upload ${file.name}: ${describe(error)}`);
        return;
      }
    }
    if (written.length === 1 && written[0].startsWith("/")) this.#select(written[0]);
    this.render();
    this.#say(`Uploaded ${written.join(", ")}.`);
  }

  render() {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.path : undefined;
    this.#treeEl.replaceChildren(h("li", {}, this.#row("/", "directory"), this.#children("/")));
    if (focused !== undefined) {
      /** @type {HTMLElement | null} */ (this.#treeEl.querySelector(`[data-path="${CSS.escape(focused)}"]`))?.focus();
    }
    this.#updateButtons();
    // Every change re-renders the tree: saving here keeps each one for the next visit.
    this.#persist();
  }

  /** @param {string} dir @returns {HTMLUListElement | null} */
  #children(dir) {
    const names = this.fs.readdir(dir).sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return null;
    return h(
      "ul",
      {},
      ...names.map((name) => {
        const path = join(dir, name);
        const stat = this.fs.lstat(path);
        return h("li", {}, this.#row(path, stat.type, stat.size), stat.type === "directory" ? this.#children(path) : null);
      }),
    );
  }

  /**
   * @param {string} path
   * @param {"file" | "directory" | "symlink"} type
   * @param {number} [size]
   */
  #row(path, type, size = 0) {
    // The home folder says whether it outlives the page.
    const folder = path !== HOME ? "folder" : this.home !== null ? "folder, kept" : "folder, not kept";
    const detail = type === "file" ? formatSize(size) : type === "symlink" ? `→ ${this.fs.readlink(path)}` : folder;
    const current = path === this.selected;
    return h(
      "button",
      {
        type: "button",
        class: `entry entry-${type}`,
        dataset: { path },
        "aria-current": current ? "true" : null,
        "aria-label": `${path === "/" ? "/ (root folder)" : baseName(path)}, ${detail}`,
        onclick: () => {
          this.#select(path);
          if (type === "file") this.#openEditor(path);
          this.render();
        },
      },
      h("span", { class: "entry-icon", "aria-hidden": "true" }),
      h("span", { class: "entry-name" }, path === "/" ? "/" : baseName(path)),
      h("span", { class: "entry-detail", "aria-hidden": "true" }, detail),
    );
  }

  /** @param {string} path */
  #select(path) {
    this.selected = path;
  }

  /** @param {string} path */
  #exists(path) {
    try {
      this.fs.lstat(path);
      return true;
    } catch {
      return false;
    }
  }

  #selectedType() {
    return this.#exists(this.selected) ? this.fs.lstat(this.selected).type : null;
  }

  #selectedDir() {
    return this.#selectedType() === "directory" ? this.selected : parentOf(this.selected);
  }

  #updateButtons() {
    const type = this.#selectedType();
    const locked = this.#locked;
    this.#newFile.disabled = locked;
    this.#newFolder.disabled = locked;
    this.#upload.disabled = locked;
    this.#resetButton.disabled = locked;
    this.#downloadButton.disabled = type !== "file";
    this.#deleteButton.disabled = locked || this.selected === "/" || type === null;
    this.#save.disabled = locked || !this.#dirty;
    const name = baseName(this.selected);
    this.#downloadButton.title = type === "file" ? `Download ${name}` : "Select a file to download it";
    this.#deleteButton.title = this.selected === "/" ? "Select a file or folder to delete it" : `Delete ${name}`;
  }

  /** @param {"file" | "directory"} kind */
  #openCreate(kind) {
    this.#creating = kind;
    this.#createLabel.textContent = kind === "file" ? "New file path" : "New folder path";
    const dir = this.#selectedDir();
    this.#createPath.value = dir === "/" ? "/" : `${dir}/`;
    this.#createForm.hidden = false;
    this.#createPath.focus();
  }

  #closeCreate() {
    const wasOpen = !this.#createForm.hidden;
    this.#createForm.hidden = true;
    if (wasOpen) (this.#creating === "file" ? this.#newFile : this.#newFolder).focus();
  }

  #create() {
    const path = absolutePath(this.#createPath.value.trim());
    if (path === "/") {
      this.#say("Type a name for it.");
      return;
    }
    try {
      if (this.#exists(path)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
      if (this.#creating === "directory") this.fs.mkdir(path, { recursive: true });
      else {
        this.fs.mkdir(parentOf(path), { recursive: true });
        this.fs.writeFile(path, "");
      }
    } catch (error) {
      this.#say(`Could not create ${path}: ${describe(error)}`);
      return;
    }
    this.#createForm.hidden = true;
    this.#select(path);
    this.render();
    this.#say(`Created ${path}.`);
    if (this.#creating === "file") {
      this.#openEditor(path);
      this.#editorText.focus();
    } else {
      this.#focusEntry(path);
    }
  }

  #download() {
    if (this.#selectedType() !== "file") return;
    download(this.fs.readFile(this.selected), baseName(this.selected));
  }

  #delete() {
    const path = this.selected;
    if (this.#locked || path === "/") return;
    try {
      this.fs.rm(path, { recursive: true });
    } catch (error) {
      this.#say(`Could not delete ${path}: ${describe(error)}`);
      return;
    }
    if (this.editing !== null && (this.editing === path || this.editing.startsWith(`${path}/`))) this.#closeEditor();
    this.selected = parentOf(path);
    this.render();
    this.#focusEntry(this.selected);
    this.#say(`Deleted ${path}.`);
  }

  /** @param {string} path */
  #focusEntry(path) {
    /** @type {HTMLElement | null} */ (this.#treeEl.querySelector(`[data-path="${CSS.escape(path)}"]`))?.focus();
  }

  /** @param {string} path */
  #openEditor(path) {
    const bytes = this.fs.readFile(path);
    const text = asText(bytes);
    this.editing = path;
    this.#editor.hidden = false;
    if (text === null) {
      this.#editorLabel.textContent = `${path} is not text (${formatSize(bytes.length)}): download it to look inside`;
      this.#editorText.value = "";
      this.#editorText.hidden = true;
    } else {
      this.#editorLabel.textContent = `Contents of ${path}`;
      this.#editorText.hidden = false;
      this.#editorText.value = text;
    }
    this.#setDirty(false);
  }

  #closeEditor() {
    this.editing = null;
    this.#editor.hidden = true;
    this.#editorText.value = "";
    this.#setDirty(false);
  }

  /** @param {boolean} dirty */
  #setDirty(dirty) {
    this.#dirty = dirty;
    this.#editorState.textContent = dirty ? "Unsaved changes" : this.editing ? "Saved" : "";
    this.#save.disabled = this.#locked || !dirty;
  }

  /** @param {string} message */
  #say(message) {
    this.#status.textContent = message;
  }
}

/**
 * Makes `fs` hold `tree`: what is gone or changed type is removed, what is
 * new or different is written; what is the same is left alone (and so not
 * written to OPFS again). Throws the first failure, after trying the rest.
 * @param {MemFS} fs
 * @param {TreeEntry[]} tree from "/"
 */
export function reconcile(fs, tree) {
  /** @type {unknown} */
  let failure = null;
  /** @param {() => void} change */
  const attempt = (change) => {
    try {
      change();
    } catch (error) {
      failure ??= error;
    }
  };
  const wanted = new Map(tree.map((e) => [absolutePath(e.path), e]));
  // Deepest first, so that a folder is emptied before it is looked at.
  for (const entry of exportTree(fs, "/").reverse()) {
    const path = absolutePath(entry.path);
    const want = wanted.get(path);
    if (want === undefined || want.type !== entry.type) attempt(() => fs.rm(path, { recursive: true }));
  }
  for (const [path, entry] of wanted) {
    attempt(() => {
      const type = typeAt(fs, path);
      if (entry.type === "directory") {
        if (type === null) fs.mkdir(path);
      } else if (entry.type === "symlink") {
        if (type !== null && fs.readlink(path) === entry.target) return;
        if (type !== null) fs.rm(path);
        fs.symlink(entry.target, path);
      } else if (type === null || !sameBytes(/** @type {Uint8Array} */ (fs.readFile(path)), entry.data)) {
        fs.writeFile(path, entry.data);
      }
    });
  }
  if (failure !== null) throw failure;
}

/** What is at `path` (a symlink is not followed), or null. @param {MemFS} fs @param {string} path */
function typeAt(fs, path) {
  try {
    return fs.lstat(path).type;
  } catch {
    return null;
  }
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
