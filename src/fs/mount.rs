//! Mounts: directories of the tree backed by an external [`Provider`] (a
//! host folder, later OPFS or URLs) instead of the MemFs's own inodes.
//!
//! The provider only ever sees one name at a time, relative to a node handle
//! it gave out: never a path, never `.` or `..`. Path resolution, symlink
//! following and the sandbox stay in the core ([`super::Walk`]), so a symlink
//! on a host folder that points outside its mount is refused like any other
//! escape and never followed by the provider.
//!
//! An external node appears in the MemFs as a *proxy inode* numbered from
//! [`EXT_BASE`] up: mount, provider handle, kind and parent directory. The
//! proxy is made on lookup and kept while a descriptor holds it or while a
//! cached child needs it for `..`; unreferenced ones are swept once the
//! table grows (see `ExtTable::sweep`), and the provider is then told to
//! forget the handle. The proxies live in a `RefCell` because lookups
//! (`&self` in the MemFs) create them.

use super::{Ino, Kind};
use crate::error::{Errno, Result};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Proxy inode numbers start here; the MemFs's own are slab slots + 1.
pub const EXT_BASE: Ino = 1 << 62;

/// Unreferenced proxies kept before a sweep (a cache for repeated lookups).
const SWEEP_AT: usize = 1024;

/// What a provider's `stat` reports (nanosecond times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtStat {
    pub dev: u64,
    pub ino: u64,
    pub kind: Kind,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// One directory entry from a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtEntry {
    pub name: String,
    pub kind: Kind,
    pub ino: u64,
}

/// A filesystem behind a mount. Every call is synchronous; an error is an
/// errno (a provider that cannot answer says `Io`). `Errno::WouldBlock` is
/// reserved for a later suspending provider (OPFS under JSPI, fetches).
/// Handles are the provider's own numbers for its nodes; `name` is one
/// path component (no `/`, never `.` or `..`).
pub trait Provider {
    /// The handle of the mounted directory.
    fn root(&self) -> u64;
    /// The entry `name` of directory `dir`: its handle and kind, or `None`.
    fn lookup(&self, dir: u64, name: &str) -> Result<Option<(u64, Kind)>>;
    fn stat(&self, h: u64) -> Result<ExtStat>;
    /// The size alone (every read asks for it): a provider may answer it
    /// more cheaply than a whole `stat`.
    fn size(&self, h: u64) -> Result<u64> {
        self.stat(h).map(|s| s.size)
    }
    fn readlink(&self, h: u64) -> Result<String>;
    /// A descriptor opened file or directory `h` (the provider may open a
    /// host file now); every `open` gets one `close`.
    fn open(&self, h: u64) -> Result<()>;
    fn close(&self, h: u64);
    /// A descriptor is about to be opened on file or directory `h` to read
    /// and/or write: refuse it now (the host's `EACCES`, say) rather than
    /// at the first read, write or listing, as an `open` on the host would.
    fn check_open(&self, h: u64, read: bool, write: bool) -> Result<()> {
        let _ = (h, read, write);
        Ok(())
    }
    /// The core holds no more references to `h`.
    fn forget(&self, h: u64);
    /// Up to `len` bytes at `offset` (fewer only at the end of the file).
    fn read(&self, h: u64, offset: u64, len: u64) -> Result<Vec<u8>>;
    fn write(&self, h: u64, offset: u64, data: &[u8]) -> Result<()>;
    fn truncate(&self, h: u64, size: u64) -> Result<()>;
    fn readdir(&self, h: u64) -> Result<Vec<ExtEntry>>;
    /// Creates (or with `exclusive` false, opens) regular file `name`.
    fn create(&self, dir: u64, name: &str, exclusive: bool) -> Result<u64>;
    fn mkdir(&self, dir: u64, name: &str) -> Result<()>;
    fn unlink(&self, dir: u64, name: &str) -> Result<()>;
    fn rmdir(&self, dir: u64, name: &str) -> Result<()>;
    fn rename(&self, dir: u64, name: &str, to_dir: u64, to_name: &str) -> Result<()>;
    fn symlink(&self, dir: u64, name: &str, target: &str) -> Result<()>;
    fn link(&self, h: u64, dir: u64, name: &str) -> Result<()>;
    /// `None` keeps a time.
    fn set_times(&self, h: u64, atim: Option<u64>, mtim: Option<u64>) -> Result<()>;
}

