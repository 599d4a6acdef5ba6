use super::filesystem::{FILE_INTEGRITY_SYNC, MUTATE_DIRECTORY, O_CREATE, READ, WRITE};
use super::*;
use crate::cli::BufferOutput;
use crate::ctx::WasiCtxBuilder;
use crate::fs::{Kind, MemFs};
use std::rc::Rc;

fn setup() -> (Preview2, BufferOutput, crate::descriptor::SharedFs) {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    {
        let mut f = fs.borrow_mut();
        let (w, r) = (f.host_walk(), f.root());
        f.mkdir(w, r, "data").unwrap();
    }
    let out = BufferOutput::default();
    let ctx = WasiCtxBuilder::new(fs.clone())
        .arg("prog")
        .env("A=1=2")
        .preopen("/data", "/data")
        .unwrap()
        .stdin(Box::new(crate::cli::BytesInput("in".into())), false)
        .stdout(Box::new(out.clone()), false)
        .deterministic(7)
        .build();
    (Preview2::new(ctx), out, fs)
}

fn root(p: &mut Preview2) -> u32 {
    let dirs = p.get_directories().unwrap();
    assert_eq!(dirs[0].1, "/data");
    dirs[0].0
}

#[test]
fn files_through_streams_and_descriptors() {
    let (mut p, _, fs) = setup();
    let d = root(&mut p);
    let f = p.open_at(d, true, "a.txt", O_CREATE, READ | WRITE).unwrap();
    let w = p.write_via_stream(f, 0).unwrap();
    assert_eq!(p.check_write(w).unwrap(), io::WRITE_BUDGET);
    p.write(w, b"hello").unwrap();
    p.blocking_write_and_flush(w, b" world").unwrap();
    let r = p.read_via_stream(f, 6).unwrap();
    assert_eq!(p.read(r, 100).unwrap(), b"world");
    assert_eq!(p.read(r, 100), Err(Error::Closed));
    assert_eq!(p.pread(f, 5, 0).unwrap(), (b"hello".to_vec(), false));
    assert_eq!(p.pwrite(f, b"!", 11).unwrap(), 1);
    assert_eq!(p.stat(f).unwrap().size, 12);
    assert_eq!(p.get_type(f).unwrap(), "regular-file");
    let a = p.append_via_stream(f).unwrap();
    p.write_zeroes(a, 2).unwrap();
    let c = fs
        .borrow()
        .contents(
            fs.borrow()
                .lookup(
                    fs.borrow().host_walk(),
                    fs.borrow().root(),
                    "/data/a.txt",
                    true,
                )
                .unwrap(),
        )
        .unwrap();
    assert_eq!(c, b"hello world!\0\0");
    // Splice file -> file.
    let g = p.open_at(d, true, "b.txt", O_CREATE, READ | WRITE).unwrap();
    let gw = p.write_via_stream(g, 0).unwrap();
    let r0 = p.read_via_stream(f, 0).unwrap();
    assert_eq!(p.splice(gw, r0, 5).unwrap(), 5);
    assert_eq!(p.pread(g, 100, 0).unwrap(), (b"hello".to_vec(), true));
    assert!(p.is_same_object(f, f).unwrap());
    assert!(!p.is_same_object(f, g).unwrap());
    assert_eq!(
        p.metadata_hash(f).unwrap(),
        p.metadata_hash_at(d, true, "a.txt").unwrap()
    );
}

