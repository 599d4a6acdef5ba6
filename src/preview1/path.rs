//! The `path_*` calls: paths under a directory fd.

use super::abi::*;
use super::fds::*;
use super::types::*;
use super::Preview1;
use crate::error::{Errno, Result};
use crate::memory::Mem;
use crate::preview2::{self as p2, filesystem as p2fs};

/// Lookup flags: only `SYMLINK_FOLLOW` exists; other bits are EINVAL
/// (wasmtime traps).
pub(super) fn lookup_follow(flags: u32) -> Result<bool> {
    if flags & !LOOKUP_SYMLINK_FOLLOW != 0 {
        return Err(Errno::Inval);
    }
    Ok(flags & LOOKUP_SYMLINK_FOLLOW != 0)
}

impl Preview1 {
    #[allow(clippy::too_many_arguments)]
    pub fn path_open(
        &mut self,
        m: &Mem,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        base: u64,
        inheriting: u64,
        fdflags: u32,
        out: u32,
    ) -> Result<()> {
        m.check_out(out, 4, 4)?;
        // Undefined bits (also beyond 16 bits) are EINVAL, before the path
        // is read (wasmtime traps on them).
        let follow = lookup_follow(dirflags)?;
        if oflags & !(oflags::ALL as u32) != 0 || fdflags & !(fdflags::ALL as u32) != 0 {
            return Err(Errno::Inval);
        }
        let (oflags, fdflags) = (oflags as u16, fdflags as u16);
        let path = self.path(m, path, path_len)?;
        let e = self.fd(fd)?;
        let dir = match e.handle {
            Handle::Dir(h) => h,
            Handle::File(_) => return Err(Errno::Notdir),
            _ => return Err(Errno::Badf),
        };
        // Preview 1's flags in Preview 2's words. The file's mode: writing
        // if any writing right is asked for (or appending); reading if a
        // reading right is, and Preview 2 reads a file asked for neither.
        let write = base & rights::WRITING != 0 || fdflags & fdflags::APPEND != 0;
        let mut flags = 0;
        if base & rights::READING != 0 {
            flags |= p2fs::READ;
        }
        if write {
            flags |= p2fs::WRITE;
        }
        for (bit, p2_bit) in [
            (fdflags::SYNC, p2fs::FILE_INTEGRITY_SYNC),
            (fdflags::DSYNC, p2fs::DATA_INTEGRITY_SYNC),
            (fdflags::RSYNC, p2fs::REQUESTED_WRITE_SYNC),
        ] {
            if fdflags & bit != 0 {
                flags |= p2_bit;
            }
        }
        let mut open = 0;
        for (bit, p2_bit) in [
            (oflags::CREAT, p2fs::O_CREATE),
            (oflags::DIRECTORY, p2fs::O_DIRECTORY),
            (oflags::EXCL, p2fs::O_EXCLUSIVE),
            (oflags::TRUNC, p2fs::O_TRUNCATE),
        ] {
            if oflags & bit != 0 {
                open |= p2_bit;
            }
        }
        // Preview 2's refusals of the flags come before the rights (the
        // order wasmtime's adapter gives).
        if let Err(p2::Error::Code(c)) = p2fs::check_open_flags(open, flags) {
            return Err(c);
        }
        let mut need = rights::PATH_OPEN;
        if oflags & oflags::CREAT != 0 {
            need |= rights::PATH_CREATE_FILE;
        }
        if oflags & oflags::TRUNC != 0 {
            need |= rights::PATH_FILESTAT_SET_SIZE;
        }
        e.need_path(need)?;
        let dropped = e.dropped_inheriting;
        let r = self.p2.open_at(dir, follow, &path, open, flags);
        let h = self.lift(r)?;
        let (is_dir, read, write) = match self.p2.descriptor(h) {
            Ok((d, _)) => (d.is_dir(), d.read, d.write),
            Err(e) => return Err(self.errno(e)),
        };
        let (handle, mut b) = if is_dir {
            (Handle::Dir(h), base & rights::DIR)
        } else {
            let mut b = base & rights::FILE;
            if !write {
                b &= !rights::WRITING;
            }
            if !read {
                b &= !rights::READING;
            }
            (Handle::File(h), b)
        };
        b &= !dropped;
        let mut new = Fd::new(handle, b, inheriting & !dropped);
        new.flags = fdflags;
        new.dropped = dropped;
        new.dropped_inheriting = dropped;
        new.readable = read;
        new.writable = write;
        let n = self.push_fd(new)?;
        m.put_u32(out, n)
    }