/// A proxy inode.
#[derive(Clone, Copy, Debug)]
pub struct ExtNode {
    pub mount: u32,
    pub handle: u64,
    pub kind: Kind,
    /// The directory holding it (a MemFs inode for a mount's root).
    pub parent: Ino,
    pub open: u32,
    /// Cached proxies whose `parent` this is.
    pub children: u32,
    pub root: bool,
}

/// A directory's listing, by (mount, handle); removed entries are `None`.
pub type Listing = ((u32, u64), Vec<Option<ExtEntry>>);

/// The proxies of one MemFs, and its providers (mount id = index + 1).
#[derive(Default)]
pub struct ExtTable {
    pub providers: Vec<Rc<dyn Provider>>,
    nodes: HashMap<Ino, ExtNode>,
    by_handle: HashMap<(u32, u64), Ino>,
    next: Ino,
    /// Sweep when this many proxies exist.
    sweep_at: usize,
    /// Per mount: refuse every change (`EPERM`).
    pub read_only: Vec<bool>,
    /// Directories met as intermediate path components, by (mount, parent
    /// handle, name): later walks through them skip the provider's lookup
    /// (see `MemFs::ext_dir_child`). Every change made through the core
    /// drops the names it touches.
    pub dirs: HashMap<(u32, u64, String), Ino>,
    /// The last listing of a mounted directory (by mount and handle), which
    /// later cookies resume. Entries removed through the core meanwhile are
    /// `None` (so cookies keep their place) and ones made are appended.
    pub listing: Option<Listing>,
    /// The file `create` just made, until the operation ends: its open
    /// needs no `check_open` (the provider made it for reading and
    /// writing). Asking would also let a provider that must wait fail the
    /// call after the file exists, and the retried call then find it and
    /// answer `EEXIST` for an exclusive create.
    fresh: Option<Ino>,
}

impl ExtTable {
    pub fn provider(&self, mount: u32) -> Rc<dyn Provider> {
        self.providers[mount as usize - 1].clone()
    }

    pub fn get(&self, ino: Ino) -> Option<ExtNode> {
        self.nodes.get(&ino).copied()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a provider; returns the proxy inode of its root.
    pub fn add_mount(&mut self, provider: Rc<dyn Provider>, parent: Ino) -> Ino {
        let root = provider.root();
        self.providers.push(provider);
        let mount = self.providers.len() as u32;
        let ino = self.intern(mount, root, Kind::Dir, parent);
        self.nodes.get_mut(&ino).expect("interned").root = true;
        ino
    }

    /// The proxy for `(mount, handle)`, made if needed; its kind is
    /// refreshed (the host may have replaced the node).
    pub fn intern(&mut self, mount: u32, handle: u64, kind: Kind, parent: Ino) -> Ino {
        if let Some(&ino) = self.by_handle.get(&(mount, handle)) {
            let node = self.nodes.get_mut(&ino).expect("indexed proxy");
            node.kind = kind;
            return ino;
        }
        if self.next == 0 {
            self.next = EXT_BASE;
        }
        let ino = self.next;
        self.next += 1;
        self.nodes.insert(
            ino,
            ExtNode {
                mount,
                handle,
                kind,
                parent,
                open: 0,
                children: 0,
                root: false,
            },
        );
        self.by_handle.insert((mount, handle), ino);
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.children += 1;
        }
        ino
    }

    pub fn node_mut(&mut self, ino: Ino) -> Option<&mut ExtNode> {
        self.nodes.get_mut(&ino)
    }

    /// Moves a cached directory proxy under `parent` (after a rename).
    pub fn reparent(&mut self, ino: Ino, parent: Ino) {
        let Some(old) = self.nodes.get(&ino).map(|n| n.parent) else {
            return;
        };
        if old == parent {
            return;
        }
        if let Some(p) = self.nodes.get_mut(&old) {
            p.children -= 1;
        }
        if let Some(p) = self.nodes.get_mut(&parent) {
            p.children += 1;
        }
        self.nodes.get_mut(&ino).expect("proxy").parent = parent;
    }

