//! Property tests: random sequences of Preview 1 calls against the
//! invariants a hostile guest must not break.
//!
//! Each case builds a small filesystem with tight limits, a preopen
//! `/sandbox` and, outside it, sentinels (`/secret`, `/outside/`), then runs a
//! random sequence of calls with random fds, pointers (valid, at the edge of
//! memory, wild), lengths (up to 4 GiB), flags and paths (`..`, absolute,
//! through symlinks that point out, invalid UTF-8). After every call:
//!
//! - nothing panicked;
//! - `MemFs::check_invariants` holds (links, sizes, reachability, no leak);
//! - the limits hold (`usage()` within `max_bytes` / `max_inodes`);
//! - nothing outside the preopen was read, changed or removed (the secret's
//!   bytes never appear in guest memory; its stat, and the listings of `/`
//!   and `/outside`, are unchanged);
//! - the open count of the inodes equals the descriptors the guest has.
//!
//! At the end the program is dropped: every inode it held is released.
//!
//! A short run is part of `cargo test` (`FUZZ_CASES`, default 96 cases of up
//! to 48 calls); `tests/fuzz/README.md` has the long run.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use wasi_web::cli::{BufferOutput, BytesInput};
use wasi_web::descriptor::FsCell;
use wasi_web::fs::{Limits, MemFs, Stat};
use wasi_web::memory::{Mem, VecMemory};
use wasi_web::preview1::types::{rights, Abi};
use wasi_web::preview1::Preview1;
use wasi_web::{Errno, WasiCtxBuilder};

const MEM: u32 = 65536;
const IOVS: u32 = 0x100;
const PATH_A: u32 = 0xC000;
const PATH_B: u32 = 0xD000;
const MAX_FDS: u32 = 24;
const SECRET: &[u8] = b"SENTINEL-secret-7f3a9c-do-not-leak";

static CALLS: AtomicU64 = AtomicU64::new(0);
/// Calls that succeeded: a fuzzer whose calls all fail tests little.
static OK_CALLS: AtomicU64 = AtomicU64::new(0);

// ---- inputs ----

#[derive(Clone, Debug)]
enum Path {
    Text(String),
    Bytes(Vec<u8>),
    /// A raw pointer and length, not written to memory.
    Wild(u32, u32),
}

#[derive(Clone, Debug)]
enum Op {
    Open {
        dir: u32,
        path: Path,
        dirflags: u32,
        oflags: u32,
        base: u64,
        fdflags: u32,
    },
    Read {
        fd: u32,
        iovs: Vec<(u32, u32)>,
        at: Option<u64>,
    },
    Write {
        fd: u32,
        iovs: Vec<(u32, u32)>,
        at: Option<u64>,
    },
    /// An iovec array pointer and count that may be wild.
    RawIo {
        fd: u32,
        write: bool,
        ptr: u32,
        n: u32,
    },
    Seek {
        fd: u32,
        off: i64,
        whence: u32,
        unstable: bool,
    },
    Tell(u32),
    Close(u32),
    Renumber(u32, u32),
    Allocate(u32, u64, u64),
    SetSize(u32, u64),
    FdStat(u32, u32),
    FileStat(u32, u32, bool),
    SetFlags(u32, u32),
    SetRights(u32, u64, u64),
    Readdir(u32, u32, u32, u64),
    Prestat(u32, u32),
    PrestatName(u32, u32, u32),
    Advise(u32, u64, u64, u32),
    Sync(u32, bool),
    SetTimes(u32, u64, u64, u32),
    Mkdir(u32, Path),
    Rmdir(u32, Path),
    Unlink(u32, Path),
    Symlink(Path, u32, Path),
    Link(u32, u32, Path, u32, Path),
    Rename(u32, Path, u32, Path),
    Readlink(u32, Path, u32, u32),
    PathStat(u32, u32, Path, u32),
    PathSetTimes(u32, u32, Path, u64, u64, u32),
    Poll {
        kind: u8,
        fd: u32,
        clock: u32,
        timeout: u64,
        flags: u16,
        n: u32,
    },
    Random(u32, u32),
    Clock(u32, u32),
    Args(u32, u32),
}

/// Any fd, mostly the preopen (3) and the ones a program opens next.
fn fd() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => Just(3u32),
        8 => 4u32..8,
        4 => 0u32..10,
        1 => 10u32..MAX_FDS + 2,
        1 => any::<u32>(),
    ]
}

