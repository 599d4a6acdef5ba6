//! The wasm-bindgen layer: JS-facing classes that only convert arguments
//! and call the core. See `docs/core-api.md` for the contract.

mod call;
mod fields;
pub mod host;
mod memfs;
mod mount;
mod options;
mod panic;
mod preview2;
mod stdio;
mod wasi;

pub use memfs::MemFsCore;
pub use preview2::Preview2Core;
pub use wasi::WasiCore;

use crate::error::Errno;
use wasm_bindgen::JsValue;

/// A Node-style error: `ENOENT: no such file or directory, stat '/x'`.
pub(crate) fn js_error(e: Errno, op: &str, path: &str) -> JsValue {
    let err = js_sys::Error::new(&format!(
        "{}: {}, {} '{}'",
        e.code(),
        e.describe(),
        op,
        path
    ));
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(&err, &"errno".into(), &(e.raw() as u32).into());
    err.into()
}
