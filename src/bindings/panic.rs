//! Surviving a panic in the core.
//!
//! The release build is `panic = "abort"`: a panic runs the hook below, then
//! traps (`unreachable`). The trap unwinds the JS and wasm stack at once, so
//! no destructor and no epilogue runs. It leaves behind, and
//! `js/recovery.js` repairs once no call into the core is in progress:
//!
//! - a borrow guard of the shared filesystem: the filesystem lives in an
//!   [`FsCell`] whose borrow state [`recover`] resets (every `MemFsCore`
//!   method also does before it borrows);
//! - the core's shadow-stack pointer, moved down by the abandoned frames
//!   (a few hundred bytes each; after ~1,700 traps the 1 MiB stack was
//!   gone). `build.rs` exports `__stack_pointer`, and JS sets it back to
//!   its value at load;
//! - wasm-bindgen's hold on the object whose method trapped: a borrow flag
//!   (a `&mut self` method's object stays unusable: `js/host-base.js`
//!   (WASI, WASIp2) stops using a program's core after that) and a
//!   reference count, which [`release_abandoned`] gives back so that the
//!   object can be freed.
//!
//! What a panic still costs: what the abandoned frames had allocated on the
//! heap (e.g. a path being resolved; nothing for most panics) stays
//! allocated. The filesystem keeps whatever the interrupted operation had
//! done; the operations check before they change, so that is usually
//! nothing, and `MemFsCore.checkInvariants()` tells.

use crate::descriptor::FsCell;
use std::rc::Rc;
use std::sync::{Mutex, Once};
use wasm_bindgen::__rt::WasmRefCell;

static HOOK: Once = Once::new();
static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Installs the hook (once per core instance).
pub fn install() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload();
            let msg = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_string()
            };
            let msg = match info.location() {
                Some(l) => format!("{msg} (at {}:{})", l.file(), l.line()),
                None => msg,
            };
            if let Ok(mut last) = LAST.lock() {
                *last = Some(msg);
            }
        }));
    });
}

/// The message of the last panic, once.
pub fn take() -> Option<String> {
    LAST.lock().ok().and_then(|mut l| l.take())
}

/// Clears borrows of the filesystem left behind by a trap. Returns whether
/// the filesystem is usable now. Only for when no call into the core is in
/// progress.
pub fn recover(cell: &FsCell) -> bool {
    if cell.try_borrow_mut().is_err() {
        // SAFETY: called from a JS entry point with no core call in
        // progress: the frames that held guards were discarded by the trap.
        unsafe { cell.release_abandoned() };
    }
    cell.try_borrow_mut().is_ok()
}

/// Gives back the references to an exported object that calls abandoned by
/// traps still hold; returns how many. wasm-bindgen hands JS an
/// `Rc<WasmRefCell<T>>` pointer (one reference, JS's) and takes one more
/// for the length of each call; with no call in progress every reference
/// but JS's was abandoned.
///
/// # Safety
/// `ptr` is 0 or the pointer of a live JS wrapper of a `T`, and no call
/// into the core is in progress.
pub unsafe fn release_abandoned<T>(ptr: u32) -> u32 {
    if ptr == 0 {
        return 0;
    }
    let p = ptr as usize as *const WasmRefCell<T>;
    let rc = std::mem::ManuallyDrop::new(Rc::from_raw(p));
    let extra = Rc::strong_count(&rc).saturating_sub(1);
    for _ in 0..extra {
        Rc::decrement_strong_count(p);
    }
    extra as u32
}