/// An fd for path calls: mostly a directory.
fn dirfd() -> impl Strategy<Value = u32> {
    prop_oneof![12 => Just(3u32), 4 => fd()]
}

/// An fd for file calls: mostly an opened file.
fn filefd() -> impl Strategy<Value = u32> {
    prop_oneof![12 => 4u32..7, 4 => fd()]
}

fn oflags() -> impl Strategy<Value = u32> {
    // CREAT 1, DIRECTORY 2, EXCL 4, TRUNC 8
    prop_oneof![
        8 => prop::sample::select(vec![0u32, 0, 1, 1, 2, 5, 8, 9, 13]),
        2 => 0u32..16,
        1 => flags16(),
    ]
}

fn fdflags() -> impl Strategy<Value = u32> {
    prop_oneof![8 => prop::sample::select(vec![0u32, 0, 1, 4, 5]), 1 => flags16()]
}

fn ptr() -> impl Strategy<Value = u32> {
    prop_oneof![
        16 => 0x1000u32..0xB000,
        1 => (MEM - 24)..(MEM + 8),
        1 => IOVS..IOVS + 0x40,
        1 => Just(0u32),
        1 => any::<u32>(),
    ]
}

fn len() -> impl Strategy<Value = u32> {
    prop_oneof![
        12 => 0u32..64,
        6 => 0u32..6000,
        1 => Just(u32::MAX),
        1 => 0x7fff_fff0u32..=u32::MAX,
        1 => any::<u32>(),
    ]
}

fn offset() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => 0u64..20_000,
        1 => Just(u64::MAX),
        1 => Just(i64::MAX as u64),
        1 => (1u64 << 40) - 4..(1u64 << 40) + 4,
        1 => any::<u64>(),
    ]
}

/// Flag words: mostly defined bits, some beyond them (also beyond 16 bits,
/// which must not be truncated into valid ones).
fn flags16() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..32, 1 => any::<u16>().prop_map(u32::from), 1 => any::<u32>()]
}

fn component() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("a".to_string()),
        4 => Just("b".to_string()),
        4 => Just("d".to_string()),
        4 => Just("sub".to_string()),
        4 => Just("c".to_string()),
        4 => Just("new".to_string()),
        1 => Just("up".to_string()),
        1 => Just("abs".to_string()),
        1 => Just("loop".to_string()),
        1 => Just("selfdir".to_string()),
        1 => Just("secret".to_string()),
        1 => Just("outside".to_string()),
        1 => Just("..".to_string()),
        1 => Just(".".to_string()),
        1 => Just("".to_string()),
        2 => prop::collection::vec(prop::sample::select(vec!['a', 'b', 'c']), 1..=3)
            .prop_map(|v| v.into_iter().collect::<String>()),
        1 => Just("n".repeat(256)),
    ]
}

fn text_path() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(component(), 1..4),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(abs, parts, slash)| {
            let mut s = parts.join("/");
            if abs {
                s.insert(0, '/');
            }
            if slash {
                s.push('/');
            }
            s
        })
}

fn path() -> impl Strategy<Value = Path> {
    prop_oneof![
        12 => text_path().prop_map(Path::Text),
        1 => prop::collection::vec(any::<u8>(), 0..8).prop_map(Path::Bytes),
        1 => Just(Path::Bytes(vec![0xff, 0xfe, b'a'])),
        1 => Just(Path::Text("a\0b".into())),
        1 => Just(Path::Text("x".repeat(200))),
        1 => (ptr(), len()).prop_map(|(p, l)| Path::Wild(p, l)),
    ]
}

fn iovs() -> impl Strategy<Value = Vec<(u32, u32)>> {
    let good = (0x1000u32..0xA000, 0u32..5000);
    prop_oneof![
        6 => prop::collection::vec(good, 0..4),
        1 => prop::collection::vec((ptr(), len()), 0..4),
    ]
}

