//! The options `WasiCore` and `Preview2Core` share, and the context builder
//! they both start from.

use super::host::{JsMonotonicClock, JsRandom, JsSleep, JsWallClock, WorkerBlock};
use super::memfs::MemFsCore;
use super::stdio::{JsSink, JsSource};
use crate::cli::BytesInput;
use crate::ctx::WasiCtxBuilder;
use crate::io::Blocking;
use bytes::Bytes;
use js_sys::{Function, Reflect, TypeError, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

pub(crate) use super::fields::Fields;

pub(crate) struct CtxOptions {
    args: Vec<String>,
    env: Vec<String>,
    preopens: Vec<(String, String)>,
    /// Whether stdin, stdout and stderr are terminals.
    pub tty: [bool; 3],
    max_fds: Option<u32>,
    /// `maxIoBytes`: the most one read or write moves (`WasiCtx::max_io`).
    max_io: Option<u32>,
    /// Deterministic mode: virtual clocks and random bytes from this seed.
    seed: Option<u64>,
    /// How waits are done: `async` (return "would block" for the JS side to
    /// await, JSPI), worker (`block`, the hook of js/worker/channel.js that
    /// blocks the worker until a time passes or input comes), or sync.
    blocking: Mode,
}

/// The blocking mode JS asked for (the core's [`Blocking`] is made from it).
enum Mode {
    Sync,
    Worker(Function),
    Async,
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
            max_io: f.count("maxIoBytes", u32::MAX as u64)?.map(|n| n as u32),
            seed: f.count("seed", u64::MAX)?,
            blocking: match (f.boolean("async")?, f.function("block")?) {
                (false, None) => Mode::Sync,
                (false, Some(hook)) => Mode::Worker(hook),
                (true, None) => Mode::Async,
                (true, Some(_)) => {
                    let msg = format!(
                        "{}: `async` and `block` (worker mode) exclude each other",
                        f.what()
                    );
                    return Err(TypeError::new(&msg).into());
                }
            },
        })
    }
}

/// A context with args, env, preopens, limits, modes and stdio applied
/// (`what` names the caller in errors). The builder puts the sinks behind
/// the core's one output buffer.
pub(crate) fn context(
    fs: &MemFsCore,
    opts: &JsValue,
    o: CtxOptions,
    what: &str,
) -> Result<WasiCtxBuilder, JsValue> {
    if fs.fs.is_closed() {
        return Err(js_sys::Error::new("MemFS is closed: a program cannot run on it").into());
    }
    // The platform: the page's clocks, randomness and ways to block.
    let mut b = WasiCtxBuilder::new(fs.fs.clone())
        .wall_clock(JsWallClock::default())
        .monotonic_clock(JsMonotonicClock::default())
        .secure_random(JsRandom);
    b = match o.blocking {
        Mode::Sync => b.sleep(JsSleep),
        Mode::Worker(hook) => b
            .sleep(WorkerBlock(hook.clone()))
            .blocking(Blocking::Worker(Rc::new(WorkerBlock(hook)))),
        Mode::Async => b.sleep(JsSleep).blocking(Blocking::Async),
    };
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
    if let Some(n) = o.max_io {
        b = b.max_io(n);
    }
    if let Some(seed) = o.seed {
        b = b.deterministic(seed);
    }
    let stdin = Reflect::get(opts, &"stdin".into())?;
    if let Some(f) = stdin.dyn_ref::<Function>() {
        b = b.stdin(Box::new(JsSource::new(f.clone())), o.tty[0]);
    } else if let Some(a) = stdin.dyn_ref::<Uint8Array>() {
        b = b.stdin(Box::new(BytesInput(Bytes::from(a.to_vec()))), o.tty[0]);
    }
    if let Some(f) = sink_fn(opts, "stdout", what)? {
        b = b.stdout(Box::new(JsSink(f)), o.tty[1]);
    }
    if let Some(f) = sink_fn(opts, "stderr", what)? {
        b = b.stderr(Box::new(JsSink(f)), o.tty[2]);
    }
    Ok(b)
}

/// The `stdout`/`stderr` callback, if one was given.
fn sink_fn(opts: &JsValue, key: &str, what: &str) -> Result<Option<Function>, JsValue> {
    let v = Reflect::get(opts, &key.into())?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| JsValue::from_str(&format!("{what}: `{key}` must be a function")))
}
