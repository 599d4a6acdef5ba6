//! wasi:filesystem — types (descriptor, directory-entry-stream) and preopens.
//!
//! Descriptors are the core's [`Descriptor`] over the shared `MemFs`, plus
//! their flags. Preview 1's `path_open`, stat, reads, writes and
//! `fd_readdir` come here too (`crate::preview1`).

use super::io::{gather, slice_fill, Fill, Input, Output, Sink};
use super::{wrong_type, Error, Preview2, Resource, Result};
use crate::descriptor::Descriptor;
use crate::error::Errno;
use crate::fs::{DirEntry, Kind, OpenOptions, SetTime, Stat, Walk};

/// Receives a file read's pieces: `(n, bytes, zeros)`, see
/// [`Preview2::pread_with`].
pub type Pieces<'a> = &'a mut dyn FnMut(u64, &[u8], u64) -> crate::error::Result<()>;

/// `descriptor-flags` bits, in WIT order.
pub type DescFlags = u8;
pub const READ: DescFlags = 1 << 0;
pub const WRITE: DescFlags = 1 << 1;
pub const FILE_INTEGRITY_SYNC: DescFlags = 1 << 2;
pub const DATA_INTEGRITY_SYNC: DescFlags = 1 << 3;
pub const REQUESTED_WRITE_SYNC: DescFlags = 1 << 4;
pub const MUTATE_DIRECTORY: DescFlags = 1 << 5;
/// Internal, never reported: a file opened with neither `read` nor `write`
/// is readable, as in wasmtime (it opens such files for reading; the
/// Preview 1 adapter asks for no access when a program asks for no rights).
const IMPLIED_READ: DescFlags = 1 << 7;
/// Whether a descriptor with these flags may be read.
fn readable(f: DescFlags) -> bool {
    f & (READ | IMPLIED_READ) != 0
}

/// `open-flags` bits, in WIT order.
pub const O_CREATE: u8 = 1 << 0;
pub const O_DIRECTORY: u8 = 1 << 1;
pub const O_EXCLUSIVE: u8 = 1 << 2;
pub const O_TRUNCATE: u8 = 1 << 3;

/// `descriptor-type` names.
pub fn type_name(k: Kind) -> &'static str {
    match k {
        Kind::File => "regular-file",
        Kind::Dir => "directory",
        Kind::Symlink => "symbolic-link",
    }
}

/// The `error-code` name of an errno.
pub fn error_code(e: Errno) -> &'static str {
    use Errno::*;
    match e {
        Acces => "access",
        Again | WouldBlock => "would-block",
        Already => "already",
        Badf => "bad-descriptor",
        Busy => "busy",
        Exist => "exist",
        Fbig => "file-too-large",
        Ilseq => "illegal-byte-sequence",
        Io => "io",
        Isdir => "is-directory",
        Loop => "loop",
        Mlink => "too-many-links",
        Nametoolong => "name-too-long",
        Noent => "no-entry",
        Nomem | Mfile | Nfile => "insufficient-memory",
        Nospc => "insufficient-space",
        Notdir => "not-directory",
        Notempty => "not-empty",
        Nosys | Notsup | Notsock => "unsupported",
        Notty => "no-tty",
        Overflow => "overflow",
        Perm | Notcapable => "not-permitted",
        Pipe => "pipe",
        Spipe => "invalid-seek",
        Xdev => "cross-device",
        Success | TooBig | Fault | Inval => "invalid",
    }
}

/// A `directory-entry-stream`: the directory and where the listing is.
pub struct DirStream {
    dir: Descriptor,
    cookie: u64,
}

