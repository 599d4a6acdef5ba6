//! fd I/O and metadata: reads and writes through iovecs, seeking, stat,
//! sizes and times, advice, `fd_readdir`.

use super::abi::*;
use super::fds::*;
use super::types::*;
use super::Preview1;
use crate::error::{Errno, Result};
use crate::fs::{Kind, Stat};
use crate::memory::Mem;
use crate::preview2 as p2;

/// Writes the pieces of a read into the guest's iovecs, in order.
struct Scatter<'a> {
    m: &'a Mem<'a>,
    list: &'a [(u32, u32)],
    /// The iovec being filled, and how much of it is.
    i: usize,
    done: u32,
}

impl<'a> Scatter<'a> {
    fn new(m: &'a Mem<'a>, list: &'a [(u32, u32)]) -> Self {
        Scatter {
            m,
            list,
            i: 0,
            done: 0,
        }
    }

    /// Moves `n` bytes on, calling `put(ptr, len, from)` for each piece of
    /// an iovec (`from` counts from the start of the `n`).
    fn advance(&mut self, n: u64, mut put: impl FnMut(u32, u32, u64) -> Result<()>) -> Result<()> {
        let mut from = 0u64;
        while from < n {
            let Some(&(ptr, len)) = self.list.get(self.i) else {
                return Ok(());
            };
            let k = ((len - self.done) as u64).min(n - from) as u32;
            put(ptr.wrapping_add(self.done), k, from)?;
            from += k as u64;
            self.done += k;
            if self.done == len {
                self.i += 1;
                self.done = 0;
            }
        }
        Ok(())
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let m = self.m;
        self.advance(bytes.len() as u64, |ptr, len, from| {
            m.write(ptr, &bytes[from as usize..from as usize + len as usize])
        })
    }

    fn zeros(&mut self, n: u64) -> Result<()> {
        let m = self.m;
        self.advance(n, |ptr, len, _| m.fill(ptr, len, 0))
    }
}

/// A write's bytes from the guest's iovecs: `fill(done, dst)` copies the
/// `dst.len()` bytes from offset `done` of their concatenation.
fn gather<'a>(
    m: &'a Mem<'a>,
    list: &'a [(u32, u32)],
) -> impl FnMut(u64, &mut [u8]) -> Result<()> + 'a {
    move |done, dst| {
        let mut skip = done;
        let mut at = 0usize;
        for &(ptr, len) in list {
            if at == dst.len() {
                break;
            }
            if skip >= len as u64 {
                skip -= len as u64;
                continue;
            }
            let k = ((len as u64 - skip) as usize).min(dst.len() - at);
            m.read_into(ptr.wrapping_add(skip as u32), &mut dst[at..at + k])?;
            at += k;
            skip = 0;
        }
        Ok(())
    }
}

impl Preview1 {
    // ---- fd: reading and writing ----

    pub fn fd_read(&mut self, m: &Mem, fd: u32, iovs: u32, n: u32, out: u32) -> Result<()> {
        self.transfer(m, iovs, n, out, |p, list| p.read_iovs(m, fd, list, None))
    }

    pub fn fd_pread(
        &mut self,
        m: &Mem,
        fd: u32,
        iovs: u32,
        n: u32,
        at: u64,
        out: u32,
    ) -> Result<()> {
        self.transfer(m, iovs, n, out, |p, list| {
            p.read_iovs(m, fd, list, Some(at))
        })
    }

    pub fn fd_write(&mut self, m: &Mem, fd: u32, iovs: u32, n: u32, out: u32) -> Result<()> {
        self.transfer(m, iovs, n, out, |p, list| p.write_iovs(m, fd, list, None))
    }

    pub fn fd_pwrite(
        &mut self,
        m: &Mem,
        fd: u32,
        iovs: u32,
        n: u32,
        at: u64,
        out: u32,
    ) -> Result<()> {
        self.transfer(m, iovs, n, out, |p, list| {
            p.write_iovs(m, fd, list, Some(at))
        })
    }

