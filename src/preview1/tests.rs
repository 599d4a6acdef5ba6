//! The adapter against a `Vec` guest memory: marshalling and errnos.

use super::*;
use crate::cli::BufferOutput;
use crate::ctx::WasiCtxBuilder;
use crate::fs::MemFs;
use crate::io::Blocking;
use crate::memory::VecMemory;
use std::cell::Cell;
use std::rc::Rc;

struct Guest {
    p1: Preview1,
    mem: Rc<VecMemory>,
    out: BufferOutput,
}

impl Guest {
    fn new() -> Self {
        let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
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
            oflags.into(),
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
    let s = file_bytes(&g, fd).len();
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
    // Held by the one output buffer (not a terminal) until a flush.
    assert_eq!(&*g.out.0.borrow(), b"");
    g.p1.flush();
    assert_eq!(&*g.out.0.borrow(), b"hi\n");
    assert_eq!(g.write(0, b"x"), Err(Errno::Badf));
    assert_eq!(g.write(3, b"x"), Err(Errno::Badf));
    assert_eq!(g.write(77, b"x"), Err(Errno::Badf));
    assert_eq!(g.read(0, 10).unwrap(), b"", "empty stdin is EOF");
    assert_eq!(g.p1.sock_shutdown(1, 0), Err(Errno::Notsock));
    assert_eq!(g.p1.sock_recv(55), Err(Errno::Badf));
}

/// Stdout writes of every size around the 128-byte stack staging of
/// `write_unbudgeted`, in two iovecs: every byte arrives, in order.
#[test]
fn stdout_writes_of_any_size_arrive_whole() {
    let mut g = Guest::new();
    let mut sent = Vec::new();
    for len in [0usize, 1, 63, 127, 128, 129, 255, 4096, 9000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let (a, b) = data.split_at(len / 3);
        g.put(3000, a);
        g.put(20000, b);
        g.put(100, &3000u32.to_le_bytes());
        g.put(104, &(a.len() as u32).to_le_bytes());
        g.put(108, &20000u32.to_le_bytes());
        g.put(112, &(b.len() as u32).to_le_bytes());
        let mm = g.mem.clone();
        let m = Mem::new(&*mm);
        g.p1.fd_write(&m, 1, 100, 2, 200).unwrap();
        assert_eq!(m.u32(200).unwrap(), len as u32);
        sent.extend_from_slice(&data);
    }
    g.p1.flush();
    assert_eq!(*g.out.0.borrow(), sent);
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
    // (dirents are packed: this d_next is not 8-aligned)
    let next = u64::from_le_bytes(m.read_vec(5000 + 25, 8).unwrap().try_into().unwrap());
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
        g.p1.fd_filestat_set_times(fd, 0, 0, (fstflags::ATIM | fstflags::ATIM_NOW).into()),
        Err(Errno::Inval)
    );
    g.p1.fd_filestat_set_times(fd, 11, 22, (fstflags::ATIM | fstflags::MTIM).into())
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
    let start = g.p1.ctx().clocks.monotonic();
    g.p1.poll_oneoff(&m, 0, 1000, 1, 2000, Abi::Preview1)
        .unwrap();
    assert!(g.p1.ctx().clocks.monotonic() - start >= 2_000_000);
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
    assert_eq!(g.p1.ctx().exit_code, None);
    g.p1.proc_raise(15).unwrap();
    assert_eq!(g.p1.ctx().exit_code, Some(143));
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
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
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

// ---- the edges of the ABI, as wasmtime answers them (issue 11) ----

/// Stores an iovec list at `at`.
fn put_iovs(g: &Guest, at: u32, list: &[(u32, u32)]) {
    for (i, &(p, l)) in list.iter().enumerate() {
        g.put(at + i as u32 * 8, &p.to_le_bytes());
        g.put(at + i as u32 * 8 + 4, &l.to_le_bytes());
    }
}

fn file_bytes(g: &Guest, fd: u32) -> Vec<u8> {
    let h = g.p1.fd(fd).unwrap().file().unwrap();
    let (d, _) = g.p1.p2.descriptor(h).unwrap();
    let mut out = Vec::new();
    let size = d.size();
    d.fs_mut()
        .read_with(d.ino, 0, size, |b, z| {
            out.extend_from_slice(b);
            out.resize(out.len() + z as usize, 0);
            Ok(())
        })
        .unwrap();
    out
}

#[test]
fn zero_length_buffers_never_fault() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    for wild in [65536, 65537, 0xffff_ff00, u32::MAX] {
        assert_eq!(g.p1.random_get(&m, wild, 0), Ok(()), "{wild:#x}");
        // no iovecs at all, the array anywhere
        g.put(200, &[0xaa; 4]);
        assert_eq!(g.p1.fd_write(&m, 1, wild, 0, 200), Ok(()));
        assert_eq!(g.u32(200), 0);
        assert_eq!(g.p1.fd_read(&m, fd, wild, 0, 200), Ok(()));
        assert_eq!(g.p1.fd_pwrite(&m, fd, wild, 0, 0, 200), Ok(()));
        // one empty iovec, pointing anywhere
        put_iovs(&g, 100, &[(wild, 0)]);
        assert_eq!(g.p1.fd_write(&m, fd, 100, 1, 200), Ok(()));
        assert_eq!(g.p1.fd_read(&m, fd, 100, 1, 200), Ok(()));
        assert_eq!(g.p1.fd_write(&m, 1, 100, 1, 200), Ok(()));
        assert_eq!(g.u32(200), 0);
        // an empty readdir or readlink buffer
        assert_eq!(g.p1.fd_readdir(&m, 3, wild, 0, 0, 200), Ok(()));
        assert_eq!(g.u32(200), 0);
    }
    assert_eq!(file_bytes(&g, fd), b"");
    assert!(g.out.0.borrow().is_empty());
    // a non-empty one still faults
    assert_eq!(g.p1.random_get(&m, 65535, 2), Err(Errno::Fault));
}

