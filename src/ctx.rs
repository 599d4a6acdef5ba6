//! The per-program context and its builder.
//!
//! The builder is where the platform comes in, as in wasmtime's
//! `WasiCtxBuilder`: the wall and monotonic clocks, sleeping, secure random
//! bytes and the blocking mode (with worker mode's way to block on input)
//! are small traits it takes. What is not given defaults to std's (host
//! builds and tests); the bindings give the JS-backed ones. The core keeps
//! no global state, so a test can drive a context with fakes.

use crate::cli::{Buffered, Stdio};
use crate::clocks::{
    Clocks, MonotonicClock, Sleep, SystemMonotonicClock, SystemWallClock, ThreadSleep, WallClock,
};
use crate::descriptor::FsHandle;
use crate::error::{Errno, Result};
use crate::fs::{Ino, Kind};
use crate::io::{Blocking, InputStream, OutputStream};
use crate::random::{Random, SecureRandom, StdRandom};
use std::cell::RefCell;
use std::rc::Rc;

pub struct WasiCtx {
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub fs: FsHandle,
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
    /// Most bytes one read or write moves, in both previews (the
    /// `maxIoBytes` option): a larger one is shortened to this (a short
    /// read or write, as POSIX allows), so one call cannot make the host
    /// copy gigabytes at once. Preview 1's iovecs, Preview 2's stream and
    /// descriptor reads, descriptor writes and `check-write` all obey it.
    pub max_io: u32,
}

/// Default for [`WasiCtx::max_io`]: 16 MiB. The one place it is set.
pub const DEFAULT_MAX_IO: u32 = 16 << 20;

pub struct WasiCtxBuilder {
    ctx: WasiCtx,
    wall: Option<Rc<dyn WallClock>>,
    monotonic: Option<Rc<dyn MonotonicClock>>,
    sleep: Option<Rc<dyn Sleep>>,
    secure_random: Option<Rc<dyn SecureRandom>>,
    /// Deterministic mode's seed: virtual clocks, seeded random.
    seed: Option<u64>,
}

impl WasiCtxBuilder {
    pub fn new(fs: impl Into<FsHandle>) -> Self {
        WasiCtxBuilder {
            ctx: WasiCtx {
                args: Vec::new(),
                env: Vec::new(),
                fs: fs.into(),
                preopens: Vec::new(),
                stdio: Stdio::default(),
                // Placeholders: `build` puts in the platform's.
                clocks: Clocks::deterministic(),
                random: Random::Seeded(0),
                blocking: Blocking::Sync,
                exit_code: None,
                max_fds: 1024,
                max_io: DEFAULT_MAX_IO,
            },
            wall: None,
            monotonic: None,
            sleep: None,
            secure_random: None,
            seed: None,
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

    /// Where stdout goes. The one buffering policy is applied here: the
    /// sink is put behind a [`Buffered`] (line by line for a terminal), for
    /// both previews.
    pub fn stdout(mut self, s: Box<dyn OutputStream>, tty: bool) -> Self {
        self.ctx.stdio.stdout = Buffered::new(s, tty);
        self.ctx.stdio.tty[1] = tty;
        self
    }

    /// Where stderr goes, buffered as stdout is.
    pub fn stderr(mut self, s: Box<dyn OutputStream>, tty: bool) -> Self {
        self.ctx.stdio.stderr = Buffered::new(s, tty);
        self.ctx.stdio.tty[2] = tty;
        self
    }

    /// The wall clock (`clock_time_get(REALTIME)`, `wall-clock.now`, and
    /// the times of the files the program changes).
    pub fn wall_clock(mut self, clock: impl WallClock + 'static) -> Self {
        self.wall = Some(Rc::new(clock));
        self
    }

    /// The monotonic clock: deadlines, and the CPU-time clocks.
    pub fn monotonic_clock(mut self, clock: impl MonotonicClock + 'static) -> Self {
        self.monotonic = Some(Rc::new(clock));
        self
    }

    /// How the thread sleeps until a deadline (sync and worker modes).
    pub fn sleep(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Some(Rc::new(sleep));
        self
    }

    /// Where secure random bytes come from.
    pub fn secure_random(mut self, source: impl SecureRandom + 'static) -> Self {
        self.secure_random = Some(Rc::new(source));
        self
    }

    /// Virtual clocks and a seeded random source: reproducible runs. It
    /// replaces the clocks, sleep and random source, given or not.
    pub fn deterministic(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// How calls that must wait do so (default [`Blocking::Sync`]).
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
        let mut ctx = self.ctx;
        // Defaults are made only when not given: std's clocks do not exist
        // on wasm32-unknown-unknown (the bindings give every one).
        if let Some(seed) = self.seed {
            ctx.clocks = Clocks::deterministic();
            ctx.random = Random::Seeded(seed);
        } else {
            ctx.clocks = Clocks::new(
                self.wall.unwrap_or_else(|| Rc::new(SystemWallClock)),
                self.monotonic
                    .unwrap_or_else(|| Rc::new(SystemMonotonicClock::default())),
                self.sleep.unwrap_or_else(|| Rc::new(ThreadSleep)),
            );
            ctx.random = Random::Secure(self.secure_random.unwrap_or_else(|| Rc::new(StdRandom)));
        }
        // The program's changes to files are stamped with its wall clock
        // (virtual in deterministic mode); the JS API's with the host's.
        ctx.fs = ctx.fs.with_clock(ctx.clocks.wall_clock());
        ctx
    }
}

#[cfg(test)]
#[path = "ctx_tests.rs"]
mod tests;
