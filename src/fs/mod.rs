//! The in-memory filesystem: pure Rust, no JS types, tested on the host.
//!
//! One `MemFs` holds inodes in a slab (the inode number is the slot). Paths
//! are resolved by [`Walk`], which confines them to a root directory: a
//! guest's preopen, or the filesystem root for the JS API.

mod file;
mod limits;
mod mount;
mod node;
mod path;
pub mod snapshot;

pub use mount::{errno_of, ExtEntry, ExtStat, Provider, EXT_BASE};
pub use node::{Ino, Kind};
pub use path::{Absolute, Walk};

use crate::clocks::{SystemWallClock, WallClock};
use crate::error::{Errno, Result};
use file::FileData;
use node::{Dir, Inode, Node};
use std::rc::Rc;

/// Limits on what one filesystem may hold. Every change is checked before
/// it is made, so a refused one leaves no trace. The defaults keep a hostile
/// guest from exhausting the core's memory (wasm32: 4 GiB at most, shared by
/// every filesystem) while staying out of the way of ordinary programs.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of file data in all files (`ENOSPC`): stored bytes, so a
    /// sparse file's holes are free, but `fd_allocate` reserves its range.
    /// Data lives in 64 KiB chunks; a chunk after a file's first counts at
    /// least 4 KiB (see `file`). Default 1 GiB.
    pub max_bytes: u64,
    /// Size of one file, holes included (`EFBIG`). Default and most
    /// 2^63 - 1, as on a native host: holes cost nothing.
    pub max_file_size: u64,
    /// Number of inodes: files, directories, symlinks (`ENOSPC`).
    /// Default 1,048,576.
    pub max_inodes: u64,
    /// Symlinks followed while resolving one path (`ELOOP`). Default 40.
    pub max_symlinks: u32,
    /// Bytes in one path or symlink target (`ENAMETOOLONG`); one component
    /// may have 255 whatever this is. Default 4096.
    pub max_path: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1 << 30,
            max_file_size: MAX_FILE_SIZE,
            max_inodes: 1 << 20,
            max_symlinks: 40,
            max_path: 4096,
        }
    }
}

pub const MAX_NAME: usize = 255;

/// The largest file size and offset: off_t's range, as on a native host.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Capacity that file chunks may hold beyond their charge (room for appends),
/// for a filesystem of `max_bytes`: 1/16 of it, and at least 256 KiB so a
/// small filesystem still appends cheaply. So file data takes at most
/// `max_bytes` × 17/16 (+ 256 KiB) of memory.
fn slack_budget(max_bytes: u64) -> u64 {
    (max_bytes / 16).max(256 << 10)
}

/// What `stat` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: Ino,
    pub kind: Kind,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// A timestamp change for `set_times`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetTime {
    Keep,
    Now,
    At(u64),
}

/// Flags for [`MemFs::open`].
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions {
    pub follow: bool,
    pub create: bool,
    pub exclusive: bool,
    pub truncate: bool,
    pub directory: bool,
    /// The caller wants to write: directories refuse it with `EISDIR`.
    pub write: bool,
}

/// One entry of a directory listing, with the cookie that resumes after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    pub next: u64,
    pub ino: Ino,
    pub kind: Kind,
    pub name: &'a str,
}

pub struct MemFs {
    inodes: Vec<Option<Inode>>,
    free: Vec<usize>,
    live: u64,
    /// What all files count against `max_bytes` (their charges).
    bytes: u64,
    /// Memory the files' chunks hold: `bytes` plus rationed slack.
    capacity: u64,
    /// `capacity` up to which memory was reserved (see `reserve_ahead`).
    reserved: u64,
    dev: u64,
    /// What changes are stamped with: set by whoever changes the files
    /// (see `descriptor::FsHandle`: a program's own clock, which is virtual
    /// in deterministic mode, or the host's for the JS API).
    clock: Rc<dyn WallClock>,
    /// Whether the next `mkdir` must panic (see `set_test_panic_seam`).
    #[cfg(feature = "test-seams")]
    test_seam: Option<fn() -> bool>,
    /// Mounted providers and their proxy inodes (see `mount`).
    ext: mount::Ext,
    pub limits: Limits,
}

impl Default for MemFs {
    fn default() -> Self {
        Self::new()
    }
}

impl MemFs {
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// A filesystem on std's wall clock (host builds and tests; on wasm32
    /// use [`MemFs::with_clock`]: std has no clock there).
    pub fn with_limits(limits: Limits) -> Self {
        Self::with_clock(limits, Rc::new(SystemWallClock))
    }