/// Iovec arrays longer than the chunk `Mem::iovecs` reads at a time, one
/// call after another (the decoded list is reused between calls).
#[test]
fn long_iovec_arrays_are_read_whole_and_lists_do_not_leak_between_calls() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    let data: Vec<u8> = (0..120u8).collect();
    g.put(3000, &data);
    // 40 iovecs of 3 bytes: all of them move.
    let list: Vec<(u32, u32)> = (0..40).map(|i| (3000 + 3 * i, 3)).collect();
    put_iovs(&g, 100, &list);
    assert_eq!(g.p1.fd_write(&m, fd, 100, 40, 600), Ok(()));
    assert_eq!(g.u32(600), 120);
    assert_eq!(file_bytes(&g, fd), data);
    // The 34th out of bounds: the 33 before it move.
    let mut list = list;
    list[33] = (65530, 100);
    put_iovs(&g, 100, &list);
    assert_eq!(g.p1.fd_pwrite(&m, fd, 100, 40, 1000, 600), Ok(()));
    assert_eq!(g.u32(600), 99);
    // One iovec after forty: only its bytes.
    put_iovs(&g, 100, &[(3000, 2)]);
    assert_eq!(g.p1.fd_pwrite(&m, fd, 100, 1, 2000, 600), Ok(()));
    assert_eq!(g.u32(600), 2);
    // A bad first iovec after good calls: EFAULT, nothing moved.
    put_iovs(&g, 100, &[(65530, 100)]);
    assert_eq!(g.p1.fd_pwrite(&m, fd, 100, 1, 3000, 600), Err(Errno::Fault));
    let bytes = file_bytes(&g, fd);
    assert_eq!(bytes.len(), 2002);
    assert_eq!(&bytes[1000..1099], &data[..99]);
    assert_eq!(&bytes[2000..], &data[..2]);
}

