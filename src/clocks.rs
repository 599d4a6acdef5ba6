//! wasi:clocks — wall clock, monotonic clock, and sleeping.
//!
//! On wasm32 the wall clock is `performance.timeOrigin + performance.now()`
//! (sub-millisecond, unlike `Date.now()`), and the monotonic clock is
//! `performance.now()` clamped so it never goes backwards.

use core::cell::Cell;
use core::sync::atomic::{AtomicU64, Ordering};
use std::rc::Rc;

static LAST_MONOTONIC: AtomicU64 = AtomicU64::new(0);

/// Resolution we report for every clock, in nanoseconds. Browsers coarsen
/// `performance.now()` to 5–100 µs; we claim 1 µs as Node gives it.
pub const RESOLUTION_NS: u64 = 1_000;

#[cfg(target_arch = "wasm32")]
mod host {
    pub fn realtime_ns() -> u64 {
        // timeOrigin is constant: one JS call per clock read, not two.
        use core::sync::atomic::{AtomicU64, Ordering};
        static ORIGIN_BITS: AtomicU64 = AtomicU64::new(0);
        let mut origin = f64::from_bits(ORIGIN_BITS.load(Ordering::Relaxed));
        if origin == 0.0 {
            origin = crate::bindings::host::time_origin();
            ORIGIN_BITS.store(origin.to_bits(), Ordering::Relaxed);
        }
        ((origin + crate::bindings::host::perf_now()) * 1e6) as u64
    }
    pub fn monotonic_raw() -> u64 {
        (crate::bindings::host::perf_now() * 1e6) as u64
    }
    pub fn sleep_ns(ns: u64) {
        crate::bindings::host::sleep_ms(ns as f64 / 1e6);
    }
    pub fn can_block_on_input() -> bool {
        crate::bindings::host::can_block_on_input()
    }
    pub fn block_on_input(ns: Option<u64>) {
        let ms = ns.map_or(-1.0, |ns| ns as f64 / 1e6);
        crate::bindings::host::block_ms(ms, true);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
    pub fn realtime_ns() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }
    pub fn monotonic_raw() -> u64 {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }
    pub fn sleep_ns(ns: u64) {
        std::thread::sleep(Duration::from_nanos(ns));
    }
    pub fn can_block_on_input() -> bool {
        false
    }
    pub fn block_on_input(_ns: Option<u64>) {}
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    host::realtime_ns()
}

/// Nanoseconds since an arbitrary start; never decreases.
pub fn monotonic_ns() -> u64 {
    let now = host::monotonic_raw();
    let last = LAST_MONOTONIC.fetch_max(now, Ordering::Relaxed);
    now.max(last)
}

/// Blocks the calling thread (see `js/core/host.js` for how on wasm32).
pub fn sleep_ns(ns: u64) {
    host::sleep_ns(ns)
}

/// Whether the host can block until input arrives (worker mode: a
/// SharedArrayBuffer channel from the page).
pub fn can_block_on_input() -> bool {
    host::can_block_on_input()
}

/// Blocks until input may have arrived, or `ns` pass (None: no limit).
pub fn block_on_input(ns: Option<u64>) {
    host::block_on_input(ns)
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

/// Per-instance clocks. CPU time is the time since the instance started, as
/// a guest in one JS thread has the thread to itself while it runs.
///
/// In deterministic mode time is virtual: it starts at zero (realtime at
/// [`VIRTUAL_EPOCH_NS`]) and moves only when the guest waits, jumping
/// straight to the deadline, so runs are reproducible.
#[derive(Clone, Debug)]
pub struct Clocks {
    started: u64,
    virtual_now: Option<Rc<Cell<u64>>>,
}

impl Default for Clocks {
    fn default() -> Self {
        Clocks {
            started: monotonic_ns(),
            virtual_now: None,
        }
    }
}

impl Clocks {
    pub fn deterministic() -> Self {
        Clocks {
            started: 0,
            virtual_now: Some(Rc::new(Cell::new(0))),
        }
    }

    pub fn is_virtual(&self) -> bool {
        self.virtual_now.is_some()
    }

    pub fn now(&self, id: ClockId) -> u64 {
        match (&self.virtual_now, id) {
            (Some(v), ClockId::Realtime) => VIRTUAL_EPOCH_NS + v.get(),
            (Some(v), _) => v.get(),
            (None, ClockId::Realtime) => realtime_ns(),
            (None, ClockId::Monotonic) => monotonic_ns(),
            (None, _) => monotonic_ns() - self.started,
        }
    }

    pub fn monotonic(&self) -> u64 {
        self.now(ClockId::Monotonic)
    }

    /// Moves virtual time forward to `t` (monotonic); real time ignores it.
    pub fn advance_to(&self, t: u64) {
        if let Some(v) = &self.virtual_now {
            v.set(v.get().max(t));
        }
    }

    pub fn resolution(&self, _id: ClockId) -> u64 {
        RESOLUTION_NS
    }
}
