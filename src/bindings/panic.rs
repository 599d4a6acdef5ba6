//! Surviving a panic in the core.
//!
//! The release build is `panic = "abort"`: a panic runs the hook below, then
//! traps (`unreachable`). The trap unwinds the JS and wasm stack at once, so
//! no destructor runs: a borrow guard of the shared filesystem that was live
//! would stay counted forever, and every later use of that `MemFS` (by JS
//! or by another program) would fail as "busy".
//!
//! So the shared filesystem lives in an [`FsCell`] (a `RefCell` whose borrow
//! state can be reset), the hook records the message, and [`recover`]
//! releases the abandoned borrows once the trap has reached JS (when no
//! frame that could hold one is left): `js/wasi.js` calls it when a
//! program's call trapped inside the core, and every `MemFsCore` method does
//! before it borrows (a trap in a MemFS call, e.g. a stack overflow).
//!
//! What a panic costs: the panicking program's `WasiCore` is dead (its own
//! wasm-bindgen borrow is stuck too; `js/wasi.js` stops using it), and the
//! core's shadow stack keeps the frames that were live at the panic (a few
//! KiB of the 1 MiB stack, measured in `tests/js/robust-panic.test.js`).
//! The filesystem keeps whatever the interrupted operation had done; the
//! operations check before they change, so that is usually nothing, and
//! `MemFsCore.checkInvariants()` tells.

use crate::filesystem::FsCell;
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
/// progress.
pub fn recover(cell: &FsCell) -> bool {
    if cell.try_borrow_mut().is_err() {
        // SAFETY: called from a JS entry point with no core call in
        // progress: the frames that held guards were discarded by the trap.
        unsafe { cell.release_abandoned() };
    }
    cell.try_borrow_mut().is_ok()
}