#[test]
fn good_iovecs_before_a_bad_one_are_a_short_transfer() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.put(3000, b"abcdef");
    // good, empty-and-wild, good, bad, good: the first two good ones move
    let list = [(3000, 3), (u32::MAX, 0), (3003, 2), (65530, 100), (3005, 1)];
    put_iovs(&g, 100, &list);
    assert_eq!(g.p1.fd_write(&m, fd, 100, 5, 200), Ok(()));
    assert_eq!(g.u32(200), 5);
    assert_eq!(file_bytes(&g, fd), b"abcde");
    assert_eq!(g.p1.fd_pwrite(&m, fd, 100, 5, 10, 200), Ok(()));
    assert_eq!(g.u32(200), 5);
    assert_eq!(file_bytes(&g, fd), b"abcde\0\0\0\0\0abcde");
    // reading: the file's bytes land in the good iovecs only
    g.put(4000, &[0; 16]);
    put_iovs(
        &g,
        100,
        &[(4000, 2), (0xffff_0000, 0), (4002, 4), (65535, 2)],
    );
    assert_eq!(g.p1.fd_pread(&m, fd, 100, 4, 0, 200), Ok(()));
    assert_eq!(g.u32(200), 6);
    assert_eq!(m.read_vec(4000, 8).unwrap(), b"abcde\0\0\0");
    g.p1.fd_seek(&m, fd, 0, 0, 8, Abi::Preview1).unwrap();
    assert_eq!(g.p1.fd_read(&m, fd, 100, 4, 200), Ok(()));
    assert_eq!(g.u32(200), 6);
    g.p1.fd_tell(&m, fd, 8).unwrap();
    assert_eq!(m.u64(8).unwrap(), 6, "the position moved by the short read");
    // stdout too
    put_iovs(&g, 100, &[(3000, 2), (65535, 9)]);
    assert_eq!(g.p1.fd_write(&m, 1, 100, 2, 200), Ok(()));
    assert_eq!(g.u32(200), 2);
    g.p1.flush();
    assert_eq!(&*g.out.0.borrow(), b"ab");
    // the first non-empty iovec bad: EFAULT, nothing moved
    put_iovs(&g, 100, &[(0, 0), (65535, 2), (3000, 2)]);
    g.put(200, &[0xaa; 4]);
    assert_eq!(g.p1.fd_write(&m, fd, 100, 3, 200), Err(Errno::Fault));
    assert_eq!(g.p1.fd_read(&m, fd, 100, 3, 200), Err(Errno::Fault));
    assert_eq!(g.p1.fd_write(&m, 1, 100, 3, 200), Err(Errno::Fault));
    assert_eq!(g.u32(200), 0xaaaa_aaaa);
    assert_eq!(file_bytes(&g, fd).len(), 15);
    assert_eq!(&*g.out.0.borrow(), b"ab");
}