fn rights() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(u64::MAX), 2 => any::<u64>(), 1 => Just(0u64), 1 => Just(1u64 << 6)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (dirfd(), path(), 0u32..3, oflags(), rights(), fdflags()).prop_map(
            |(dir, path, dirflags, oflags, base, fdflags)| Op::Open { dir, path, dirflags, oflags, base, fdflags }
        ),
        6 => (filefd(), iovs(), prop::option::of(offset())).prop_map(|(fd, iovs, at)| Op::Read { fd, iovs, at }),
        8 => (filefd(), iovs(), prop::option::of(offset())).prop_map(|(fd, iovs, at)| Op::Write { fd, iovs, at }),
        1 => (filefd(), any::<bool>(), ptr(), len()).prop_map(|(fd, write, ptr, n)| Op::RawIo { fd, write, ptr, n }),
        3 => (filefd(), any::<i64>(), 0u32..4, any::<bool>()).prop_map(|(fd, off, whence, unstable)| Op::Seek { fd, off: off % 30_000, whence, unstable }),
        1 => (filefd(), any::<i64>(), any::<u32>(), any::<bool>()).prop_map(|(fd, off, whence, unstable)| Op::Seek { fd, off, whence, unstable }),
        1 => fd().prop_map(Op::Tell),
        3 => filefd().prop_map(Op::Close),
        1 => (filefd(), filefd()).prop_map(|(a, b)| Op::Renumber(a, b)),
        2 => (filefd(), offset(), offset()).prop_map(|(f, o, l)| Op::Allocate(f, o, l)),
        2 => (filefd(), offset()).prop_map(|(f, s)| Op::SetSize(f, s)),
        1 => (filefd(), ptr()).prop_map(|(f, p)| Op::FdStat(f, p)),
        1 => (filefd(), ptr(), any::<bool>()).prop_map(|(f, p, u)| Op::FileStat(f, p, u)),
        1 => (filefd(), flags16()).prop_map(|(f, fl)| Op::SetFlags(f, fl)),
        1 => (filefd(), rights(), rights()).prop_map(|(f, b, i)| Op::SetRights(f, b, i)),
        2 => (dirfd(), ptr(), len(), prop_oneof![0u64..8, any::<u64>()]).prop_map(|(f, b, l, c)| Op::Readdir(f, b, l, c)),
        1 => (fd(), ptr()).prop_map(|(f, p)| Op::Prestat(f, p)),
        1 => (fd(), ptr(), len()).prop_map(|(f, p, l)| Op::PrestatName(f, p, l)),
        1 => (filefd(), offset(), offset(), any::<u32>()).prop_map(|(f, o, l, a)| Op::Advise(f, o, l, if a & 1 == 0 { a % 8 } else { a })),
        1 => (filefd(), any::<bool>()).prop_map(|(f, d)| Op::Sync(f, d)),
        1 => (filefd(), any::<u64>(), any::<u64>(), flags16()).prop_map(|(f, a, m, s)| Op::SetTimes(f, a, m, s)),
        4 => (dirfd(), path()).prop_map(|(f, p)| Op::Mkdir(f, p)),
        2 => (dirfd(), path()).prop_map(|(f, p)| Op::Rmdir(f, p)),
        3 => (dirfd(), path()).prop_map(|(f, p)| Op::Unlink(f, p)),
        3 => (path(), dirfd(), path()).prop_map(|(t, f, p)| Op::Symlink(t, f, p)),
        3 => (dirfd(), prop::sample::select(vec![0u32, 0, 0, 1]), path(), dirfd(), path()).prop_map(|(a, fl, p, b, q)| Op::Link(a, fl, p, b, q)),
        4 => (dirfd(), path(), dirfd(), path()).prop_map(|(a, p, b, q)| Op::Rename(a, p, b, q)),
        2 => (dirfd(), path(), ptr(), len()).prop_map(|(f, p, b, l)| Op::Readlink(f, p, b, l)),
        2 => (dirfd(), 0u32..3, path(), ptr()).prop_map(|(f, fl, p, o)| Op::PathStat(f, fl, p, o)),
        1 => (dirfd(), 0u32..3, path(), any::<u64>(), any::<u64>(), flags16()).prop_map(|(f, fl, p, a, m, s)| Op::PathSetTimes(f, fl, p, a, m, s)),
        1 => (0u8..4, fd(), 0u32..6, prop_oneof![0u64..1000, any::<u64>()], 0u16..3, 0u32..4).prop_map(|(kind, fd, clock, timeout, flags, n)| Op::Poll { kind, fd, clock, timeout, flags, n }),
        1 => (ptr(), len()).prop_map(|(p, l)| Op::Random(p, l)),
        1 => (0u32..6, ptr()).prop_map(|(c, p)| Op::Clock(c, p)),
        1 => (ptr(), ptr()).prop_map(|(a, b)| Op::Args(a, b)),
    ]
}

// ---- the world ----