#[test]
fn errors_are_codes_and_misuse_traps() {
    let (mut p, _, _) = setup();
    let d = root(&mut p);
    assert_eq!(
        p.open_at(d, true, "nope", 0, READ),
        Err(Error::Code(crate::Errno::Noent))
    );
    assert_eq!(p.create_directory_at(d, "sub"), Ok(()));
    assert_eq!(
        p.create_directory_at(d, "sub"),
        Err(Error::Code(crate::Errno::Exist))
    );
    let f = p.open_at(d, true, "f", O_CREATE, READ).unwrap();
    assert_eq!(
        p.write_via_stream(f, 0),
        Err(Error::Code(crate::Errno::Badf))
    );
    // As in wasmtime: truncating a read-only descriptor is `invalid`, and
    // the sync flags are refused.
    assert_eq!(p.set_size(f, 0), Err(Error::Code(crate::Errno::Inval)));
    assert_eq!(
        p.open_at(d, true, "f", 0, READ | FILE_INTEGRITY_SYNC),
        Err(Error::Code(crate::Errno::Notsup))
    );
    // Neither read nor write: readable, as in wasmtime, and reported as asked.
    let none = p.open_at(d, true, "f", 0, 0).unwrap();
    assert_eq!(p.get_flags(none), Ok(0));
    assert_eq!(p.pread(none, 4, 0), Ok((Vec::new(), true)));
    assert!(matches!(p.read(d, 1), Err(Error::Trap(_))));
    let s = p.read_via_stream(f, 0).unwrap();
    let poll = p.subscribe_input(s).unwrap();
    assert!(matches!(p.drop_resource(s), Err(Error::Trap(m)) if m.contains("child")));
    p.drop_resource(poll).unwrap();
    p.drop_resource(s).unwrap();
    assert!(matches!(p.read(s, 1), Err(Error::Trap(m)) if m.contains("not live")));
    assert!(matches!(p.drop_resource(s), Err(Error::Trap(_))));
    assert!(matches!(p.poll(&[]), Err(Error::Trap(_))));
    // A sub-directory inherits the right to mutate.
    let sub = p.open_at(d, true, "sub", 2, READ).unwrap();
    assert_eq!(
        p.get_flags(sub).unwrap() & MUTATE_DIRECTORY,
        MUTATE_DIRECTORY
    );
    assert_eq!(filesystem::error_code(crate::Errno::Noent), "no-entry");
}

#[test]
fn directory_listing_and_stdio_and_clocks() {
    let (mut p, out, _) = setup();
    let d = root(&mut p);
    p.create_directory_at(d, "x").unwrap();
    p.open_at(d, true, "y", O_CREATE, READ).unwrap();
    let s = p.read_directory(d).unwrap();
    assert_eq!(
        p.read_directory_entry(s).unwrap(),
        Some((Kind::Dir, "x".into()))
    );
    assert_eq!(
        p.read_directory_entry(s).unwrap(),
        Some((Kind::File, "y".into()))
    );
    assert_eq!(p.read_directory_entry(s).unwrap(), None);
    let o = p.get_stdout().unwrap();
    p.blocking_write_and_flush(o, b"hi").unwrap();
    assert_eq!(&*out.0.borrow(), b"hi");
    let i = p.get_stdin().unwrap();
    assert_eq!(p.blocking_read(i, 10).unwrap(), b"in");
    assert_eq!(p.read(i, 10), Err(Error::Closed));
    assert_eq!(p.get_environment(), vec![("A".into(), "1=2".into())]);
    // Virtual time jumps to the deadline.
    let t0 = p.monotonic_now();
    let t = p.subscribe_duration(1_000_000).unwrap();
    assert!(!p.pollable_ready(t).unwrap());
    let ready = p.subscribe_duration(0).unwrap();
    assert_eq!(p.poll(&[t, ready]).unwrap(), vec![1]);
    p.pollable_block(t).unwrap();
    assert!(p.monotonic_now() >= t0 + 1_000_000);
    assert_eq!(p.insecure_seed(), p.insecure_seed());
    assert_eq!(p.get_terminal(1).unwrap(), None);
    assert_eq!(
        sockets::resolve_addresses("example.com"),
        "permanent-resolver-failure"
    );
    assert_eq!(sockets::resolve_addresses(""), "invalid-argument");
}