#[test]
fn unknown_enum_and_flag_values_are_einval() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    // advice 0..=5; a value that truncates to a valid one is still bad
    assert_eq!(g.p1.fd_advise(fd, 0, 0, 5), Ok(()));
    for a in [6, 0x100, 0x1_0000, u32::MAX] {
        assert_eq!(g.p1.fd_advise(fd, 0, 0, a), Err(Errno::Inval), "{a:#x}");
        assert_eq!(g.p1.fd_advise(3, 0, 0, a), Err(Errno::Inval), "{a:#x}");
    }
    // whence 0..=2, whatever the fd
    for w in [3, 0x100, 0x1_0000, u32::MAX] {
        for f in [fd, 1, 3] {
            assert_eq!(
                g.p1.fd_seek(&m, f, 0, w, 8, Abi::Preview1),
                Err(Errno::Inval)
            );
        }
    }
    // fdflags: 5 bits
    for f in [0x20, 0x1_0000, 0x1_0001, 0x1_0004, u32::MAX] {
        assert_eq!(g.p1.fd_fdstat_set_flags(fd, f), Err(Errno::Inval), "{f:#x}");
        g.put(1000, b"f");
        assert_eq!(
            g.p1.path_open(&m, 3, 0, 1000, 1, 0, rights::ALL, 0, f, 2000),
            Err(Errno::Inval),
            "{f:#x}"
        );
        assert_eq!(g.p1.sock_accept(fd, f, 2000), Err(Errno::Inval));
    }
    assert_eq!(g.p1.fd_fdstat_set_flags(fd, 0), Ok(()));
    // fstflags: 4 bits
    for f in [0x10, 0x1_0000, 0x1_0001, u32::MAX] {
        assert_eq!(
            g.p1.fd_filestat_set_times(fd, 0, 0, f),
            Err(Errno::Inval),
            "{f:#x}"
        );
        assert_eq!(
            g.p1.path_filestat_set_times(&m, 3, 0, 1000, 1, 0, 0, f),
            Err(Errno::Inval)
        );
    }
    // oflags: 4 bits
    for o in [0x10, 0x1_0000, 0x1_0001, u32::MAX] {
        assert_eq!(
            g.p1.path_open(&m, 3, 0, 1000, 1, o, rights::ALL, 0, 0, 2000),
            Err(Errno::Inval),
            "{o:#x}"
        );
    }
    // lookupflags: only SYMLINK_FOLLOW
    for l in [2, 3, 0x1_0000, u32::MAX] {
        assert_eq!(
            g.p1.path_open(&m, 3, l, 1000, 1, 0, rights::ALL, 0, 0, 2000),
            Err(Errno::Inval)
        );
        assert_eq!(
            g.p1.path_filestat_get(&m, 3, l, 1000, 1, 2048, Abi::Preview1),
            Err(Errno::Inval)
        );
        assert_eq!(
            g.p1.path_filestat_set_times(&m, 3, l, 1000, 1, 0, 0, 0),
            Err(Errno::Inval)
        );
        assert_eq!(
            g.p1.path_link(&m, 3, l, 1000, 1, 3, 1000, 1),
            Err(Errno::Inval)
        );
    }
    assert_eq!(
        g.p1.path_filestat_get(&m, 3, 1, 1000, 1, 2048, Abi::Preview1),
        Ok(())
    );
    // sdflags: RD | WR
    assert_eq!(g.p1.sock_shutdown(fd, 4), Err(Errno::Inval));
    assert_eq!(g.p1.sock_shutdown(fd, 3), Err(Errno::Notsock));
    // nothing was opened by the refused calls
    assert_eq!(g.open("f", 0, rights::ALL), Ok(5));
}

#[test]
fn poll_with_an_unknown_clock_is_einval() {
    let mut g = Guest::new();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    // sub 0: stdout writable (ready); sub 1: clock 9, which does not exist
    let mut subs = vec![0u8; 96];
    subs[8] = event::FD_WRITE;
    subs[16..20].copy_from_slice(&1u32.to_le_bytes());
    subs[56] = event::CLOCK;
    subs[64..68].copy_from_slice(&9u32.to_le_bytes());
    g.put(0, &subs);
    g.put(2000, &[0xaa; 4]);
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 1000, 2, 2000, Abi::Preview1),
        Err(Errno::Inval)
    );
    assert_eq!(g.u32(2000), 0xaaaa_aaaa, "no events reported");
    // the same with a known clock is fine
    g.put(64, &1u32.to_le_bytes());
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 1000, 2, 2000, Abi::Preview1),
        Ok(())
    );
}

#[test]
fn fd_advise_range_overflow_is_einval() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    // a negative length (wasmtime: EINVAL)
    assert_eq!(g.p1.fd_advise(fd, 0, u64::MAX, 0), Err(Errno::Inval));
    assert_eq!(g.p1.fd_advise(fd, 1, 1 << 63, 0), Err(Errno::Inval));
    // an end beyond i64::MAX
    assert_eq!(g.p1.fd_advise(fd, i64::MAX as u64, 1, 0), Err(Errno::Inval));
    assert_eq!(g.p1.fd_advise(fd, 1 << 62, 1 << 62, 0), Err(Errno::Inval));
    // up to the end is fine, and so is any offset with no length
    assert_eq!(g.p1.fd_advise(fd, i64::MAX as u64 - 1, 1, 0), Ok(()));
    assert_eq!(g.p1.fd_advise(fd, 0, i64::MAX as u64, 0), Ok(()));
    assert_eq!(g.p1.fd_advise(fd, u64::MAX, 0, 0), Ok(()));
}