    /// A filesystem whose changes `clock` stamps until a caller sets
    /// another ([`MemFs::set_clock`]). Its device number is 1 until
    /// [`MemFs::with_dev`].
    pub fn with_clock(limits: Limits, clock: Rc<dyn WallClock>) -> Self {
        let mut fs = MemFs {
            inodes: Vec::new(),
            free: Vec::new(),
            live: 0,
            bytes: 0,
            capacity: 0,
            reserved: 0,
            dev: 1,
            clock,
            #[cfg(feature = "test-seams")]
            test_seam: None,
            ext: Default::default(),
            limits,
        };
        let root = fs.alloc(Node::Dir(Dir::new(1))).expect("root inode");
        debug_assert_eq!(root, 1);
        fs.inode_mut(root).nlink = 2;
        fs
    }

    /// The device number `stat` reports: the embedder numbers its
    /// filesystems so that two of them differ.
    pub fn with_dev(mut self, dev: u64) -> Self {
        self.dev = dev;
        self
    }

    /// The clock the next changes are stamped with.
    pub fn clock(&self) -> Rc<dyn WallClock> {
        self.clock.clone()
    }

    /// Stamps the changes from now on with `clock`.
    pub fn set_clock(&mut self, clock: Rc<dyn WallClock>) {
        self.clock = clock;
    }

    fn now(&self) -> u64 {
        self.clock.now()
    }

    pub fn root(&self) -> Ino {
        1
    }

    /// A walk for the JS API: absolute paths start at the filesystem root.
    pub fn host_walk(&self) -> Walk {
        Walk {
            root: self.root(),
            absolute: Absolute::FromRoot,
        }
    }

    // ---- inode slab ----

