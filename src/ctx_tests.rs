//! The injected platform: fake clocks, sleep, random and input waiting
//! given to the builder drive Preview 1 and Preview 2 contexts, and files
//! are stamped with the clock of whoever changes them.

use super::*;
use crate::clocks::{WallClock, VIRTUAL_EPOCH_NS};
use crate::descriptor::FsHandle;
use crate::fs::{Limits, MemFs, SetTime};
use crate::io::{BlockOnInput, Blocking, InputStream, StreamResult};
use crate::memory::{Mem, VecMemory};
use crate::preview1::types::{event, Abi};
use crate::preview1::Preview1;
use crate::preview2::filesystem::{O_CREATE, READ, WRITE};
use crate::preview2::Preview2;
use bytes::Bytes;
use std::cell::Cell;

/// A clock a test sets by hand (wall or monotonic).
#[derive(Clone, Default)]
struct FakeClock(Rc<Cell<u64>>);

impl FakeClock {
    fn at(t: u64) -> Self {
        FakeClock(Rc::new(Cell::new(t)))
    }
    fn set(&self, t: u64) {
        self.0.set(t)
    }
    fn get(&self) -> u64 {
        self.0.get()
    }
}

impl WallClock for FakeClock {
    fn now(&self) -> u64 {
        self.0.get()
    }
    fn resolution(&self) -> u64 {
        1_000_000
    }
}

impl MonotonicClock for FakeClock {
    fn now(&self) -> u64 {
        self.0.get()
    }
    fn resolution(&self) -> u64 {
        250
    }
}

/// Sleeping moves the fake monotonic clock at once and records how long.
struct FakeSleep {
    monotonic: FakeClock,
    slept: Rc<Cell<u64>>,
}

impl Sleep for FakeSleep {
    fn sleep(&self, ns: u64) {
        self.slept.set(self.slept.get() + ns);
        self.monotonic.set(self.monotonic.get() + ns);
    }
}

/// Fills with a counter: 1, 2, 3... across calls.
#[derive(Clone, Default)]
struct FakeRandom(Rc<Cell<u8>>);

impl SecureRandom for FakeRandom {
    fn fill(&self, buf: &mut [u8]) {
        for b in buf {
            self.0.set(self.0.get().wrapping_add(1));
            *b = self.0.get();
        }
    }
}

const WALL: u64 = 1_800_000_000_000_000_000;
const MONO: u64 = 40_000;

struct Fakes {
    wall: FakeClock,
    monotonic: FakeClock,
    slept: Rc<Cell<u64>>,
}

/// A filesystem with `/data`, on its own (host-side) clock `host`.
fn fs_on(host: &FakeClock) -> FsHandle {
    let mut fs = MemFs::with_clock(Limits::default(), Rc::new(host.clone()));
    let (w, r) = (fs.host_walk(), fs.root());
    fs.mkdir(w, r, "/data").unwrap();
    FsHandle::new(fs)
}

fn builder(fs: &FsHandle) -> (WasiCtxBuilder, Fakes) {
    let f = Fakes {
        wall: FakeClock::at(WALL),
        monotonic: FakeClock::at(MONO),
        slept: Rc::default(),
    };
    let b = WasiCtxBuilder::new(fs.clone())
        .preopen("/data", "/data")
        .unwrap()
        .wall_clock(f.wall.clone())
        .monotonic_clock(f.monotonic.clone())
        .sleep(FakeSleep {
            monotonic: f.monotonic.clone(),
            slept: f.slept.clone(),
        })
        .secure_random(FakeRandom::default());
    (b, f)
}

fn data_dir(p: &mut Preview2) -> u32 {
    p.get_directories().unwrap()[0].0
}

#[test]
fn preview2_reads_the_injected_clocks_and_random() {
    let fs = fs_on(&FakeClock::at(1));
    let (b, f) = builder(&fs);
    let mut p = Preview2::new(b.build());
    assert_eq!(p.wall_now(), (1_800_000_000, 0));
    assert_eq!(p.wall_resolution(), (0, 1_000_000));
    assert_eq!(p.monotonic_now(), MONO);
    assert_eq!(p.monotonic_resolution(), 250);
    f.wall.set(WALL + 1_500_000_001);
    f.monotonic.set(MONO + 7);
    assert_eq!(p.wall_now(), (1_800_000_001, 500_000_001));
    assert_eq!(p.monotonic_now(), MONO + 7);
    assert_eq!(p.get_random_bytes(4), vec![1, 2, 3, 4]);
    assert_eq!(
        p.get_random_u64(),
        u64::from_le_bytes([5, 6, 7, 8, 9, 10, 11, 12])
    );
}

#[test]
fn preview2_timers_sleep_through_the_injected_sleep() {
    let fs = fs_on(&FakeClock::at(1));
    let (b, f) = builder(&fs);
    let mut p = Preview2::new(b.build());
    let t = p.subscribe_duration(3_000_000_000).unwrap();
    // Three seconds pass in no time: the fake sleep moves the fake clock.
    assert_eq!(p.poll(&[t]).unwrap(), vec![0]);
    assert_eq!(f.slept.get(), 3_000_000_000);
    assert_eq!(p.monotonic_now(), MONO + 3_000_000_000);
    // A deadline already passed: no sleep at all.
    let past = p.subscribe_duration(0).unwrap();
    assert_eq!(p.poll(&[past]).unwrap(), vec![0]);
    assert_eq!(f.slept.get(), 3_000_000_000);
}

