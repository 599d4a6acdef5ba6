//! The adapter against a `Vec` guest memory: marshalling and errnos.

use super::*;
use crate::cli::BufferOutput;
use crate::ctx::WasiCtxBuilder;
use crate::fs::MemFs;
use crate::memory::VecMemory;
use std::rc::Rc;

struct Guest {
    p1: Preview1,
    mem: Rc<VecMemory>,
    out: BufferOutput,
}

impl Guest {
    fn new() -> Self {
        let fs = Rc::new(crate::filesystem::FsCell::new(MemFs::new()));
        {
            let mut f = fs.borrow_mut();
            let (w, r) = (f.host_walk(), f.root());
            f.mkdir(w, r, "/sandbox").unwrap();
        }
        let out = BufferOutput::default();
        let ctx = WasiCtxBuilder::new(fs)
            .arg("prog")
            .arg("x")
            .env("A=1")
            .preopen("/sandbox", "/sandbox")
            .unwrap()
            .stdout(Box::new(out.clone()), false)
            .build();
        Guest {
            p1: Preview1::new(ctx).unwrap(),
            mem: Rc::new(VecMemory::new(65536)),
            out,
        }
    }
    fn m(&self) -> Mem<'_> {
        Mem::new(&*self.mem)
    }
    fn put(&self, ptr: u32, b: &[u8]) {
        self.m().write(ptr, b).unwrap();
    }
    fn u32(&self, ptr: u32) -> u32 {
        self.m().u32(ptr).unwrap()
    }
    fn open(&mut self, path: &str, oflags: u16, base: u64) -> Result<u32> {
        self.put(1000, path.as_bytes());
        let mm = self.mem.clone();
        let m = Mem::new(&*mm);
        self.p1.path_open(
            &m,
            3,
            1,
            1000,
            path.len() as u32,
            oflags,
            base,
            rights::ALL,
            0,
            2000,
        )?;
        Ok(m.u32(2000).unwrap())
    }
    fn write(&mut self, fd: u32, data: &[u8]) -> Result<u32> {
        self.put(3000, data);
        self.put(100, &3000u32.to_le_bytes());
        self.put(104, &(data.len() as u32).to_le_bytes());
        let mm = self.mem.clone();
        let m = Mem::new(&*mm);
        self.p1.fd_write(&m, fd, 100, 1, 200)?;
        Ok(m.u32(200).unwrap())
    }
    fn read(&mut self, fd: u32, len: u32) -> Result<Vec<u8>> {
        self.put(100, &4000u32.to_le_bytes());
        self.put(104, &len.to_le_bytes());
        let mm = self.mem.clone();
        let m = Mem::new(&*mm);
        self.p1.fd_read(&m, fd, 100, 1, 200)?;
        let n = m.u32(200).unwrap();
        m.read_vec(4000, n)
    }
}

#[test]
fn args_and_environ() {
    let mut g = Guest::new();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.p1.args_sizes_get(&m, 0, 4).unwrap();
    assert_eq!((g.u32(0), g.u32(4)), (2, 7));
    g.p1.args_get(&m, 100, 200).unwrap();
    assert_eq!(g.u32(100), 200);
    assert_eq!(g.u32(104), 205);
    assert_eq!(m.read_vec(200, 7).unwrap(), b"prog\0x\0");
    assert_eq!(g.p1.environ_get(&m, 100, 65534), Err(Errno::Fault));
    assert_eq!(g.p1.args_sizes_get(&m, 65535, 0), Err(Errno::Fault));
}

#[test]
fn file_round_trip_and_seek() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    assert_eq!(fd, 4);
    assert_eq!(g.write(fd, b"hello world").unwrap(), 11);
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.p1.fd_seek(&m, fd, -5, 2, 8, Abi::Preview1).unwrap();
    assert_eq!(m.u64(8).unwrap(), 6);
    // wasi_unstable numbers whence differently: 2 is SET there.
    g.p1.fd_seek(&m, fd, 0, 2, 8, Abi::Unstable).unwrap();
    assert_eq!(m.u64(8).unwrap(), 0);
    assert_eq!(g.read(fd, 100).unwrap(), b"hello world");
    assert_eq!(
        g.p1.fd_seek(&m, fd, -100, 1, 8, Abi::Preview1),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.p1.fd_seek(&m, fd, 0, 9, 8, Abi::Preview1),
        Err(Errno::Inval)
    );
    assert_eq!(
        g.p1.fd_seek(&m, 1, 0, 0, 8, Abi::Preview1),
        Err(Errno::Spipe)
    );
    assert_eq!(
        g.p1.fd_seek(&m, 3, 0, 0, 8, Abi::Preview1),
        Err(Errno::Badf)
    );
}

