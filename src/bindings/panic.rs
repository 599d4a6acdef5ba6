//! Surviving a panic in the core.
//!
//! The release build is `panic = "abort"`: a panic runs the hook below, then
//! traps (`unreachable`). The trap unwinds the JS and wasm stack at once, so
//! no destructor and no epilogue runs. It leaves behind, and
//! `js/recovery.js` repairs once no call into the core is in progress
//! (never during a callback, when a live core frame may hold them):
//!
//! - a borrow guard of the shared filesystem: the filesystem lives in an
//!   [`FsCell`] whose borrow state [`recover`] resets (`MemFsCore
//!   .recoverAfterTrap()`; until then its methods say "busy");
//! - the core's shadow-stack pointer and wasm-bindgen's externref stack
//!   pointer, moved down by the abandoned frames: `build.rs` and
//!   `scripts/export-externref-stack.mjs` export them, and `js/core.js`
//!   sets them back to their values at load;
//! - wasm-bindgen's hold on the object whose method trapped (a reference
//!   and a borrow flag): the owner stops using that object (WASI and
//!   WASIp2 give up the program's core; MemFS puts a `MemFsCore::share` in
//!   its place) and `js/recovery.js` frees it through wasm-bindgen's own
//!   `free()`, which gives back one reference per call until the last;
//! - heap blocks the abandoned frames owned. String arguments are kept on
//!   the stack for that reason (`memory::ArgStr`, `host::js_str`), so the
//!   panics of the tests leak nothing; a panic whose message is formatted
//!   still leaks the message std built, and a path longer than
//!   `ArgStr::INLINE` its copy.
//!
//! The filesystem keeps whatever the interrupted operation had done; the
//! operations check before they change, so that is usually nothing, and
//! `MemFsCore.checkInvariants()` tells.

use crate::descriptor::FsCell;
use std::sync::{Mutex, Once};

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
/// progress (`js/recovery.js` `repair`).
pub fn recover(cell: &FsCell) -> bool {
    if cell.try_borrow_mut().is_err() {
        // SAFETY: called from a JS entry point with no core call in
        // progress: the frames that held guards were discarded by the trap.
        unsafe { cell.release_abandoned() };
    }
    cell.try_borrow_mut().is_ok()
}
