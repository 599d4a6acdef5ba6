//! Resource limits that need more than one inode's view, and a consistency
//! check of the whole filesystem for tests and fuzzing.
//!
//! The per-call limits live where the change happens (`write_with`,
//! `set_size`, `allocate`, `alloc`, path resolution); this module adds the
//! checks a caller makes *before* a multi-part change, so the change either
//! happens whole or leaves no trace.

use super::file::FileData;
use super::node::Node;
use super::{Ino, Kind, MemFs, OpenOptions, Walk, MAX_FILE_SIZE, MAX_NAME};
use crate::error::{Errno, Result};

impl MemFs {
    /// A test seam: when `armed` answers true, the next `mkdir` panics,
    /// with the filesystem borrowed (mid-syscall when a guest calls
    /// `path_create_directory`). It exists to test that the bindings survive
    /// a core panic: they keep the flag and give this function to every
    /// MemFs they make, and only the embedder can arm it
    /// (`MemFsCore.armPanicForTests()` from JS); no guest call reaches it.
    /// Only a build with the `test-seams` feature has it (the tests' core,
    /// `scripts/build.sh`).
    #[cfg(feature = "test-seams")]
    pub fn set_test_panic_seam(&mut self, armed: fn() -> bool) {
        self.test_seam = Some(armed);
    }

    #[inline]
    pub(super) fn test_panic_seam(&self) {
        #[cfg(feature = "test-seams")]
        if self.test_seam.is_some_and(|armed| armed()) {
            panic!("deliberate test panic in mkdir (armed by the embedder)");
        }
    }

    /// What `ino`'s data counts against `max_bytes` (holes excluded).
    fn stored(&self, ino: Ino) -> Result<u64> {
        Ok(self.file(ino)?.charged())
    }

    /// Whether writing `len` bytes at `offset` of file `ino` would be within
    /// the limits (`EFBIG` for the file size, `ENOSPC` for the whole
    /// filesystem). Nothing changes. A caller that writes in several pieces
    /// (an iovec list) checks the whole range first, so the write is all or
    /// nothing.
    pub fn check_write(&self, ino: Ino, offset: u64, len: u64) -> Result<()> {
        self.write_growth(ino, offset, len).map(drop)
    }

    /// [`check_write`](Self::check_write), returning how much the write
    /// adds to `usage().1`.
    pub(super) fn write_growth(&self, ino: Ino, offset: u64, len: u64) -> Result<u64> {
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        if end > self.limits.max_file_size || end > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let grow = self.file(ino)?.growth(offset, end);
        if self.bytes.saturating_add(grow) > self.limits.max_bytes {
            return Err(Errno::Nospc);
        }
        Ok(grow)
    }

    /// Creates or replaces the file at `path` with `data`, all or nothing: the
    /// limits are checked before an existing file is truncated.
    pub fn write_file(&mut self, walk: Walk, start: Ino, path: &str, data: &[u8]) -> Result<Ino> {
        self.write_file_with(walk, start, path, data.len() as u64, |done, dst| {
            let at = done as usize;
            dst.copy_from_slice(&data[at..at + dst.len()]);
            Ok(())
        })
    }

    /// [`write_file`](Self::write_file) with the bytes copied in by
    /// `fill(done, piece)`, chunk by chunk (from JS memory, with no copy of
    /// the whole in the core).
    pub fn write_file_with(
        &mut self,
        walk: Walk,
        start: Ino,
        path: &str,
        len: u64,
        fill: impl FnMut(u64, &mut [u8]) -> Result<()>,
    ) -> Result<Ino> {
        if len > self.limits.max_file_size || len > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let freed = match self.lookup(walk, start, path, true) {
            Ok(ino) if ino >= super::EXT_BASE => 0,
            Ok(ino) if self.kind(ino) == Kind::File => self.stored(ino)?,
            _ => 0,
        };
        let need = FileData::default().growth(0, len);
        if (self.bytes - freed).saturating_add(need) > self.limits.max_bytes {
            return Err(Errno::Nospc);
        }
        let o = OpenOptions {
            follow: true,
            create: true,
            truncate: true,
            write: true,
            ..Default::default()
        };
        let ino = self.open(walk, start, path, o)?;
        self.write_with(ino, 0, len as usize, fill)?;
        if ino < super::EXT_BASE && self.inode(ino).open == 0 {
            // No descriptor will append: keep no room for it.
            self.with_file(ino, |f| f.trim());
        }
        Ok(ino)
    }

