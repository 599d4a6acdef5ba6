//! The Preview 1 adapter: the `wasi_snapshot_preview1` / `wasi_unstable`
//! ABI over the Preview 2 host, as wasmtime's `p1.rs` is.
//!
//! A [`Preview1`] owns a [`Preview2`]: its fds name Preview 2 resources
//! (descriptors for files and directories, streams for stdio), and every
//! call goes through the Preview 2 function for it: `path_open` through
//! `open_at`, reads and writes through `pread_with` / `pwrite_from` and
//! the stdio streams, `fd_readdir` through `read_directory_at`,
//! `poll_oneoff` through `wait_on`, `proc_exit` through `exit`. So each
//! policy (sandboxed opens, offset checks, the I/O caps, flushing before a
//! wait, how a wait blocks) is written once, there. The adapter keeps only
//! what Preview 1 has and Preview 2 lacks:
//!
//! - [`fds`]: the fd table, with positions, rights and fdflags;
//! - [`abi`]: the structs in guest memory, and the iovecs;
//! - the errnos Preview 1 gives where Preview 2 has none, or another
//!   (mapped in the adapter, as in wasmtime).
//!
//! One file per group of calls: [`fd`] (fd I/O and metadata), [`path`],
//! [`poll`]; process, clocks, random, args and sockets are here.

pub mod abi;
pub mod fd;
pub mod fds;
pub mod path;
pub mod poll;
pub mod types;

use crate::clocks::ClockId;
use crate::ctx::WasiCtx;
use crate::error::{Errno, Result};
use crate::io::Wait;
use crate::memory::Mem;
use crate::preview2::{self as p2, Preview2};
use crate::table::Table;
use fds::{Fd, Handle};
use types::*;

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

pub struct Preview1 {
    /// The Preview 2 host every call goes through; it owns the context.
    p2: Preview2,
    fds: Table<Fd>,
    /// What the last call that returned `WouldBlock` waits for.
    pub wait: Option<Wait>,
    /// The decoded iovecs of the last read or write (at most
    /// `MAX_IOVECS`), kept so that the next one allocates nothing.
    iovs: Vec<(u32, u32)>,
}

impl Preview1 {
    pub fn new(ctx: WasiCtx) -> Result<Self> {
        let limit = ctx.max_fds.max(3 + ctx.preopens.len() as u32);
        // Each fd holds one Preview 2 resource (stdio three of their own):
        // the Preview 2 table never fills before the fd table does.
        let mut p2 = Preview2::with_limit(ctx, limit.saturating_add(8));
        let mut fds = Table::new(limit);
        let stdio = [
            p2.get_stdin().map(Handle::Stdin),
            p2.get_stdout().map(Handle::Stdout),
            p2.get_stderr().map(Handle::Stderr),
        ];
        for (h, base) in stdio
            .into_iter()
            .zip([rights::STDIN, rights::STDOUT, rights::STDOUT])
        {
            fds.push(Fd::new(h.map_err(|_| Errno::Mfile)?, base, 0))?;
        }
        for (h, name) in p2.get_directories().map_err(|_| Errno::Mfile)? {
            let mut e = Fd::new(Handle::Dir(h), rights::DIR, rights::ALL);
            e.preopen = Some(name);
            fds.push(e)?;
        }
        Ok(Preview1 {
            p2,
            fds,
            wait: None,
            iovs: Vec::new(),
        })
    }

    /// The program's context (owned by the Preview 2 host).
    pub fn ctx(&self) -> &WasiCtx {
        &self.p2.ctx
    }

    /// Flushes stdout and stderr.
    pub fn flush(&mut self) {
        self.p2.flush();
    }

    /// A Preview 2 result with its failure as an errno (see [`Self::errno`]).
    fn lift<T>(&mut self, r: p2::Result<T>) -> Result<T> {
        r.map_err(|e| self.errno(e))
    }

    /// A Preview 2 failure as an errno. A stream's `last-operation-failed`
    /// left a `wasi:io/error` in the table: its code is taken and it is
    /// dropped. A wait (async mode) is recorded for the JS side.
    fn errno(&mut self, e: p2::Error) -> Errno {
        match e {
            p2::Error::Code(c) => c,
            p2::Error::Closed => Errno::Pipe,
            p2::Error::Failed(id) => {
                let code = self.p2.filesystem_error_code(id).ok().flatten();
                let _ = self.p2.drop_resource(id);
                code.unwrap_or(Errno::Io)
            }
            p2::Error::Wait(w) => {
                self.wait = Some(w);
                Errno::WouldBlock
            }
            // The adapter hands Preview 2 only live handles of the right
            // type; what is left is a closed MemFS or a full table.
            p2::Error::Trap(_) => Errno::Badf,
        }
    }

    // ---- args, environment ----

    pub fn args_get(&mut self, m: &Mem, argv: u32, buf: u32) -> Result<()> {
        put_strings(m, &self.p2.ctx.args, argv, buf)
    }

    pub fn args_sizes_get(&mut self, m: &Mem, argc: u32, size: u32) -> Result<()> {
        put_sizes(m, &self.p2.ctx.args, argc, size)
    }

    pub fn environ_get(&mut self, m: &Mem, env: u32, buf: u32) -> Result<()> {
        put_strings(m, &self.p2.ctx.env, env, buf)
    }

    pub fn environ_sizes_get(&mut self, m: &Mem, count: u32, size: u32) -> Result<()> {
        put_sizes(m, &self.p2.ctx.env, count, size)
    }

    // ---- clocks, random, process ----

    pub fn clock_res_get(&mut self, m: &Mem, id: u32, out: u32) -> Result<()> {
        let id = ClockId::from_raw(id).ok_or(Errno::Inval)?;
        m.check_out(out, 8, 8)?;
        m.put_u64(out, self.p2.ctx.clocks.resolution(id))
    }

    pub fn clock_time_get(&mut self, m: &Mem, id: u32, _precision: u64, out: u32) -> Result<()> {
        let id = ClockId::from_raw(id).ok_or(Errno::Inval)?;
        m.check_out(out, 8, 8)?;
        m.put_u64(out, self.p2.ctx.clocks.now(id))
    }

    pub fn random_get(&mut self, m: &Mem, buf: u32, len: u32) -> Result<()> {
        m.check(buf, len as u64)?;
        let mut chunk = vec![0u8; (len as usize).min(65536)];
        let mut off = 0u32;
        while off < len {
            let n = (len - off).min(65536) as usize;
            self.p2.fill_random(&mut chunk[..n]);
            m.write(buf + off, &chunk[..n])?;
            off += n as u32;
        }
        Ok(())
    }

    /// Records the exit code (and flushes: `exit`); the JS wrapper
    /// unwinds the guest.
    pub fn proc_exit(&mut self, code: u32) {
        self.p2.exit(code);
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
