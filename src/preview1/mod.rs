//! The Preview 1 adapter: the `wasi_snapshot_preview1` / `wasi_unstable`
//! ABI over the core. It owns only what Preview 1 has and Preview 2 lacks:
//! the fd table with positions, rights and fdflags, and the marshalling of
//! iovecs and structs to and from guest memory.

pub mod types;

use crate::clocks::ClockId;
use crate::ctx::WasiCtx;
use crate::error::{Errno, Result};
use crate::filesystem::Descriptor;
use crate::fs::{Kind, OpenOptions, SetTime, Stat, Walk};
use crate::io::{self, AlwaysReady, Blocking, Deadline, InputReady, Pollable, StreamError, Wait};
use crate::memory::Mem;
use crate::table::Table;
use types::*;

/// What an fd refers to.
enum Handle {
    Stdin,
    Stdout,
    Stderr,
    File(Descriptor),
    Dir(Descriptor),
}

struct Fd {
    handle: Handle,
    /// The file position; Preview 2 has none, so it lives here.
    pos: u64,
    flags: u16,
    base: u64,
    inheriting: u64,
    /// Rights the guest dropped with `fd_fdstat_set_rights` (here, or on
    /// the directory this was opened through). Only these are enforced:
    /// wasmtime does not enforce the rights requested at `path_open`, and
    /// programs rely on that.
    dropped: u64,
    dropped_inheriting: u64,
    /// The guest path of a preopened directory.
    preopen: Option<String>,
}

impl Fd {
    fn stdio(handle: Handle, base: u64) -> Self {
        Fd {
            handle,
            pos: 0,
            flags: 0,
            base,
            inheriting: 0,
            dropped: 0,
            dropped_inheriting: 0,
            preopen: None,
        }
    }

