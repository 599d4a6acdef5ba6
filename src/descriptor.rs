//! Descriptors: open files and directories over a shared [`MemFs`].
//!
//! A `Descriptor` is an open file or directory: an inode it keeps alive, the
//! walk its paths resolve in, and its access mode. It has no position; that
//! is Preview 1's business (its fd table). The Preview 2 host keeps these
//! in its resource table, and Preview 1 reaches them through it.

use crate::clocks::WallClock;
use crate::error::{Errno, Result};
use crate::fs::{Ino, Kind, MemFs, OpenOptions, SetTime, Stat, Walk};
use std::cell::{Cell, UnsafeCell};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// A filesystem shared by every program that runs on it.
pub type SharedFs = Rc<FsCell>;

/// One caller's handle on a [`SharedFs`]: what it changes through the
/// handle is stamped with the handle's wall clock. A program's context
/// holds one with the program's clock (virtual in deterministic mode), and
/// its descriptors copies of it; the JS API's has the host's clock. So the
/// clock is chosen per operation, by whoever makes it, and a MemFS shared
/// by a deterministic program and the page gets the right time from each.
#[derive(Clone)]
pub struct FsHandle {
    fs: SharedFs,
    /// `None`: whatever clock the filesystem has (see `From<SharedFs>`).
    clock: Option<Rc<dyn WallClock>>,
}

impl FsHandle {
    /// A new shared filesystem, and a handle on its own clock.
    pub fn new(fs: MemFs) -> Self {
        let clock = fs.clock();
        FsHandle {
            fs: Rc::new(FsCell::new(fs)),
            clock: Some(clock),
        }
    }

    /// A handle on the same filesystem that stamps with `clock`.
    pub fn with_clock(&self, clock: Rc<dyn WallClock>) -> Self {
        FsHandle {
            fs: self.fs.clone(),
            clock: Some(clock),
        }
    }

    /// Whether both handles are on one filesystem.
    pub fn same_fs(&self, other: &FsHandle) -> bool {
        Rc::ptr_eq(&self.fs, &other.fs)
    }

    /// [`FsCell::try_borrow_mut`], with this handle's clock set for the
    /// changes made through the guard.
    pub fn try_borrow_mut(&self) -> Result<FsMut<'_>, Busy> {
        let mut fs = self.fs.try_borrow_mut()?;
        if let Some(clock) = &self.clock {
            fs.set_clock(clock.clone());
        }
        Ok(fs)
    }

    pub fn borrow_mut(&self) -> FsMut<'_> {
        self.try_borrow_mut().expect("MemFs is already borrowed")
    }
}

/// Reads and the rest of [`FsCell`] need no clock.
impl Deref for FsHandle {
    type Target = FsCell;
    fn deref(&self) -> &FsCell {
        &self.fs
    }
}

/// A handle that leaves the filesystem's clock as it is (tests, tools).
impl From<SharedFs> for FsHandle {
    fn from(fs: SharedFs) -> Self {
        FsHandle { fs, clock: None }
    }
}

/// A `RefCell` for the shared filesystem, plus one thing `RefCell` cannot
/// do: forget borrows that a trap abandoned. The core is `panic = "abort"`,
/// so a panic (or a stack overflow) inside it unwinds straight to JS without
/// running the guards' destructors; with a `RefCell` the MemFS would stay
/// "borrowed" for good, and safe Rust has no way back (a stuck `RefCell`
/// can only be dropped, with the files in it). See
/// [`FsCell::release_abandoned`]: its one caller (`bindings::panic::recover`)
/// runs only when `js/recovery.js` knows no call into the core is in
/// progress. Otherwise a second borrow is [`Busy`], an error (the JS API's
/// "EBUSY"), never a second reference.
pub struct FsCell {
    /// 0 free, n > 0 shared borrows, -1 borrowed mutably.
    state: Cell<isize>,
    /// Set by [`FsCell::close`]: the filesystem's contents are gone.
    closed: Cell<bool>,
    value: UnsafeCell<MemFs>,
}

/// The filesystem is in use by a call that has not returned.
#[derive(Debug)]
pub struct Busy;

impl FsCell {
    pub fn new(fs: MemFs) -> Self {
        FsCell {
            state: Cell::new(0),
            closed: Cell::new(false),
            value: UnsafeCell::new(fs),
        }
    }

