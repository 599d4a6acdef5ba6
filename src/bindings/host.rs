//! Imports from `js/core/host.js`, and the platform the core is given
//! from them: the clocks, random bytes, sleeping and worker mode's blocking
//! (the traits of `clocks`, `random` and `io`).

use crate::clocks::{MonotonicClock, Sleep, WallClock};
use crate::io::BlockOnInput;
use crate::random::SecureRandom;
use js_sys::Function;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/core/host.js")]
extern "C" {
    pub fn set_core_memory(memory: &JsValue);
    pub fn guest_size(memory: &JsValue) -> f64;
    pub fn guest_read(memory: &JsValue, guest: u32, len: u32, core: u32);
    pub fn guest_write(memory: &JsValue, guest: u32, core: u32, len: u32);
    pub fn guest_fill(memory: &JsValue, guest: u32, len: u32, byte: u8);
    pub fn random_fill(core: u32, len: u32);
    pub fn perf_now() -> f64;
    pub fn time_origin() -> f64;
    pub fn sleep_ms(ms: f64);
    pub fn forget_guest();
    pub fn block_with(hook: &Function, ms: f64, input: bool);
}

/// The wall clock: `performance.timeOrigin + performance.now()`, which is
/// sub-millisecond, unlike `Date.now()`.
pub struct JsWallClock {
    /// `timeOrigin` is constant: read once, so a reading is one JS call.
    origin: f64,
}

impl Default for JsWallClock {
    fn default() -> Self {
        JsWallClock {
            origin: time_origin(),
        }
    }
}

impl WallClock for JsWallClock {
    fn now(&self) -> u64 {
        ((self.origin + perf_now()) * 1e6) as u64
    }
}

/// The monotonic clock: `performance.now()`, clamped so that it never
/// goes backwards even if an engine's did.
#[derive(Default)]
pub struct JsMonotonicClock {
    last: Cell<u64>,
}

impl MonotonicClock for JsMonotonicClock {
    fn now(&self) -> u64 {
        let now = ((perf_now() * 1e6) as u64).max(self.last.get());
        self.last.set(now);
        now
    }
}

/// `crypto.getRandomValues`, straight into the core's memory.
pub struct JsRandom;

impl SecureRandom for JsRandom {
    fn fill(&self, buf: &mut [u8]) {
        random_fill(buf.as_mut_ptr() as u32, buf.len() as u32);
    }
}

/// Sync mode's sleep: `Atomics.wait` where allowed (Node, workers), a spin
/// on a browser's main thread (see `js/core/host.js`).
pub struct JsSleep;

impl Sleep for JsSleep {
    fn sleep(&self, ns: u64) {
        sleep_ms(ns as f64 / 1e6);
    }
}

/// Worker mode's hook, `block(ms, input)` (js/worker/channel.js): it waits
/// on a SharedArrayBuffer until `ms` pass (ms < 0: no limit) or, when
/// `input`, stdin data arrives from the page. Sleeps go through it too, so
/// the page can cut them short: it throws to stop the program, and the
/// exception unwinds the core call it was in.
pub struct WorkerBlock(pub Function);

impl Sleep for WorkerBlock {
    fn sleep(&self, ns: u64) {
        if ns > 0 {
            block_with(&self.0, ns as f64 / 1e6, false);
        }
    }
}

impl BlockOnInput for WorkerBlock {
    fn block_on_input(&self, timeout: Option<u64>) {
        block_with(&self.0, timeout.map_or(-1.0, |ns| ns as f64 / 1e6), true);
    }
}

/// The guest's `WebAssembly.Memory`, reached through the host hooks. Its
/// size is cached: asking JS on every call would cost a crossing.
pub struct JsMemory {
    pub memory: JsValue,
    size: Cell<u64>,
}

impl JsMemory {
    pub fn new(memory: JsValue) -> Self {
        let m = JsMemory {
            memory,
            size: Cell::new(0),
        };
        crate::memory::GuestMemory::refresh(&m);
        m
    }
}

impl crate::memory::GuestMemory for JsMemory {
    fn size(&self) -> u64 {
        self.size.get()
    }
    fn refresh(&self) -> u64 {
        let size = if self.memory.is_undefined() {
            0
        } else {
            guest_size(&self.memory) as u64
        };
        self.size.set(size);
        size
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) {
        guest_read(&self.memory, ptr, dst.len() as u32, dst.as_mut_ptr() as u32);
    }
    fn write_raw(&self, ptr: u32, src: &[u8]) {
        guest_write(&self.memory, ptr, src.as_ptr() as u32, src.len() as u32);
    }
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8) {
        guest_fill(&self.memory, ptr, len, byte);
    }
}