/// Lists `dir` from `cookie` on (see [`Preview2::read_directory_at`]).
fn list_directory(
    dir: &Descriptor,
    cookie: u64,
    f: impl FnMut(DirEntry<'_>) -> bool,
) -> Result<()> {
    Ok(dir.fs().readdir(dir.ino, cookie, f)?)
}

/// The flags `open-at` refuses whatever the path names.
pub fn check_open_flags(oflags: u8, flags: DescFlags) -> Result<()> {
    // A directory cannot be created, exclusive or truncated: `invalid`, as
    // in wasmtime.
    if oflags & O_DIRECTORY != 0 && oflags & (O_CREATE | O_EXCLUSIVE | O_TRUNCATE) != 0 {
        return Err(Error::Code(Errno::Inval));
    }
    // No durable storage to sync to: as in wasmtime, the sync flags are
    // refused rather than silently ignored.
    if flags & (FILE_INTEGRITY_SYNC | DATA_INTEGRITY_SYNC | REQUESTED_WRITE_SYNC) != 0 {
        return Err(Error::Code(Errno::Notsup));
    }
    Ok(())
}

/// `metadata-hash-value` of a file: a 128-bit mix of its device and inode
/// numbers, so two descriptors hash alike exactly when `is-same-object`.
pub fn metadata_hash(s: &Stat) -> (u64, u64) {
    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let a = mix(s.dev ^ mix(s.ino));
    (a, mix(a ^ 0x9e37_79b9_7f4a_7c15))
}

/// `new-timestamp` decoded: 0 no-change, 1 now, 2 timestamp `ns`.
pub fn new_timestamp(tag: u8, ns: u64) -> Result<SetTime> {
    match tag {
        0 => Ok(SetTime::Keep),
        1 => Ok(SetTime::Now),
        2 => Ok(SetTime::At(ns)),
        _ => Err(Error::Code(Errno::Inval)),
    }
}

/// File offsets and sizes are `off_t` (i64) underneath: larger ones are
/// `invalid` (Preview 1 checks its offsets with this too).
pub fn check_offset(n: u64) -> Result<()> {
    if n > i64::MAX as u64 {
        Err(Error::Code(Errno::Inval))
    } else {
        Ok(())
    }
}

impl Preview2 {
    /// The descriptor behind a handle.
    pub fn descriptor(&self, id: u32) -> Result<(&Descriptor, DescFlags)> {
        match self.get(id)? {
            Resource::Descriptor(d, f) => Ok((d, *f)),
            other => Err(wrong_type(id, "descriptor", other)),
        }
    }

    fn dir(&self, id: u32) -> Result<(&Descriptor, DescFlags)> {
        let (d, f) = self.descriptor(id)?;
        if !d.is_dir() {
            return Err(Error::Code(Errno::Notdir));
        }
        Ok((d, f))
    }

    /// A directory the guest may change (`mutate-directory`).
    fn mutable_dir(&self, id: u32) -> Result<&Descriptor> {
        let (d, f) = self.dir(id)?;
        if f & MUTATE_DIRECTORY == 0 {
            return Err(Error::Code(Errno::Perm));
        }
        Ok(d)
    }

    fn file(&self, id: u32) -> Result<(&Descriptor, DescFlags)> {
        let (d, f) = self.descriptor(id)?;
        if d.is_dir() {
            return Err(Error::Code(Errno::Isdir));
        }
        Ok((d, f))
    }

    fn clone_desc(&self, d: &Descriptor) -> Descriptor {
        Descriptor::new(&self.ctx.fs, d.ino, d.walk, d.read, d.write)
    }

    // ---- wasi:filesystem/preopens ----

    /// `get-directories`: a new descriptor handle per preopen, with its name.
    pub fn get_directories(&mut self) -> Result<Vec<(u32, String)>> {
        if self.ctx.fs.is_closed() {
            return Err(super::fs_closed());
        }
        let list = self.ctx.preopens.clone();
        let mut out = Vec::with_capacity(list.len());
        for (name, ino) in list {
            let d = Descriptor::new(&self.ctx.fs, ino, Walk::guest(ino), true, true);
            let id = self.push(Resource::Descriptor(d, READ | MUTATE_DIRECTORY), None)?;
            out.push((id, name));
        }
        Ok(out)
    }

    // ---- descriptor: streams ----

    pub fn read_via_stream(&mut self, id: u32, offset: u64) -> Result<u32> {
        let (d, f) = self.file(id).map_err(|_| Errno::Badf)?;
        if !readable(f) {
            return Err(Error::Code(Errno::Badf));
        }
        let desc = self.clone_desc(d);
        self.push(Resource::Input(Input::File { desc, pos: offset }), None)
    }

    pub fn write_via_stream(&mut self, id: u32, offset: u64) -> Result<u32> {
        self.writer(id, offset, false)
    }

    pub fn append_via_stream(&mut self, id: u32) -> Result<u32> {
        self.writer(id, 0, true)
    }

    fn writer(&mut self, id: u32, pos: u64, append: bool) -> Result<u32> {
        let (d, f) = self.file(id).map_err(|_| Errno::Badf)?;
        if f & WRITE == 0 {
            return Err(Error::Code(Errno::Badf));
        }
        let desc = self.clone_desc(d);
        self.push(Resource::Output(Output::File { desc, pos, append }), None)
    }

    // ---- descriptor: whole-descriptor operations ----

    /// `advise`: accepted and ignored (advice 0..=5).
    pub fn advise(&self, id: u32, _offset: u64, _len: u64, advice: u8) -> Result<()> {
        self.file(id).map_err(|_| Errno::Badf)?;
        if advice > 5 {
            return Err(Error::Code(Errno::Inval));
        }
        Ok(())
    }

    /// `sync` / `sync-data`: memory is always in sync.
    pub fn sync(&self, id: u32) -> Result<()> {
        self.descriptor(id).map(drop)
    }

    pub fn get_flags(&self, id: u32) -> Result<DescFlags> {
        self.descriptor(id).map(|(_, f)| f & !IMPLIED_READ)
    }

    pub fn get_type(&self, id: u32) -> Result<&'static str> {
        self.descriptor(id).map(|(d, _)| type_name(d.kind))
    }

    pub fn set_size(&self, id: u32, size: u64) -> Result<()> {
        check_offset(size)?;
        let (d, f) = self.file(id)?;
        // wasmtime answers `invalid` here (ftruncate's EINVAL), as Preview 1 does.
        if f & WRITE == 0 {
            return Err(Error::Code(Errno::Inval));
        }
        Ok(d.set_size(size)?)
    }

    pub fn set_times(&self, id: u32, a: SetTime, m: SetTime) -> Result<()> {
        let (d, _) = self.descriptor(id)?;
        Ok(d.set_times(a, m)?)
    }

    /// `read`: up to `len` bytes at `offset`, and whether that hit the end.
    pub fn pread(&self, id: u32, len: u64, offset: u64) -> Result<(Vec<u8>, bool)> {
        let mut eof = false;
        let bytes = gather(|sink| {
            let (n, e) = self.pread_into(id, len, offset, sink)?;
            eof = e;
            Ok(n)
        })?;
        Ok((bytes, eof))
    }

    /// `read` into a [`Sink`]: the count and whether that hit the end. At
    /// most the context's `max_io` bytes (a short read), however many are
    /// asked for.
    pub fn pread_into(&self, id: u32, len: u64, offset: u64, sink: Sink) -> Result<(u64, bool)> {
        let mut at = 0;
        self.pread_with(id, len, offset, &mut |n, bytes, zeros| {
            if !bytes.is_empty() {
                sink(n, at, bytes);
            }
            at += bytes.len() as u64 + zeros;
            Ok(())
        })
    }

    /// `read` of up to `len` bytes at `offset`, handed to `piece` as they
    /// are stored: `piece(n, bytes, zeros)` gets the answer's length `n`,
    /// then stored bytes followed by `zeros` bytes of hole, in order. The
    /// one file read both previews use (Preview 1's `fd_read` and
    /// `fd_pread` scatter the pieces into the guest's iovecs). At most
    /// `max_io` bytes (a short read); returns the count and whether
    /// that reached the end.
    pub fn pread_with(&self, id: u32, len: u64, offset: u64, piece: Pieces) -> Result<(u64, bool)> {
        check_offset(offset)?;
        let (d, f) = self.descriptor(id)?;
        if d.is_dir() || !readable(f) {
            return Err(Error::Code(if d.is_dir() {
                Errno::Isdir
            } else {
                Errno::Badf
            }));
        }
        let mut fs = d.fs_mut();
        let max = len.min(self.ctx.max_io as u64);
        if let Some(r) = fs.read_mounted(d.ino, offset, max) {
            // A mounted file: one provider read; a short one is the end.
            let data = r?;
            let n = data.len() as u64;
            if n > 0 {
                piece(n, &data, 0)?;
            }
            return Ok((n, n < max || len == 0));
        }
        let size = fs.size(d.ino);
        if offset >= size || len == 0 {
            return Ok((0, offset >= size));
        }
        let n = len.min(self.ctx.max_io as u64).min(size - offset);
        fs.read_with(d.ino, offset, n, |bytes, zeros| piece(n, bytes, zeros))?;
        Ok((n, offset + n >= size))
    }

    /// `write`: `bytes` at `offset`; returns the count.
    pub fn pwrite(&self, id: u32, bytes: &[u8], offset: u64) -> Result<u64> {
        self.pwrite_from(id, bytes.len() as u64, offset, &mut slice_fill(bytes))
    }

    /// `write` of `len` bytes that `fill` supplies, at `offset`. At most
    /// the context's `max_io` (the `maxIoBytes` option of both previews,
    /// 16 MiB by default) is written, and the count says so: a short write, as
    /// POSIX allows and as wasmtime gives when the OS writes less (Linux
    /// moves at most 2 GiB - 4 KiB per call). So a guest's 2 GiB list
    /// never costs the core more than what is really stored; callers
    /// (Rust's `write_all`, wasi-libc) write the rest in the next call.
    pub fn pwrite_from(&self, id: u32, len: u64, offset: u64, fill: Fill) -> Result<u64> {
        check_offset(offset)?;
        let (d, f) = self.descriptor(id)?;
        if d.is_dir() || f & WRITE == 0 {
            return Err(Error::Code(if d.is_dir() {
                Errno::Isdir
            } else {
                Errno::Badf
            }));
        }
        let n = len.min(self.ctx.max_io as u64);
        d.fs_mut().write_with(d.ino, offset, n as usize, fill)?;
        Ok(n)
    }

    pub fn read_directory(&mut self, id: u32) -> Result<u32> {
        let (d, _) = self.dir(id)?;
        let dir = self.clone_desc(d);
        self.push(Resource::DirStream(DirStream { dir, cookie: 2 }), None)
    }

    /// `descriptor-stat`'s numbers (the bindings pick what WASI 0.2 reports).
    pub fn stat(&self, id: u32) -> Result<Stat> {
        Ok(self.descriptor(id)?.0.stat()?)
    }

    pub fn is_same_object(&self, a: u32, b: u32) -> Result<bool> {
        let (x, _) = self.descriptor(a)?;
        let (y, _) = self.descriptor(b)?;
        Ok(x.ino == y.ino && x.stat()?.dev == y.stat()?.dev)
    }

    pub fn metadata_hash(&self, id: u32) -> Result<(u64, u64)> {
        Ok(metadata_hash(&self.descriptor(id)?.0.stat()?))
    }

    // ---- descriptor: path operations ----

    pub fn stat_at(&self, id: u32, follow: bool, path: &str) -> Result<Stat> {
        let (d, _) = self.dir(id)?;
        Ok(d.stat_at(path, follow)?)
    }

    pub fn metadata_hash_at(&self, id: u32, follow: bool, path: &str) -> Result<(u64, u64)> {
        let (d, _) = self.dir(id)?;
        Ok(metadata_hash(&d.stat_at(path, follow)?))
    }

    pub fn set_times_at(
        &self,
        id: u32,
        follow: bool,
        path: &str,
        a: SetTime,
        m: SetTime,
    ) -> Result<()> {
        let (d, _) = self.dir(id)?;
        Ok(d.set_times_at(path, follow, a, m)?)
    }

    pub fn create_directory_at(&self, id: u32, path: &str) -> Result<()> {
        Ok(self.mutable_dir(id)?.create_directory_at(path)?)
    }

    pub fn remove_directory_at(&self, id: u32, path: &str) -> Result<()> {
        Ok(self.mutable_dir(id)?.remove_directory_at(path)?)
    }

    pub fn unlink_file_at(&self, id: u32, path: &str) -> Result<()> {
        Ok(self.mutable_dir(id)?.unlink_file_at(path)?)
    }

    pub fn symlink_at(&self, id: u32, target: &str, path: &str) -> Result<()> {
        Ok(self.mutable_dir(id)?.symlink_at(target, path)?)
    }

    pub fn readlink_at(&self, id: u32, path: &str) -> Result<String> {
        let (d, _) = self.dir(id)?;
        Ok(d.readlink_at(path)?)
    }

    /// `link-at`: following a final symlink is refused (`invalid`), as in wasmtime.
    pub fn link_at(&self, id: u32, follow: bool, old: &str, new_dir: u32, new: &str) -> Result<()> {
        if follow {
            return Err(Error::Code(Errno::Inval));
        }
        let d = self.mutable_dir(id)?;
        let nd = self.mutable_dir(new_dir)?;
        Ok(d.link_at(follow, old, nd, new)?)
    }

    pub fn rename_at(&self, id: u32, old: &str, new_dir: u32, new: &str) -> Result<()> {
        let d = self.mutable_dir(id)?;
        let nd = self.mutable_dir(new_dir)?;
        Ok(d.rename_at(old, nd, new)?)
    }

    /// `open-at`: opens `path` under directory `id` with WIT `open-flags`
    /// and `descriptor-flags` bits; the new descriptor's rights are no
    /// more than its directory's.
    pub fn open_at(
        &mut self,
        id: u32,
        follow: bool,
        path: &str,
        oflags: u8,
        flags: DescFlags,
    ) -> Result<u32> {
        let (d, dflags) = self.dir(id)?;
        check_open_flags(oflags, flags)?;
        let creating = oflags & (O_CREATE | O_TRUNCATE) != 0;
        if (creating || flags & MUTATE_DIRECTORY != 0) && dflags & MUTATE_DIRECTORY == 0 {
            return Err(Error::Code(Errno::Perm));
        }
        let write = flags & WRITE != 0;
        let flags = if flags & (READ | WRITE) == 0 {
            flags | IMPLIED_READ
        } else {
            flags
        };
        let o = OpenOptions {
            follow,
            create: oflags & O_CREATE != 0,
            exclusive: oflags & O_EXCLUSIVE != 0,
            truncate: oflags & O_TRUNCATE != 0,
            directory: oflags & O_DIRECTORY != 0,
            write,
        };
        let mut nd = d.open_at(path, o, readable(flags), write)?;
        if nd.is_dir() {
            // As in wasmtime (cap-std), a directory descriptor is a sandbox
            // of its own: `..` does not lead out of it.
            nd.walk = Walk::guest(nd.ino);
        }
        // As in wasmtime, a directory inherits its parent's right to mutate.
        let nflags = if nd.is_dir() {
            (flags & !WRITE & !MUTATE_DIRECTORY) | (dflags & MUTATE_DIRECTORY)
        } else {
            flags & !MUTATE_DIRECTORY
        };
        self.push(Resource::Descriptor(nd, nflags), None)
    }

    // ---- directory-entry-stream ----

    /// Lists directory `id` from `cookie` on: `f` gets each entry, with
    /// the cookie of the next, and says whether to go on. The one listing
    /// both previews use: a `directory-entry-stream` reads it an entry at
    /// a time from cookie 2 (after `.` and `..`), Preview 1's `fd_readdir`
    /// from the guest's cookie.
    pub fn read_directory_at(
        &self,
        id: u32,
        cookie: u64,
        f: impl FnMut(DirEntry<'_>) -> bool,
    ) -> Result<()> {
        let (d, _) = self.dir(id)?;
        list_directory(d, cookie, f)
    }

    /// The next entry (`.` and `..` are not listed), or `None` at the end.
    pub fn read_directory_entry(&mut self, id: u32) -> Result<Option<(Kind, String)>> {
        let s = match self.get_mut(id)? {
            Resource::DirStream(s) => s,
            other => return Err(wrong_type(id, "directory-entry-stream", other)),
        };
        let mut found = None;
        list_directory(&s.dir, s.cookie, |e| {
            found = Some((e.next, e.kind, e.name.to_string()));
            false
        })?;
        Ok(found.map(|(next, kind, name)| {
            s.cookie = next;
            (kind, name)
        }))
    }

    // ---- filesystem-error-code ----

    /// The `error-code` behind a stream's `wasi:io/error`, if it came from the filesystem.
    pub fn filesystem_error_code(&self, id: u32) -> Result<Option<Errno>> {
        match self.get(id)? {
            Resource::Error(e) => Ok(e.code),
            other => Err(wrong_type(id, "error", other)),
        }
    }
}