    /// The shared shape of the four: check the count's out-pointer, decode
    /// the iovecs (capped by `max_io`), move the bytes, store the count.
    fn transfer(
        &mut self,
        m: &Mem,
        iovs: u32,
        n: u32,
        out: u32,
        io: impl FnOnce(&mut Self, &[(u32, u32)]) -> Result<u32>,
    ) -> Result<()> {
        m.check_out(out, 4, 4)?;
        // The list of the last call is reused: no allocation per call.
        let mut list = std::mem::take(&mut self.iovs);
        let r = m.iovecs(iovs, n, self.p2.ctx.max_io, &mut list);
        let total = r.and_then(|()| io(self, &list));
        self.iovs = list;
        m.put_u32(out, total?)
    }

    fn read_iovs(&mut self, m: &Mem, fd: u32, list: &[(u32, u32)], at: Option<u64>) -> Result<u32> {
        if let Some(o) = at {
            p2::filesystem::check_offset(o).map_err(|e| self.errno(e))?;
        }
        let e = self.fds.get(fd)?;
        let total: u64 = list.iter().map(|&(_, l)| l as u64).sum();
        let got = match e.handle {
            Handle::File(h) => {
                e.need(rights::FD_READ | if at.is_some() { rights::FD_SEEK } else { 0 })?;
                let pos = at.unwrap_or(e.pos);
                // One read of the whole length; its pieces (stored bytes
                // and holes) are scattered over the iovecs in order.
                let mut out = Scatter::new(m, list);
                let r = self.p2.pread_with(h, total, pos, &mut |_, bytes, zeros| {
                    out.bytes(bytes)?;
                    out.zeros(zeros)
                });
                let (n, _) = r.map_err(|e| self.errno(e))?;
                if at.is_none() {
                    self.fds.get_mut(fd)?.pos = pos + n;
                }
                n
            }
            Handle::Stdin(h) => {
                if at.is_some() {
                    return Err(Errno::Spipe);
                }
                e.need(rights::FD_READ)?;
                self.read_stdin(m, h, list)?
            }
            Handle::Dir(_) | Handle::Stdout(_) | Handle::Stderr(_) => return Err(Errno::Badf),
        };
        Ok(got.min(u32::MAX as u64) as u32)
    }

    /// Stdin through its Preview 2 stream: a blocking read for the first
    /// iovec (it waits as the context's blocking mode says), then what is
    /// available for the rest.
    fn read_stdin(&mut self, m: &Mem, h: u32, list: &[(u32, u32)]) -> Result<u64> {
        let mut total = 0u64;
        let mut ended = false;
        for &(ptr, len) in list {
            let mut failed = Ok(());
            let mut sink = |_: u64, at: u64, bytes: &[u8]| {
                if failed.is_ok() {
                    failed = m.write(ptr.wrapping_add(at as u32), bytes);
                }
            };
            let r = if total == 0 {
                self.p2.blocking_read_into(h, len as u64, &mut sink)
            } else {
                self.p2.read_into(h, len as u64, &mut sink)
            };
            failed?;
            match r {
                Ok(n) => {
                    total += n;
                    if n < len as u64 {
                        break;
                    }
                }
                Err(p2::Error::Closed) => {
                    ended = true;
                    break;
                }
                Err(e) if total == 0 => return Err(self.errno(e)),
                // A failure after some bytes: those are the answer.
                Err(e) => {
                    self.errno(e);
                    break;
                }
            }
        }
        // Nothing yet, and the wait could not wait (sync mode: the thread
        // that would feed stdin is this one): say so.
        if total == 0 && !ended && !list.is_empty() {
            return Err(Errno::Again);
        }
        Ok(total)
    }