    /// Checks a right for an fd operation. A right missing because of the
    /// open mode is `EBADF` (wasmtime's answer for a write to a read-only
    /// file); one dropped through `fd_fdstat_set_rights` is `ENOTCAPABLE`.
    fn need(&self, right: u64) -> Result<()> {
        if let Handle::File(d) = &self.handle {
            if right & rights::WRITING != 0 && !d.write || right & rights::READING != 0 && !d.read {
                return Err(Errno::Badf);
            }
        }
        if self.dropped & right == 0 {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }

    /// Checks a right for a path operation on a directory: wasmtime calls a
    /// directory without the permission `EPERM`.
    fn need_path(&self, right: u64) -> Result<()> {
        if self.dropped & right == 0 {
            Ok(())
        } else {
            Err(Errno::Perm)
        }
    }

    fn file(&self) -> Result<&Descriptor> {
        match &self.handle {
            Handle::File(d) => Ok(d),
            _ => Err(Errno::Badf),
        }
    }

    /// The directory of a path call; wasmtime says EBADF for any other fd.
    fn dir(&self) -> Result<&Descriptor> {
        match &self.handle {
            Handle::Dir(d) => Ok(d),
            _ => Err(Errno::Badf),
        }
    }

    fn filetype(&self, tty: &[bool; 3]) -> u8 {
        match &self.handle {
            Handle::Stdin => stdio_type(tty[0]),
            Handle::Stdout => stdio_type(tty[1]),
            Handle::Stderr => stdio_type(tty[2]),
            Handle::File(_) => filetype::REGULAR_FILE,
            Handle::Dir(_) => filetype::DIRECTORY,
        }
    }
}

/// Which way an fd transfer moves bytes.
#[derive(Clone, Copy)]
enum Dir {
    Read,
    Write,
}

/// Lookup flags: only `SYMLINK_FOLLOW` exists; other bits are EINVAL
/// (wasmtime traps).
fn lookup_follow(flags: u32) -> Result<bool> {
    if flags & !LOOKUP_SYMLINK_FOLLOW != 0 {
        return Err(Errno::Inval);
    }
    Ok(flags & LOOKUP_SYMLINK_FOLLOW != 0)
}

/// Offsets are i64 in POSIX: larger ones are EINVAL.
fn check_offset(at: Option<u64>) -> Result<()> {
    match at {
        Some(o) if o > i64::MAX as u64 => Err(Errno::Inval),
        _ => Ok(()),
    }
}

fn stdio_type(tty: bool) -> u8 {
    if tty {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

fn kind_filetype(k: Kind) -> u8 {
    match k {
        Kind::File => filetype::REGULAR_FILE,
        Kind::Dir => filetype::DIRECTORY,
        Kind::Symlink => filetype::SYMBOLIC_LINK,
    }
}

fn stream_err(e: StreamError) -> Errno {
    match e {
        StreamError::Closed => Errno::Pipe,
        StreamError::Failed(_) => Errno::Io,
    }
}

/// Decodes `fst_flags` into two timestamp changes.
fn set_times(atim: u64, mtim: u64, flags: u32) -> Result<(SetTime, SetTime)> {
    use fstflags::*;
    // Bits beyond the defined ones (also beyond 16 bits) are EINVAL.
    let Ok(flags) = u16::try_from(flags) else {
        return Err(Errno::Inval);
    };
    if flags & !ALL != 0 || flags & ATIM != 0 && flags & ATIM_NOW != 0 {
        return Err(Errno::Inval);
    }
    if flags & MTIM != 0 && flags & MTIM_NOW != 0 {
        return Err(Errno::Inval);
    }
    let pick = |set, now, t| {
        if flags & now != 0 {
            SetTime::Now
        } else if flags & set != 0 {
            SetTime::At(t)
        } else {
            SetTime::Keep
        }
    };
    Ok((pick(ATIM, ATIM_NOW, atim), pick(MTIM, MTIM_NOW, mtim)))
}

fn encode_filestat(s: &Stat, ft: u8, abi: Abi) -> Vec<u8> {
    let mut b = vec![0u8; abi.filestat_size()];
    b[0..8].copy_from_slice(&s.dev.to_le_bytes());
    b[8..16].copy_from_slice(&s.ino.to_le_bytes());
    b[16] = ft;
    let rest = match abi {
        Abi::Preview1 => {
            b[24..32].copy_from_slice(&s.nlink.to_le_bytes());
            32
        }
        Abi::Unstable => {
            b[20..24].copy_from_slice(&(s.nlink.min(u32::MAX as u64) as u32).to_le_bytes());
            24
        }
    };
    for (i, v) in [s.size, s.atim, s.mtim, s.ctim].iter().enumerate() {
        b[rest + i * 8..rest + i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// Writes a list of NUL-terminated strings and the pointer array to them.
fn put_strings(m: &Mem, list: &[String], ptrs: u32, buf: u32) -> Result<()> {
    m.check_out(ptrs, list.len() as u64 * 4, 4)?;
    let total: u64 = list.iter().map(|s| s.len() as u64 + 1).sum();
    m.check(buf, total)?;
    let mut bytes = Vec::with_capacity(total as usize);
    let mut table = Vec::with_capacity(list.len() * 4);
    for s in list {
        table.extend_from_slice(&(buf + bytes.len() as u32).to_le_bytes());
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
    }
    m.write(buf, &bytes)?;
    m.write(ptrs, &table)
}

fn put_sizes(m: &Mem, list: &[String], count: u32, size: u32) -> Result<()> {
    m.check_out(count, 4, 4)?;
    m.check_out(size, 4, 4)?;
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    m.put_u32(count, list.len() as u32)?;
    m.put_u32(size, total as u32)
}

/// Most subscriptions one `poll_oneoff` takes (`ENOMEM` beyond).
pub const MAX_SUBSCRIPTIONS: u32 = 1 << 16;

pub struct Preview1 {
    pub ctx: WasiCtx,
    fds: Table<Fd>,
    /// What the last call that returned `WouldBlock` waits for.
    pub wait: Option<Wait>,
}

impl Preview1 {
    pub fn new(ctx: WasiCtx) -> Result<Self> {
        let mut fds = Table::new(ctx.max_fds.max(3 + ctx.preopens.len() as u32));
        fds.push(Fd::stdio(Handle::Stdin, rights::STDIN))?;
        fds.push(Fd::stdio(Handle::Stdout, rights::STDOUT))?;
        fds.push(Fd::stdio(Handle::Stderr, rights::STDOUT))?;
        for (name, ino) in &ctx.preopens {
            let d = Descriptor::new(&ctx.fs, *ino, Walk::guest(*ino), true, false);
            fds.push(Fd {
                handle: Handle::Dir(d),
                pos: 0,
                flags: 0,
                base: rights::DIR,
                inheriting: rights::ALL,
                dropped: 0,
                dropped_inheriting: 0,
                preopen: Some(name.clone()),
            })?;
        }
        Ok(Preview1 {
            ctx,
            fds,
            wait: None,
        })
    }

    /// Flushes stdout and stderr.
    pub fn flush(&mut self) {
        let _ = self.ctx.stdio.stdout.flush();
        let _ = self.ctx.stdio.stderr.flush();
    }

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
            let _ = self.fds.remove(i);
        }
    }

    fn fd(&self, fd: u32) -> Result<&Fd> {
        self.fds.get(fd)
    }

    fn dir(&self, fd: u32, right: u64) -> Result<&Descriptor> {
        let e = self.fd(fd)?;
        let d = e.dir()?;
        e.need_path(right)?;
        Ok(d)
    }

    /// A path argument: its length is checked against the filesystem's
    /// `max_path` before anything is read or allocated.
    fn path(&self, m: &Mem, ptr: u32, len: u32) -> Result<String> {
        let max = self.ctx.fs.borrow().limits.max_path;
        m.read_path(ptr, len, max)
    }

    // ---- args, environment ----

    pub fn args_get(&mut self, m: &Mem, argv: u32, buf: u32) -> Result<()> {
        put_strings(m, &self.ctx.args, argv, buf)
    }

    pub fn args_sizes_get(&mut self, m: &Mem, argc: u32, size: u32) -> Result<()> {
        put_sizes(m, &self.ctx.args, argc, size)
    }

    pub fn environ_get(&mut self, m: &Mem, env: u32, buf: u32) -> Result<()> {
        put_strings(m, &self.ctx.env, env, buf)
    }

    pub fn environ_sizes_get(&mut self, m: &Mem, count: u32, size: u32) -> Result<()> {
        put_sizes(m, &self.ctx.env, count, size)
    }

    // ---- clocks, random, process ----

    pub fn clock_res_get(&mut self, m: &Mem, id: u32, out: u32) -> Result<()> {
        let id = ClockId::from_raw(id).ok_or(Errno::Inval)?;
        m.check_out(out, 8, 8)?;
        m.put_u64(out, self.ctx.clocks.resolution(id))
    }

    pub fn clock_time_get(&mut self, m: &Mem, id: u32, _precision: u64, out: u32) -> Result<()> {
        let id = ClockId::from_raw(id).ok_or(Errno::Inval)?;
        m.check_out(out, 8, 8)?;
        m.put_u64(out, self.ctx.clocks.now(id))
    }

    pub fn random_get(&mut self, m: &Mem, buf: u32, len: u32) -> Result<()> {
        m.check(buf, len as u64)?;
        let mut chunk = vec![0u8; (len as usize).min(65536)];
        let mut off = 0u32;
        while off < len {
            let n = (len - off).min(65536) as usize;
            self.ctx.random.fill(&mut chunk[..n]);
            m.write(buf + off, &chunk[..n])?;
            off += n as u32;
        }
        Ok(())
    }

    /// Records the exit code; the JS wrapper unwinds the guest.
    pub fn proc_exit(&mut self, code: u32) {
        self.flush();
        self.ctx.exit_code = Some(code);
    }

    /// Signals whose default action terminates end the program with
    /// 128 + signal, as a shell reports it; the others are ignored.
    pub fn proc_raise(&mut self, sig: u8) -> Result<()> {
        match sig {
            0 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 27 => Ok(()),
            1..=30 => {
                self.proc_exit(128 + sig as u32);
                Ok(())
            }
            _ => Err(Errno::Inval),
        }
    }

    pub fn sched_yield(&mut self) -> Result<()> {
        self.flush();
        Ok(())
    }

    // ---- fd: reading and writing ----

    pub fn fd_read(&mut self, m: &Mem, fd: u32, iovs: u32, n: u32, out: u32) -> Result<()> {
        self.transfer(m, fd, iovs, n, None, out, Dir::Read)
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
        self.transfer(m, fd, iovs, n, Some(at), out, Dir::Read)
    }

    pub fn fd_write(&mut self, m: &Mem, fd: u32, iovs: u32, n: u32, out: u32) -> Result<()> {
        self.transfer(m, fd, iovs, n, None, out, Dir::Write)
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
        self.transfer(m, fd, iovs, n, Some(at), out, Dir::Write)
    }

    /// The shared shape of the four: decode the iovecs, move the bytes,
    /// store the count.
    #[allow(clippy::too_many_arguments)]
    fn transfer(
        &mut self,
        m: &Mem,
        fd: u32,
        iovs: u32,
        n: u32,
        at: Option<u64>,
        out: u32,
        dir: Dir,
    ) -> Result<()> {
        m.check_out(out, 4, 4)?;
        let list = m.iovecs(iovs, n, self.ctx.max_io)?;
        let total = match dir {
            Dir::Read => self.read_iovs(m, fd, &list, at)?,
            Dir::Write => self.write_iovs(m, fd, &list, at)?,
        };
        m.put_u32(out, total)
    }

    fn read_iovs(&mut self, m: &Mem, fd: u32, list: &[(u32, u32)], at: Option<u64>) -> Result<u32> {
        check_offset(at)?;
        let Preview1 { ctx, fds, .. } = self;
        let e = fds.get_mut(fd)?;
        match &e.handle {
            Handle::File(d) => {
                e.need(rights::FD_READ | if at.is_some() { rights::FD_SEEK } else { 0 })?;
                let mut pos = at.unwrap_or(e.pos);
                let mut total = 0u64;
                let mut fs = d.fs_mut();
                for &(ptr, len) in list {
                    // Stored bytes and holes come in pieces, in order.
                    let mut at = ptr;
                    let got = fs.read_with(d.ino, pos, len as u64, |bytes, zeros| {
                        m.write(at, bytes)?;
                        at = at.wrapping_add(bytes.len() as u32);
                        m.fill(at, zeros as u32, 0)?;
                        at = at.wrapping_add(zeros as u32);
                        Ok(())
                    })?;
                    pos += got;
                    total += got;
                    if got < len as u64 {
                        break;
                    }
                }
                if at.is_none() {
                    e.pos = pos;
                }
                Ok(total.min(u32::MAX as u64) as u32)
            }
            Handle::Stdin => {
                if at.is_some() {
                    return Err(Errno::Spipe);
                }
                e.need(rights::FD_READ)?;
                // A prompt must be out before the program waits for input.
                let _ = ctx.stdio.stdout.flush();
                let _ = ctx.stdio.stderr.flush();
                let mut stdin = ctx.stdio.stdin.borrow_mut();
                let mut total = 0u32;
                for &(ptr, len) in list {
                    if len == 0 {
                        continue;
                    }
                    let got = loop {
                        match stdin.read(len as usize) {
                            // Nothing yet: block (worker mode), wait (async
                            // mode) or say so (sync mode).
                            Ok(b) if b.is_empty() && total == 0 => {
                                if crate::clocks::can_block_on_input() {
                                    crate::clocks::block_on_input(None);
                                    continue;
                                }
                                if ctx.blocking == Blocking::Async {
                                    self.wait = Some(Wait {
                                        deadline: None,
                                        input: true,
                                        since: 0,
                                    });
                                    return Err(Errno::WouldBlock);
                                }
                                return Err(Errno::Again);
                            }
                            other => break other,
                        }
                    };
                    match got {
                        Ok(bytes) => {
                            m.write(ptr, &bytes)?;
                            total += bytes.len() as u32;
                            if bytes.len() < len as usize {
                                break;
                            }
                        }
                        Err(StreamError::Closed) => break,
                        Err(StreamError::Failed(_)) if total == 0 => return Err(Errno::Io),
                        Err(StreamError::Failed(_)) => break,
                    }
                }
                Ok(total)
            }
            Handle::Dir(_) | Handle::Stdout | Handle::Stderr => Err(Errno::Badf),
        }
    }

    fn write_iovs(
        &mut self,
        m: &Mem,
        fd: u32,
        list: &[(u32, u32)],
        at: Option<u64>,
    ) -> Result<u32> {
        check_offset(at)?;
        // `Mem::iovecs` kept the total within `max_io`.
        let total: u64 = list.iter().map(|&(_, l)| l as u64).sum();
        let Preview1 { ctx, fds, .. } = self;
        let e = fds.get_mut(fd)?;
        let stream = match &e.handle {
            Handle::File(d) => {
                e.need(rights::FD_WRITE | if at.is_some() { rights::FD_SEEK } else { 0 })?;
                let mut fs = d.fs_mut();
                // O_APPEND wins even over pwrite's offset, as on Linux and wasmtime.
                let append = e.flags & fdflags::APPEND != 0;
                let mut pos = match at {
                    _ if append => fs.size(d.ino),
                    Some(p) => p,
                    None => e.pos,
                };
                // All or nothing: a write past a limit changes nothing.
                fs.check_write(d.ino, pos, total)?;
                for &(ptr, len) in list {
                    fs.write_with(d.ino, pos, len as usize, |done, dst| {
                        m.read_into(ptr.wrapping_add(done as u32), dst)
                    })?;
                    pos += len as u64;
                }
                if at.is_none() {
                    e.pos = pos;
                }
                return Ok(total as u32);
            }
            // Flushing the other stream first keeps stdout and stderr in
            // the order the program wrote them.
            Handle::Stdout => {
                let _ = ctx.stdio.stderr.flush();
                &mut ctx.stdio.stdout
            }
            Handle::Stderr => {
                let _ = ctx.stdio.stdout.flush();
                &mut ctx.stdio.stderr
            }
            Handle::Stdin | Handle::Dir(_) => return Err(Errno::Badf),
        };
        if at.is_some() {
            return Err(Errno::Spipe);
        }
        e.need(rights::FD_WRITE)?;
        // One sink call per fd_write, however many iovecs.
        let mut bytes = vec![0; total as usize];
        let mut off = 0;
        for &(ptr, len) in list {
            m.read_into(ptr, &mut bytes[off..off + len as usize])?;
            off += len as usize;
        }
        if !bytes.is_empty() {
            stream.write(&bytes).map_err(stream_err)?;
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
        let e = self.fds.get_mut(fd)?;
        let d = match &e.handle {
            Handle::File(d) => d,
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
            Whence::End => d.size() as i128,
        };
        let pos = base + offset as i128;
        if pos < 0 || pos > i64::MAX as i128 {
            return Err(Errno::Inval);
        }
        e.pos = pos as u64;
        m.put_u64(out, e.pos)
    }

    pub fn fd_tell(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let e = self.fd(fd)?;
        match &e.handle {
            Handle::File(_) => {}
            Handle::Dir(_) => return Err(Errno::Badf),
            _ => return Err(Errno::Spipe),
        }
        e.need(rights::FD_TELL)?;
        m.put_u64(out, e.pos)
    }

    // ---- fd: metadata ----

    pub fn fd_fdstat_get(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let mut b = [0u8; 24];
        b[0] = e.filetype(&self.ctx.stdio.tty);
        b[2..4].copy_from_slice(&e.flags.to_le_bytes());
        b[8..16].copy_from_slice(&e.base.to_le_bytes());
        b[16..24].copy_from_slice(&e.inheriting.to_le_bytes());
        m.check_out(out, 24, 8)?;
        m.write(out, &b)
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

    pub fn fd_filestat_get(&mut self, m: &Mem, fd: u32, out: u32, abi: Abi) -> Result<()> {
        let e = self.fd(fd)?;
        let (stat, ft) = match &e.handle {
            Handle::File(d) | Handle::Dir(d) => {
                e.need(rights::FD_FILESTAT_GET)?;
                let s = d.stat();
                (s, kind_filetype(s.kind))
            }
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
                (s, e.filetype(&self.ctx.stdio.tty))
            }
        };
        m.check_out(out, abi.filestat_size() as u64, 8)?;
        m.write(out, &encode_filestat(&stat, ft, abi))
    }

    pub fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> Result<()> {
        let e = self.fd(fd)?;
        let d = e.file()?;
        if !d.write || size > i64::MAX as u64 {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_FILESTAT_SET_SIZE)?;
        d.set_size(size)
    }

    pub fn fd_filestat_set_times(&mut self, fd: u32, atim: u64, mtim: u64, fst: u32) -> Result<()> {
        let e = self.fd(fd)?;
        let (a, mt) = set_times(atim, mtim, fst)?;
        match &e.handle {
            Handle::File(d) | Handle::Dir(d) => {
                e.need(rights::FD_FILESTAT_SET_TIMES)?;
                d.set_times(a, mt);
                Ok(())
            }
            _ => Err(Errno::Badf),
        }
    }

    pub fn fd_advise(&mut self, fd: u32, offset: u64, len: u64, advice: u32) -> Result<()> {
        // An unknown advice is EINVAL whatever the fd (wasmtime traps).
        if advice > 5 {
            return Err(Errno::Inval);
        }
        let e = self.fd(fd)?;
        e.file()?;
        // A negative length is EINVAL (posix_fadvise, wasmtime), and so is
        // a range whose end overflows `off_t`.
        if len > i64::MAX as u64 || (offset as i64).checked_add(len as i64).is_none() {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_ADVISE)
    }

    pub fn fd_allocate(&mut self, fd: u32, offset: u64, len: u64) -> Result<()> {
        let e = self.fd(fd)?;
        let d = e.file()?;
        if offset > i64::MAX as u64 || len > i64::MAX as u64 {
            return Err(Errno::Inval);
        }
        e.need(rights::FD_ALLOCATE)?;
        d.fs_mut().allocate(d.ino, offset, len)
    }

    pub fn fd_sync(&mut self, fd: u32) -> Result<()> {
        let e = self.fd(fd)?;
        e.file()?;
        e.need(rights::FD_SYNC)
    }

    pub fn fd_datasync(&mut self, fd: u32) -> Result<()> {
        let e = self.fd(fd)?;
        e.file()?;
        // Allowed on a read-only file, so not `need` (which checks the mode).
        if e.dropped & rights::FD_DATASYNC != 0 {
            return Err(Errno::Notcapable);
        }
        Ok(())
    }

    pub fn fd_close(&mut self, fd: u32) -> Result<()> {
        self.fds.remove(fd).map(drop)
    }

    pub fn fd_renumber(&mut self, from: u32, to: u32) -> Result<()> {
        self.fds.renumber(from, to)
    }

    pub fn fd_prestat_get(&mut self, m: &Mem, fd: u32, out: u32) -> Result<()> {
        let name = self.fd(fd)?.preopen.as_ref().ok_or(Errno::Badf)?;
        let mut b = [0u8; 8];
        b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
        m.check_out(out, 8, 4)?;
        m.write(out, &b)
    }

    pub fn fd_prestat_dir_name(&mut self, m: &Mem, fd: u32, buf: u32, len: u32) -> Result<()> {
        let name = self.fd(fd)?.preopen.as_ref().ok_or(Errno::Notdir)?;
        if (len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        m.write(buf, name.as_bytes())
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
        let d = e.dir()?;
        e.need(rights::FD_READDIR)?;
        // The guest's buffer may be 4 GiB: entries go out in pieces of
        // about `CHUNK`, so the host holds no more than that at once.
        const CHUNK: usize = 1 << 16;
        let cap = len as usize;
        let mut bytes = Vec::with_capacity(cap.min(CHUNK + 24 + crate::fs::MAX_NAME));
        let mut written = 0usize;
        let mut failed = Ok(());
        d.fs().readdir(d.ino, cookie, |ent| {
            let mut head = [0u8; 24];
            head[0..8].copy_from_slice(&ent.next.to_le_bytes());
            head[8..16].copy_from_slice(&ent.ino.to_le_bytes());
            head[16..20].copy_from_slice(&(ent.name.len() as u32).to_le_bytes());
            head[20] = kind_filetype(ent.kind);
            bytes.extend_from_slice(&head);
            bytes.extend_from_slice(ent.name.as_bytes());
            // A full buffer tells the guest there may be more.
            bytes.truncate(cap - written);
            if bytes.len() >= CHUNK {
                failed = m.write(buf + written as u32, &bytes);
                written += bytes.len();
                bytes.clear();
            }
            written + bytes.len() < cap && failed.is_ok()
        })?;
        failed?;
        m.write(buf + written as u32, &bytes)?;
        m.put_u32(out, (written + bytes.len()) as u32)
    }

    // ---- paths ----

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
        let dir = match &e.handle {
            Handle::Dir(d) => d,
            Handle::File(_) => return Err(Errno::Notdir),
            _ => return Err(Errno::Badf),
        };
        // A directory cannot be created, exclusive or truncated: EINVAL
        // whatever the path names, as in wasmtime.
        if oflags & oflags::DIRECTORY != 0
            && oflags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0
        {
            return Err(Errno::Inval);
        }
        if fdflags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
            return Err(Errno::Notsup);
        }
        let mut need = rights::PATH_OPEN;
        if oflags & oflags::CREAT != 0 {
            need |= rights::PATH_CREATE_FILE;
        }
        if oflags & oflags::TRUNC != 0 {
            need |= rights::PATH_FILESTAT_SET_SIZE;
        }
        e.need_path(need)?;
        let write = base & rights::WRITING != 0 || fdflags & fdflags::APPEND != 0;
        // No rights at all means read mode, as in wasmtime.
        let read = base & rights::READING != 0 || !write;
        let o = OpenOptions {
            follow,
            create: oflags & oflags::CREAT != 0,
            exclusive: oflags & oflags::EXCL != 0,
            truncate: oflags & oflags::TRUNC != 0,
            directory: oflags & oflags::DIRECTORY != 0,
            write,
        };
        let mut d = dir.open_at(&path, o, read, write)?;
        if d.is_dir() {
            // Each directory fd is its own root: `..` cannot leave it.
            d.walk = Walk::guest(d.ino);
        }
        let dropped = e.dropped_inheriting;
        let (handle, mut b) = if d.is_dir() {
            (Handle::Dir(d), base & rights::DIR)
        } else {
            let mut b = base & rights::FILE;
            if !write {
                b &= !rights::WRITING;
            }
            if !read {
                b &= !rights::READING;
            }
            (Handle::File(d), b)
        };
        b &= !dropped;
        let new = Fd {
            handle,
            pos: 0,
            flags: fdflags,
            base: b,
            inheriting: inheriting & !dropped,
            dropped,
            dropped_inheriting: dropped,
            preopen: None,
        };
        let n = self.fds.push(new)?;
        m.put_u32(out, n)
    }

    pub fn path_create_directory(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        self.dir(fd, rights::PATH_CREATE_DIRECTORY)?
            .create_directory_at(&path)
    }

    pub fn path_remove_directory(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        self.dir(fd, rights::PATH_REMOVE_DIRECTORY)?
            .remove_directory_at(&path)
    }

    pub fn path_unlink_file(&mut self, m: &Mem, fd: u32, p: u32, len: u32) -> Result<()> {
        let path = self.path(m, p, len)?;
        self.dir(fd, rights::PATH_UNLINK_FILE)?
            .unlink_file_at(&path)
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
        let s = d.stat_at(&path, follow)?;
        // A query checks its out-pointer last, as wasmtime does: its other
        // errors come first.
        m.check_out(out, abi.filestat_size() as u64, 8)?;
        m.write(out, &encode_filestat(&s, kind_filetype(s.kind), abi))
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
        let (a, mt) = set_times(atim, mtim, fst)?;
        d.set_times_at(&path, follow, a, mt)
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
        if follow {
            return Err(Errno::Inval);
        }
        let to = self.dir(new_fd, rights::PATH_LINK_TARGET)?;
        from.link_at(follow, &old, to, &new)
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
        let target = self.dir(fd, rights::PATH_READLINK)?.readlink_at(&path)?;
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
        from.rename_at(&old, to, &new)
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
        self.dir(fd, rights::PATH_SYMLINK)?
            .symlink_at(&target, &path)
    }

    // ---- poll ----

    pub fn poll_oneoff(
        &mut self,
        m: &Mem,
        subs: u32,
        events: u32,
        n: u32,
        out: u32,
        abi: Abi,
    ) -> Result<()> {
        if n == 0 {
            return Err(Errno::Inval);
        }
        // Output written before a wait shows while the program waits.
        self.flush();
        let size = abi.subscription_size();
        m.check_out(subs, n as u64 * size as u64, 8)?;
        m.check_out(events, n as u64 * event::SIZE as u64, 8)?;
        m.check_out(out, 4, 4)?;
        // The host keeps a pollable per subscription: a fixed cap bounds
        // that (wasmtime answers ENOMEM for huge counts too).
        if n > MAX_SUBSCRIPTIONS {
            return Err(Errno::Nomem);
        }
        // A retry after WouldBlock keeps the first attempt's start time.
        let since = match self.wait.take() {
            Some(w) => w.since,
            None => self.ctx.clocks.monotonic(),
        };
        // Each subscription becomes a pollable and a way to fill its event.
        struct Sub {
            userdata: u64,
            kind: u8,
            error: Errno,
            nbytes: u64,
        }
        let mut list: Vec<Sub> = Vec::with_capacity(n as usize);
        let mut pollables: Vec<Box<dyn Pollable>> = Vec::with_capacity(n as usize);
        let mut stdin_subs = Vec::new();
        for i in 0..n as usize {
            let mut raw = [0u8; 56];
            let s = &mut raw[..size as usize];
            m.read_into(subs + i as u32 * size, s)?;
            let s = &*s;
            let u64_at = |o: usize| u64::from_le_bytes(s[o..o + 8].try_into().unwrap());
            let u32_at = |o: usize| u32::from_le_bytes(s[o..o + 4].try_into().unwrap());
            let userdata = u64_at(0);
            let kind = s[8];
            let mut sub = Sub {
                userdata,
                kind,
                error: Errno::Success,
                nbytes: 0,
            };
            let p: Box<dyn Pollable> = match kind {
                event::CLOCK => {
                    let c = abi.clock_offset() as usize;
                    let id = u32_at(c);
                    let timeout = u64_at(c + 8);
                    let flags = u16::from_le_bytes([s[c + 24], s[c + 25]]);
                    if flags & !event::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                        return Err(Errno::Inval);
                    }
                    // wasmtime fails the whole call for an unknown clock.
                    match ClockId::from_raw(id) {
                        None => return Err(Errno::Inval),
                        Some(id) => {
                            let clocks = self.ctx.clocks.clone();
                            let at = if flags & event::SUBSCRIPTION_CLOCK_ABSTIME == 0 {
                                since.saturating_add(timeout)
                            } else if id == ClockId::Monotonic {
                                timeout
                            } else {
                                // Another clock's absolute time, as a monotonic
                                // deadline read at the same moment.
                                let left = timeout.saturating_sub(clocks.now(id));
                                // (+1 µs covers f64 rounding of the realtime clock.)
                                clocks
                                    .monotonic()
                                    .saturating_add(left)
                                    .saturating_add(1_000)
                            };
                            Box::new(Deadline { at, clocks })
                        }
                    }
                }
                event::FD_READ | event::FD_WRITE => {
                    let fd = u32_at(16);
                    // wasmtime fails the whole call for a bad fd.
                    match self.fd_readiness(fd, kind == event::FD_READ)? {
                        Some(nbytes) => {
                            sub.nbytes = nbytes;
                            Box::new(AlwaysReady)
                        }
                        // Stdin: ready when data comes; its count is known then.
                        None => {
                            stdin_subs.push(i);
                            Box::new(InputReady(self.ctx.stdio.stdin.clone()))
                        }
                    }
                }
                _ => return Err(Errno::Inval),
            };
            list.push(sub);
            pollables.push(p);
        }
        let ready = match io::poll(&mut pollables, &self.ctx.clocks, self.ctx.blocking) {
            Ok(ready) => ready,
            Err(wait) => {
                self.wait = Some(Wait { since, ..wait });
                return Err(Errno::WouldBlock);
            }
        };
        for &i in &stdin_subs {
            list[i].nbytes = self.ctx.stdio.stdin.borrow().available();
        }
        let mut bytes = Vec::with_capacity(ready.len() * event::SIZE as usize);
        for &i in &ready {
            let s = &list[i];
            let mut ev = [0u8; 32];
            ev[0..8].copy_from_slice(&s.userdata.to_le_bytes());
            ev[8..10].copy_from_slice(&s.error.raw().to_le_bytes());
            ev[10] = s.kind;
            if s.kind != event::CLOCK {
                ev[16..24].copy_from_slice(&s.nbytes.to_le_bytes());
            }
            bytes.extend_from_slice(&ev);
        }
        m.write(events, &bytes)?;
        m.put_u32(out, ready.len() as u32)
    }

    /// Bytes readable (or writable) on an fd without waiting; `None` for
    /// stdin, whose count is known only once it is ready.
    fn fd_readiness(&self, fd: u32, read: bool) -> Result<Option<u64>> {
        let e = self.fd(fd)?;
        e.need(rights::POLL_FD_READWRITE)?;
        match (&e.handle, read) {
            (Handle::File(d), true) => Ok(Some(d.size().saturating_sub(e.pos))),
            (Handle::File(_), false) => Ok(Some(0)),
            (Handle::Stdin, true) => Ok(None),
            (Handle::Stdout | Handle::Stderr, false) => Ok(Some(0)),
            _ => Err(Errno::Badf),
        }
    }

    // ---- sockets: there are none, but the calls answer properly ----

    fn not_socket(&self, fd: u32) -> Result<()> {
        self.fd(fd)?;
        Err(Errno::Notsock)
    }

    pub fn sock_accept(&mut self, fd: u32, flags: u32, _out: u32) -> Result<()> {
        if flags & !(fdflags::ALL as u32) != 0 {
            return Err(Errno::Inval);
        }
        self.not_socket(fd)
    }
    pub fn sock_recv(&mut self, fd: u32) -> Result<()> {
        self.not_socket(fd)
    }
    pub fn sock_send(&mut self, fd: u32) -> Result<()> {
        self.not_socket(fd)
    }
    pub fn sock_shutdown(&mut self, fd: u32, how: u32) -> Result<()> {
        // sdflags: RD (1) and WR (2).
        if how & !3 != 0 {
            return Err(Errno::Inval);
        }
        self.not_socket(fd)
    }
}

#[cfg(test)]
mod tests;
