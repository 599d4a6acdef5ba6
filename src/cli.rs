//! wasi:cli — stdio streams, args, environment.
//!
//! Stdout and stderr hand bytes to a sink: on wasm32 a JS function (the JS
//! side line-buffers to the console, keeps a buffer, or calls the user);
//! on the host a shared buffer for tests.

use crate::io::{InputStream, OutputStream, SharedInput, StreamError, StreamResult};
use bytes::Bytes;
use std::cell::RefCell;
use std::rc::Rc;

/// Stdin from bytes fixed before the run.
pub struct BytesInput(pub Bytes);

impl InputStream for BytesInput {
    fn read(&mut self, max: usize) -> StreamResult<Bytes> {
        if self.0.is_empty() {
            return Err(StreamError::Closed);
        }
        let n = max.min(self.0.len());
        Ok(self.0.split_to(n))
    }
    fn available(&self) -> u64 {
        self.0.len() as u64
    }
}

/// Output collected in memory.
#[derive(Clone, Default)]
pub struct BufferOutput(pub Rc<RefCell<Vec<u8>>>);

impl OutputStream for BufferOutput {
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(())
    }
}

/// The one output-buffering policy, for both previews: every stdout and
/// stderr sink sits behind one (see [`Stdio`]). Coalesces small writes, so a
/// program printing line by line costs one sink call per few KiB instead of
/// one per line (or per line, for a terminal). A Preview 2 `flush` /
/// `blocking-flush` / `blocking-write-and-flush` flushes it; so do a wait,
/// a read of stdin, `exit` and the end of the run, in both previews. A
/// guest cannot tell: wasmtime's stdout is Rust's line-buffered `Stdout`.
pub struct Buffered {
    inner: Box<dyn OutputStream>,
    buf: Vec<u8>,
    /// Flush at every newline, as C stdio does for a terminal.
    line: bool,
    /// The sink said the stream is closed (a broken pipe): every later
    /// write fails at once, without buffering what can never be delivered.
    closed: bool,
}

const BUFFER: usize = 8192;

impl Buffered {
    /// `line`: the stream is a terminal (flush at each newline).
    pub fn new(inner: Box<dyn OutputStream>, line: bool) -> Self {
        Buffered {
            inner,
            buf: Vec::new(),
            line,
            closed: false,
        }
    }

    /// Notes a closed stream (see `closed`).
    fn seen<T>(&mut self, r: StreamResult<T>) -> StreamResult<T> {
        if matches!(r, Err(StreamError::Closed)) {
            self.closed = true;
            self.buf = Vec::new();
        }
        r
    }
}

impl OutputStream for Buffered {
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        if self.closed {
            return Err(StreamError::Closed);
        }
        if self.buf.len() + bytes.len() > BUFFER {
            self.flush()?;
        }
        if bytes.len() >= BUFFER {
            let r = self.inner.write(bytes);
            return self.seen(r);
        }
        self.buf.extend_from_slice(bytes);
        if self.line && bytes.contains(&b'\n') {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        if self.closed {
            return Ok(());
        }
        if !self.buf.is_empty() {
            let r = self.inner.write(&self.buf);
            self.buf.clear();
            self.seen(r)?;
        }
        let r = self.inner.flush();
        self.seen(r)
    }
}

impl Drop for Buffered {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Output that is thrown away.
pub struct NullOutput;

impl OutputStream for NullOutput {
    fn write(&mut self, _: &[u8]) -> StreamResult<()> {
        Ok(())
    }
}

/// The three standard streams of one program. Output is always
/// [`Buffered`]: the builder puts the sinks it is given behind it.
pub struct Stdio {
    pub stdin: SharedInput,
    pub stdout: Buffered,
    pub stderr: Buffered,
    /// Whether each of stdin/stdout/stderr is a terminal (`isatty`).
    pub tty: [bool; 3],
}

impl Default for Stdio {
    fn default() -> Self {
        Stdio {
            stdin: Rc::new(RefCell::new(Box::new(BytesInput(Bytes::new())))),
            stdout: Buffered::new(Box::new(NullOutput), false),
            stderr: Buffered::new(Box::new(NullOutput), false),
            tty: [false; 3],
        }
    }
}

#[cfg(test)]
#[path = "cli_buffered_tests.rs"]
mod buffered_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A pipe whose reader goes away after `open` writes.
    struct Pipe {
        calls: Rc<Cell<usize>>,
        open: usize,
    }

    impl OutputStream for Pipe {
        fn write(&mut self, _: &[u8]) -> StreamResult<()> {
            self.calls.set(self.calls.get() + 1);
            if self.calls.get() > self.open {
                Err(StreamError::Closed)
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn a_closed_stream_fails_every_later_write_at_once() {
        let calls = Rc::new(Cell::new(0));
        let pipe = Pipe {
            calls: calls.clone(),
            open: 1,
        };
        let mut out = Buffered::new(Box::new(pipe), true);
        assert_eq!(out.write(b"y\n"), Ok(()));
        assert_eq!(out.write(b"y\n"), Err(StreamError::Closed));
        assert_eq!(calls.get(), 2);
        // Later writes, small or large, fail without reaching the sink or
        // piling up in the buffer.
        for _ in 0..10_000 {
            assert_eq!(out.write(b"y\n"), Err(StreamError::Closed));
        }
        assert_eq!(out.write(&[b'y'; BUFFER * 2]), Err(StreamError::Closed));
        assert_eq!(out.flush(), Ok(()));
        assert_eq!(calls.get(), 2);
        assert!(out.buf.is_empty());
    }

    #[test]
    fn a_failed_write_is_reported_and_the_stream_goes_on() {
        struct Flaky(Rc<Cell<usize>>);
        impl OutputStream for Flaky {
            fn write(&mut self, _: &[u8]) -> StreamResult<()> {
                self.0.set(self.0.get() + 1);
                if self.0.get() == 1 {
                    Err(StreamError::Failed("full".into()))
                } else {
                    Ok(())
                }
            }
        }
        let calls = Rc::new(Cell::new(0));
        let mut out = Buffered::new(Box::new(Flaky(calls.clone())), true);
        assert_eq!(out.write(b"a\n"), Err(StreamError::Failed("full".into())));
        assert_eq!(out.write(b"b\n"), Ok(()));
        assert_eq!(calls.get(), 2);
    }
}