    fn write_iovs(
        &mut self,
        m: &Mem,
        fd: u32,
        list: &[(u32, u32)],
        at: Option<u64>,
    ) -> Result<u32> {
        if let Some(o) = at {
            p2::filesystem::check_offset(o).map_err(|e| self.errno(e))?;
        }
        // `Mem::iovecs` kept the total within `max_io`.
        let total: u64 = list.iter().map(|&(_, l)| l as u64).sum();
        let e = self.fds.get(fd)?;
        let mut gather = gather(m, list);
        let stream = match e.handle {
            Handle::File(h) => {
                e.need(rights::FD_WRITE | if at.is_some() { rights::FD_SEEK } else { 0 })?;
                // O_APPEND wins even over pwrite's offset, as on Linux and wasmtime.
                let pos = if e.flags & fdflags::APPEND != 0 {
                    self.p2.stat(h).map_err(|e| self.errno(e))?.size
                } else {
                    at.unwrap_or(e.pos)
                };
                // One write of the whole length: all or nothing.
                let r = self.p2.pwrite_from(h, total, pos, &mut gather);
                let n = r.map_err(|e| self.errno(e))?;
                if at.is_none() {
                    self.fds.get_mut(fd)?.pos = pos + n;
                }
                return Ok(n as u32);
            }
            Handle::Stdout(h) | Handle::Stderr(h) => h,
            Handle::Stdin(_) | Handle::Dir(_) => return Err(Errno::Badf),
        };
        if at.is_some() {
            return Err(Errno::Spipe);
        }
        e.need(rights::FD_WRITE)?;
        if total > 0 {
            // One write of the output stream however many iovecs.
            let r = self.p2.write_unbudgeted(stream, total, &mut gather);
            r.map_err(|e| self.errno(e))?;
        }
        Ok(total as u32)
    }

    pub fn fd_seek(
        &mut self,
        m: &Mem,
        fd: u32,
        offset: i64,
        whence: u32,
        out: u32,
        abi: Abi,
    ) -> Result<()> {
        m.check_out(out, 8, 8)?;
        // An unknown whence is EINVAL whatever the fd (wasmtime traps).
        let whence = abi.whence(whence).ok_or(Errno::Inval)?;
        let e = self.fds.get(fd)?;
        let h = match e.handle {
            Handle::File(h) => h,
            Handle::Dir(_) => return Err(Errno::Badf),
            _ => return Err(Errno::Spipe),
        };
        let right = if offset == 0 && whence == Whence::Cur {
            rights::FD_TELL
        } else {
            rights::FD_SEEK
        };
        e.need(right)?;
        let base = match whence {
            Whence::Set => 0,
            Whence::Cur => e.pos as i128,
            Whence::End => self.p2.stat(h).map_err(|e| self.errno(e))?.size as i128,
        };
        let pos = base + offset as i128;
        if pos < 0 || pos > i64::MAX as i128 {
            return Err(Errno::Inval);
        }
        let e = self.fds.get_mut(fd)?;
        e.pos = pos as u64;
        m.put_u64(out, e.pos)
    }

    pub fn fd_tell(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let e = self.fd(fd)?;
        match e.handle {
            Handle::File(_) => {}
            Handle::Dir(_) => return Err(Errno::Badf),
            _ => return Err(Errno::Spipe),
        }
        e.need(rights::FD_TELL)?;
        m.put_u64(out, e.pos)
    }

    pub fn fd_filestat_get(&mut self, m: &Mem, fd: u32, out: u32, abi: Abi) -> Result<()> {
        let e = self.fd(fd)?;
        let (stat, ft) = match e.handle {
            Handle::File(h) | Handle::Dir(h) => {
                e.need(rights::FD_FILESTAT_GET)?;
                let s = self.p2.stat(h).map_err(|e| self.errno(e))?;
                (s, kind_filetype(s.kind))
            }
            // Stdio: no inode, one link, nothing stored.
            _ => {
                let s = Stat {
                    dev: 0,
                    ino: 0,
                    kind: Kind::File,
                    nlink: 1,
                    size: 0,
                    atim: 0,
                    mtim: 0,
                    ctim: 0,
                };
                (s, e.filetype(&self.p2.ctx.stdio.tty))
            }
        };
        m.check_out(out, Filestat::size(abi), 8)?;
        m.write(out, Filestat::of(&stat, ft).encode(abi).bytes())
    }