    pub fn path_create_directory(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_CREATE_DIRECTORY)?;
        let r = self.p2.create_directory_at(d, &path);
        self.lift(r)
    }

    pub fn path_remove_directory(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_REMOVE_DIRECTORY)?;
        let r = self.p2.remove_directory_at(d, &path);
        self.lift(r)
    }

    pub fn path_unlink_file(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_UNLINK_FILE)?;
        let r = self.p2.unlink_file_at(d, &path);
        self.lift(r)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn path_filestat_get(
        &mut self,
        m: &Mem,
        fd: u32,
        flags: u32,
        p: u32,
        len: u32,
        out: u32,
        abi: Abi,
    ) -> Result<()> {
        let follow = lookup_follow(flags)?;
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_FILESTAT_GET)?;
        let r = self.p2.stat_at(d, follow, &path);
        let s = self.lift(r)?;
        // A query checks its out-pointer last, as wasmtime does: its other
        // errors come first.
        m.check_out(out, Filestat::size(abi), 8)?;
        m.write(
            out,
            Filestat::of(&s, kind_filetype(s.kind)).encode(abi).bytes(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn path_filestat_set_times(
        &mut self,
        m: &Mem,
        fd: u32,
        flags: u32,
        p: u32,
        len: u32,
        atim: u64,
        mtim: u64,
        fst: u32,
    ) -> Result<()> {
        let follow = lookup_follow(flags)?;
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        let (a, mt) = decode_fstflags(atim, mtim, fst)?;
        let r = self.p2.set_times_at(d, follow, &path, a, mt);
        self.lift(r)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn path_link(
        &mut self,
        m: &Mem,
        old_fd: u32,
        old_flags: u32,
        old_p: u32,
        old_len: u32,
        new_fd: u32,
        new_p: u32,
        new_len: u32,
    ) -> Result<()> {
        let follow = lookup_follow(old_flags)?;
        let old = self.path(m, old_p, old_len)?;
        let new = self.path(m, new_p, new_len)?;
        let from = self.dir(old_fd, rights::PATH_LINK_SOURCE)?;
        // Following a final symlink is refused (Preview 2's `link-at`
        // refuses it too), before the target directory is looked at.
        if follow {
            return Err(Errno::Inval);
        }
        let to = self.dir(new_fd, rights::PATH_LINK_TARGET)?;
        let r = self.p2.link_at(from, follow, &old, to, &new);
        self.lift(r)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn path_readlink(
        &mut self,
        m: &Mem,
        fd: u32,
        p: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        out: u32,
    ) -> Result<()> {
        let path = self.path(m, p, len)?;
        let d = self.dir(fd, rights::PATH_READLINK)?;
        let r = self.p2.readlink_at(d, &path);
        let target = self.lift(r)?;
        m.check(buf, buf_len as u64)?;
        m.check_out(out, 4, 4)?;
        let n = target.len().min(buf_len as usize);
        m.write(buf, &target.as_bytes()[..n])?;
        m.put_u32(out, n as u32)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn path_rename(
        &mut self,
        m: &Mem,
        fd: u32,
        old_p: u32,
        old_len: u32,
        new_fd: u32,
        new_p: u32,
        new_len: u32,
    ) -> Result<()> {
        let old = self.path(m, old_p, old_len)?;
        let new = self.path(m, new_p, new_len)?;
        let from = self.dir(fd, rights::PATH_RENAME_SOURCE)?;
        let to = self.dir(new_fd, rights::PATH_RENAME_TARGET)?;
        let r = self.p2.rename_at(from, &old, to, &new);
        self.lift(r)
    }

    pub fn path_symlink(
        &mut self,
        m: &Mem,
        old_p: u32,
        old_len: u32,
        fd: u32,
        new_p: u32,
        new_len: u32,
    ) -> Result<()> {
        let target = self.path(m, old_p, old_len)?;
        let path = self.path(m, new_p, new_len)?;
        let d = self.dir(fd, rights::PATH_SYMLINK)?;
        let r = self.p2.symlink_at(d, &target, &path);
        self.lift(r)
    }
}
