//! wasi:clocks — the wall and monotonic clocks a program sees, and sleeping.
//!
//! The clocks themselves come from the platform, through the context
//! builder (like wasmtime's `HostWallClock` / `HostMonotonicClock`): the
//! bindings pass clocks over `performance` (src/bindings/host.rs), host
//! builds and tests the [`SystemWallClock`] / [`SystemMonotonicClock`] over
//! std, or fakes. This module holds no global state and never calls JS.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Resolution the built-in clocks report, in nanoseconds. Browsers coarsen
/// `performance.now()` to 5–100 µs; we claim 1 µs as Node gives it.
pub const RESOLUTION_NS: u64 = 1_000;

/// Wall-clock time: nanoseconds since the Unix epoch. It may jump (the
/// user sets the clock), so deadlines never use it.
pub trait WallClock {
    fn now(&self) -> u64;
    /// Nanoseconds between two distinct readings, at best.
    fn resolution(&self) -> u64 {
        RESOLUTION_NS
    }
}

/// Monotonic time: nanoseconds since an arbitrary start, never decreasing.
/// Deadlines and sleeps are measured on it.
pub trait MonotonicClock {
    fn now(&self) -> u64;
    fn resolution(&self) -> u64 {
        RESOLUTION_NS
    }
}

/// Blocks the calling thread for a while (sync and worker modes).
pub trait Sleep {
    fn sleep(&self, ns: u64);
}

/// The system's wall clock, through std (host builds only: on
/// wasm32-unknown-unknown std has no clock, the bindings pass their own).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }
}

/// The system's monotonic clock, through std: time since it was made.
#[derive(Clone, Copy, Debug)]
pub struct SystemMonotonicClock {
    start: Instant,
}

impl Default for SystemMonotonicClock {
    fn default() -> Self {
        SystemMonotonicClock {
            start: Instant::now(),
        }
    }
}

impl MonotonicClock for SystemMonotonicClock {
    fn now(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
}

/// Sleeps with `std::thread::sleep` (host builds only).
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadSleep;

impl Sleep for ThreadSleep {
    fn sleep(&self, ns: u64) {
        std::thread::sleep(Duration::from_nanos(ns));
    }
}

/// The clock ids of Preview 1, shared with Preview 2's two clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockId {
    Realtime,
    Monotonic,
    ProcessCputime,
    ThreadCputime,
}

impl ClockId {
    pub fn from_raw(id: u32) -> Option<Self> {
        Some(match id {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCputime,
            3 => ClockId::ThreadCputime,
            _ => return None,
        })
    }
}

/// Where virtual realtime starts in deterministic mode: 2024-01-01T00:00:00Z.
pub const VIRTUAL_EPOCH_NS: u64 = 1_704_067_200_000_000_000;

/// Deterministic mode's time: it starts at zero and moves only when told
/// (a wait jumps it to its deadline). As a [`MonotonicClock`] it reads the
/// time itself; as a [`WallClock`], [`VIRTUAL_EPOCH_NS`] plus it. Clones
/// share one time.
#[derive(Clone, Debug, Default)]
pub struct VirtualClock(Rc<Cell<u64>>);

impl VirtualClock {
    /// Moves the time forward to `t`; an earlier `t` changes nothing.
    pub fn advance_to(&self, t: u64) {
        self.0.set(self.0.get().max(t));
    }
}

impl MonotonicClock for VirtualClock {
    fn now(&self) -> u64 {
        self.0.get()
    }
}

impl WallClock for VirtualClock {
    fn now(&self) -> u64 {
        VIRTUAL_EPOCH_NS.saturating_add(self.0.get())
    }
}

/// Per-instance clocks. CPU time is the time since the instance started, as
/// a guest in one JS thread has the thread to itself while it runs.
///
/// In deterministic mode time is a [`VirtualClock`], so runs are
/// reproducible: waits jump straight to their deadline instead of sleeping.
#[derive(Clone)]
pub struct Clocks {
    wall: Rc<dyn WallClock>,
    monotonic: Rc<dyn MonotonicClock>,
    sleep: Rc<dyn Sleep>,
    /// Deterministic mode's clock (also behind `wall` and `monotonic`).
    virtual_time: Option<VirtualClock>,
    /// The monotonic time when the instance started (CPU-time clocks).
    started: u64,
}

