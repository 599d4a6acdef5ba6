//! The fd table: what each Preview 1 fd refers to, its position, rights
//! and fdflags (all of which Preview 2 lacks), and the calls that manage
//! the table itself.

use super::abi::*;
use super::types::*;
use super::Preview1;
use crate::error::{Errno, Result};
use crate::fs::Kind;
use crate::memory::{ArgStr, Mem};

/// What an fd refers to: the Preview 2 resource behind it, by handle.
#[derive(Clone, Copy)]
pub enum Handle {
    /// An `input-stream` (`get-stdin`).
    Stdin(u32),
    /// `output-stream`s (`get-stdout`, `get-stderr`).
    Stdout(u32),
    Stderr(u32),
    /// `descriptor`s.
    File(u32),
    Dir(u32),
}

impl Handle {
    /// The Preview 2 handle.
    pub fn id(self) -> u32 {
        match self {
            Handle::Stdin(h) | Handle::Stdout(h) | Handle::Stderr(h) => h,
            Handle::File(h) | Handle::Dir(h) => h,
        }
    }
}

/// One fd: what Preview 1 keeps and Preview 2 does not.
pub struct Fd {
    pub handle: Handle,
    /// The file position.
    pub pos: u64,
    pub flags: u16,
    pub base: u64,
    pub inheriting: u64,
    /// Rights the guest dropped with `fd_fdstat_set_rights` (here, or on
    /// the directory this was opened through). Only these are enforced:
    /// wasmtime does not enforce the rights requested at `path_open`, and
    /// programs rely on that.
    pub dropped: u64,
    pub dropped_inheriting: u64,
    /// The file's open mode, as Preview 2's `open-at` decided it.
    pub readable: bool,
    pub writable: bool,
    /// The guest path of a preopened directory.
    pub preopen: Option<String>,
}

impl Fd {
    pub fn new(handle: Handle, base: u64, inheriting: u64) -> Self {
        Fd {
            handle,
            pos: 0,
            flags: 0,
            base,
            inheriting,
            dropped: 0,
            dropped_inheriting: 0,
            readable: true,
            writable: true,
            preopen: None,
        }
    }

    /// Checks a right for an fd operation. A right missing because of the
    /// open mode is `EBADF` (wasmtime's answer for a write to a read-only
    /// file); one dropped through `fd_fdstat_set_rights` is `ENOTCAPABLE`.
    pub fn need(&self, right: u64) -> Result<()> {
        if let Handle::File(_) = self.handle {
            if right & rights::WRITING != 0 && !self.writable
                || right & rights::READING != 0 && !self.readable
            {
                return Err(Errno::Badf);
            }
        }
        self.need_dropped(right)
    }

