//! Surviving a panic in the core.
//!
//! The release build is `panic = "abort"`: a panic runs the hook below, then
//! traps (`unreachable`). The trap unwinds the JS and wasm stack at once, so
//! no destructor runs: a `RefMut` of the shared filesystem that was live
//! stays counted in its `RefCell` forever, and every later use of that
//! `MemFS` (by JS or by another program) would fail as "busy".
//!
//! So the hook records the message, and [`recover`] resets the stuck borrow
//! flag of a filesystem's `RefCell` once the trap has reached JS (when no
//! frame that could hold a borrow is left): `js/wasi.js` calls it when a
//! program's call trapped inside the core, and every `MemFsCore` method
//! does before it borrows (a trap in a MemFS call, e.g. a stack overflow). `RefCell` has no API for that;
//! the flag's offset is found once by borrowing a probe cell and watching
//! which word outside the value changes to the values a mutable and a shared
//! borrow store (-1 and 2). If the probe does not find exactly one such word
//! the reset is not attempted and the MemFS stays "busy".
//!
//! What a panic costs: the panicking program's `WasiCore` is dead (its own
//! wasm-bindgen borrow is stuck too; `js/wasi.js` stops using it), and the
//! core's shadow stack keeps the frames that were live at the panic (a few
//! KiB of the 1 MiB stack, measured in `tests/js/robust-panic.test.js`).
//! The filesystem keeps whatever the interrupted operation had done; the
//! operations check before they change, so that is usually nothing, and
//! `MemFsCore.checkInvariants()` tells.

use crate::fs::MemFs;
use std::cell::{Cell, RefCell};
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

/// Where the borrow flag sits in a `RefCell<MemFs>`, in bytes; `None` if
/// the probe is ambiguous.
fn flag_offset() -> Option<usize> {
    thread_local! {
        static OFFSET: Cell<Option<Option<usize>>> = const { Cell::new(None) };
    }
    if let Some(found) = OFFSET.with(Cell::get) {
        return found;
    }
    let probe = RefCell::new(MemFs::new());
    let base = &probe as *const RefCell<MemFs> as usize;
    let value = probe.as_ptr() as usize;
    let value_end = value + std::mem::size_of::<MemFs>();
    let word = std::mem::size_of::<isize>();
    let words = std::mem::size_of::<RefCell<MemFs>>() / word;
    // Only words outside the value: the flag is the cell's other field.
    let outside: Vec<usize> = (0..words)
        .map(|i| base + i * word)
        .filter(|&a| a + word <= value || a >= value_end)
        .collect();
    // SAFETY: each address is an aligned word inside `probe` and outside its
    // value: the borrow flag or padding, never a byte a reference covers.
    let read = |a: usize| unsafe { std::ptr::read_volatile(a as *const isize) };
    let free: Vec<isize> = outside.iter().map(|&a| read(a)).collect();
    let held = {
        let _g = probe.borrow_mut();
        outside.iter().map(|&a| read(a)).collect::<Vec<_>>()
    };
    let shared = {
        let (_a, _b) = (probe.borrow(), probe.borrow());
        outside.iter().map(|&a| read(a)).collect::<Vec<_>>()
    };
    let hits: Vec<usize> = (0..outside.len())
        .filter(|&i| free[i] == 0 && held[i] == -1 && shared[i] == 2)
        .map(|i| outside[i] - base)
        .collect();
    let found = match hits[..] {
        [one] => Some(one),
        _ => None,
    };
    OFFSET.with(|o| o.set(Some(found)));
    found
}

/// Clears a borrow of `cell` left behind by a trap. Returns whether the cell
/// is usable now. Only for when no call into the core is in progress.
pub fn recover(cell: &RefCell<MemFs>) -> bool {
    if cell.try_borrow_mut().is_ok() {
        return true;
    }
    let Some(off) = flag_offset() else {
        return false;
    };
    let base = cell as *const RefCell<MemFs> as usize;
    // SAFETY: `off` is the offset of the cell's `Cell<isize>` borrow flag
    // (found by the probe on the same type). Nothing holds a borrow: the
    // frames that did were discarded by the trap and never run again.
    let flag = unsafe { &*((base + off) as *const Cell<isize>) };
    flag.set(0);
    cell.try_borrow_mut().is_ok()
}