    /// Frees the proxies nothing holds (no descriptor, no cached child,
    /// not a mount root), leaves first, once the table has grown past its
    /// threshold. Call only between operations: a walk in progress holds
    /// proxies that nothing else does.
    pub fn sweep(&mut self) {
        if self.nodes.len() < self.sweep_at.max(SWEEP_AT) {
            return;
        }
        loop {
            let gone: Vec<Ino> = self
                .nodes
                .iter()
                .filter(|(_, n)| n.open == 0 && n.children == 0 && !n.root)
                .map(|(&ino, _)| ino)
                .collect();
            if gone.is_empty() {
                break;
            }
            for ino in gone {
                let n = self.nodes.remove(&ino).expect("proxy");
                self.by_handle.remove(&(n.mount, n.handle));
                if let Some(p) = self.nodes.get_mut(&n.parent) {
                    p.children -= 1;
                }
                self.provider(n.mount).forget(n.handle);
            }
        }
        let nodes = &self.nodes;
        self.dirs.retain(|_, ino| nodes.contains_key(ino));
        self.sweep_at = self.nodes.len() * 2;
    }

    /// Checks the proxies' bookkeeping; for `check_invariants`.
    pub fn check(&self) -> std::result::Result<(), String> {
        let mut children: HashMap<Ino, u32> = HashMap::new();
        for (&ino, n) in &self.nodes {
            if self.by_handle.get(&(n.mount, n.handle)) != Some(&ino) {
                return Err(format!("proxy {ino}: handle index disagrees"));
            }
            if n.parent >= EXT_BASE {
                if !self.nodes.contains_key(&n.parent) {
                    return Err(format!("proxy {ino}: parent {} is gone", n.parent));
                }
                *children.entry(n.parent).or_default() += 1;
            } else if !n.root {
                return Err(format!("proxy {ino}: not a root but held by a MemFs dir"));
            }
        }
        for (&ino, n) in &self.nodes {
            let want = children.get(&ino).copied().unwrap_or(0);
            if n.children != want {
                return Err(format!("proxy {ino}: {} children but {want}", n.children));
            }
        }
        if self.by_handle.len() != self.nodes.len() {
            return Err("handle index has stale entries".into());
        }
        Ok(())
    }
}

impl Drop for ExtTable {
    /// A filesystem closed or dropped with files still open: the providers
    /// close what they hold (host file descriptors).
    fn drop(&mut self) {
        for n in self.nodes.values() {
            let p = self.providers[n.mount as usize - 1].clone();
            if n.open > 0 {
                p.close(n.handle);
            }
            p.forget(n.handle);
        }
    }
}

/// The MemFs's proxies.
pub type Ext = RefCell<ExtTable>;

/// Checks a name a provider returned in a listing: one component.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= super::MAX_NAME
        && !name.contains('/')
        && !name.contains('\0')
}

/// The errno for an error code a provider reports by name (node-style).
pub fn errno_of(code: &str) -> Errno {
    use Errno::*;
    match code {
        "E2BIG" => TooBig,
        "EACCES" => Acces,
        "EAGAIN" | "EWOULDBLOCK" => Again,
        "EBADF" => Badf,
        "EBUSY" => Busy,
        "EEXIST" => Exist,
        "EFBIG" => Fbig,
        "EILSEQ" => Ilseq,
        "EINVAL" => Inval,
        "EISDIR" => Isdir,
        "ELOOP" => Loop,
        "EMFILE" => Mfile,
        "EMLINK" => Mlink,
        "ENAMETOOLONG" => Nametoolong,
        "ENFILE" => Nfile,
        "ENOENT" => Noent,
        "ENOMEM" => Nomem,
        "ENOSPC" => Nospc,
        "ENOSYS" => Nosys,
        "ENOTDIR" => Notdir,
        "ENOTEMPTY" => Notempty,
        "ENOTSUP" | "EOPNOTSUPP" => Notsup,
        "EOVERFLOW" => Overflow,
        "EPERM" => Perm,
        // The core has no EROFS: a read-only mount answers EPERM, as a
        // read-only wasmtime preopen does.
        "EROFS" => Perm,
        "EXDEV" => Xdev,
        _ => Io,
    }
}

