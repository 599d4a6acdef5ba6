//! The per-program context and its builder.

use crate::cli::Stdio;
use crate::clocks::Clocks;
use crate::error::{Errno, Result};
use crate::filesystem::SharedFs;
use crate::fs::{Ino, Kind};
use crate::io::{Blocking, InputStream, OutputStream};
use crate::random::Random;
use std::cell::RefCell;
use std::rc::Rc;

pub struct WasiCtx {
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub fs: SharedFs,
    /// (guest path, directory inode) for each preopen, in fd order.
    pub preopens: Vec<(String, Ino)>,
    pub stdio: Stdio,
    pub clocks: Clocks,
    pub random: Random,
    /// How calls that must wait do so.
    pub blocking: Blocking,
    /// Set by `proc_exit` or a fatal `proc_raise`.
    pub exit_code: Option<u32>,
    /// Most descriptors one program may hold open (`EMFILE`).
    pub max_fds: u32,
    /// Most bytes one read or write moves: a larger one is shortened to
    /// this (a short read or write, as POSIX allows), so one call cannot
    /// make the host copy gigabytes at once.
    pub max_io: u32,
}

/// Default for [`WasiCtx::max_io`]: 16 MiB.
pub const DEFAULT_MAX_IO: u32 = 16 << 20;

pub struct WasiCtxBuilder {
    ctx: WasiCtx,
}

impl WasiCtxBuilder {
    pub fn new(fs: SharedFs) -> Self {
        WasiCtxBuilder {
            ctx: WasiCtx {
                args: Vec::new(),
                env: Vec::new(),
                fs,
                preopens: Vec::new(),
                stdio: Stdio::default(),
                clocks: Clocks::default(),
                random: Random::Secure,
                blocking: Blocking::Sync,
                exit_code: None,
                max_fds: 1024,
                max_io: DEFAULT_MAX_IO,
            },
        }
    }

    pub fn arg(mut self, a: impl Into<String>) -> Self {
        self.ctx.args.push(a.into());
        self
    }

    pub fn env(mut self, kv: impl Into<String>) -> Self {
        self.ctx.env.push(kv.into());
        self
    }

    /// Preopens the directory at `fs_path` (absolute in the fs) as `guest_path`.
    pub fn preopen(mut self, guest_path: &str, fs_path: &str) -> Result<Self> {
        let ino = {
            let fs = self.ctx.fs.borrow();
            let ino = fs.lookup(fs.host_walk(), fs.root(), fs_path, true)?;
            if fs.kind(ino) != Kind::Dir {
                return Err(Errno::Notdir);
            }
            ino
        };
        self.ctx.preopens.push((guest_path.to_string(), ino));
        Ok(self)
    }

    pub fn stdin(mut self, s: Box<dyn InputStream>, tty: bool) -> Self {
        self.ctx.stdio.stdin = Rc::new(RefCell::new(s));
        self.ctx.stdio.tty[0] = tty;
        self
    }

    pub fn stdout(mut self, s: Box<dyn OutputStream>, tty: bool) -> Self {
        self.ctx.stdio.stdout = s;
        self.ctx.stdio.tty[1] = tty;
        self
    }

    pub fn stderr(mut self, s: Box<dyn OutputStream>, tty: bool) -> Self {
        self.ctx.stdio.stderr = s;
        self.ctx.stdio.tty[2] = tty;
        self
    }

    /// Virtual clocks and a seeded random source: reproducible runs.
    pub fn deterministic(mut self, seed: u64) -> Self {
        self.ctx.clocks = Clocks::deterministic();
        self.ctx.random = Random::Seeded(seed);
        self
    }

    pub fn blocking(mut self, mode: Blocking) -> Self {
        self.ctx.blocking = mode;
        self
    }

    pub fn max_fds(mut self, n: u32) -> Self {
        self.ctx.max_fds = n;
        self
    }

    /// Largest single read or write, in bytes (at least 1).
    pub fn max_io(mut self, n: u32) -> Self {
        self.ctx.max_io = n.max(1);
        self
    }

    pub fn build(self) -> WasiCtx {
        self.ctx
    }
}
