use super::filesystem::{FILE_INTEGRITY_SYNC, MUTATE_DIRECTORY, O_CREATE, READ, WRITE};
use super::*;
use crate::cli::BufferOutput;
use crate::ctx::WasiCtxBuilder;
use crate::fs::{Kind, MemFs};
use std::rc::Rc;

fn setup() -> (Preview2, BufferOutput, crate::filesystem::SharedFs) {
    let fs = Rc::new(crate::filesystem::FsCell::new(MemFs::new()));
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
    let fs = Rc::new(crate::filesystem::FsCell::new(MemFs::new()));
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