use super::{DirEntry, MemFs, SetTime, Stat, Walk, MAX_FILE_SIZE};

/// Bytes one provider read asks for when the JS API reads a whole file.
const READ_PIECE: u64 = 1 << 20;

impl MemFs {
    /// Mounts `provider` at `path` (a new name, or an empty directory of
    /// the MemFs's own that nothing has open). With `read_only`, every
    /// change under it is refused with `EPERM`, as wasmtime refuses it for
    /// a read-only preopen. Returns the mount's root inode.
    pub fn mount(
        &mut self,
        walk: Walk,
        start: Ino,
        path: &str,
        provider: Rc<dyn Provider>,
        read_only: bool,
    ) -> Result<Ino> {
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() {
            return Err(Errno::Busy);
        }
        if self.ext_node(p.dir).is_some() {
            // Mounts nest only in the MemFs's own directories.
            return Err(Errno::Notsup);
        }
        if let Some(ino) = self.child(p.dir, p.name)? {
            if self.ext_node(ino).is_some() {
                return Err(Errno::Busy);
            }
            if self.kind(ino) != Kind::Dir {
                return Err(Errno::Notdir);
            }
            if self.inode(ino).open > 0 {
                return Err(Errno::Busy);
            }
            self.rmdir(walk, start, path)?;
        }
        if self.inode(p.dir).nlink == 0 {
            return Err(Errno::Noent);
        }
        let root = {
            let mut ext = self.ext.borrow_mut();
            let root = ext.add_mount(provider, p.dir);
            ext.read_only.push(read_only);
            root
        };
        self.inode_mut(p.dir).nlink += 1;
        let dir = p.dir;
        let name = p.name.to_string();
        self.link_into(dir, &name, root);
        Ok(root)
    }

    /// The proxy of a mounted node; `None` for the MemFs's own inodes.
    pub(super) fn ext_node(&self, ino: Ino) -> Option<ExtNode> {
        if ino < EXT_BASE {
            return None;
        }
        self.ext.borrow().get(ino)
    }

    /// 0 for the MemFs's own inodes, else the mount's number.
    pub(super) fn mount_of(&self, ino: Ino) -> u32 {
        self.ext_node(ino).map_or(0, |n| n.mount)
    }

    pub(super) fn read_only(&self, ino: Ino) -> bool {
        self.ext_node(ino)
            .is_some_and(|n| self.ext.borrow().read_only[n.mount as usize - 1])
    }

    fn provider(&self, n: ExtNode) -> Rc<dyn Provider> {
        self.ext.borrow().provider(n.mount)
    }

    /// `EPERM` on a read-only mount.
    fn writable(&self, n: ExtNode) -> Result<Rc<dyn Provider>> {
        if self.ext.borrow().read_only[n.mount as usize - 1] {
            return Err(Errno::Perm);
        }
        Ok(self.provider(n))
    }

    /// Frees the proxies nothing holds, once there are many. Call between
    /// operations only (see `ExtTable::sweep`).
    pub fn sweep_ext(&self) {
        let mut ext = self.ext.borrow_mut();
        ext.fresh = None;
        if ext.len() >= SWEEP_AT {
            ext.sweep();
        }
    }

    /// Number of proxy inodes (tests).
    pub fn ext_count(&self) -> usize {
        self.ext.borrow().len()
    }

    pub(super) fn ext_retain(&mut self, ino: Ino) {
        let Some(n) = self.ext.borrow_mut().node_mut(ino).map(|n| {
            n.open += 1;
            *n
        }) else {
            return;
        };
        if n.open == 1 {
            // An error shows again at the first read or write.
            let _ = self.provider(n).open(n.handle);
        }
    }

    /// Asks the provider whether a mounted file or directory can be opened
    /// to read and/or write (nothing to check for the MemFs's own inodes,
    /// a file `create` just made, or on a read-only mount, which `open`
    /// refused already). A directory the host will not open fails here,
    /// as on the host, not at its first listing.
    pub fn check_open(&self, ino: Ino, read: bool, write: bool) -> Result<()> {
        let n = match self.ext_node(ino) {
            Some(n) if n.kind != Kind::Symlink => n,
            _ => return Ok(()),
        };
        if self.ext.borrow_mut().fresh.take() == Some(ino) {
            return Ok(());
        }
        self.provider(n).check_open(n.handle, read, write)
    }