#[test]
fn path_open_directory_with_trunc_excl_or_creat_is_einval() {
    let mut g = Guest::new();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    m.write(1000, b"d").unwrap();
    g.p1.path_create_directory(&m, 3, 1000, 1).unwrap();
    let f = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    g.p1.fd_close(f).unwrap();
    for name in ["d", "f", "missing", "."] {
        for extra in [oflags::TRUNC, oflags::EXCL, oflags::CREAT] {
            assert_eq!(
                g.open(name, oflags::DIRECTORY | extra, 0),
                Err(Errno::Inval),
                "{name} {extra}"
            );
        }
    }
    // a bad dirfd is still EBADF
    assert_eq!(
        g.p1.path_open(&m, 9, 0, 1000, 1, 10, 0, 0, 0, 2000),
        Err(Errno::Badf)
    );
    assert_eq!(g.open("d", oflags::DIRECTORY, 0), Ok(4));
}

#[test]
fn misaligned_struct_pointers_are_efault() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let mm = g.mem.clone();
    let m = Mem::new(&*mm);
    g.put(0, &[0xaa; 512]);
    let odd = |align: u32| (1..align).map(move |k| 256 + k);
    for p in odd(8) {
        assert_eq!(g.p1.fd_fdstat_get(&m, fd, p), Err(Errno::Fault), "{p}");
        assert_eq!(
            g.p1.fd_filestat_get(&m, fd, p, Abi::Preview1),
            Err(Errno::Fault)
        );
        assert_eq!(
            g.p1.fd_filestat_get(&m, fd, p, Abi::Unstable),
            Err(Errno::Fault)
        );
        assert_eq!(g.p1.fd_tell(&m, fd, p), Err(Errno::Fault));
        assert_eq!(
            g.p1.fd_seek(&m, fd, 0, 0, p, Abi::Preview1),
            Err(Errno::Fault)
        );
        assert_eq!(g.p1.clock_time_get(&m, 0, 0, p), Err(Errno::Fault));
        assert_eq!(g.p1.clock_res_get(&m, 0, p), Err(Errno::Fault));
        g.put(1000, b"f");
        assert_eq!(
            g.p1.path_filestat_get(&m, 3, 0, 1000, 1, p, Abi::Preview1),
            Err(Errno::Fault)
        );
    }
    for p in odd(4) {
        assert_eq!(g.p1.fd_prestat_get(&m, 3, p), Err(Errno::Fault));
        assert_eq!(g.p1.args_sizes_get(&m, p, 300), Err(Errno::Fault));
        assert_eq!(g.p1.args_sizes_get(&m, 300, p), Err(Errno::Fault));
        assert_eq!(g.p1.environ_sizes_get(&m, p, 300), Err(Errno::Fault));
        assert_eq!(g.p1.args_get(&m, p, 400), Err(Errno::Fault));
        assert_eq!(g.p1.fd_readdir(&m, 3, 2000, 100, 0, p), Err(Errno::Fault));
        put_iovs(&g, 100, &[(3000, 1)]);
        assert_eq!(g.p1.fd_write(&m, fd, 100, 1, p), Err(Errno::Fault));
        // the iovec array itself
        put_iovs(&g, 100 + (p - 256), &[(3000, 1)]);
        assert_eq!(
            g.p1.fd_write(&m, fd, 100 + (p - 256), 1, 200),
            Err(Errno::Fault)
        );
        g.put(1000, b"f");
        assert_eq!(
            g.p1.path_open(&m, 3, 0, 1000, 1, 0, rights::ALL, 0, 0, p),
            Err(Errno::Fault)
        );
    }
    // subscriptions and events are 8-aligned
    assert_eq!(
        g.p1.poll_oneoff(&m, 4, 1000, 1, 2000, Abi::Preview1),
        Err(Errno::Fault)
    );
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 1004, 1, 2000, Abi::Preview1),
        Err(Errno::Fault)
    );
    // nothing was written, opened or changed
    assert_eq!(m.read_vec(256, 8).unwrap(), [0xaa; 8]);
    assert_eq!(file_bytes(&g, fd), b"");
    assert_eq!(g.open("f", 0, rights::ALL), Ok(5));
}

