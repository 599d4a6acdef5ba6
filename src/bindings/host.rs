//! Imports from `js/core/host.js`, and the platform the core is given
//! from them: the clocks, random bytes, sleeping and worker mode's blocking
//! (the traits of `clocks`, `random` and `io`).

use crate::clocks::{MonotonicClock, Sleep, WallClock};
use crate::error::{Errno, Result as WResult};
use crate::io::BlockOnInput;
use crate::memory::ArgStr;
use crate::random::SecureRandom;
use js_sys::{Function, JsString};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/core/host.js")]
extern "C" {
    pub fn set_core_memory(memory: &JsValue);
    // The guest-memory hooks catch what they throw themselves (a bad
    // memory object, a failed allocation of a view) and say so in their
    // result (`guest_size` < 0, the others nonzero); the exception is then
    // taken with `take_hook_error`. Nothing unwinds through the core's
    // frames, and the hot path avoids wasm-bindgen's `catch` wrapper (a
    // closure and an `arguments` object per call: a tenth of `clock`).
    fn guest_size(memory: &JsValue) -> f64;
    fn guest_read(memory: &JsValue, guest: u32, len: u32, core: u32) -> u32;
    fn guest_write(memory: &JsValue, guest: u32, core: u32, len: u32) -> u32;
    fn guest_fill(memory: &JsValue, guest: u32, len: u32, byte: u8) -> u32;
    fn guest_put(memory: &JsValue, guest: u32, lo: u32, hi: u32, len: u32) -> u32;
    fn take_hook_error() -> JsValue;
    fn encode_into(s: &JsString, core: u32, cap: u32) -> i32;
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

thread_local! {
    static CORE_MEMORY_SET: Cell<bool> = const { Cell::new(false) };
}

/// A JS string argument as an [`ArgStr`]: encoded by `TextEncoder` straight
/// into the inline buffer on the core's stack when it fits (nothing on the
/// heap for a trap to leak), else copied to the heap. Lone surrogates
/// become U+FFFD either way.
pub fn js_str(s: &JsString) -> Result<ArgStr, JsValue> {
    // wasm-bindgen does not check a `&JsString` argument's type.
    if !s.is_string() {
        return Err(js_sys::TypeError::new("expected a string argument").into());
    }
    // The hook writes into the core's memory: it must know it (WasiCore and
    // Preview2Core tell it too, but a MemFS call may come first).
    CORE_MEMORY_SET.with(|set| {
        if !set.replace(true) {
            set_core_memory(&wasm_bindgen::memory());
        }
    });
    ArgStr::fill_inline(|buf| {
        let n = encode_into(s, buf.as_mut_ptr() as u32, buf.len() as u32);
        usize::try_from(n).ok()
    })
    .map_or_else(|| Ok(ArgStr::from(String::from(s))), Ok)
}

/// The guest's `WebAssembly.Memory`, reached through the host hooks. Its
/// size is cached: asking JS on every call would cost a crossing.
pub struct JsMemory {
    pub memory: JsValue,
    size: Cell<u64>,
    /// The first exception a hook threw since the last `take_error`: the
    /// guest got `EFAULT`, the JS caller gets this.
    error: RefCell<Option<JsValue>>,
    /// What the test seam gives the hooks instead of the memory.
    #[cfg(feature = "test-seams")]
    null: JsValue,
}

impl JsMemory {
    pub fn new(memory: JsValue) -> Self {
        let m = JsMemory {
            memory,
            size: Cell::new(0),
            error: RefCell::new(None),
            #[cfg(feature = "test-seams")]
            null: JsValue::NULL,
        };
        crate::memory::GuestMemory::refresh(&m);
        m
    }

    /// What a guest-memory hook threw, once.
    pub fn take_error(&self) -> Option<JsValue> {
        self.error.borrow_mut().take()
    }

    pub fn has_error(&self) -> bool {
        self.error.borrow().is_some()
    }

    /// Keeps `e` unless an earlier error is kept already.
    pub fn keep_error(&self, e: JsValue) {
        let mut kept = self.error.borrow_mut();
        if kept.is_none() {
            *kept = Some(e);
        }
    }

    /// A hook's status: on a throw (nonzero) the exception is kept (the
    /// first one) and the copy is `EFAULT`.
    fn hook(&self, failed: bool) -> WResult<()> {
        if failed {
            self.keep_error(take_hook_error());
            return Err(Errno::Fault);
        }
        Ok(())
    }

    /// The memory object the hooks are given: a test seam can swap in
    /// `null`, on which the real hooks throw.
    fn target(&self) -> &JsValue {
        #[cfg(feature = "test-seams")]
        if seams::take_memory_fault() {
            return &self.null;
        }
        &self.memory
    }
}

impl crate::memory::GuestMemory for JsMemory {
    fn size(&self) -> u64 {
        self.size.get()
    }
    fn refresh(&self) -> u64 {
        if self.memory.is_undefined() {
            self.size.set(0);
            return 0;
        }
        // A throw keeps the cached size: the access is then out of bounds.
        let size = guest_size(self.target());
        if self.hook(size < 0.0).is_ok() {
            self.size.set(size as u64);
        }
        self.size.get()
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) -> WResult<()> {
        let r = guest_read(
            self.target(),
            ptr,
            dst.len() as u32,
            dst.as_mut_ptr() as u32,
        );
        self.hook(r != 0)
    }
    fn write_raw(&self, ptr: u32, src: &[u8]) -> WResult<()> {
        let r = guest_write(self.target(), ptr, src.as_ptr() as u32, src.len() as u32);
        self.hook(r != 0)
    }
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8) -> WResult<()> {
        let r = guest_fill(self.target(), ptr, len, byte);
        self.hook(r != 0)
    }
    fn put_raw(&self, ptr: u32, v: u64, len: u32) -> WResult<()> {
        let r = guest_put(self.target(), ptr, v as u32, (v >> 32) as u32, len);
        self.hook(r != 0)
    }
}

/// Test seams: only in a core built with the `test-seams` feature.
#[cfg(feature = "test-seams")]
pub(crate) mod seams {
    use std::cell::RefCell;

    thread_local! {
        /// The call (its import name) whose next guest-memory hook throws.
        static FAULT_IN: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    pub fn arm_memory_fault(call: String) {
        FAULT_IN.with(|f| *f.borrow_mut() = Some(call));
    }

    /// True once per arming, inside the armed call.
    pub fn take_memory_fault() -> bool {
        FAULT_IN.with(|f| {
            let mut f = f.borrow_mut();
            let hit = f.is_some() && f.as_deref() == super::super::call::current();
            if hit {
                *f = None;
            }
            hit
        })
    }
}