    pub(super) fn ext_release(&mut self, ino: Ino) {
        let Some(n) = self.ext.borrow_mut().node_mut(ino).map(|n| {
            n.open = n.open.saturating_sub(1);
            *n
        }) else {
            return;
        };
        if n.open == 0 {
            self.provider(n).close(n.handle);
        }
        self.sweep_ext();
    }

    pub(super) fn ext_stat(&self, n: ExtNode) -> Result<Stat> {
        let s = self.provider(n).stat(n.handle)?;
        Ok(Stat {
            dev: s.dev,
            ino: s.ino,
            kind: s.kind,
            nlink: s.nlink,
            size: s.size,
            atim: s.atim,
            mtim: s.mtim,
            ctim: s.ctim,
        })
    }

    pub(super) fn ext_size(&self, n: ExtNode) -> Result<u64> {
        self.provider(n).size(n.handle)
    }

    pub(super) fn ext_set_times(&self, n: ExtNode, atim: SetTime, mtim: SetTime) -> Result<()> {
        let p = self.writable(n)?;
        let now = self.clock.now();
        let at = |t: SetTime| match t {
            SetTime::Keep => None,
            SetTime::Now => Some(now),
            SetTime::At(t) => Some(t),
        };
        p.set_times(n.handle, at(atim), at(mtim))
    }

    fn file_node(n: ExtNode) -> Result<()> {
        match n.kind {
            Kind::File => Ok(()),
            Kind::Dir => Err(Errno::Isdir),
            Kind::Symlink => Err(Errno::Inval),
        }
    }

    /// `len` bytes at `offset` (the caller took `len` from the size): a
    /// provider that returns more is broken (`EIO`), and fewer means the
    /// file shrank meanwhile, which is `EIO` too rather than made-up zeros.
    pub(super) fn ext_read(
        &self,
        n: ExtNode,
        offset: u64,
        len: u64,
        sink: &mut dyn FnMut(&[u8], u64) -> Result<()>,
    ) -> Result<u64> {
        Self::file_node(n)?;
        if len == 0 {
            return Ok(0);
        }
        let data = self.provider(n).read(n.handle, offset, len)?;
        if data.len() as u64 != len {
            return Err(Errno::Io);
        }
        sink(&data, 0)?;
        Ok(len)
    }

    /// For a mounted file: up to `max` bytes at `offset`, read now (fewer
    /// only at the end of the file), so a read costs one provider call
    /// rather than a size and a read. `None` for the MemFs's own inodes
    /// (their reads go through `size` and `read_with`).
    pub fn read_mounted(&self, ino: Ino, offset: u64, max: u64) -> Option<Result<Vec<u8>>> {
        let n = self.ext_node(ino)?;
        Some(Self::file_node(n).and_then(|()| {
            if max == 0 {
                return Ok(Vec::new());
            }
            self.provider(n).read(n.handle, offset, max)
        }))
    }

    pub(super) fn ext_write(
        &self,
        n: ExtNode,
        offset: u64,
        len: usize,
        fill: &mut dyn FnMut(u64, &mut [u8]) -> Result<()>,
    ) -> Result<()> {
        Self::file_node(n)?;
        let p = self.writable(n)?;
        let end = offset.checked_add(len as u64).ok_or(Errno::Fbig)?;
        if end > MAX_FILE_SIZE || end > self.limits.max_file_size {
            return Err(Errno::Fbig);
        }
        if len == 0 {
            return Ok(());
        }
        let mut buf = Vec::new();
        buf.try_reserve_exact(len).map_err(|_| Errno::Nomem)?;
        buf.resize(len, 0);
        let piece = super::file::CHUNK as usize;
        let mut done = 0;
        while done < len {
            let stop = len.min(done + piece);
            fill(done as u64, &mut buf[done..stop])?;
            done = stop;
        }
        p.write(n.handle, offset, &buf)
    }

