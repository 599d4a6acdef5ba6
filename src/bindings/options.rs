//! The options `WasiCore` and `Preview2Core` share, and the context builder
//! they both start from.

use super::memfs::MemFsCore;
use super::stdio::JsSource;
use crate::cli::BytesInput;
use crate::ctx::WasiCtxBuilder;
use crate::io::Blocking;
use bytes::Bytes;
use js_sys::{Function, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CtxOptions {
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: Vec<String>,
    #[serde(default)]
    preopens: Vec<(String, String)>,
    /// Whether stdin, stdout and stderr are terminals.
    #[serde(default)]
    pub tty: [bool; 3],
    max_fds: Option<u32>,
    /// Deterministic mode: virtual clocks and random bytes from this seed.
    seed: Option<f64>,
    /// Waits return "would block" for the JS side to await (JSPI).
    #[serde(default, rename = "async")]
    is_async: bool,
}

/// Reads one options struct out of the JS options object (each struct
/// takes its own fields and ignores the rest).
pub(crate) fn read<T: DeserializeOwned>(opts: &JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(opts.clone())
        .map_err(|e| JsValue::from_str(&format!("{what} options: {e}")))
}

/// A context with args, env, preopens, limits, modes and stdin applied; the
/// caller adds its own stdout/stderr sinks.
pub(crate) fn context(
    fs: &MemFsCore,
    opts: &JsValue,
    o: CtxOptions,
) -> Result<WasiCtxBuilder, JsValue> {
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
        b = b.deterministic(seed as u64);
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