impl fmt::Debug for Clocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clocks")
            .field("virtual", &self.virtual_time.is_some())
            .field("started", &self.started)
            .finish()
    }
}

impl Clocks {
    /// Real clocks from the platform; CPU time counts from now.
    pub fn new(
        wall: Rc<dyn WallClock>,
        monotonic: Rc<dyn MonotonicClock>,
        sleep: Rc<dyn Sleep>,
    ) -> Self {
        let started = monotonic.now();
        Clocks {
            wall,
            monotonic,
            sleep,
            virtual_time: None,
            started,
        }
    }

    /// Virtual clocks at zero (realtime at [`VIRTUAL_EPOCH_NS`]); nothing
    /// of the platform is used.
    pub fn deterministic() -> Self {
        let v = VirtualClock::default();
        Clocks {
            wall: Rc::new(v.clone()),
            monotonic: Rc::new(v.clone()),
            sleep: Rc::new(NoSleep),
            virtual_time: Some(v),
            started: 0,
        }
    }

    /// The std clocks (host builds and tests).
    pub fn system() -> Self {
        Clocks::new(
            Rc::new(SystemWallClock),
            Rc::new(SystemMonotonicClock::default()),
            Rc::new(ThreadSleep),
        )
    }

    pub fn is_virtual(&self) -> bool {
        self.virtual_time.is_some()
    }

    pub fn now(&self, id: ClockId) -> u64 {
        match id {
            ClockId::Realtime => self.wall.now(),
            ClockId::Monotonic => self.monotonic.now(),
            ClockId::ProcessCputime | ClockId::ThreadCputime => {
                self.monotonic.now().saturating_sub(self.started)
            }
        }
    }

    pub fn monotonic(&self) -> u64 {
        self.monotonic.now()
    }

    /// The wall clock, for stamping the files a program changes.
    pub fn wall_clock(&self) -> Rc<dyn WallClock> {
        self.wall.clone()
    }

    /// Moves virtual time forward to `t` (monotonic); real time ignores it.
    pub fn advance_to(&self, t: u64) {
        if let Some(v) = &self.virtual_time {
            v.advance_to(t);
        }
    }

    /// Waits until monotonic time `deadline`: virtual time jumps there,
    /// real time sleeps the thread.
    pub fn wait_until(&self, deadline: u64) {
        match &self.virtual_time {
            Some(v) => v.advance_to(deadline),
            None => self
                .sleep
                .sleep(deadline.saturating_sub(self.monotonic.now())),
        }
    }

    pub fn resolution(&self, id: ClockId) -> u64 {
        match id {
            ClockId::Realtime => self.wall.resolution(),
            _ => self.monotonic.resolution(),
        }
    }
}

