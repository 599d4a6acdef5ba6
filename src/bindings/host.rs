//! Imports from `js/core/host.js`.

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
    pub fn can_block_on_input() -> bool;
    pub fn block_ms(ms: f64, input: bool);
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