    /// Checks that the filesystem is consistent; the first problem found is
    /// the error. For tests and fuzzing: O(inodes + entries).
    ///
    /// - the slab: `live` counts the live slots, the free list names exactly
    ///   the empty ones, `bytes` and `capacity` are the sums of the files'
    ///   charges and chunk capacities, each file's chunks agree with them;
    /// - every directory entry names a live inode with a valid name, and the
    ///   name index agrees with the ordered entries;
    /// - `nlink` of a file or symlink is the number of entries naming it; a
    ///   linked directory has exactly one entry, `parent` is the directory
    ///   holding it, and `nlink` = 2 + its subdirectories;
    /// - everything linked is reachable from the root (no cycles, no islands);
    /// - an inode nothing names is still open (else it leaked);
    /// - a file stores no more bytes than its size.
    pub fn check_invariants(&self) -> std::result::Result<(), String> {
        let root = self.root();
        let mut live = 0u64;
        let mut bytes = 0u64;
        let mut capacity = 0u64;
        // Per slot: entries naming the inode, for a directory the one
        // holding it (0: none; inode numbers start at 1), and subdirectories.
        let n = self.inodes.len();
        let at = |ino: Ino| ino as usize - 1;
        let mut names = vec![0u64; n];
        let mut holder: Vec<Ino> = vec![0; n];
        let mut held = 0usize;
        let mut subdirs = vec![0u64; n];
        for (slot, i) in self.inodes.iter().enumerate() {
            let Some(i) = i else { continue };
            let ino = slot as Ino + 1;
            live += 1;
            match &i.node {
                Node::File(f) => {
                    bytes += f.charged();
                    capacity += f.capacity();
                    f.check().map_err(|e| format!("inode {ino}: {e}"))?;
                }
                Node::Symlink(t) => {
                    if t.is_empty() || t.len() > self.limits.max_path {
                        return Err(format!(
                            "inode {ino}: bad symlink target length {}",
                            t.len()
                        ));
                    }
                }
                Node::Dir(d) => {
                    let mut n = 0usize;
                    for (_, name, child) in d.iter_from(0) {
                        n += 1;
                        if name.is_empty()
                            || name == "."
                            || name == ".."
                            || name.len() > MAX_NAME
                            || name.contains('/')
                            || name.contains('\0')
                        {
                            return Err(format!("dir {ino}: bad entry name '{name}'"));
                        }
                        if d.get(name) != Some(child) {
                            return Err(format!("dir {ino}: name index disagrees for '{name}'"));
                        }
                        if child >= super::EXT_BASE {
                            // A mount's root: a subdirectory held here.
                            match self.ext_node(child) {
                                Some(e) if e.parent == ino && e.kind == Kind::Dir => {}
                                _ => return Err(format!("dir {ino}: bad mount '{name}'")),
                            }
                            subdirs[at(ino)] += 1;
                            continue;
                        }
                        let Some(c) = self.try_inode(child) else {
                            return Err(format!(
                                "dir {ino}: entry '{name}' names dead inode {child}"
                            ));
                        };
                        names[at(child)] += 1;
                        if let Node::Dir(_) = c.node {
                            if child == root {
                                return Err(format!("dir {ino}: entry '{name}' names the root"));
                            }
                            if holder[at(child)] != 0 {
                                return Err(format!("dir {child} is linked twice"));
                            }
                            holder[at(child)] = ino;
                            held += 1;
                            subdirs[at(ino)] += 1;
                        }
                    }
                    if n != d.len() {
                        return Err(format!("dir {ino}: len {} but {n} entries", d.len()));
                    }
                }
            }
        }
        if live != self.live {
            return Err(format!("live is {} but {live} slots are used", self.live));
        }
        if bytes != self.bytes {
            return Err(format!("bytes is {} but files store {bytes}", self.bytes));
        }
        if capacity != self.capacity {
            return Err(format!(
                "capacity is {} but files hold {capacity}",
                self.capacity
            ));
        }
        let empty = self.inodes.iter().filter(|i| i.is_none()).count();
        let mut listed = vec![false; n];
        for &s in &self.free {
            if self.inodes.get(s).map_or(true, |i| i.is_some()) {
                return Err("free list names a used slot".into());
            }
            if std::mem::replace(&mut listed[s], true) {
                return Err(format!("free list names slot {s} twice"));
            }
        }
        if self.free.len() != empty {
            return Err(format!(
                "free list has {} slots for {empty} empty ones",
                self.free.len()
            ));
        }
        for (slot, i) in self.inodes.iter().enumerate() {
            let Some(i) = i else { continue };
            let ino = slot as Ino + 1;
            let named = names[slot];
            match &i.node {
                Node::Dir(d) if ino == root => {
                    if named != 0 || d.parent != root {
                        return Err("the root is named or has a parent".into());
                    }
                    let want = 2 + subdirs[slot];
                    if i.nlink != want {
                        return Err(format!("root nlink {} != {want}", i.nlink));
                    }
                }
                Node::Dir(d) => match holder[slot] {
                    h if h != 0 => {
                        if d.parent != h {
                            return Err(format!("dir {ino}: parent {} but held by {h}", d.parent));
                        }
                        let want = 2 + subdirs[slot];
                        if i.nlink != want {
                            return Err(format!("dir {ino}: nlink {} != {want}", i.nlink));
                        }
                    }
                    _ => {
                        if i.nlink != 0 || i.open == 0 {
                            return Err(format!(
                                "dir {ino}: unlinked with nlink {} open {}",
                                i.nlink, i.open
                            ));
                        }
                        if !d.is_empty() {
                            return Err(format!("dir {ino}: removed but not empty"));
                        }
                    }
                },
                _ => {
                    if i.nlink != named {
                        return Err(format!("inode {ino}: nlink {} but {named} names", i.nlink));
                    }
                    if named == 0 && i.open == 0 {
                        return Err(format!("inode {ino}: leaked (no name, not open)"));
                    }
                }
            }
        }
        // Reachability: walk down from the root; every held directory must be
        // met exactly once (a cycle would hide directories from it).
        let mut seen = 0usize;
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            seen += 1;
            if seen > self.inodes.len() {
                return Err("directory cycle".into());
            }
            if let Some(Node::Dir(d)) = self.try_inode(dir).map(|i| &i.node) {
                for (_, _, child) in d.iter_from(0) {
                    if child < super::EXT_BASE && self.kind(child) == Kind::Dir {
                        stack.push(child);
                    }
                }
            }
        }
        if seen != held + 1 {
            return Err(format!(
                "{} linked directories but {} reachable from the root",
                held + 1,
                seen
            ));
        }
        self.ext.borrow().check()
    }

    /// Descriptors holding each inode, summed: for leak checks against the
    /// number of descriptors a test knows it has open.
    pub fn open_total(&self) -> u64 {
        self.inodes.iter().flatten().map(|i| i.open as u64).sum()
    }
}

#[cfg(test)]
#[path = "limits_tests.rs"]
mod tests;