struct World {
    fs: Rc<FsCell>,
    p1: Option<Preview1>,
    mem: VecMemory,
    secret: Stat,
    root_list: Vec<String>,
    outside_list: Vec<String>,
}

fn limits() -> Limits {
    Limits {
        max_bytes: 48 * 1024,
        max_file_size: 20 * 1024,
        max_inodes: 40,
        max_symlinks: 8,
        max_path: 160,
    }
}

impl World {
    fn new() -> Self {
        let mut fs = MemFs::with_limits(limits());
        let (w, r) = (fs.host_walk(), fs.root());
        fs.mkdir(w, r, "/sandbox").unwrap();
        fs.mkdir(w, r, "/outside").unwrap();
        fs.write_file(w, r, "/outside/keep", b"outside").unwrap();
        let secret = fs.write_file(w, r, "/secret", SECRET).unwrap();
        fs.mkdir(w, r, "/sandbox/d").unwrap();
        fs.mkdir(w, r, "/sandbox/d/sub").unwrap();
        fs.write_file(w, r, "/sandbox/a", b"hello, sandbox")
            .unwrap();
        fs.write_file(w, r, "/sandbox/d/b", &[7; 300]).unwrap();
        // Symlinks that try to leave: made by the host, which may.
        fs.symlink("../secret", w, r, "/sandbox/up").unwrap();
        fs.symlink("/secret", w, r, "/sandbox/abs").unwrap();
        fs.symlink("../../outside", w, r, "/sandbox/d/out").unwrap();
        fs.symlink("loop", w, r, "/sandbox/loop").unwrap();
        fs.symlink(".", w, r, "/sandbox/selfdir").unwrap();
        fs.symlink("d/sub/../b", w, r, "/sandbox/b").unwrap();
        let secret_stat = fs.stat(secret);
        let root_list = fs.list(r).unwrap();
        let outside = fs.lookup(w, r, "/outside", true).unwrap();
        let outside_list = fs.list(outside).unwrap();
        let fs = Rc::new(FsCell::new(fs));
        let ctx = WasiCtxBuilder::new(fs.clone())
            .arg("fuzz")
            .env("A=1")
            .preopen("/sandbox", "/sandbox")
            .unwrap()
            .stdin(
                Box::new(BytesInput(bytes::Bytes::from_static(b"stdin bytes"))),
                false,
            )
            .stdout(Box::new(BufferOutput::default()), false)
            .stderr(Box::new(BufferOutput::default()), false)
            .deterministic(7)
            .max_fds(MAX_FDS)
            .max_io(3000)
            .build();
        World {
            fs,
            p1: Some(Preview1::new(ctx).unwrap()),
            mem: VecMemory::new(MEM as usize),
            secret: secret_stat,
            root_list,
            outside_list,
        }
    }

    /// Writes a path where the call will find it; returns (ptr, len).
    fn put_path(&self, at: u32, p: &Path) -> (u32, u32) {
        let bytes = match p {
            Path::Text(s) => s.as_bytes(),
            Path::Bytes(b) => b.as_slice(),
            Path::Wild(ptr, len) => return (*ptr, *len),
        };
        let n = bytes.len().min(0x1000);
        self.mem.0.borrow_mut()[at as usize..at as usize + n].copy_from_slice(&bytes[..n]);
        (at, n as u32)
    }

    fn put_iovs(&self, list: &[(u32, u32)]) -> (u32, u32) {
        let mut m = self.mem.0.borrow_mut();
        for (i, (p, l)) in list.iter().enumerate() {
            let o = IOVS as usize + i * 8;
            m[o..o + 4].copy_from_slice(&p.to_le_bytes());
            m[o + 4..o + 8].copy_from_slice(&l.to_le_bytes());
        }
        (IOVS, list.len() as u32)
    }

    fn run(&mut self, op: &Op) -> Result<(), Errno> {
        CALLS.fetch_add(1, Ordering::Relaxed);
        let mut p1 = self.p1.take().unwrap();
        let r = self.call(&mut p1, op);
        if r.is_ok() {
            OK_CALLS.fetch_add(1, Ordering::Relaxed);
        }
        self.p1 = Some(p1);
        r
    }