#[test]
fn preview1_reads_the_injected_clocks_and_random_and_sleeps_through_it() {
    let fs = fs_on(&FakeClock::at(1));
    let (b, f) = builder(&fs);
    let mut p = Preview1::new(b.build()).unwrap();
    let mem = VecMemory::new(65536);
    let m = Mem::new(&mem);
    p.clock_time_get(&m, 0, 0, 104).unwrap();
    assert_eq!(m.u64(104).unwrap(), WALL);
    p.clock_time_get(&m, 1, 0, 104).unwrap();
    assert_eq!(m.u64(104).unwrap(), MONO);
    p.clock_res_get(&m, 0, 104).unwrap();
    assert_eq!(m.u64(104).unwrap(), 1_000_000);
    p.clock_res_get(&m, 1, 104).unwrap();
    assert_eq!(m.u64(104).unwrap(), 250);
    // CPU time: since the context was built.
    f.monotonic.set(MONO + 900);
    p.clock_time_get(&m, 2, 0, 104).unwrap();
    assert_eq!(m.u64(104).unwrap(), 900);
    p.random_get(&m, 200, 3).unwrap();
    assert_eq!(m.read_vec(200, 3).unwrap(), vec![1, 2, 3]);
    // poll_oneoff on a relative 2 s timer sleeps exactly what is left.
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&7u64.to_le_bytes());
    sub[8] = event::CLOCK;
    sub[16..20].copy_from_slice(&1u32.to_le_bytes());
    sub[24..32].copy_from_slice(&2_000_000_000u64.to_le_bytes());
    m.write(0, &sub).unwrap();
    p.poll_oneoff(&m, 0, 1000, 1, 2000, Abi::Preview1).unwrap();
    assert_eq!((m.u32(2000).unwrap(), m.u64(1000).unwrap()), (1, 7));
    assert_eq!(f.slept.get(), 2_000_000_000);
    assert_eq!(f.monotonic.get(), MONO + 900 + 2_000_000_000);
}

#[test]
fn deterministic_mode_replaces_the_injected_platform() {
    let fs = fs_on(&FakeClock::at(1));
    let (b, f) = builder(&fs);
    let mut p = Preview2::new(b.deterministic(3).build());
    assert_eq!(p.wall_now(), (VIRTUAL_EPOCH_NS / 1_000_000_000, 0));
    assert_eq!(p.monotonic_now(), 0);
    let t = p.subscribe_duration(5_000).unwrap();
    assert_eq!(p.poll(&[t]).unwrap(), vec![0]);
    assert_eq!(p.monotonic_now(), 5_000);
    // Neither the fake sleep nor the fake random source was used.
    assert_eq!(f.slept.get(), 0);
    let mut seeded = crate::random::Random::Seeded(3);
    let mut want = [0u8; 8];
    seeded.fill(&mut want);
    assert_eq!(p.get_random_bytes(8), want.to_vec());
}

#[test]
fn deterministic_file_times_are_the_virtual_clocks_and_the_js_apis_the_hosts() {
    let host = FakeClock::at(111);
    let fs = fs_on(&host);
    let mut p = Preview2::new(
        WasiCtxBuilder::new(fs.clone())
            .preopen("/data", "/data")
            .unwrap()
            .deterministic(0)
            .build(),
    );
    let d = data_dir(&mut p);
    let f = p.open_at(d, true, "a.txt", O_CREATE, READ | WRITE).unwrap();
    let s = p.stat(f).unwrap();
    assert_eq!(
        (s.atim, s.mtim, s.ctim),
        (VIRTUAL_EPOCH_NS, VIRTUAL_EPOCH_NS, VIRTUAL_EPOCH_NS)
    );
    // Virtual time moves only by waiting; a write then has the new time.
    let t = p.subscribe_duration(5_000_000_000).unwrap();
    p.poll(&[t]).unwrap();
    p.pwrite(f, b"hi", 0).unwrap();
    let later = VIRTUAL_EPOCH_NS + 5_000_000_000;
    assert_eq!(p.stat(f).unwrap().mtim, later);
    assert_eq!(p.stat(f).unwrap().ctim, later);
    // set-times "now" is virtual too.
    p.set_times(f, SetTime::Now, SetTime::Keep).unwrap();
    assert_eq!(p.stat(f).unwrap().atim, later);
    // A change through the JS API's handle (the fs's own clock) is stamped
    // with the host's time, even right after the program's.
    host.set(222);
    {
        let mut js = fs.borrow_mut();
        let (w, r) = (js.host_walk(), js.root());
        js.write_file(w, r, "/data/b.txt", b"js").unwrap();
        let b = js.lookup(w, r, "/data/b.txt", true).unwrap();
        assert_eq!(js.stat(b).mtim, 222);
        let a = js.lookup(w, r, "/data/a.txt", true).unwrap();
        js.set_times(a, SetTime::Keep, SetTime::Now);
        assert_eq!(js.stat(a).mtim, 222);
    }
    // ... and the program's next change is virtual again.
    p.pwrite(f, b"!", 2).unwrap();
    assert_eq!(p.stat(f).unwrap().mtim, later);
}

