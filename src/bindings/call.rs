//! Which WASI call the core is in, for the JS side to name the call that a
//! trap cut short.
//!
//! Each `WasiCore` / `Preview2Core` method records its name on entry and
//! puts back the previous one when it returns. A trap returns through no
//! Rust code (the release build aborts on panic), so after one the name of
//! the call it struck is still here: `js/wasi.js` and
//! `js/preview2/component-host.js` ask with `currentCall()` instead of
//! parsing the JS stack trace. Nested calls (a sink callback that runs another
//! program) restore the outer name on the way out.

use std::cell::Cell;

thread_local! {
    static CURRENT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Restores the previous name when the call returns normally.
pub(crate) struct InCall(Option<&'static str>);

/// Records that the core is in call `name` until the guard is dropped.
pub(crate) fn enter(name: &'static str) -> InCall {
    InCall(CURRENT.with(|c| c.replace(Some(name))))
}

impl Drop for InCall {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// The call in progress (without clearing it).
#[cfg(feature = "test-seams")]
pub(crate) fn current() -> Option<&'static str> {
    CURRENT.with(|c| c.get())
}

/// The call in progress, or the one a trap cut short; reading it clears it
/// (so a later trap outside a call is not blamed on it).
pub(crate) fn take() -> Option<String> {
    CURRENT.with(|c| c.take()).map(str::to_string)
}