/// A guest memory that claims 4 GiB, reads zeros and records the largest
/// single copy: the core must not copy or allocate what the guest names.
#[derive(Default)]
struct HugeMemory {
    largest: Cell<usize>,
}

impl crate::memory::GuestMemory for HugeMemory {
    fn size(&self) -> u64 {
        1 << 32
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) -> crate::error::Result<()> {
        self.largest.set(self.largest.get().max(dst.len()));
        // "aaaaaaa/" repeated: a path of short names, and iovecs of about
        // 1.6 GiB within the 4 GiB.
        for (i, b) in dst.iter_mut().enumerate() {
            *b = if (ptr as usize + i) % 8 == 7 {
                b'/'
            } else {
                b'a'
            };
        }
        Ok(())
    }
    fn write_raw(&self, _ptr: u32, src: &[u8]) -> crate::error::Result<()> {
        self.largest.set(self.largest.get().max(src.len()));
        Ok(())
    }
    fn fill_raw(&self, _ptr: u32, _len: u32, _byte: u8) -> crate::error::Result<()> {
        Ok(())
    }
}

#[test]
fn guest_lengths_are_checked_before_anything_is_copied() {
    let mut g = Guest::new();
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    let huge = HugeMemory::default();
    let m = Mem::new(&huge);
    let max_path = g.p1.ctx().fs.borrow().limits.max_path;
    // every path argument: ENAMETOOLONG without reading the path
    for len in [max_path as u32 + 1, 0x8000_0000, u32::MAX - 0x1000] {
        let p1 = &mut g.p1;
        let results = [
            p1.path_open(&m, 3, 0, 0x1000, len, 0, 0, 0, 0, 8),
            p1.path_create_directory(&m, 3, 0x1000, len),
            p1.path_remove_directory(&m, 3, 0x1000, len),
            p1.path_unlink_file(&m, 3, 0x1000, len),
            p1.path_filestat_get(&m, 3, 0, 0x1000, len, 8, Abi::Preview1),
            p1.path_filestat_set_times(&m, 3, 0, 0x1000, len, 0, 0, 0),
            p1.path_readlink(&m, 3, 0x1000, len, 16, 8, 8),
            p1.path_link(&m, 3, 0, 0x1000, len, 3, 16, 1),
            p1.path_link(&m, 3, 0, 16, 1, 3, 0x1000, len),
            p1.path_rename(&m, 3, 0x1000, len, 3, 16, 1),
            p1.path_rename(&m, 3, 16, 1, 3, 0x1000, len),
            p1.path_symlink(&m, 0x1000, len, 3, 16, 1),
            p1.path_symlink(&m, 16, 1, 3, 0x1000, len),
        ];
        for (i, r) in results.iter().enumerate() {
            assert_eq!(*r, Err(Errno::Nametoolong), "call {i}, len {len:#x}");
        }
    }
    assert!(huge.largest.get() <= 8, "read {}", huge.largest.get());
    // a path at the limit is read, once
    assert_eq!(
        g.p1.path_filestat_get(&m, 3, 0, 0x1000, max_path as u32, 8, Abi::Preview1),
        Err(Errno::Noent)
    );
    assert_eq!(huge.largest.get(), max_path);
    // poll: too many subscriptions for the host to track
    assert_eq!(
        g.p1.poll_oneoff(&m, 0, 0x8000_0000, 0x100_0000, 8, Abi::Preview1),
        Err(Errno::Nomem)
    );
    // random_get and fd_readdir move 4 GiB buffers in small pieces
    huge.largest.set(0);
    g.p1.random_get(&m, 0, 64 << 20).unwrap();
    assert!(huge.largest.get() <= 1 << 16);
    // 512 Mi iovecs of 1.6 GiB each: one is taken, shortened to `max_io`
    huge.largest.set(0);
    assert_eq!(g.p1.fd_write(&m, fd, 0, 0x1fff_ffff, 8), Ok(()));
    assert!(huge.largest.get() <= crate::ctx::DEFAULT_MAX_IO as usize);
    assert_eq!(
        file_bytes(&g, fd).len(),
        crate::ctx::DEFAULT_MAX_IO as usize
    );
}