    /// Only whether the guest dropped the right (`ENOTCAPABLE`).
    pub fn need_dropped(&self, right: u64) -> Result<()> {
        if self.dropped & right == 0 {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }

    /// Checks a right for a path operation on a directory: wasmtime calls a
    /// directory without the permission `EPERM`.
    pub fn need_path(&self, right: u64) -> Result<()> {
        if self.dropped & right == 0 {
            Ok(())
        } else {
            Err(Errno::Perm)
        }
    }

    /// The descriptor of a regular file; EBADF for any other fd.
    pub fn file(&self) -> Result<u32> {
        match self.handle {
            Handle::File(h) => Ok(h),
            _ => Err(Errno::Badf),
        }
    }

    /// The descriptor of a file or directory; EBADF for stdio.
    pub fn descriptor(&self) -> Result<u32> {
        match self.handle {
            Handle::File(h) | Handle::Dir(h) => Ok(h),
            _ => Err(Errno::Badf),
        }
    }

    /// The directory of a path call; wasmtime says EBADF for any other fd.
    pub fn dir(&self) -> Result<u32> {
        match self.handle {
            Handle::Dir(h) => Ok(h),
            _ => Err(Errno::Badf),
        }
    }

    pub fn filetype(&self, tty: &[bool; 3]) -> u8 {
        match self.handle {
            Handle::Stdin(_) => stdio_type(tty[0]),
            Handle::Stdout(_) => stdio_type(tty[1]),
            Handle::Stderr(_) => stdio_type(tty[2]),
            Handle::File(_) => filetype::REGULAR_FILE,
            Handle::Dir(_) => filetype::DIRECTORY,
        }
    }
}

pub(super) fn stdio_type(tty: bool) -> u8 {
    if tty {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

pub(super) fn kind_filetype(k: Kind) -> u8 {
    match k {
        Kind::File => filetype::REGULAR_FILE,
        Kind::Dir => filetype::DIRECTORY,
        Kind::Symlink => filetype::SYMBOLIC_LINK,
    }
}

impl Preview1 {
    /// Closes every descriptor that holds the filesystem (files,
    /// directories, preopens; stdio stays): when the program has ended, so
    /// what it held open (an unlinked file's data too) is released now
    /// rather than when JS collects this object; or when its MemFS was
    /// closed, so later calls get EBADF instead of reaching freed inodes.
    pub fn close_files(&mut self) {
        let held: Vec<u32> = self
            .fds
            .iter()
            .filter(|(_, e)| matches!(e.handle, Handle::File(_) | Handle::Dir(_)))
            .map(|(i, _)| i)
            .collect();
        for i in held {
            let _ = self.remove_fd(i);
        }
    }

    /// Removes an fd and drops the Preview 2 resource behind it.
    fn remove_fd(&mut self, fd: u32) -> Result<()> {
        let e = self.fds.remove(fd)?;
        let _ = self.p2.drop_resource(e.handle.id());
        Ok(())
    }

    /// Adds an fd for a resource just made; if the table is full the
    /// resource is dropped again (`EMFILE`).
    pub(super) fn push_fd(&mut self, e: Fd) -> Result<u32> {
        let id = e.handle.id();
        self.fds.push(e).inspect_err(|_| {
            let _ = self.p2.drop_resource(id);
        })
    }

    pub(super) fn fd(&self, fd: u32) -> Result<&Fd> {
        self.fds.get(fd)
    }

    /// The directory of a path call and a check of the right it needs.
    pub(super) fn dir(&self, fd: u32, right: u64) -> Result<u32> {
        let e = self.fd(fd)?;
        let d = e.dir()?;
        e.need_path(right)?;
        Ok(d)
    }

    /// A path argument: its length is checked against the filesystem's
    /// `max_path` before anything is read or allocated.
    pub(super) fn path(&self, m: &Mem, ptr: u32, len: u32) -> Result<ArgStr> {
        let max = self.p2.ctx.fs.borrow().limits.max_path;
        m.read_path(ptr, len, max)
    }

    pub fn fd_fdstat_get(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let stat = Fdstat {
            filetype: e.filetype(&self.p2.ctx.stdio.tty),
            flags: e.flags,
            base: e.base,
            inheriting: e.inheriting,
        };
        m.check_out(out, Fdstat::SIZE, 8)?;
        m.write(out, stat.encode().bytes())
    }

    pub fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> Result<()> {
        // Undefined bits (also beyond 16 bits) are EINVAL.
        if flags & !(fdflags::ALL as u32) != 0 {
            return Err(Errno::Inval);
        }
        let flags = flags as u16;
        let e = self.fds.get_mut(fd)?;
        if !matches!(e.handle, Handle::File(_)) {
            return Err(Errno::Badf);
        }
        if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_FDSTAT_SET_FLAGS)?;
        e.flags = flags;
        Ok(())
    }

    pub fn fd_fdstat_set_rights(&mut self, fd: u32, base: u64, inheriting: u64) -> Result<()> {
        let e = self.fds.get_mut(fd)?;
        if base & !e.base != 0 || inheriting & !e.inheriting != 0 {
            return Err(Errno::Notcapable);
        }
        e.dropped |= e.base & !base;
        e.dropped_inheriting |= e.inheriting & !inheriting;
        e.base = base;
        e.inheriting = inheriting;
        Ok(())
    }

    pub fn fd_close(&mut self, fd: u32) -> Result<()> {
        self.remove_fd(fd)
    }

    pub fn fd_renumber(&mut self, from: u32, to: u32) -> Result<()> {
        self.fd(from)?;
        let replaced = self.fd(to)?.handle.id();
        if from == to {
            return Ok(());
        }
        self.fds.renumber(from, to)?;
        let _ = self.p2.drop_resource(replaced);
        Ok(())
    }

    pub fn fd_prestat_get(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let name = self.fd(fd)?.preopen.as_ref().ok_or(Errno::Badf)?;
        m.check_out(out, 8, 4)?;
        m.write(out, encode_prestat_dir(name.len() as u32).bytes())
    }

    pub fn fd_prestat_dir_name(&mut self, m: &Mem, fd: u32, buf: u32, len: u32) -> Result<()> {
        let name = self.fd(fd)?.preopen.as_ref().ok_or(Errno::Notdir)?;
        if (len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        m.write(buf, name.as_bytes())
    }
}