    /// `ftruncate`: a file not open for writing, or a size past `off_t`,
    /// is EINVAL (Preview 2's `set-size` decides both).
    pub fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> Result<()> {
        let e = self.fd(fd)?;
        let h = e.file()?;
        e.need_dropped(rights::FD_FILESTAT_SET_SIZE)?;
        self.p2.set_size(h, size).map_err(|e| self.errno(e))
    }

    pub fn fd_filestat_set_times(&mut self, fd: u32, atim: u64, mtim: u64, fst: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let (a, mt) = decode_fstflags(atim, mtim, fst)?;
        let h = e.descriptor()?;
        e.need(rights::FD_FILESTAT_SET_TIMES)?;
        self.p2.set_times(h, a, mt).map_err(|e| self.errno(e))
    }

    pub fn fd_advise(&mut self, fd: u32, offset: u64, len: u64, advice: u32) -> Result<()> {
        // An unknown advice is EINVAL whatever the fd (wasmtime traps).
        if advice > 5 {
            return Err(Errno::Inval);
        }
        let e = self.fd(fd)?;
        let h = e.file()?;
        // A negative length is EINVAL (posix_fadvise, wasmtime), and so is
        // a range whose end overflows `off_t`.
        if len > i64::MAX as u64 || (offset as i64).checked_add(len as i64).is_none() {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_ADVISE)?;
        self.p2
            .advise(h, offset, len, advice as u8)
            .map_err(|e| self.errno(e))
    }

    /// `posix_fallocate`: Preview 2 has no such call, so the adapter asks
    /// the descriptor itself.
    pub fn fd_allocate(&mut self, fd: u32, offset: u64, len: u64) -> Result<()> {
        let e = self.fd(fd)?;
        let h = e.file()?;
        if offset > i64::MAX as u64 || len > i64::MAX as u64 {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_ALLOCATE)?;
        let (d, _) = self.p2.descriptor(h).map_err(|_| Errno::Badf)?;
        d.fs_mut().allocate(d.ino, offset, len)
    }

    pub fn fd_sync(&mut self, fd: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let h = e.file()?;
        e.need(rights::FD_SYNC)?;
        self.p2.sync(h).map_err(|e| self.errno(e))
    }

    pub fn fd_datasync(&mut self, fd: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let h = e.file()?;
        // Allowed on a read-only file, so not `need` (which checks the mode).
        e.need_dropped(rights::FD_DATASYNC)?;
        self.p2.sync(h).map_err(|e| self.errno(e))
    }

    pub fn fd_readdir(
        &mut self,
        m: &Mem,
        fd: u32,
        buf: u32,
        len: u32,
        cookie: u64,
        out: u32,
    ) -> Result<()> {
        m.check(buf, len as u64)?;
        m.check_out(out, 4, 4)?;
        let e = self.fd(fd)?;
        let h = e.dir()?;
        e.need(rights::FD_READDIR)?;
        // The guest's buffer may be 4 GiB: entries go out in pieces of
        // about `CHUNK`, so the host holds no more than that at once.
        const CHUNK: usize = 1 << 16;
        let cap = len as usize;
        let mut bytes = Vec::with_capacity(cap.min(CHUNK + 24 + crate::fs::MAX_NAME));
        let mut written = 0usize;
        let mut failed = Ok(());
        let r = self.p2.read_directory_at(h, cookie, |ent| {
            let head = Dirent {
                next: ent.next,
                ino: ent.ino,
                namlen: ent.name.len() as u32,
                filetype: kind_filetype(ent.kind),
            };
            bytes.extend_from_slice(head.encode().bytes());
            bytes.extend_from_slice(ent.name.as_bytes());
            // A full buffer tells the guest there may be more.
            bytes.truncate(cap - written);
            if bytes.len() >= CHUNK {
                failed = m.write(buf + written as u32, &bytes);
                written += bytes.len();
                bytes.clear();
            }
            written + bytes.len() < cap && failed.is_ok()
        });
        r.map_err(|e| self.errno(e))?;
        failed?;
        m.write(buf + written as u32, &bytes)?;
        m.put_u32(out, (written + bytes.len()) as u32)
    }
}