    fn call(&self, p: &mut Preview1, op: &Op) -> Result<(), Errno> {
        let m = Mem::new(&self.mem);
        let out = 0x40;
        match op {
            Op::Open {
                dir,
                path,
                dirflags,
                oflags,
                base,
                fdflags,
            } => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_open(
                    &m, *dir, *dirflags, pp, pl, *oflags, *base, *base, *fdflags, out,
                )
            }
            Op::Read { fd, iovs, at } => {
                let (ip, n) = self.put_iovs(iovs);
                match at {
                    Some(o) => p.fd_pread(&m, *fd, ip, n, *o, out),
                    None => p.fd_read(&m, *fd, ip, n, out),
                }
            }
            Op::Write { fd, iovs, at } => {
                let (ip, n) = self.put_iovs(iovs);
                match at {
                    Some(o) => p.fd_pwrite(&m, *fd, ip, n, *o, out),
                    None => p.fd_write(&m, *fd, ip, n, out),
                }
            }
            Op::RawIo { fd, write, ptr, n } => {
                if *write {
                    p.fd_write(&m, *fd, *ptr, *n, out)
                } else {
                    p.fd_read(&m, *fd, *ptr, *n, out)
                }
            }
            Op::Seek {
                fd,
                off,
                whence,
                unstable,
            } => {
                let abi = if *unstable {
                    Abi::Unstable
                } else {
                    Abi::Preview1
                };
                p.fd_seek(&m, *fd, *off, *whence, out, abi)
            }
            Op::Tell(fd) => p.fd_tell(&m, *fd, out),
            Op::Close(fd) => p.fd_close(*fd),
            Op::Renumber(a, b) => p.fd_renumber(*a, *b),
            Op::Allocate(fd, o, l) => p.fd_allocate(*fd, *o, *l),
            Op::SetSize(fd, s) => p.fd_filestat_set_size(*fd, *s),
            Op::FdStat(fd, o) => p.fd_fdstat_get(&m, *fd, *o),
            Op::FileStat(fd, o, u) => {
                p.fd_filestat_get(&m, *fd, *o, if *u { Abi::Unstable } else { Abi::Preview1 })
            }
            Op::SetFlags(fd, f) => p.fd_fdstat_set_flags(*fd, *f),
            Op::SetRights(fd, b, i) => p.fd_fdstat_set_rights(*fd, *b, *i),
            Op::Readdir(fd, b, l, c) => p.fd_readdir(&m, *fd, *b, *l, *c, out),
            Op::Prestat(fd, o) => p.fd_prestat_get(&m, *fd, *o),
            Op::PrestatName(fd, b, l) => p.fd_prestat_dir_name(&m, *fd, *b, *l),
            Op::Advise(fd, o, l, a) => p.fd_advise(*fd, *o, *l, *a),
            Op::Sync(fd, data) => {
                if *data {
                    p.fd_datasync(*fd)
                } else {
                    p.fd_sync(*fd)
                }
            }
            Op::SetTimes(fd, a, mt, f) => p.fd_filestat_set_times(*fd, *a, *mt, *f),
            Op::Mkdir(fd, path) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_create_directory(&m, *fd, pp, pl)
            }
            Op::Rmdir(fd, path) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_remove_directory(&m, *fd, pp, pl)
            }
            Op::Unlink(fd, path) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_unlink_file(&m, *fd, pp, pl)
            }
            Op::Symlink(target, fd, path) => {
                let (tp, tl) = self.put_path(PATH_A, target);
                let (pp, pl) = self.put_path(PATH_B, path);
                p.path_symlink(&m, tp, tl, *fd, pp, pl)
            }
            Op::Link(a, fl, pa, b, pb) => {
                let (ap, al) = self.put_path(PATH_A, pa);
                let (bp, bl) = self.put_path(PATH_B, pb);
                p.path_link(&m, *a, *fl, ap, al, *b, bp, bl)
            }
            Op::Rename(a, pa, b, pb) => {
                let (ap, al) = self.put_path(PATH_A, pa);
                let (bp, bl) = self.put_path(PATH_B, pb);
                p.path_rename(&m, *a, ap, al, *b, bp, bl)
            }
            Op::Readlink(fd, path, b, l) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_readlink(&m, *fd, pp, pl, *b, *l, out)
            }
            Op::PathStat(fd, fl, path, o) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_filestat_get(&m, *fd, *fl, pp, pl, *o, Abi::Preview1)
            }
            Op::PathSetTimes(fd, fl, path, a, mt, f) => {
                let (pp, pl) = self.put_path(PATH_A, path);
                p.path_filestat_set_times(&m, *fd, *fl, pp, pl, *a, *mt, *f)
            }
            Op::Poll {
                kind,
                fd,
                clock,
                timeout,
                flags,
                n,
            } => {
                // n subscriptions at 0x2000, events at 0x3000.
                {
                    let mut mm = self.mem.0.borrow_mut();
                    for i in 0..*n as usize {
                        let s = 0x2000 + i * 48;
                        mm[s..s + 48].fill(0);
                        mm[s..s + 8].copy_from_slice(&(i as u64).to_le_bytes());
                        mm[s + 8] = *kind;
                        if *kind == 0 {
                            mm[s + 16..s + 20].copy_from_slice(&clock.to_le_bytes());
                            mm[s + 24..s + 32].copy_from_slice(&timeout.to_le_bytes());
                            mm[s + 40..s + 42].copy_from_slice(&flags.to_le_bytes());
                        } else {
                            mm[s + 16..s + 20].copy_from_slice(&fd.to_le_bytes());
                        }
                    }
                }
                p.poll_oneoff(&m, 0x2000, 0x3000, *n, out, Abi::Preview1)
            }
            Op::Random(b, l) => p.random_get(&m, *b, (*l).min(1 << 20)),
            Op::Clock(c, o) => p.clock_time_get(&m, *c, 0, *o),
            Op::Args(a, b) => {
                p.args_sizes_get(&m, *a, *b)?;
                p.args_get(&m, *a, *b)
            }
        }
    }

    /// Open descriptors the guest holds on files and directories.
    fn open_descriptors(&mut self) -> u64 {
        let p = self.p1.as_mut().unwrap();
        let m = Mem::new(&self.mem);
        let mut n = 0;
        for fd in 0..MAX_FDS + 2 {
            if p.fd_fdstat_get(&m, fd, 0x80).is_ok() {
                let ft = m.u8(0x80).unwrap();
                if ft == 3 || ft == 4 {
                    n += 1;
                }
            }
        }
        n
    }

    fn check(&mut self, step: usize, op: &Op) -> Result<(), TestCaseError> {
        let ctx = |what: String| TestCaseError::fail(format!("after step {step} {op:?}: {what}"));
        let open = self.open_descriptors();
        let fs = self.fs.borrow();
        fs.check_invariants().map_err(ctx)?;
        let (inodes, bytes) = fs.usage();
        let l = &fs.limits;
        if inodes > l.max_inodes || bytes > l.max_bytes {
            return Err(ctx(format!(
                "usage {inodes} inodes {bytes} bytes over the limits"
            )));
        }
        if fs.open_total() != open {
            return Err(ctx(format!(
                "inodes are held {} times but the guest has {open} descriptors",
                fs.open_total()
            )));
        }
        let (w, r) = (fs.host_walk(), fs.root());
        let secret = fs
            .lookup(w, r, "/secret", false)
            .map_err(|e| ctx(format!("/secret: {e:?}")))?;
        let s = fs.stat(secret);
        if s != self.secret || fs.contents(secret).unwrap() != SECRET {
            return Err(ctx(format!("/secret changed: {s:?} vs {:?}", self.secret)));
        }
        if fs.list(r).unwrap() != self.root_list {
            return Err(ctx(format!("/ changed: {:?}", fs.list(r).unwrap())));
        }
        let outside = fs.lookup(w, r, "/outside", true).unwrap();
        if fs.list(outside).unwrap() != self.outside_list {
            return Err(ctx("/outside changed".into()));
        }
        let keep = fs.lookup(w, r, "/outside/keep", true).unwrap();
        if fs.contents(keep).unwrap() != b"outside" {
            return Err(ctx("/outside/keep changed".into()));
        }
        Ok(())
    }

    /// The secret's bytes are nowhere in guest memory (a read of the
    /// secret would also have moved its atime, which `check` compares).
    fn check_memory(&self) -> Result<(), TestCaseError> {
        let m = self.mem.0.borrow();
        let leaked = m
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == SECRET[0])
            .any(|(i, _)| m[i..].starts_with(SECRET));
        if leaked {
            return Err(TestCaseError::fail("the secret reached guest memory"));
        }
        Ok(())
    }
}