    /// The whole file, for the JS API, up to the size it has now.
    pub(super) fn ext_chunks(&self, n: ExtNode, f: &mut dyn FnMut(u64, &[u8])) -> Result<u64> {
        Self::file_node(n)?;
        let p = self.provider(n);
        let size = p.stat(n.handle)?.size;
        let mut at = 0;
        while at < size {
            let want = READ_PIECE.min(size - at);
            let data = p.read(n.handle, at, want)?;
            if data.len() as u64 != want {
                return Err(Errno::Io);
            }
            f(at, &data);
            at += want;
        }
        Ok(size)
    }

    pub(super) fn ext_set_size(&self, n: ExtNode, size: u64) -> Result<()> {
        Self::file_node(n)?;
        self.writable(n)?.truncate(n.handle, size)
    }

    pub(super) fn ext_readlink(&self, n: ExtNode) -> Result<String> {
        if n.kind != Kind::Symlink {
            return Err(Errno::Inval);
        }
        let t = self.provider(n).readlink(n.handle)?;
        if t.is_empty() || t.contains('\0') {
            return Err(Errno::Io);
        }
        Ok(t)
    }

    /// Entry `name` of mounted directory `dir`, as a proxy inode.
    pub(super) fn ext_child(&self, dir: Ino, n: ExtNode, name: &str) -> Result<Option<Ino>> {
        if n.kind != Kind::Dir {
            return Err(Errno::Notdir);
        }
        if !valid_name(name) {
            return if name.len() > super::MAX_NAME {
                Err(Errno::Nametoolong)
            } else {
                Err(Errno::Inval)
            };
        }
        let Some((h, kind)) = self.provider(n).lookup(n.handle, name)? else {
            return Ok(None);
        };
        Ok(Some(self.ext.borrow_mut().intern(n.mount, h, kind, dir)))
    }