/// Stdin fed later: nothing now, then `data` once `open` is set.
struct Later(Rc<core::cell::RefCell<Option<&'static [u8]>>>);

impl crate::io::InputStream for Later {
    fn read(&mut self, max: usize) -> crate::io::StreamResult<bytes::Bytes> {
        let mut d = self.0.borrow_mut();
        Ok(match d.take() {
            Some(b) => bytes::Bytes::from_static(&b[..max.min(b.len())]),
            None => bytes::Bytes::new(),
        })
    }
    fn ready(&mut self) -> bool {
        self.0.borrow().is_some()
    }
}

#[test]
fn async_mode_waits_are_returned_not_blocked() {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    let data = Rc::new(core::cell::RefCell::new(None));
    let ctx = WasiCtxBuilder::new(fs)
        .stdin(Box::new(Later(data.clone())), false)
        .blocking(crate::io::Blocking::Async)
        .build();
    let mut p = Preview2::new(ctx);
    // A timer: poll and block say what to await instead of sleeping.
    let t = p.subscribe_duration(50_000_000).unwrap();
    let now = p.monotonic_now();
    match p.poll(&[t]) {
        Err(Error::Wait(w)) => {
            assert!(!w.input);
            let d = w.deadline.unwrap();
            assert!(d > now && d <= now + 50_000_000, "{d} vs {now}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(p.pollable_block(t), Err(Error::Wait(_))));
    // Stdin with nothing yet: blocking-read and a stdin pollable wait for input.
    let stdin = p.get_stdin().unwrap();
    assert!(
        matches!(p.blocking_read(stdin, 8), Err(Error::Wait(w)) if w.input && w.deadline.is_none())
    );
    let s = p.subscribe_input(stdin).unwrap();
    assert!(matches!(p.poll(&[s, t]), Err(Error::Wait(w)) if w.input && w.deadline.is_some()));
    *data.borrow_mut() = Some(b"hi\n");
    assert_eq!(p.poll(&[t, s]).unwrap(), vec![1]);
    assert_eq!(p.blocking_read(stdin, 8).unwrap(), b"hi\n");
    // Nothing to read is not a wait when the length is 0.
    assert_eq!(p.blocking_read(stdin, 0).unwrap(), b"");
}

#[test]
fn external_pollables_become_ready_when_resolved() {
    let (mut p2, _out, _fs) = setup();
    let id = p2.external_pollable().unwrap();
    assert!(!p2.pollable_ready(id).unwrap());
    p2.resolve_external(id).unwrap();
    assert!(p2.pollable_ready(id).unwrap());
    assert_eq!(p2.poll(&[id]).unwrap(), vec![0]);
    p2.drop_resource(id).unwrap();
    assert!(
        p2.resolve_external(id).is_err(),
        "a dropped pollable is an error, not a crash"
    );
}

/// A fill that counts what it was asked to copy, for "nothing copied" checks.
fn counting(
    asked: &std::cell::Cell<u64>,
) -> impl FnMut(u64, &mut [u8]) -> crate::error::Result<()> + '_ {
    move |_, dst| {
        asked.set(asked.get() + dst.len() as u64);
        dst.fill(b'x');
        Ok(())
    }
}

#[test]
fn guest_sized_lists_are_checked_before_a_byte_is_copied() {
    let (mut p, out, _) = setup();
    let d = root(&mut p);
    let f = p.open_at(d, true, "big", O_CREATE, READ | WRITE).unwrap();
    let w = p.write_via_stream(f, 0).unwrap();
    let asked = std::cell::Cell::new(0);
    let trap = |r: Result<()>| match r {
        Err(Error::Trap(m)) => m,
        other => panic!("expected a trap, got {other:?}"),
    };
    // A 2 GiB write: over the budget, a trap, and no byte asked for.
    let m = trap(p.write_from(w, 2 << 30, &mut counting(&asked)));
    assert!(m.contains("write exceeded budget"), "{m}");
    let m = trap(p.blocking_write_and_flush_from(w, 4097, &mut counting(&asked)));
    assert!(m.contains("4096"), "{m}");
    assert!(trap(p.write_zeroes(w, io::WRITE_BUDGET + 1)).contains("budget"));
    assert_eq!(asked.get(), 0);
    assert_eq!(p.stat(f).unwrap().size, 0);
    // A bad handle is reported as such, even with a huge length.
    assert!(trap(p.write_from(9999, u64::MAX, &mut counting(&asked))).contains("not live"));
    // Exactly the budget goes through, to a file and to stdout.
    p.write_from(w, io::WRITE_BUDGET, &mut counting(&asked))
        .unwrap();
    assert_eq!(p.stat(f).unwrap().size, io::WRITE_BUDGET);
    let so = p.get_stdout().unwrap();
    p.write_from(so, 3, &mut counting(&asked)).unwrap();
    p.flush_stream(so).unwrap();
    assert_eq!(&*out.0.borrow(), b"xxx");
    assert_eq!(asked.get(), io::WRITE_BUDGET + 3);
    // pwrite of 2 GiB: a short write of max_io bytes, only those copied.
    asked.set(0);
    let max = p.ctx.max_io as u64;
    assert_eq!(
        p.pwrite_from(f, 2 << 30, 0, &mut counting(&asked)).unwrap(),
        max
    );
    assert_eq!(asked.get(), max);
    assert_eq!(p.stat(f).unwrap().size, max);
    // A refused pwrite (beyond i64) copies nothing.
    asked.set(0);
    assert_eq!(
        p.pwrite_from(f, 2 << 30, u64::MAX, &mut counting(&asked)),
        Err(Error::Code(crate::Errno::Inval))
    );
    assert_eq!(asked.get(), 0);
}

#[test]
fn poll_lists_are_capped() {
    let (mut p, _, _) = setup();
    let t = p.subscribe_duration(0).unwrap();
    let ok = vec![t; io::MAX_POLL];
    assert_eq!(p.poll(&ok).unwrap().len(), io::MAX_POLL);
    match p.poll(&vec![t; io::MAX_POLL + 1]) {
        Err(Error::Trap(m)) => assert!(m.contains("at most 65536"), "{m}"),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn reads_report_pieces_and_holes() {
    let (mut p, _, _) = setup();
    let d = root(&mut p);
    let f = p
        .open_at(d, true, "sparse", O_CREATE, READ | WRITE)
        .unwrap();
    p.pwrite(f, b"ab", 0).unwrap();
    p.pwrite(f, b"cd", 100_000).unwrap();
    let (bytes, eof) = p.pread(f, u64::MAX, 1).unwrap();
    assert!(eof);
    assert_eq!(bytes.len(), 100_001);
    assert_eq!(&bytes[..1], b"b");
    assert!(bytes[1..99_999].iter().all(|&b| b == 0));
    assert_eq!(&bytes[99_999..], b"cd");
    let r = p.read_via_stream(f, 99_998).unwrap();
    assert_eq!(p.read(r, 3).unwrap(), b"\0\0c");
    assert_eq!(p.blocking_read(r, 9).unwrap(), b"d");
}

#[test]
fn close_all_releases_what_the_run_held() {
    let (mut p, _, fs) = setup();
    let d = root(&mut p);
    let f = p.open_at(d, true, "gone", O_CREATE, READ | WRITE).unwrap();
    assert_eq!(p.pwrite(f, &[1; 5000], 0).unwrap(), 5000);
    p.unlink_file_at(d, "gone").unwrap();
    // Unlinked but open: its bytes still count.
    assert_eq!(fs.borrow().usage(), (3, 5000));
    p.close_all();
    assert_eq!(fs.borrow().usage(), (2, 0));
    assert_eq!(p.live(), 0);
    // jco disposing of a handle afterwards is a no-op, not an error.
    assert_eq!(p.drop_resource(f), Ok(()));
    fs.borrow().check_invariants().unwrap();
}

#[test]
fn a_closed_memfs_is_an_error_not_a_panic() {
    let (mut p, _, fs) = setup();
    let d = root(&mut p);
    let f = p.open_at(d, true, "f", O_CREATE, READ | WRITE).unwrap();
    fs.close().unwrap();
    let closed = |e: Error| matches!(e, Error::Trap(m) if m.contains("closed"));
    assert!(closed(p.pwrite(f, b"x", 0).unwrap_err()));
    assert!(closed(p.open_at(d, true, "g", O_CREATE, READ).unwrap_err()));
    assert!(closed(p.get_directories().unwrap_err()));
    // Dropping handles on it still works.
    p.drop_resource(f).unwrap();
    p.close_all();
}

/// Stdout and stderr (each buffered by the builder) into one shared sink,
/// to see the order in which they reach it.
fn buffered_stdio() -> (Preview2, BufferOutput) {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    let out = BufferOutput::default();
    let ctx = WasiCtxBuilder::new(fs)
        .stdout(Box::new(out.clone()), false)
        .stderr(Box::new(out.clone()), false)
        .deterministic(1)
        .build();
    (Preview2::new(ctx), out)
}

#[test]
fn a_write_flushes_the_other_stream_first_and_a_wait_flushes_both() {
    let (mut p, out) = buffered_stdio();
    let (o, e) = (p.get_stdout().unwrap(), p.get_stderr().unwrap());
    p.write(e, b"err1 ").unwrap();
    p.write(o, b"out1 ").unwrap();
    // stderr went out before stdout's write; stdout's is still buffered.
    assert_eq!(out.0.borrow().as_slice(), b"err1 ");
    p.write(e, b"err2 ").unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"err1 out1 ");
    // A wait (here on a deadline, virtual time) shows what was written.
    let t = p.subscribe_duration(1_000).unwrap();
    assert_eq!(p.poll(&[t]).unwrap(), vec![0]);
    assert_eq!(out.0.borrow().as_slice(), b"err1 out1 err2 ");
}

#[test]
fn open_at_refuses_a_directory_that_is_exclusive_before_the_sync_flags() {
    use super::filesystem::{O_DIRECTORY, O_EXCLUSIVE};
    let (mut p, _, _) = setup();
    let d = root(&mut p);
    // wasmtime: DIRECTORY with CREATE, EXCLUSIVE or TRUNCATE is `invalid`.
    assert_eq!(
        p.open_at(d, true, ".", O_DIRECTORY | O_EXCLUSIVE, READ),
        Err(Error::Code(crate::Errno::Inval))
    );
    assert_eq!(
        p.open_at(d, true, "x", O_DIRECTORY | O_CREATE, FILE_INTEGRITY_SYNC),
        Err(Error::Code(crate::Errno::Inval))
    );
    assert_eq!(
        p.open_at(d, true, "x", O_CREATE, FILE_INTEGRITY_SYNC),
        Err(Error::Code(crate::Errno::Notsup))
    );
}

#[test]
fn read_directory_at_lists_from_a_cookie() {
    let (mut p, _, _) = setup();
    let d = root(&mut p);
    p.create_directory_at(d, "a").unwrap();
    p.create_directory_at(d, "b").unwrap();
    let mut names = Vec::new();
    p.read_directory_at(d, 0, |e| {
        names.push((e.next, e.name.to_string()));
        true
    })
    .unwrap();
    let just: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(just, [".", "..", "a", "b"]);
    // From the cookie after `a`: only `b`.
    let mut rest = Vec::new();
    p.read_directory_at(d, names[2].0, |e| {
        rest.push(e.name.to_string());
        true
    })
    .unwrap();
    assert_eq!(rest, ["b"]);
}

/// A host whose stdout (a terminal or not) and stdin go to and come from
/// buffers, with the given `max_io`.
fn stdio_host(tty: bool, max_io: u32) -> (Preview2, BufferOutput) {
    let fs = Rc::new(crate::descriptor::FsCell::new(MemFs::new()));
    {
        let mut f = fs.borrow_mut();
        let (w, r) = (f.host_walk(), f.root());
        f.mkdir(w, r, "data").unwrap();
    }
    let out = BufferOutput::default();
    let ctx = WasiCtxBuilder::new(fs)
        .preopen("/data", "/data")
        .unwrap()
        .stdin(Box::new(crate::cli::BytesInput("0123456789".into())), false)
        .stdout(Box::new(out.clone()), tty)
        .max_io(max_io)
        .deterministic(1)
        .build();
    (Preview2::new(ctx), out)
}

#[test]
fn stdout_writes_are_buffered_until_a_flush_as_in_preview1() {
    let (mut p, out) = stdio_host(false, crate::ctx::DEFAULT_MAX_IO);
    let o = p.get_stdout().unwrap();
    p.write(o, b"a").unwrap();
    p.write(o, b"b\n").unwrap();
    // Not a terminal: held, newline or not, until the guest flushes.
    assert_eq!(out.0.borrow().as_slice(), b"");
    p.flush_stream(o).unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"ab\n");
    p.blocking_write_and_flush(o, b"c").unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"ab\nc");
    // A read of stdin shows a prompt first; so does exit.
    p.write(o, b"> ").unwrap();
    let i = p.get_stdin().unwrap();
    assert_eq!(p.read(i, 1).unwrap(), b"0");
    assert_eq!(out.0.borrow().as_slice(), b"ab\nc> ");
    p.write(o, b"bye").unwrap();
    p.exit(0);
    assert_eq!(out.0.borrow().as_slice(), b"ab\nc> bye");
}

#[test]
fn a_terminal_stdout_is_flushed_at_each_newline() {
    let (mut p, out) = stdio_host(true, crate::ctx::DEFAULT_MAX_IO);
    let o = p.get_stdout().unwrap();
    p.write(o, b"a").unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"");
    p.write(o, b"b\nc").unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"ab\nc");
}