#[test]
fn wild_pointers_give_efault_and_change_nothing() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    // iovec pointing past the end of memory
    g.put(100, &65530u32.to_le_bytes());
    g.put(104, &100u32.to_le_bytes());
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    assert_eq!(g.p1.fd_write(&m, fd, 100, 1, 200), Err(Errno::Fault));
    assert_eq!(
        g.p1.fd_write(&m, fd, 0xffff_fff0, 4, 200),
        Err(Errno::Fault)
    );
    assert_eq!(g.p1.fd_read(&m, fd, 100, u32::MAX, 200), Err(Errno::Fault));
    assert_eq!(g.p1.fd_write(&m, 1, 100, 1, 200), Err(Errno::Fault));
    let s = g.p1.fd(fd).unwrap().file().unwrap().size();
    assert_eq!(s, 0);
    assert_eq!(
        g.p1.path_create_directory(&m, 3, 65000, 1000),
        Err(Errno::Fault)
    );
}

#[test]
fn invalid_utf8_path_is_eilseq() {
    let mut g = Guest::new();
    g.put(1000, &[0xff, 0xfe]);
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    assert_eq!(
        g.p1.path_create_directory(&m, 3, 1000, 2),
        Err(Errno::Ilseq)
    );
    assert_eq!(
        g.p1.path_create_directory(&m, 99, 1000, 0),
        Err(Errno::Badf)
    );
    g.put(1010, b"d");
    assert_eq!(g.p1.path_create_directory(&m, 1, 1010, 1), Err(Errno::Badf));
}

#[test]
fn stdout_and_bad_fds() {
    let mut g = Guest::new();
    assert_eq!(g.write(1, b"hi\n").unwrap(), 3);
    assert_eq!(&*g.out.0.borrow(), b"hi\n");
    assert_eq!(g.write(0, b"x"), Err(Errno::Badf));
    assert_eq!(g.write(3, b"x"), Err(Errno::Badf));
    assert_eq!(g.write(77, b"x"), Err(Errno::Badf));
    assert_eq!(g.read(0, 10).unwrap(), b"", "empty stdin is EOF");
    assert_eq!(g.p1.sock_shutdown(1, 0), Err(Errno::Notsock));
    assert_eq!(g.p1.sock_recv(55), Err(Errno::Badf));
}

#[test]
fn rights_only_shrink() {
    let mut g = Guest::new();
    let fd = g
        .open("f", oflags::CREAT, rights::FD_READ | rights::FD_SEEK)
        .unwrap();
    assert_eq!(g.write(fd, b"x"), Err(Errno::Badf), "opened read-only");
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.p1.fd_fdstat_get(&m, fd, 0).unwrap();
    assert_eq!(m.u8(0).unwrap(), filetype::REGULAR_FILE);
    assert_eq!(m.u64(8).unwrap(), rights::FD_READ | rights::FD_SEEK);
    assert_eq!(
        g.p1.fd_fdstat_set_rights(fd, rights::ALL, 0),
        Err(Errno::Notcapable)
    );
    g.p1.fd_fdstat_set_rights(fd, rights::FD_READ, 0).unwrap();
    assert_eq!(
        g.p1.fd_seek(&m, fd, 1, 0, 8, Abi::Preview1),
        Err(Errno::Notcapable)
    );
    g.p1.fd_fdstat_set_rights(3, rights::DIR & !rights::PATH_CREATE_FILE, rights::ALL)
        .unwrap();
    assert_eq!(g.open("new", oflags::CREAT, rights::ALL), Err(Errno::Perm));
    // A right dropped from a directory's inheriting set is gone for files
    // opened through it.
    let keep = rights::DIR & !rights::PATH_CREATE_FILE;
    g.p1.fd_fdstat_set_rights(3, keep, rights::ALL & !rights::FD_SEEK)
        .unwrap();
    let f = g.open("f", 0, rights::ALL).unwrap();
    assert_eq!(
        g.p1.fd_seek(&m, f, 1, 0, 8, Abi::Preview1),
        Err(Errno::Notcapable)
    );
    g.p1.fd_fdstat_get(&m, f, 0).unwrap();
    assert_eq!(m.u64(8).unwrap() & rights::FD_SEEK, 0);
}

