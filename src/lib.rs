//! wasi-web: a WASI host for browsers and JavaScript.
//!
//! The layout follows wasmtime's `crates/wasi`: one module per WASI
//! interface over a shared core, with Preview 1 as an adapter.
//!
//! - [`fs`]: the in-memory filesystem (pure Rust, host-tested).
//! - [`descriptor`]: open files and directories over it (both previews').
//! - [`io`]: wasi:io pollables and stream traits.
//! - [`clocks`], [`random`], [`cli`]: the other interfaces.
//! - [`table`]: the resource/fd table; [`ctx`]: the context builder.
//! - [`preview1`]: the `wasi_snapshot_preview1` / `wasi_unstable` ABI.
//! - [`preview2`]: the WASI 0.2 interfaces (for components through jco).
//! - `bindings` (wasm32 only): the thin wasm-bindgen layer for `js/`.

pub mod cli;
pub mod clocks;
pub mod ctx;
pub mod descriptor;
pub mod error;
pub mod fs;
pub mod io;
pub mod memory;
pub mod preview1;
pub mod preview2;
pub mod random;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use error::Errno;
pub use fs::MemFs;