/// Deterministic mode never sleeps: waits move virtual time instead.
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _ns: u64) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monotonic clock a test moves by hand, with a resolution of its own.
    #[derive(Clone, Default)]
    struct FakeMonotonic(Rc<Cell<u64>>);

    impl MonotonicClock for FakeMonotonic {
        fn now(&self) -> u64 {
            self.0.get()
        }
        fn resolution(&self) -> u64 {
            7
        }
    }

    struct FakeWall;

    impl WallClock for FakeWall {
        fn now(&self) -> u64 {
            1_000_000_000_123
        }
        fn resolution(&self) -> u64 {
            1_000_000
        }
    }

    /// Sleeping moves the fake monotonic clock, and is recorded.
    struct FakeSleep(FakeMonotonic, Rc<Cell<u64>>);

    impl Sleep for FakeSleep {
        fn sleep(&self, ns: u64) {
            self.1.set(self.1.get() + ns);
            self.0 .0.set(self.0 .0.get() + ns);
        }
    }

    fn fake() -> (Clocks, FakeMonotonic, Rc<Cell<u64>>) {
        let mono = FakeMonotonic::default();
        mono.0.set(500);
        let slept = Rc::new(Cell::new(0));
        let clocks = Clocks::new(
            Rc::new(FakeWall),
            Rc::new(mono.clone()),
            Rc::new(FakeSleep(mono.clone(), slept.clone())),
        );
        (clocks, mono, slept)
    }

    #[test]
    fn virtual_time_starts_at_zero_and_the_2024_epoch() {
        let c = Clocks::deterministic();
        assert!(c.is_virtual());
        assert_eq!(c.monotonic(), 0);
        assert_eq!(c.now(ClockId::Monotonic), 0);
        assert_eq!(c.now(ClockId::Realtime), VIRTUAL_EPOCH_NS);
        assert_eq!(c.now(ClockId::ProcessCputime), 0);
        assert_eq!(c.now(ClockId::ThreadCputime), 0);
        assert_eq!(c.wall_clock().now(), VIRTUAL_EPOCH_NS);
    }

    #[test]
    fn virtual_time_moves_forward_only_and_clones_share_it() {
        let c = Clocks::deterministic();
        let twin = c.clone();
        c.advance_to(2_500);
        assert_eq!(twin.monotonic(), 2_500);
        assert_eq!(twin.now(ClockId::Realtime), VIRTUAL_EPOCH_NS + 2_500);
        assert_eq!(twin.now(ClockId::ProcessCputime), 2_500);
        // Going back is ignored.
        c.advance_to(1_000);
        assert_eq!(c.monotonic(), 2_500);
        // A wait jumps straight to its deadline.
        twin.wait_until(1_000_000);
        assert_eq!(c.monotonic(), 1_000_000);
        assert_eq!(c.wall_clock().now(), VIRTUAL_EPOCH_NS + 1_000_000);
        // A deadline already passed changes nothing.
        c.wait_until(10);
        assert_eq!(c.monotonic(), 1_000_000);
    }

    #[test]
    fn deterministic_resolution_is_one_microsecond() {
        let c = Clocks::deterministic();
        for id in [0, 1, 2, 3] {
            assert_eq!(c.resolution(ClockId::from_raw(id).unwrap()), RESOLUTION_NS);
        }
    }

    #[test]
    fn injected_clocks_answer_every_clock_id() {
        let (c, mono, _) = fake();
        assert!(!c.is_virtual());
        assert_eq!(c.now(ClockId::Realtime), 1_000_000_000_123);
        assert_eq!(c.now(ClockId::Monotonic), 500);
        // CPU time counts from when the clocks were made (monotonic 500).
        assert_eq!(c.now(ClockId::ProcessCputime), 0);
        mono.0.set(2_000);
        assert_eq!(c.now(ClockId::ThreadCputime), 1_500);
        assert_eq!(c.resolution(ClockId::Realtime), 1_000_000);
        assert_eq!(c.resolution(ClockId::Monotonic), 7);
        assert_eq!(c.resolution(ClockId::ProcessCputime), 7);
        // Real clocks ignore advance_to.
        c.advance_to(1 << 40);
        assert_eq!(c.monotonic(), 2_000);
    }

    #[test]
    fn real_waits_sleep_for_what_is_left_of_the_deadline() {
        let (c, _, slept) = fake();
        c.wait_until(5_500);
        assert_eq!(slept.get(), 5_000);
        assert_eq!(c.monotonic(), 5_500);
        // A deadline in the past sleeps 0 ns (not an underflow).
        c.wait_until(100);
        assert_eq!(slept.get(), 5_000);
    }

    #[test]
    fn system_clocks_are_sane() {
        let c = Clocks::system();
        // After 2020-01-01 and before 2200: a real epoch-based clock.
        let now = c.now(ClockId::Realtime);
        assert!(now > 1_577_836_800_000_000_000 && now < 7_258_118_400_000_000_000);
        let a = c.monotonic();
        let b = c.monotonic();
        assert!(b >= a);
        assert_eq!(c.resolution(ClockId::Monotonic), RESOLUTION_NS);
    }
}