#[test]
fn readdir_fills_buffer_and_resumes() {
    let mut g = Guest::new();
    for n in ["aa", "bb", "cc"] {
        let fd = g.open(n, oflags::CREAT, rights::ALL).unwrap();
        g.p1.fd_close(fd).unwrap();
    }
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    // Room for "." and ".." (25 and 26 bytes) and part of "aa".
    g.p1.fd_readdir(&m, 3, 5000, 60, 0, 0).unwrap();
    assert_eq!(g.u32(0), 60, "a full buffer means there is more");
    assert_eq!(m.u8(5000 + 24).unwrap(), b'.');
    let next = m.u64(5000 + 25).unwrap();
    assert_eq!(next, 2);
    g.p1.fd_readdir(&m, 3, 5000, 4096, next, 0).unwrap();
    assert_eq!(g.u32(0), 3 * 26);
    assert_eq!(m.read_vec(5000 + 24, 2).unwrap(), b"aa");
    assert_eq!(g.p1.fd_readdir(&m, 1, 5000, 10, 0, 0), Err(Errno::Badf));
}

#[test]
fn filestat_layouts() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    g.write(fd, b"12345").unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.p1.fd_filestat_get(&m, fd, 0, Abi::Preview1).unwrap();
    assert_eq!(m.u8(16).unwrap(), filetype::REGULAR_FILE);
    assert_eq!(m.u64(24).unwrap(), 1, "nlink");
    assert_eq!(m.u64(32).unwrap(), 5, "size");
    g.p1.fd_filestat_get(&m, fd, 0, Abi::Unstable).unwrap();
    assert_eq!(m.u32(20).unwrap(), 1, "nlink is u32 in wasi_unstable");
    assert_eq!(m.u64(24).unwrap(), 5, "size");
    assert_eq!(
        g.p1.fd_filestat_set_times(fd, 0, 0, fstflags::ATIM | fstflags::ATIM_NOW),
        Err(Errno::Inval)
    );
    g.p1.fd_filestat_set_times(fd, 11, 22, fstflags::ATIM | fstflags::MTIM)
        .unwrap();
    g.p1.fd_filestat_get(&m, fd, 0, Abi::Preview1).unwrap();
    assert_eq!((m.u64(40).unwrap(), m.u64(48).unwrap()), (11, 22));
}

#[test]
fn poll_clock_and_fds() {
    let mut g = Guest::new();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    // sub 0: relative clock 2 ms; sub 1: stdout writable.
    let mut subs = vec![0u8; 96];
    subs[0..8].copy_from_slice(&7u64.to_le_bytes());
    subs[8] = event::CLOCK;
    subs[16..20].copy_from_slice(&1u32.to_le_bytes());
    subs[24..32].copy_from_slice(&2_000_000u64.to_le_bytes());
    subs[48..56].copy_from_slice(&9u64.to_le_bytes());
    subs[56] = event::FD_WRITE;
    subs[64..68].copy_from_slice(&1u32.to_le_bytes());
    g.put(0, &subs);
    g.p1.poll_oneoff(&m, 0, 1000, 2, 2000, Abi::Preview1)
        .unwrap();
    assert_eq!(g.u32(2000), 1, "stdout is ready, the clock is not");
    assert_eq!(m.u64(1000).unwrap(), 9);
    assert_eq!(m.u8(1010).unwrap(), event::FD_WRITE);
    let start = crate::clocks::monotonic_ns();
    g.p1.poll_oneoff(&m, 0, 1000, 1, 2000, Abi::Preview1)
        .unwrap();
    assert!(crate::clocks::monotonic_ns() - start >= 2_000_000);
    assert_eq!((g.u32(2000), m.u64(1000).unwrap()), (1, 7));
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 1000, 0, 2000, Abi::Preview1),
        Err(Errno::Inval)
    );
}