    /// Frees everything the filesystem holds, at once, however many
    /// programs still refer to it (their descriptors then name inodes that
    /// are gone: callers check [`FsCell::is_closed`] before using one).
    /// `Err(Busy)` while a call is using it.
    pub fn close(&self) -> Result<(), Busy> {
        let mut fs = self.try_borrow_mut()?;
        // An empty filesystem that holds nothing and takes nothing.
        let empty = MemFs::with_clock(
            crate::fs::Limits {
                max_bytes: 0,
                max_inodes: 1,
                ..fs.limits.clone()
            },
            fs.clock(),
        );
        let old = std::mem::replace(&mut *fs, empty);
        self.closed.set(true);
        drop(fs);
        drop(old);
        Ok(())
    }

    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    pub fn try_borrow(&self) -> Result<FsRef<'_>, Busy> {
        let n = self.state.get();
        if n < 0 {
            return Err(Busy);
        }
        self.state.set(n + 1);
        Ok(FsRef(self))
    }

    pub fn try_borrow_mut(&self) -> Result<FsMut<'_>, Busy> {
        if self.state.get() != 0 {
            return Err(Busy);
        }
        self.state.set(-1);
        Ok(FsMut(self))
    }

    pub fn borrow(&self) -> FsRef<'_> {
        self.try_borrow().expect("MemFs is borrowed mutably")
    }

    pub fn borrow_mut(&self) -> FsMut<'_> {
        self.try_borrow_mut().expect("MemFs is already borrowed")
    }

    /// Forgets every outstanding borrow.
    ///
    /// # Safety
    /// No guard of this cell may be alive: call it only from a JS entry
    /// point after a trap inside the core discarded the frames holding them,
    /// with no call into the core in progress (so no core → JS callback is
    /// running: a frame under one may hold a live guard).
    pub unsafe fn release_abandoned(&self) {
        self.state.set(0);
    }
}

/// A shared borrow of the filesystem.
pub struct FsRef<'a>(&'a FsCell);

impl Deref for FsRef<'_> {
    type Target = MemFs;
    fn deref(&self) -> &MemFs {
        // SAFETY: `state > 0` while this guard lives: no `FsMut` exists.
        unsafe { &*self.0.value.get() }
    }
}

impl Drop for FsRef<'_> {
    fn drop(&mut self) {
        self.0.state.set(self.0.state.get() - 1);
    }
}

/// The exclusive borrow of the filesystem.
pub struct FsMut<'a>(&'a FsCell);

impl Deref for FsMut<'_> {
    type Target = MemFs;
    fn deref(&self) -> &MemFs {
        // SAFETY: `state == -1` while this guard lives: it is the only one.
        unsafe { &*self.0.value.get() }
    }
}

impl DerefMut for FsMut<'_> {
    fn deref_mut(&mut self) -> &mut MemFs {
        // SAFETY: as above, and `&mut self` makes the access unique.
        unsafe { &mut *self.0.value.get() }
    }
}

impl Drop for FsMut<'_> {
    fn drop(&mut self) {
        self.0.state.set(0);
    }
}

pub struct Descriptor {
    fs: FsHandle,
    pub ino: Ino,
    pub walk: Walk,
    pub read: bool,
    pub write: bool,
    pub kind: Kind,
}

impl Descriptor {
    pub fn new(fs: &FsHandle, ino: Ino, walk: Walk, read: bool, write: bool) -> Self {
        let kind = {
            let mut f = fs.borrow_mut();
            f.retain(ino);
            f.kind(ino)
        };
        Descriptor {
            fs: fs.clone(),
            ino,
            walk,
            read,
            write,
            kind,
        }
    }