/// Every case starts with these: files on fds 4, 5, 6 and a directory on 7,
/// so the random calls find open descriptors of every kind.
fn prologue() -> Vec<Op> {
    let open = |path: &str, oflags: u32, base: u64| Op::Open {
        dir: 3,
        path: Path::Text(path.into()),
        dirflags: 1,
        oflags,
        base,
        fdflags: 0,
    };
    vec![
        open("a", 0, u64::MAX),
        open("d/b", 0, u64::MAX),
        open("new", 1, u64::MAX),
        open("d", 2, !rights::WRITING),
    ]
}

fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut w = World::new();
    w.check(0, &Op::Tell(0))?;
    for op in prologue() {
        w.run(&op)
            .map_err(|e| TestCaseError::fail(format!("prologue {op:?}: {e:?}")))?;
    }
    for (i, op) in ops.iter().enumerate() {
        let t0 = std::time::Instant::now();
        let r = w.run(op);
        let t1 = std::time::Instant::now();
        w.check(i + 1, op)?;
        if std::env::var("FUZZ_PROF").is_ok() {
            let name = format!("{op:?}");
            let name = name
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            eprintln!("PROF {name} {r:?} {:?} {:?}", t1 - t0, t1.elapsed());
        }
    }
    w.check_memory()?;
    // The program ends: everything it held is released.
    drop(w.p1.take());
    let fs = w.fs.borrow();
    fs.check_invariants()
        .map_err(|e| TestCaseError::fail(format!("after exit: {e}")))?;
    if fs.open_total() != 0 {
        return Err(TestCaseError::fail(format!(
            "after exit {} holds remain",
            fs.open_total()
        )));
    }
    Ok(())
}

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn fuzz_preview1_sequences() {
    let cases = env("FUZZ_CASES", env("PROPTEST_CASES", 96));
    let max_ops = env("FUZZ_OPS", 48) as usize;
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let start = std::time::Instant::now();
    let before = CALLS.load(Ordering::Relaxed);
    let result = runner.run(&prop::collection::vec(op(), 1..max_ops), |ops| {
        run_case(&ops)
    });
    let calls = CALLS.load(Ordering::Relaxed) - before;
    eprintln!(
        "fuzz: {cases} cases, {calls} calls ({} succeeded) in {:.1} s",
        OK_CALLS.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Hand-picked sequences that the random ones found or might miss.
#[test]
fn fuzz_regressions() {
    let t = |s: &str| Path::Text(s.into());
    let cases: Vec<Vec<Op>> = vec![
        // Escapes through `..`, absolute paths and the pre-made links.
        vec![
            Op::Open {
                dir: 3,
                path: t("up"),
                dirflags: 1,
                oflags: 0,
                base: u64::MAX,
                fdflags: 0,
            },
            Op::Open {
                dir: 3,
                path: t("abs"),
                dirflags: 1,
                oflags: 8,
                base: u64::MAX,
                fdflags: 0,
            },
            Op::Unlink(3, t("../secret")),
            Op::Link(3, 0, t("up"), 3, t("hard")),
            Op::Rename(3, t("d/out/keep"), 3, t("stolen")),
            Op::Symlink(t("/secret"), 3, t("s2")),
            Op::Open {
                dir: 3,
                path: t("selfdir/selfdir/../up"),
                dirflags: 1,
                oflags: 0,
                base: u64::MAX,
                fdflags: 0,
            },
        ],
        // A write past the limits, in several iovecs: nothing changes.
        vec![
            Op::Open {
                dir: 3,
                path: t("big"),
                dirflags: 0,
                oflags: 1,
                base: u64::MAX,
                fdflags: 0,
            },
            Op::Write {
                fd: 4,
                iovs: vec![(0x1000, 2000), (0x1000, 2000)],
                at: Some(19_000),
            },
            Op::Allocate(4, 0, 1 << 20),
            Op::SetSize(4, 1 << 30),
            Op::Close(4),
        ],
        // Removed-but-open files and directories are freed at exit.
        vec![
            Op::Open {
                dir: 3,
                path: t("a"),
                dirflags: 0,
                oflags: 0,
                base: u64::MAX,
                fdflags: 0,
            },
            Op::Unlink(3, t("a")),
            Op::Mkdir(3, t("gone")),
            Op::Open {
                dir: 3,
                path: t("gone"),
                dirflags: 0,
                oflags: 2,
                base: u64::MAX,
                fdflags: 0,
            },
            Op::Rmdir(3, t("gone")),
            Op::Mkdir(6, t("x")),
            Op::Renumber(4, 5),
        ],
    ];
    for ops in cases {
        run_case(&ops).unwrap();
    }
}