#[test]
fn each_fd_is_a_preview2_resource_and_closing_drops_it() {
    let mut g = Guest::new();
    // stdin, stdout, stderr and the preopen.
    assert_eq!(g.p1.p2.live(), 4);
    let a = g.open("a", oflags::CREAT, rights::ALL).unwrap();
    let b = g.open("b", oflags::CREAT, rights::ALL).unwrap();
    assert_eq!(g.p1.p2.live(), 6);
    // The fd names a Preview 2 descriptor: what Preview 1 wrote, Preview 2 reads.
    g.write(a, b"hello").unwrap();
    let h = g.p1.fd(a).unwrap().file().unwrap();
    assert_eq!(g.p1.p2.pread(h, 10, 0).unwrap(), (b"hello".to_vec(), true));
    // Renumbering over `b` drops what `b` held.
    g.p1.fd_renumber(a, b).unwrap();
    assert_eq!(g.p1.p2.live(), 5);
    g.p1.fd_close(b).unwrap();
    assert_eq!(g.p1.p2.live(), 4);
    g.p1.close_files();
    assert_eq!(g.p1.p2.live(), 3);
}

#[test]
fn a_full_fd_table_leaves_no_preview2_resource_behind() {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    {
        let mut f = fs.borrow_mut();
        let (w, r) = (f.host_walk(), f.root());
        f.mkdir(w, r, "/sandbox").unwrap();
    }
    let ctx = WasiCtxBuilder::new(fs)
        .preopen("/sandbox", "/sandbox")
        .unwrap()
        .max_fds(5)
        .build();
    let mut g = Guest {
        p1: Preview1::new(ctx).unwrap(),
        mem: Rc::new(VecMemory::new(65536)),
        out: BufferOutput::default(),
    };
    let f = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    assert_eq!(f, 4);
    assert_eq!(g.open("f", 0, rights::ALL), Err(Errno::Mfile));
    assert_eq!(g.p1.p2.live(), 5);
}

#[test]
fn max_io_shortens_fd_read_and_fd_write_as_in_preview2() {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    {
        let mut f = fs.borrow_mut();
        let (w, r) = (f.host_walk(), f.root());
        f.mkdir(w, r, "/sandbox").unwrap();
    }
    let out = BufferOutput::default();
    let ctx = WasiCtxBuilder::new(fs)
        .preopen("/sandbox", "/sandbox")
        .unwrap()
        .stdin(Box::new(crate::cli::BytesInput("0123456789".into())), false)
        .stdout(Box::new(out.clone()), false)
        .max_io(4)
        .build();
    let mut g = Guest {
        p1: Preview1::new(ctx).unwrap(),
        mem: Rc::new(VecMemory::new(65536)),
        out,
    };
    assert_eq!(g.write(1, b"abcdefghij").unwrap(), 4);
    g.p1.flush();
    assert_eq!(&*g.out.0.borrow(), b"abcd");
    assert_eq!(g.read(0, 100).unwrap(), b"0123");
    let fd = g.open("f", oflags::CREAT, rights::ALL).unwrap();
    assert_eq!(g.write(fd, b"abcdefghij").unwrap(), 4);
    let mm = g.mem.clone();
    g.p1.fd_seek(&Mem::new(&*mm), fd, 0, 0, 8, Abi::Preview1)
        .unwrap();
    assert_eq!(g.read(fd, 100).unwrap(), b"abcd");
}