#[test]
fn a_real_programs_file_times_are_its_injected_wall_clock() {
    let host = FakeClock::at(5);
    let fs = fs_on(&host);
    let (b, f) = builder(&fs);
    let mut p = Preview2::new(b.build());
    let d = data_dir(&mut p);
    let file = p.open_at(d, true, "c.txt", O_CREATE, READ | WRITE).unwrap();
    assert_eq!(p.stat(file).unwrap().mtim, WALL);
    f.wall.set(WALL + 9);
    p.pwrite(file, b"x", 0).unwrap();
    assert_eq!(p.stat(file).unwrap().mtim, WALL + 9);
}

/// Stdin with nothing until the worker's waiter is called: then data.
struct LateInput(Rc<Cell<bool>>);

impl InputStream for LateInput {
    fn read(&mut self, max: usize) -> StreamResult<Bytes> {
        if self.0.get() {
            self.0.set(false);
            Ok(Bytes::from_static(b"typed\n").slice(..max.min(6)))
        } else {
            Ok(Bytes::new())
        }
    }
    fn ready(&mut self) -> bool {
        self.0.get()
    }
}

/// Worker mode's waiter: "input arrives" while it blocks.
struct Waiter {
    arrived: Rc<Cell<bool>>,
    calls: Rc<Cell<u32>>,
    timeouts: Rc<RefCell<Vec<Option<u64>>>>,
}

impl BlockOnInput for Waiter {
    fn block_on_input(&self, timeout: Option<u64>) {
        self.calls.set(self.calls.get() + 1);
        self.timeouts.borrow_mut().push(timeout);
        self.arrived.set(true);
    }
}

/// What the waiter saw: its calls and the timeouts it was given.
type Seen = (Rc<Cell<u32>>, Rc<RefCell<Vec<Option<u64>>>>);

fn worker_mode(builder: WasiCtxBuilder) -> (WasiCtx, Seen) {
    let arrived = Rc::new(Cell::new(false));
    let calls = Rc::new(Cell::new(0));
    let timeouts = Rc::default();
    let waiter = Waiter {
        arrived: arrived.clone(),
        calls: calls.clone(),
        timeouts: Rc::clone(&timeouts),
    };
    let ctx = builder
        .stdin(Box::new(LateInput(arrived)), false)
        .blocking(Blocking::Worker(Rc::new(waiter)))
        .build();
    (ctx, (calls, timeouts))
}

#[test]
fn worker_mode_blocks_on_input_through_the_injected_waiter() {
    // Preview 2: blocking-read waits for input with no time limit.
    let fs = fs_on(&FakeClock::at(1));
    let (b, _) = builder(&fs);
    let (ctx, (calls, timeouts)) = worker_mode(b);
    let mut p = Preview2::new(ctx);
    let stdin = p.get_stdin().unwrap();
    assert_eq!(p.blocking_read(stdin, 100).unwrap(), b"typed\n");
    assert_eq!(calls.get(), 1);
    // A poll on stdin and a 1 s timer: the waiter gets what is left of it.
    let s = p.subscribe_input(stdin).unwrap();
    let t = p.subscribe_duration(1_000_000_000).unwrap();
    assert_eq!(p.poll(&[s, t]).unwrap(), vec![0]);
    assert_eq!(*timeouts.borrow(), vec![None, Some(1_000_000_000)]);

    // Preview 1: fd_read of stdin blocks the same way.
    let (b, _) = builder(&fs);
    let (ctx, (calls, _)) = worker_mode(b);
    let mut p = Preview1::new(ctx).unwrap();
    let mem = VecMemory::new(65536);
    let m = Mem::new(&mem);
    // One iovec: 16 bytes at 100.
    m.write(0, &100u32.to_le_bytes()).unwrap();
    m.write(4, &16u32.to_le_bytes()).unwrap();
    p.fd_read(&m, 0, 0, 1, 48).unwrap();
    assert_eq!(m.u32(48).unwrap(), 6);
    assert_eq!(m.read_vec(100, 6).unwrap(), b"typed\n");
    assert_eq!(calls.get(), 1);
}

#[test]
fn sync_mode_never_blocks_on_input() {
    let fs = fs_on(&FakeClock::at(1));
    let (b, _) = builder(&fs);
    let arrived = Rc::new(Cell::new(false));
    let ctx = b.stdin(Box::new(LateInput(arrived)), false).build();
    let mut p = Preview1::new(ctx).unwrap();
    let mem = VecMemory::new(65536);
    let m = Mem::new(&mem);
    m.write(0, &100u32.to_le_bytes()).unwrap();
    m.write(4, &16u32.to_le_bytes()).unwrap();
    // Nothing can arrive while the only thread blocks: EAGAIN at once.
    assert_eq!(p.fd_read(&m, 0, 0, 1, 48), Err(Errno::Again));
}