#[test]
fn renumber_and_close() {
    let mut g = Guest::new();
    let a = g.open("a", oflags::CREAT, rights::ALL).unwrap();
    let b = g.open("b", oflags::CREAT, rights::ALL).unwrap();
    g.write(a, b"A").unwrap();
    g.p1.fd_renumber(a, b).unwrap();
    assert_eq!(g.write(a, b"x"), Err(Errno::Badf));
    g.write(b, b"B").unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.p1.fd_tell(&m, b, 0).unwrap();
    assert_eq!(m.u64(0).unwrap(), 2, "b is now a's description");
    assert_eq!(g.p1.fd_renumber(b, 99), Err(Errno::Badf));
    g.p1.fd_close(b).unwrap();
    assert_eq!(g.p1.fd_close(b), Err(Errno::Badf));
    assert_eq!(
        g.open("c", oflags::CREAT, rights::ALL).unwrap(),
        a,
        "lowest fd reused"
    );
}

#[test]
fn proc_exit_and_raise() {
    let mut g = Guest::new();
    assert_eq!(g.p1.proc_raise(99), Err(Errno::Inval));
    g.p1.proc_raise(0).unwrap();
    assert_eq!(g.p1.ctx.exit_code, None);
    g.p1.proc_raise(15).unwrap();
    assert_eq!(g.p1.ctx.exit_code, Some(143));
}

/// Stdin that has nothing yet, as a push queue that is still open.
struct Pending;

impl crate::io::InputStream for Pending {
    fn read(&mut self, _: usize) -> crate::io::StreamResult<bytes::Bytes> {
        Ok(bytes::Bytes::new())
    }
    fn ready(&mut self) -> bool {
        false
    }
}

fn waiting_guest(build: impl FnOnce(WasiCtxBuilder) -> WasiCtxBuilder) -> Guest {
    let fs = Rc::new(crate::filesystem::FsCell::new(MemFs::new()));
    let out = BufferOutput::default();
    let ctx = build(WasiCtxBuilder::new(fs))
        .stdin(Box::new(Pending), true)
        .stdout(Box::new(out.clone()), false)
        .build();
    Guest {
        p1: Preview1::new(ctx).unwrap(),
        mem: Rc::new(VecMemory::new(65536)),
        out,
    }
}

fn clock_sub(g: &Guest, at: u32, userdata: u64, ns: u64) {
    let mut s = vec![0u8; 48];
    s[0..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = event::CLOCK;
    s[16..20].copy_from_slice(&1u32.to_le_bytes());
    s[24..32].copy_from_slice(&ns.to_le_bytes());
    g.put(at, &s);
}

fn stdin_sub(g: &Guest, at: u32, userdata: u64) {
    let mut s = vec![0u8; 48];
    s[0..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = event::FD_READ;
    g.put(at, &s);
}

#[test]
fn deterministic_time_jumps_and_random_repeats() {
    let mut g = waiting_guest(|b| b.deterministic(42));
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    clock_sub(&g, 0, 1, 3_600_000_000_000);
    let start = std::time::Instant::now();
    g.p1.poll_oneoff(&m, 0, 1000, 1, 2000, Abi::Preview1)
        .unwrap();
    assert!(
        start.elapsed().as_secs() < 1,
        "an hour of virtual sleep is instant"
    );
    g.p1.clock_time_get(&m, 1, 0, 8).unwrap();
    assert_eq!(m.u64(8).unwrap(), 3_600_000_000_000);
    g.p1.random_get(&m, 100, 16).unwrap();
    let mut h = waiting_guest(|b| b.deterministic(42));
    let mm2 = h.mem.clone();
    h.p1.random_get(&Mem::new(&*mm2), 100, 16).unwrap();
    assert_eq!(
        m.read_vec(100, 16).unwrap(),
        Mem::new(&*mm2).read_vec(100, 16).unwrap()
    );
}

#[test]
fn async_mode_reports_what_to_wait_for() {
    let mut g = waiting_guest(|b| b.blocking(Blocking::Async));
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    clock_sub(&g, 0, 1, 50_000_000);
    stdin_sub(&g, 48, 2);
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 1000, 2, 2000, Abi::Preview1),
        Err(Errno::WouldBlock)
    );
    let w = g.p1.wait.unwrap();
    assert!(w.input && w.deadline.is_some());
    assert_eq!(g.read(0, 10), Err(Errno::WouldBlock));
    // In sync mode, stdin with nothing yet is EAGAIN rather than a hang.
    let mut s = waiting_guest(|b| b);
    assert_eq!(s.read(0, 10), Err(Errno::Again));
}
