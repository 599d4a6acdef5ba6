//! Stdio streams backed by JS functions.

use crate::io::{InputStream, OutputStream, StreamError, StreamResult};
use bytes::Bytes;
use js_sys::{Function, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Stdout/stderr: each write calls the JS sink with a view of the bytes,
/// valid during the call only (the JS side copies what it keeps). The sink
/// returns `true` when the stream is closed (a broken pipe: the guest gets
/// EPIPE, as on a native host), a string saying why it took none (e.g. a
/// full buffer: EIO), or anything else (`undefined`) when it took them. What it
/// throws is a failure too (EIO); `js/recovery.js` keeps the exception
/// for the JS caller.
pub struct JsSink(pub Function);

impl OutputStream for JsSink {
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        // SAFETY: the view is used by the sink before this returns, and the
        // sink does not call back into the core while holding it.
        let view = unsafe { Uint8Array::view(bytes) };
        let v = self
            .0
            .call1(&JsValue::NULL, &view)
            .map_err(|e| StreamError::Failed(thrown(&e)))?;
        if v.as_bool() == Some(true) {
            Err(StreamError::Closed)
        } else if let Some(why) = v.as_string() {
            Err(StreamError::Failed(why))
        } else {
            Ok(())
        }
    }
}

/// Stdin pulled from a JS callback `(max) => Uint8Array | null | undefined`:
/// bytes, `null` (or empty) for end of input, `undefined` for "nothing yet"
/// (a push queue that is still open; async mode then waits for it).
pub struct JsSource {
    pub f: Function,
    pending: Bytes,
    eof: bool,
    /// What the callback threw during `ready()`, for the next read: a poll
    /// must wake up for it, or an async run would wait on it for ever.
    failed: Option<String>,
}

impl JsSource {
    pub fn new(f: Function) -> Self {
        JsSource {
            f,
            pending: Bytes::new(),
            eof: false,
            failed: None,
        }
    }

    /// Pulls one chunk into `pending` if it is empty.
    fn fill(&mut self, max: usize) -> StreamResult<()> {
        if let Some(msg) = self.failed.take() {
            return Err(StreamError::Failed(msg));
        }
        if !self.pending.is_empty() || self.eof {
            return Ok(());
        }
        let v = self
            .f
            .call1(&JsValue::NULL, &JsValue::from(max as u32))
            .map_err(|e| StreamError::Failed(thrown(&e)))?;
        if v.is_undefined() {
            return Ok(());
        }
        match v.dyn_into::<Uint8Array>() {
            Ok(a) if a.length() > 0 => self.pending = Bytes::from(a.to_vec()),
            _ => self.eof = true,
        }
        Ok(())
    }
}

impl InputStream for JsSource {
    fn read(&mut self, max: usize) -> StreamResult<Bytes> {
        self.fill(max)?;
        if self.pending.is_empty() {
            return if self.eof {
                Err(StreamError::Closed)
            } else {
                Ok(Bytes::new())
            };
        }
        let n = max.min(self.pending.len());
        Ok(self.pending.split_to(n))
    }
    fn available(&self) -> u64 {
        self.pending.len() as u64
    }
    fn ready(&mut self) -> bool {
        if let Err(StreamError::Failed(msg)) = self.fill(65536) {
            self.failed = Some(msg);
        }
        !self.pending.is_empty() || self.eof || self.failed.is_some()
    }
}

/// What a JS callback threw, as text (without Rust's `Debug` machinery).
fn thrown(e: &JsValue) -> String {
    match (e.dyn_ref::<js_sys::Error>(), e.as_string()) {
        (Some(err), _) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        (None, Some(s)) => s,
        (None, None) => "the callback threw a value that is not an Error".to_string(),
    }
}