#[test]
fn max_io_caps_every_read_and_write() {
    let (mut p, out) = stdio_host(false, 4);
    let d = root(&mut p);
    let f = p.open_at(d, true, "f", O_CREATE, READ | WRITE).unwrap();
    // Descriptor write: short, the count says so.
    assert_eq!(p.pwrite(f, b"abcdefghij", 0).unwrap(), 4);
    assert_eq!(p.pwrite(f, b"efghij", 4).unwrap(), 4);
    assert_eq!(p.pread(f, 100, 0).unwrap(), (b"abcd".to_vec(), false));
    // Stream reads of a file and of stdin: short.
    let r = p.read_via_stream(f, 2).unwrap();
    assert_eq!(p.read(r, u64::MAX).unwrap(), b"cdef");
    assert_eq!(p.blocking_read(r, 100).unwrap(), b"gh");
    let i = p.get_stdin().unwrap();
    assert_eq!(p.blocking_read(i, 100).unwrap(), b"0123");
    // Stream writes: check-write grants max_io, more traps (budget).
    let o = p.get_stdout().unwrap();
    assert_eq!(p.check_write(o).unwrap(), 4);
    let w = p.write_via_stream(f, 0).unwrap();
    assert_eq!(p.check_write(w).unwrap(), 4);
    match p.write(o, b"12345") {
        Err(Error::Trap(m)) => assert!(m.contains("grants at most 4"), "{m}"),
        other => panic!("expected a trap, got {other:?}"),
    }
    // The blocking convenience calls write in pieces, whole.
    p.blocking_write_and_flush(o, b"0123456789").unwrap();
    p.blocking_write_zeroes_and_flush(w, 10).unwrap();
    assert_eq!(out.0.borrow().as_slice(), b"0123456789");
    assert_eq!(p.stat(f).unwrap().size, 10);
    assert_eq!(p.pread(f, 4, 6).unwrap(), (vec![0; 4], true));
}