    fn alloc(&mut self, node: Node) -> Result<Ino> {
        if self.live >= self.limits.max_inodes {
            return Err(Errno::Nospc);
        }
        let now = self.now();
        let inode = Inode {
            node,
            nlink: 1,
            open: 0,
            atim: now,
            mtim: now,
            ctim: now,
        };
        self.live += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.inodes[slot] = Some(inode);
                slot
            }
            None => {
                self.inodes.push(Some(inode));
                self.inodes.len() - 1
            }
        };
        Ok(slot as Ino + 1)
    }

    fn inode(&self, ino: Ino) -> &Inode {
        self.try_inode(ino).expect("live inode")
    }

    fn inode_mut(&mut self, ino: Ino) -> &mut Inode {
        self.inodes[(ino - 1) as usize]
            .as_mut()
            .expect("live inode")
    }

    fn try_inode(&self, ino: Ino) -> Option<&Inode> {
        self.inodes
            .get((ino as usize).wrapping_sub(1))
            .and_then(|i| i.as_ref())
    }

    /// Frees an inode once nothing names it and nothing has it open.
    fn maybe_free(&mut self, ino: Ino) {
        let i = self.inode(ino);
        let gone = match i.node {
            Node::Dir(_) => i.nlink < 2,
            _ => i.nlink == 0,
        };
        if gone && i.open == 0 {
            let slot = (ino - 1) as usize;
            if let Some(Inode {
                node: Node::File(f),
                ..
            }) = self.inodes[slot].take()
            {
                self.bytes -= f.charged();
                self.capacity -= f.capacity();
            }
            self.free.push(slot);
            self.live -= 1;
        }
    }

    pub fn exists(&self, ino: Ino) -> bool {
        if ino >= EXT_BASE {
            return self.ext_node(ino).is_some();
        }
        self.try_inode(ino).is_some()
    }

    /// Marks an inode open by one more descriptor.
    pub fn retain(&mut self, ino: Ino) {
        if ino >= EXT_BASE {
            self.ext_retain(ino);
            return;
        }
        self.inode_mut(ino).open += 1;
    }

    /// Drops one descriptor's hold on an inode. When the last one goes, a
    /// file gives back the room it kept for appends.
    pub fn release(&mut self, ino: Ino) {
        if ino >= EXT_BASE {
            self.ext_release(ino);
            return;
        }
        let i = self.inode_mut(ino);
        i.open = i.open.saturating_sub(1);
        if i.open == 0 {
            self.with_file(ino, |f| f.trim());
        }
        self.maybe_free(ino);
    }

    /// Runs `op` on file `ino`'s data, keeping the totals in step; a no-op
    /// for other kinds.
    fn with_file<T>(&mut self, ino: Ino, op: impl FnOnce(&mut FileData) -> T) -> Option<T> {
        let Node::File(f) = &mut self.inode_mut(ino).node else {
            return None;
        };
        let (charged, capacity) = (f.charged(), f.capacity());
        let out = op(f);
        let (c, k) = (f.charged(), f.capacity());
        self.bytes = self.bytes - charged + c;
        self.capacity = self.capacity - capacity + k;
        Some(out)
    }

    /// Before storing `growth` more bytes: makes the allocator take memory
    /// in big steps (1/8 of what files hold, at least 1 MiB, never past
    /// what the limits allow). A file grows by 64 KiB chunks, and each
    /// `memory.grow` of the core costs the engine time proportional to the
    /// memory's size (V8 copies it), so one grow per chunk would make
    /// filling a big filesystem quadratic. The block is freed at once: the
    /// chunks are then carved from it.
    fn reserve_ahead(&mut self, growth: u64) {
        let need = self.capacity.saturating_add(growth);
        if need <= self.reserved {
            return;
        }
        let room = (self.limits.max_bytes)
            .saturating_add(slack_budget(self.limits.max_bytes))
            .saturating_sub(self.capacity);
        let ahead = growth
            .max(self.capacity / 8)
            .max(1 << 20)
            .min(room)
            .min(256 << 20);
        if let Ok(n) = usize::try_from(ahead) {
            // Failing (out of memory) is fine: the chunks then fail alone.
            let _ = Vec::<u8>::new().try_reserve_exact(n);
        }
        self.reserved = self.capacity.saturating_add(ahead);
    }

    /// How much capacity beyond their charges files may take now.
    fn spare_slack(&self) -> u64 {
        (self
            .bytes
            .saturating_add(slack_budget(self.limits.max_bytes)))
        .saturating_sub(self.capacity)
    }

    /// Number of live inodes and bytes of file data (what counts against
    /// `max_bytes`), for limits and leak checks.
    pub fn usage(&self) -> (u64, u64) {
        (self.live, self.bytes)
    }

    /// Bytes of memory the file chunks hold (at least `usage().1`).
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    // ---- metadata ----

    /// A mounted node's stat can fail (the host removed it): see
    /// [`try_stat`](Self::try_stat); this one then reports its kind and
    /// zeros.
    pub fn stat(&self, ino: Ino) -> Stat {
        if ino >= EXT_BASE {
            let kind = self.kind(ino);
            return self.try_stat(ino).unwrap_or(Stat {
                dev: self.dev,
                ino,
                kind,
                nlink: 1,
                size: 0,
                atim: 0,
                mtim: 0,
                ctim: 0,
            });
        }
        let i = self.inode(ino);
        Stat {
            dev: self.dev,
            ino,
            kind: i.kind(),
            nlink: i.nlink,
            size: i.size(),
            atim: i.atim,
            mtim: i.mtim,
            ctim: i.ctim,
        }
    }

    /// [`stat`](Self::stat), with a mounted node's error.
    pub fn try_stat(&self, ino: Ino) -> Result<Stat> {
        match self.ext_node(ino) {
            Some(n) => self.ext_stat(n),
            None => Ok(self.stat(ino)),
        }
    }

    pub fn kind(&self, ino: Ino) -> Kind {
        if let Some(n) = self.ext_node(ino) {
            return n.kind;
        }
        self.inode(ino).kind()
    }

    /// [`set_times`](Self::set_times), with a mounted node's error.
    pub fn try_set_times(&mut self, ino: Ino, atim: SetTime, mtim: SetTime) -> Result<()> {
        match self.ext_node(ino) {
            Some(n) => self.ext_set_times(n, atim, mtim),
            None => {
                self.set_times(ino, atim, mtim);
                Ok(())
            }
        }
    }

    pub fn set_times(&mut self, ino: Ino, atim: SetTime, mtim: SetTime) {
        if let Some(n) = self.ext_node(ino) {
            let _ = self.ext_set_times(n, atim, mtim);
            return;
        }
        let now = self.now();
        let i = self.inode_mut(ino);
        match atim {
            SetTime::Keep => {}
            SetTime::Now => i.atim = now,
            SetTime::At(t) => i.atim = t,
        }
        match mtim {
            SetTime::Keep => {}
            SetTime::Now => i.mtim = now,
            SetTime::At(t) => i.mtim = t,
        }
        i.ctim = now;
    }

    fn touch_modified(&mut self, ino: Ino) {
        let now = self.now();
        let i = self.inode_mut(ino);
        i.mtim = now;
        i.ctim = now;
    }

    fn touch_changed(&mut self, ino: Ino) {
        self.inode_mut(ino).ctim = self.now();
    }

    /// relatime: only a read after a change moves atime, so a read loop
    /// does not pay for a clock call on every read.
    fn touch_accessed(&mut self, ino: Ino) {
        let i = self.inode(ino);
        if i.atim <= i.mtim {
            let now = self.now();
            self.inode_mut(ino).atim = now;
        }
    }

    // ---- file contents ----

    fn file(&self, ino: Ino) -> Result<&FileData> {
        match &self.inode(ino).node {
            Node::File(f) => Ok(f),
            Node::Dir(_) => Err(Errno::Isdir),
            Node::Symlink(_) => Err(Errno::Inval),
        }
    }

    /// Reads up to `len` bytes at `offset` without copying: `sink(bytes,
    /// zeros)` gets, in order, stored bytes and the count of hole zeros
    /// after them (several calls when the range spans chunks or holes).
    /// Returns the total.
    pub fn read_with(
        &mut self,
        ino: Ino,
        offset: u64,
        len: u64,
        mut sink: impl FnMut(&[u8], u64) -> Result<()>,
    ) -> Result<u64> {
        if let Some(n) = self.ext_node(ino) {
            return self.ext_read(n, offset, len, &mut sink);
        }
        let n = self.file(ino)?.read(offset, len, sink)?;
        if n > 0 {
            self.touch_accessed(ino);
        }
        Ok(n)
    }

    /// Writes `len` bytes at `offset`; `fill(done, piece)` copies the bytes
    /// from `done` on into `piece` of the file's own storage (straight from
    /// guest memory on wasm32), chunk by chunk. Limits are checked before
    /// anything changes, so a refused write allocates nothing.
    pub fn write_with(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        mut fill: impl FnMut(u64, &mut [u8]) -> Result<()>,
    ) -> Result<()> {
        if let Some(n) = self.ext_node(ino) {
            return self.ext_write(n, offset, len, &mut fill);
        }
        let growth = self.write_growth(ino, offset, len as u64)?;
        if len == 0 {
            return Ok(());
        }
        if growth > 0 {
            self.reserve_ahead(growth);
        }
        let mut slack = self.spare_slack();
        self.with_file(ino, |f| f.write(offset, len as u64, &mut slack, fill))
            .ok_or(Errno::Badf)??;
        self.touch_modified(ino);
        Ok(())
    }

    pub fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<()> {
        self.write_with(ino, offset, data.len(), |done, dst| {
            let at = done as usize;
            dst.copy_from_slice(&data[at..at + dst.len()]);
            Ok(())
        })
    }

    /// The whole contents of a file, as a copy (`EFBIG` if it cannot be
    /// addressed in memory).
    pub fn contents(&self, ino: Ino) -> Result<Vec<u8>> {
        if self.ext_node(ino).is_some() {
            let mut v = Vec::new();
            self.chunks(ino, |_, bytes| v.extend_from_slice(bytes))?;
            return Ok(v);
        }
        let f = self.file(ino)?;
        let size = usize::try_from(f.size).map_err(|_| Errno::Fbig)?;
        if size > isize::MAX as usize {
            return Err(Errno::Fbig);
        }
        let mut v = vec![0; size];
        f.copy_out(&mut v);
        Ok(v)
    }

    /// Calls `f(offset, bytes)` for each stored piece of a file, in order;
    /// returns its size (what is not covered reads as zeros).
    pub fn chunks(&self, ino: Ino, mut f: impl FnMut(u64, &[u8])) -> Result<u64> {
        if let Some(n) = self.ext_node(ino) {
            return self.ext_chunks(n, &mut f);
        }
        let file = self.file(ino)?;
        file.for_each_chunk(f);
        Ok(file.size)
    }

    pub fn set_size(&mut self, ino: Ino, size: u64) -> Result<()> {
        if size > self.limits.max_file_size || size > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        if let Some(n) = self.ext_node(ino) {
            return self.ext_set_size(n, size);
        }
        self.file(ino)?;
        self.with_file(ino, |f| f.set_size(size));
        self.touch_modified(ino);
        Ok(())
    }

    /// Preallocation (`posix_fallocate`): the file grows to at least
    /// `offset + len`, and the range is stored, so it counts against
    /// `max_bytes` now (`ENOSPC`) and later writes into it cannot fail.
    pub fn allocate(&mut self, ino: Ino, offset: u64, len: u64) -> Result<()> {
        if let Some(n) = self.ext_node(ino) {
            // No preallocation on a provider: the file grows to cover the range.
            let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
            if end > self.ext_stat(n)?.size {
                return self.ext_set_size(n, end);
            }
            return Ok(());
        }
        let growth = self.write_growth(ino, offset, len)?;
        self.reserve_ahead(growth);
        let mut slack = self.spare_slack();
        let grew = self
            .with_file(ino, |f| {
                let before = f.size;
                // Existing bytes stay; new ones are zeros.
                f.write(offset, len, &mut slack, |_, _| Ok(()))?;
                f.size = f.size.max(offset + len);
                Ok(f.size > before)
            })
            .ok_or(Errno::Badf)??;
        if grew {
            self.touch_modified(ino);
        }
        Ok(())
    }

    /// A mounted node that cannot be stat'ed (gone from the host) is 0.
    pub fn size(&self, ino: Ino) -> u64 {
        if let Some(n) = self.ext_node(ino) {
            return self.ext_size(n).unwrap_or(0);
        }
        self.inode(ino).size()
    }

    // ---- directories ----

    fn dir(&self, ino: Ino) -> Result<&Dir> {
        match &self.inode(ino).node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Dir> {
        match &mut self.inode_mut(ino).node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// The entry `name` in directory `dir`.
    pub fn child(&self, dir: Ino, name: &str) -> Result<Option<Ino>> {
        if let Some(n) = self.ext_node(dir) {
            return self.ext_child(dir, n, name);
        }
        Ok(self.dir(dir)?.get(name))
    }

    pub fn parent(&self, dir: Ino) -> Result<Ino> {
        if let Some(n) = self.ext_node(dir) {
            return match n.kind {
                Kind::Dir => Ok(n.parent),
                _ => Err(Errno::Notdir),
            };
        }
        Ok(self.dir(dir)?.parent)
    }

    /// `ENOTDIR` unless `ino` is a directory (of either kind).
    fn check_dir(&self, ino: Ino) -> Result<()> {
        if self.kind(ino) == Kind::Dir {
            Ok(())
        } else {
            Err(Errno::Notdir)
        }
    }

    /// Lists `dir` from `cookie`, calling `f` until it returns false.
    /// Cookies 0 and 1 are `.` and `..`; later ones are entry sequence + 2.
    pub fn readdir(
        &self,
        dir: Ino,
        cookie: u64,
        mut f: impl FnMut(DirEntry<'_>) -> bool,
    ) -> Result<()> {
        if let Some(n) = self.ext_node(dir) {
            return self.ext_readdir(dir, n, cookie, &mut f);
        }
        let d = self.dir(dir)?;
        if cookie == 0
            && !f(DirEntry {
                next: 1,
                ino: dir,
                kind: Kind::Dir,
                name: ".",
            })
        {
            return Ok(());
        }
        if cookie <= 1 {
            let parent = if self.inode(dir).nlink == 0 {
                dir
            } else {
                d.parent
            };
            if !f(DirEntry {
                next: 2,
                ino: parent,
                kind: Kind::Dir,
                name: "..",
            }) {
                return Ok(());
            }
        }
        for (seq, name, ino) in d.iter_from(cookie.saturating_sub(2)) {
            let e = DirEntry {
                next: seq + 3,
                ino,
                kind: self.kind(ino),
                name,
            };
            if !f(e) {
                break;
            }
        }
        Ok(())
    }

    /// Names in a directory, in creation order.
    pub fn list(&self, dir: Ino) -> Result<Vec<String>> {
        if self.ext_node(dir).is_some() {
            let mut names = Vec::new();
            self.readdir(dir, 2, |e| {
                names.push(e.name.to_string());
                true
            })?;
            return Ok(names);
        }
        Ok(self
            .dir(dir)?
            .iter_from(0)
            .map(|(_, n, _)| n.to_string())
            .collect())
    }

    pub fn readlink_ino(&self, ino: Ino) -> Result<String> {
        if let Some(n) = self.ext_node(ino) {
            return self.ext_readlink(n);
        }
        match &self.inode(ino).node {
            Node::Symlink(t) => Ok(t.clone()),
            _ => Err(Errno::Inval),
        }
    }

    fn link_into(&mut self, dir: Ino, name: &str, ino: Ino) {
        self.dir_mut(dir).expect("dir").insert(name, ino);
        self.touch_modified(dir);
    }

    fn new_node(&mut self, dir: Ino, name: &str, node: Node) -> Result<Ino> {
        if self.inode(dir).nlink == 0 {
            // A removed directory takes no new entries.
            return Err(Errno::Noent);
        }
        let is_dir = matches!(node, Node::Dir(_));
        let ino = self.alloc(node)?;
        if is_dir {
            self.inode_mut(ino).nlink = 2;
            self.inode_mut(dir).nlink += 1;
        }
        self.link_into(dir, name, ino);
        Ok(ino)
    }
}

#[cfg(test)]
mod tests;