    /// The filesystem, between operations: so mounted nodes that nothing
    /// holds any more can be swept first (`MemFs::sweep_ext`).
    pub fn fs(&self) -> FsRef<'_> {
        let fs = self.fs.borrow();
        fs.sweep_ext();
        fs
    }

    pub fn fs_mut(&self) -> FsMut<'_> {
        let fs = self.fs.borrow_mut();
        fs.sweep_ext();
        fs
    }

    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }

    /// Fails only on a mount (the host removed the node, or its provider
    /// failed).
    pub fn stat(&self) -> Result<Stat> {
        self.fs().try_stat(self.ino)
    }

    pub fn size(&self) -> u64 {
        self.fs().size(self.ino)
    }

    /// Opens `path` relative to this directory.
    pub fn open_at(&self, path: &str, o: OpenOptions, read: bool, write: bool) -> Result<Self> {
        if !self.is_dir() {
            return Err(Errno::Notdir);
        }
        let ino = {
            let mut fs = self.fs_mut();
            let ino = fs.open(self.walk, self.ino, path, o)?;
            // A mounted file the host will not open this way fails here.
            fs.check_open(ino, read, write)?;
            ino
        };
        Ok(Descriptor::new(&self.fs, ino, self.walk, read, write))
    }

    pub fn stat_at(&self, path: &str, follow: bool) -> Result<Stat> {
        let fs = self.fs();
        let ino = fs.lookup(self.walk, self.ino, path, follow)?;
        fs.try_stat(ino)
    }

    pub fn set_times_at(&self, path: &str, follow: bool, a: SetTime, m: SetTime) -> Result<()> {
        let mut fs = self.fs_mut();
        let ino = fs.lookup(self.walk, self.ino, path, follow)?;
        fs.try_set_times(ino, a, m)
    }

    pub fn set_times(&self, a: SetTime, m: SetTime) -> Result<()> {
        self.fs_mut().try_set_times(self.ino, a, m)
    }

    pub fn set_size(&self, size: u64) -> Result<()> {
        self.fs_mut().set_size(self.ino, size)
    }

    pub fn create_directory_at(&self, path: &str) -> Result<()> {
        self.fs_mut().mkdir(self.walk, self.ino, path).map(drop)
    }

    pub fn remove_directory_at(&self, path: &str) -> Result<()> {
        self.fs_mut().rmdir(self.walk, self.ino, path)
    }

    pub fn unlink_file_at(&self, path: &str) -> Result<()> {
        self.fs_mut().unlink(self.walk, self.ino, path)
    }

    pub fn symlink_at(&self, target: &str, path: &str) -> Result<()> {
        self.fs_mut()
            .symlink(target, self.walk, self.ino, path)
            .map(drop)
    }

    pub fn readlink_at(&self, path: &str) -> Result<String> {
        self.fs().readlink(self.walk, self.ino, path)
    }

    pub fn link_at(&self, follow: bool, old: &str, new_dir: &Descriptor, new: &str) -> Result<()> {
        self.same_fs(new_dir)?;
        self.fs_mut().link(
            (self.walk, self.ino, old),
            follow,
            (new_dir.walk, new_dir.ino, new),
        )
    }

    pub fn rename_at(&self, old: &str, new_dir: &Descriptor, new: &str) -> Result<()> {
        self.same_fs(new_dir)?;
        self.fs_mut()
            .rename((self.walk, self.ino, old), (new_dir.walk, new_dir.ino, new))
    }

    fn same_fs(&self, other: &Descriptor) -> Result<()> {
        if !other.is_dir() {
            return Err(Errno::Notdir);
        }
        if self.fs.same_fs(&other.fs) {
            Ok(())
        } else {
            Err(Errno::Xdev)
        }
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // A descriptor dropped while the fs is borrowed (never in practice)
        // leaks its hold rather than panicking; after `close` its inode is
        // gone already.
        if self.fs.is_closed() {
            return;
        }
        if let Ok(mut fs) = self.fs.try_borrow_mut() {
            if fs.exists(self.ino) {
                fs.release(self.ino);
            }
        }
    }
}

#[cfg(test)]
mod busy_tests {
    use super::*;

    /// A second borrow while one is held is `Busy`, an error, never a
    /// second reference; after the first ends, both work again.
    #[test]
    fn a_held_borrow_makes_the_cell_busy() {
        let cell = FsCell::new(MemFs::new());
        {
            let _held = cell.try_borrow_mut().unwrap();
            assert!(cell.try_borrow_mut().is_err());
            assert!(cell.try_borrow().is_err());
            assert!(cell.close().is_err());
            assert!(!cell.is_closed());
        }
        {
            let _a = cell.try_borrow().unwrap();
            let _b = cell.try_borrow().unwrap();
            assert!(cell.try_borrow_mut().is_err());
        }
        assert!(cell.try_borrow_mut().is_ok());
        cell.close().unwrap();
        assert!(cell.is_closed());
    }
}