    pub(super) fn ext_readdir(
        &self,
        dir: Ino,
        n: ExtNode,
        cookie: u64,
        f: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> Result<()> {
        if n.kind != Kind::Dir {
            return Err(Errno::Notdir);
        }
        let p = self.provider(n);
        let key = (n.mount, n.handle);
        // Listed anew at the start; a later cookie resumes the same list.
        let cached = match &self.ext.borrow().listing {
            Some((k, list)) if *k == key && cookie > 2 => Some(list.clone()),
            _ => None,
        };
        let list = match cached {
            Some(l) => l,
            None => {
                let mut l = p.readdir(n.handle)?;
                l.retain(|e| valid_name(&e.name));
                let l: Vec<Option<ExtEntry>> = l.into_iter().map(Some).collect();
                self.ext.borrow_mut().listing = Some((key, l.clone()));
                l
            }
        };
        let _ = dir;
        if cookie == 0 {
            let ino = p.stat(n.handle).map_or(0, |s| s.ino);
            if !f(DirEntry {
                next: 1,
                ino,
                kind: Kind::Dir,
                name: ".",
            }) {
                return Ok(());
            }
        }
        if cookie <= 1 {
            let ino = match self.ext_node(n.parent) {
                Some(up) => self.provider(up).stat(up.handle).map_or(0, |s| s.ino),
                None => n.parent,
            };
            if !f(DirEntry {
                next: 2,
                ino,
                kind: Kind::Dir,
                name: "..",
            }) {
                return Ok(());
            }
        }
        let from = cookie.saturating_sub(2) as usize;
        for (i, e) in list.iter().enumerate().skip(from) {
            let Some(e) = e else { continue };
            if !f(DirEntry {
                next: i as u64 + 3,
                ino: e.ino,
                kind: e.kind,
                name: &e.name,
            }) {
                break;
            }
        }
        Ok(())
    }

    /// An intermediate directory `name` of mounted directory `dir`: from
    /// the cache of directories walked through, else looked up (and
    /// cached if it is a directory). The host resolves the provider's
    /// paths again on every call, so a cached directory can only be stale
    /// in kind, if a host process replaces it meanwhile; what the program
    /// changes through the core drops the cached names first.
    pub(super) fn ext_dir_child(&self, dir: Ino, n: ExtNode, name: &str) -> Result<Option<Ino>> {
        let key = (n.mount, n.handle, name.to_string());
        let hit = self.ext.borrow().dirs.get(&key).copied();
        if let Some(ino) = hit {
            if self.ext_node(ino).is_some_and(|c| c.kind == Kind::Dir) {
                return Ok(Some(ino));
            }
        }
        let found = self.ext_child(dir, n, name)?;
        if let Some(ino) = found {
            if self.kind(ino) == Kind::Dir {
                self.ext.borrow_mut().dirs.insert(key, ino);
            }
        }
        Ok(found)
    }

    /// Keeps a cached listing of `dir` in step with a change made through
    /// the core: `name` removed, or added as `kind`; and drops `name` from
    /// the directories walked through.
    fn listing_update(&self, dir: ExtNode, name: &str, added: Option<Kind>) {
        let mut ext = self.ext.borrow_mut();
        ext.dirs.remove(&(dir.mount, dir.handle, name.to_string()));
        let Some((key, list)) = &mut ext.listing else {
            return;
        };
        if *key != (dir.mount, dir.handle) {
            return;
        }
        let present = list
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.name == name));
        match (added, present) {
            (None, Some(i)) => list[i] = None,
            (Some(kind), None) => list.push(Some(ExtEntry {
                name: name.to_string(),
                kind,
                ino: 0,
            })),
            _ => {}
        }
    }

    pub(super) fn ext_create(
        &self,
        dir: Ino,
        n: ExtNode,
        name: &str,
        exclusive: bool,
    ) -> Result<Ino> {
        let h = self.writable(n)?.create(n.handle, name, exclusive)?;
        self.listing_update(n, name, Some(Kind::File));
        let mut ext = self.ext.borrow_mut();
        let ino = ext.intern(n.mount, h, Kind::File, dir);
        ext.fresh = Some(ino);
        Ok(ino)
    }

    /// The node a `mkdir` or `symlink` just made. The change is done, so
    /// the operation succeeds even if the provider cannot answer the
    /// lookup now (a provider that must wait: failing would have the
    /// retried call find the name and answer `EEXIST`); the parent stands
    /// in then, which every caller drops (they only report success).
    fn made(&self, dir: Ino, n: ExtNode, name: &str) -> Ino {
        match self.ext_child(dir, n, name) {
            Ok(Some(ino)) => ino,
            _ => dir,
        }
    }

    pub(super) fn ext_mkdir(&self, dir: Ino, n: ExtNode, name: &str) -> Result<Ino> {
        self.writable(n)?.mkdir(n.handle, name)?;
        self.listing_update(n, name, Some(Kind::Dir));
        Ok(self.made(dir, n, name))
    }

    pub(super) fn ext_rmdir(&self, n: ExtNode, name: &str) -> Result<()> {
        self.writable(n)?.rmdir(n.handle, name)?;
        self.listing_update(n, name, None);
        Ok(())
    }

    pub(super) fn ext_unlink(&self, n: ExtNode, name: &str) -> Result<()> {
        self.writable(n)?.unlink(n.handle, name)?;
        self.listing_update(n, name, None);
        Ok(())
    }

    pub(super) fn ext_symlink(
        &self,
        dir: Ino,
        n: ExtNode,
        name: &str,
        target: &str,
    ) -> Result<Ino> {
        self.writable(n)?.symlink(n.handle, name, target)?;
        self.listing_update(n, name, Some(Kind::Symlink));
        Ok(self.made(dir, n, name))
    }

    pub(super) fn ext_link(&self, ino: Ino, dir: ExtNode, name: &str) -> Result<()> {
        let src = self.ext_node(ino).ok_or(Errno::Xdev)?;
        self.writable(dir)?.link(src.handle, dir.handle, name)?;
        self.listing_update(dir, name, Some(Kind::File));
        Ok(())
    }

    pub(super) fn ext_rename(
        &self,
        from: ExtNode,
        name: &str,
        src: Ino,
        to_dir: Ino,
        to_name: &str,
    ) -> Result<()> {
        let to = self.ext_node(to_dir).ok_or(Errno::Xdev)?;
        self.writable(from)?
            .rename(from.handle, name, to.handle, to_name)?;
        let kind = self.kind(src);
        self.listing_update(from, name, None);
        self.listing_update(to, to_name, Some(kind));
        // The provider keeps the handle for the moved node: `..` of a
        // moved directory is now `to_dir`.
        self.ext.borrow_mut().reparent(src, to_dir);
        Ok(())
    }
}

#[cfg(test)]
#[path = "mount_tests.rs"]
mod tests;
