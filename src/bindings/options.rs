//! The options `WasiCore` and `Preview2Core` share, and the context builder
//! they both start from.

use super::memfs::MemFsCore;
use super::stdio::JsSource;
use crate::cli::BytesInput;
use crate::ctx::WasiCtxBuilder;
use crate::io::Blocking;
use bytes::Bytes;
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

pub(crate) use super::fields::Fields;

pub(crate) struct CtxOptions {
    args: Vec<String>,
    env: Vec<String>,
    preopens: Vec<(String, String)>,
    /// Whether stdin, stdout and stderr are terminals.
    pub tty: [bool; 3],
    max_fds: Option<u32>,
    /// Deterministic mode: virtual clocks and random bytes from this seed.
    seed: Option<u64>,
    /// Waits return "would block" for the JS side to await (JSPI).
    is_async: bool,
}

impl CtxOptions {
    /// Reads the shared fields (each binding reads its own extras).
    pub fn read(f: &Fields) -> Result<Self, JsValue> {
        Ok(CtxOptions {
            args: f.strings("args")?,
            env: f.strings("env")?,
            preopens: f.string_pairs("preopens")?,
            tty: f.flags3("tty")?,
            max_fds: f.count("maxFds", u32::MAX as u64)?.map(|n| n as u32),
            seed: f.count("seed", u64::MAX)?,
            is_async: f.boolean("async")?,
        })
    }
}

/// A context with args, env, preopens, limits, modes and stdin applied; the
/// caller adds its own stdout/stderr sinks.
pub(crate) fn context(
    fs: &MemFsCore,
    opts: &JsValue,
    o: CtxOptions,
) -> Result<WasiCtxBuilder, JsValue> {
    if fs.fs.is_closed() {
        return Err(js_sys::Error::new("MemFS is closed: a program cannot run on it").into());
    }
    let mut b = WasiCtxBuilder::new(fs.fs.clone());
    for a in o.args {
        b = b.arg(a);
    }
    for e in o.env {
        b = b.env(e);
    }
    for (guest, path) in &o.preopens {
        b = b
            .preopen(guest, path)
            .map_err(|e| super::js_error(e, "preopen", path))?;
    }
    if let Some(n) = o.max_fds {
        b = b.max_fds(n);
    }
    if let Some(seed) = o.seed {
        b = b.deterministic(seed);
    }
    if o.is_async {
        b = b.blocking(Blocking::Async);
    }
    let stdin = Reflect::get(opts, &"stdin".into())?;
    if let Some(f) = stdin.dyn_ref::<Function>() {
        b = b.stdin(Box::new(JsSource::new(f.clone())), o.tty[0]);
    } else if let Some(a) = stdin.dyn_ref::<Uint8Array>() {
        b = b.stdin(Box::new(BytesInput(Bytes::from(a.to_vec()))), o.tty[0]);
    }
    Ok(b)
}

/// The `stdout`/`stderr` callback, if one was given.
pub(crate) fn sink_fn(opts: &JsValue, key: &str, what: &str) -> Result<Option<Function>, JsValue> {
    let v = Reflect::get(opts, &key.into())?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| JsValue::from_str(&format!("{what}: `{key}` must be a function")))
}
