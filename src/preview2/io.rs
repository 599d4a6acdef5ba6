//! wasi:io — error, poll, streams.
//!
//! Streams are the core's [`InputStream`](crate::io::InputStream) and
//! [`OutputStream`] (stdio) or a file
//! [`Descriptor`] at an offset; pollables are the core's [`Pollable`]s,
//! and every wait, Preview 1's `poll_oneoff` too, is
//! [`wait_on`](Preview2::wait_on) over the core's [`io::poll`].

use super::{wrong_type, Error, Preview2, Resource, Result};
use crate::descriptor::Descriptor;
use crate::error::Errno;
use crate::io::{self, AlwaysReady, Deadline, InputReady, OutputStream, Pollable, StreamError};

/// What `check-write` grants at most, per call, when the context's
/// `max_io` (the one I/O cap, [`WasiCtx::max_io`](crate::ctx::WasiCtx))
/// is larger. Stream and descriptor reads return at most `max_io` bytes
/// (the guest may ask for up to 2^64-1): a short read, as POSIX allows.
pub const WRITE_BUDGET: u64 = 1 << 20;

/// Most pollables one `poll` takes. The spec sets no limit and wasmtime
/// none but the guest's memory; each entry costs the host a copy and a
/// slot in the answer, so a list longer than this (as Preview 1's
/// `poll_oneoff` subscriptions) traps before anything is copied.
pub const MAX_POLL: usize = 1 << 16;

/// Copies the bytes of a write from offset `done` on into `dst` (exactly
/// `dst.len()` of them): from a slice in Rust, from the component's JS
/// array in the bindings. So a write is checked against its limit before
/// any byte reaches the core, and file writes copy straight into the
/// file's storage.
pub type Fill<'a> = &'a mut dyn FnMut(u64, &mut [u8]) -> crate::error::Result<()>;

/// A [`Fill`] over a slice.
pub fn slice_fill(bytes: &[u8]) -> impl FnMut(u64, &mut [u8]) -> crate::error::Result<()> + '_ {
    move |done, dst| {
        let at = done as usize;
        dst.copy_from_slice(&bytes[at..at + dst.len()]);
        Ok(())
    }
}

/// Receives what a read returns without the core gathering it (the
/// bindings copy each piece into the JS array the component gets):
/// `sink(n, at, bytes)` gets the answer's length `n` (the same on every
/// call) and one stored piece at offset `at` in it. What no piece covers
/// (a hole in a file) reads as zeros. Not called for an empty answer.
pub type Sink<'a> = &'a mut dyn FnMut(u64, u64, &[u8]);

/// Runs a read that reports through a [`Sink`] and gathers the answer.
pub fn gather(read: impl FnOnce(Sink) -> Result<u64>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let n = read(&mut |n, at, bytes| {
        out.resize(n as usize, 0);
        let at = at as usize;
        out[at..at + bytes.len()].copy_from_slice(bytes);
    })?;
    out.resize(n as usize, 0);
    Ok(out)
}

/// Reads `n` bytes of file `ino` at `offset` into `sink`; `n` must be
/// within the file.
pub(crate) fn read_file(
    fs: &mut crate::fs::MemFs,
    ino: crate::fs::Ino,
    offset: u64,
    n: u64,
    sink: Sink,
) -> crate::error::Result<()> {
    let mut at = 0;
    fs.read_with(ino, offset, n, |bytes, zeros| {
        if !bytes.is_empty() {
            sink(n, at, bytes);
        }
        at += bytes.len() as u64 + zeros;
        Ok(())
    })?;
    Ok(())
}

/// The trap for a write larger than `check-write` can grant (wasmtime's
/// words for it).
fn over_budget(len: u64, budget: u64) -> Error {
    Error::Trap(format!(
        "wasi-web: write exceeded budget: {len} bytes, but check-write grants at most {budget}"
    ))
}

/// An input stream.
pub enum Input {
    /// A file read from `pos` on (`read-via-stream`).
    File { desc: Descriptor, pos: u64 },
    /// The program's stdin.
    Stdin,
}

/// An output stream.
pub enum Output {
    /// A file written at `pos` (`write-via-stream`) or at its end (`append-via-stream`).
    File {
        desc: Descriptor,
        pos: u64,
        append: bool,
    },
    Stdout,
    Stderr,
}

/// What a pollable waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollKind {
    /// Ready at this monotonic-clock instant.
    Deadline(u64),
    /// Always ready (files, stdout, stderr).
    Ready,
    /// Ready when stdin has data or has ended.
    Stdin,
    /// Ready once the host resolves it: a JS promise settled (see
    /// `WASIp2.pollableFromPromise`).
    External(bool),
}

/// A pollable whose readiness is known up front.
struct Flag(bool);

impl Pollable for Flag {
    fn ready(&mut self) -> bool {
        self.0
    }
}

/// A `wasi:io/error`: a message and, for filesystem streams, the errno
/// `filesystem-error-code` reports.
#[derive(Clone, Debug)]
pub struct IoError {
    pub message: String,
    pub code: Option<Errno>,
}

impl Preview2 {
    /// Records a failed stream operation as a `wasi:io/error` resource.
    pub(crate) fn failed(&mut self, message: String, code: Option<Errno>) -> Error {
        match self.push(Resource::Error(IoError { message, code }), None) {
            Ok(id) => Error::Failed(id),
            Err(e) => e,
        }
    }

    fn stream_error(&mut self, e: StreamError) -> Error {
        match e {
            StreamError::Closed => Error::Closed,
            StreamError::Failed(m) => self.failed(m, Some(Errno::Io)),
        }
    }

    fn fs_failed(&mut self, e: Errno) -> Error {
        self.failed(format!("{}: {}", e.code(), e.describe()), Some(e))
    }

    fn input(&mut self, id: u32) -> Result<&mut Input> {
        match self.get_mut(id)? {
            Resource::Input(i) => Ok(i),
            other => Err(wrong_type(id, "input-stream", other)),
        }
    }

    fn output(&mut self, id: u32) -> Result<&mut Output> {
        match self.get_mut(id)? {
            Resource::Output(o) => Ok(o),
            other => Err(wrong_type(id, "output-stream", other)),
        }
    }

    // ---- wasi:io/error ----

    pub fn error_to_debug_string(&self, id: u32) -> Result<String> {
        match self.get(id)? {
            Resource::Error(e) => Ok(e.message.clone()),
            other => Err(wrong_type(id, "error", other)),
        }
    }

    // ---- wasi:io/poll ----

    fn pollable(&self, id: u32) -> Result<Box<dyn Pollable>> {
        match self.get(id)? {
            Resource::Pollable(k) => Ok(self.pollable_of(*k)),
            other => Err(wrong_type(id, "pollable", other)),
        }
    }

    /// The core pollable for a kind of wait (Preview 1's `poll_oneoff`
    /// makes its subscriptions' pollables here, without table entries).
    pub fn pollable_of(&self, kind: PollKind) -> Box<dyn Pollable> {
        match kind {
            PollKind::Deadline(at) => Box::new(Deadline {
                at,
                clocks: self.ctx.clocks.clone(),
            }),
            PollKind::Ready => Box::new(AlwaysReady),
            PollKind::Stdin => Box::new(InputReady(self.ctx.stdio.stdin.clone())),
            PollKind::External(ready) => Box::new(Flag(ready)),
        }
    }

    /// Waits until one of `list` is ready: the one way both previews wait.
    /// Output written before a wait shows while the program waits, so
    /// stdout and stderr are flushed first; then [`io::poll`] blocks,
    /// sleeps or (async mode) says what to await.
    pub fn wait_on(
        &mut self,
        list: &mut [Box<dyn Pollable>],
    ) -> core::result::Result<Vec<usize>, io::Wait> {
        self.flush();
        io::poll(list, &self.ctx.clocks, &self.ctx.blocking)
    }

    /// A pollable the host makes ready later (a JS promise, a fetch, ...).
    pub fn external_pollable(&mut self) -> Result<u32> {
        self.push(Resource::Pollable(PollKind::External(false)), None)
    }

    /// Marks an external pollable ready.
    pub fn resolve_external(&mut self, id: u32) -> Result<()> {
        match self.get_mut(id)? {
            Resource::Pollable(k @ PollKind::External(_)) => {
                *k = PollKind::External(true);
                Ok(())
            }
            other => Err(wrong_type(id, "external pollable", other)),
        }
    }

    pub fn pollable_ready(&self, id: u32) -> Result<bool> {
        Ok(self.pollable(id)?.ready())
    }

    pub fn pollable_block(&mut self, id: u32) -> Result<()> {
        self.poll(&[id]).map(drop)
    }

    /// `poll`: the indexes (into `ids`) of the ready pollables, blocking
    /// until at least one is. An empty list traps, as the spec says. In
    /// async mode ([`Blocking::Async`](io::Blocking)) a poll that would
    /// block is [`Error::Wait`] instead: the JS side awaits and retries.
    pub fn poll(&mut self, ids: &[u32]) -> Result<Vec<u32>> {
        if ids.is_empty() {
            return Err(Error::Trap(
                "wasi-web: poll needs at least one pollable".into(),
            ));
        }
        if ids.len() > MAX_POLL {
            return Err(too_many_pollables(ids.len()));
        }
        let mut list = ids
            .iter()
            .map(|&id| self.pollable(id))
            .collect::<Result<Vec<_>>>()?;
        let ready = self.wait_on(&mut list).map_err(Error::Wait)?;
        Ok(ready.into_iter().map(|i| i as u32).collect())
    }

    // ---- wasi:io/streams: input ----

    /// `read`: up to `len` bytes without waiting (stdin may give none).
    pub fn read(&mut self, id: u32, len: u64) -> Result<Vec<u8>> {
        gather(|sink| self.read_into(id, len, sink))
    }

    /// `read` into a [`Sink`]; returns the count. At most the context's
    /// `max_io` bytes, however many the guest asks for.
    pub fn read_into(&mut self, id: u32, len: u64, sink: Sink) -> Result<u64> {
        let max = len.min(self.ctx.max_io as u64);
        let stdin = self.ctx.stdio.stdin.clone();
        match self.input(id)? {
            Input::File { desc, pos } => {
                let got = {
                    let mut fs = desc.fs_mut();
                    match fs.read_mounted(desc.ino, *pos, max) {
                        // A mounted file: one provider read (`read_mounted`).
                        Some(Ok(data)) if data.is_empty() && max > 0 => return Err(Error::Closed),
                        Some(Ok(data)) => {
                            if !data.is_empty() {
                                sink(data.len() as u64, 0, &data);
                            }
                            Ok(data.len() as u64)
                        }
                        Some(Err(e)) => Err(e),
                        None => {
                            let size = fs.size(desc.ino);
                            if *pos >= size && max > 0 {
                                return Err(Error::Closed);
                            }
                            let n = max.min(size.saturating_sub(*pos));
                            read_file(&mut fs, desc.ino, *pos, n, sink).map(|()| n)
                        }
                    }
                };
                match got {
                    Ok(n) => {
                        *pos += n;
                        Ok(n)
                    }
                    Err(e) => Err(self.fs_failed(e)),
                }
            }
            Input::Stdin => {
                if max == 0 {
                    return Ok(0);
                }
                // A prompt must be out before the program takes its answer.
                self.flush();
                let r = stdin.borrow_mut().read(max as usize);
                match r {
                    Ok(b) => {
                        if !b.is_empty() {
                            sink(b.len() as u64, 0, &b);
                        }
                        Ok(b.len() as u64)
                    }
                    Err(e) => Err(self.stream_error(e)),
                }
            }
        }
    }

    /// `blocking-read`: waits for at least one byte (or the end). In
    /// async mode, stdin with nothing available yet is [`Error::Wait`].
    pub fn blocking_read(&mut self, id: u32, len: u64) -> Result<Vec<u8>> {
        gather(|sink| self.blocking_read_into(id, len, sink))
    }

    /// `blocking-read` into a [`Sink`]; returns the count.
    pub fn blocking_read_into(&mut self, id: u32, len: u64, sink: Sink) -> Result<u64> {
        if matches!(self.input(id)?, Input::Stdin) && len > 0 {
            let mut list = [self.pollable_of(PollKind::Stdin)];
            if let Err(wait) = self.wait_on(&mut list) {
                return Err(Error::Wait(wait));
            }
        }
        self.read_into(id, len, sink)
    }

    pub fn skip(&mut self, id: u32, len: u64) -> Result<u64> {
        if let Input::File { desc, pos } = self.input(id)? {
            let size = desc.size();
            if *pos >= size && len > 0 {
                return Err(Error::Closed);
            }
            let n = len.min(size - *pos);
            *pos += n;
            return Ok(n);
        }
        // Stdin: read and drop, without gathering what is skipped.
        self.read_into(id, len, &mut |_, _, _| {})
    }

    pub fn blocking_skip(&mut self, id: u32, len: u64) -> Result<u64> {
        if matches!(self.input(id)?, Input::Stdin) {
            return self.blocking_read_into(id, len, &mut |_, _, _| {});
        }
        self.skip(id, len)
    }

    /// `subscribe` on an input stream: a pollable that is its child.
    pub fn subscribe_input(&mut self, id: u32) -> Result<u32> {
        let kind = match self.input(id)? {
            Input::File { .. } => PollKind::Ready,
            Input::Stdin => PollKind::Stdin,
        };
        self.push(Resource::Pollable(kind), Some(id))
    }

    // ---- wasi:io/streams: output ----

    /// The most one stream write takes: [`WRITE_BUDGET`], or the
    /// context's `max_io` when that is smaller.
    fn budget(&self) -> u64 {
        WRITE_BUDGET.min(self.ctx.max_io as u64)
    }

    pub fn check_write(&mut self, id: u32) -> Result<u64> {
        let budget = self.budget();
        let r = match self.output(id)? {
            Output::File { .. } => return Ok(budget),
            Output::Stdout => self.ctx.stdio.stdout.check_write(),
            Output::Stderr => self.ctx.stdio.stderr.check_write(),
        };
        match r {
            Ok(n) => Ok((n as u64).min(budget)),
            Err(e) => Err(self.stream_error(e)),
        }
    }

    /// `write`: takes all of `bytes` (the guest asked `check-write` first).
    pub fn write(&mut self, id: u32, bytes: &[u8]) -> Result<()> {
        self.write_from(id, bytes.len() as u64, &mut slice_fill(bytes))
    }

    /// `write` of `len` bytes that `fill` supplies. More than `check-write`
    /// ever grants is a trap, as in wasmtime ("write exceeded budget"),
    /// decided before a byte is copied; file streams copy straight into
    /// the file's storage, stdio through one buffer of at most
    /// [`WRITE_BUDGET`].
    pub fn write_from(&mut self, id: u32, len: u64, fill: Fill) -> Result<()> {
        let budget = self.budget();
        if len > budget {
            // The handle is checked first, so a bad handle says so.
            self.output(id)?;
            return Err(over_budget(len, budget));
        }
        self.write_unbudgeted(id, len, fill)
    }

    /// A write of `len` bytes in pieces of at most what `check-write`
    /// grants, as wasmtime's blocking writes do (so a small `max_io`
    /// shortens no blocking write and traps none).
    fn write_in_pieces(&mut self, id: u32, len: u64, fill: Fill) -> Result<()> {
        let budget = self.budget();
        let mut done = 0;
        loop {
            let n = (len - done).min(budget);
            self.write_unbudgeted(id, n, &mut |at, dst| fill(done + at, dst))?;
            done += n;
            if done == len {
                return Ok(());
            }
        }
    }

    /// A stream `write` of `len` bytes without `check-write`'s budget:
    /// Preview 1's `fd_write`, whose length the context's `max_io` bounds
    /// already, writes to stdout and stderr through this. One write of
    /// the sink per call, however the bytes came.
    pub fn write_unbudgeted(&mut self, id: u32, len: u64, fill: Fill) -> Result<()> {
        let stdout = match self.output(id)? {
            Output::File { desc, pos, append } => {
                let at = if *append { desc.size() } else { *pos };
                let r = desc.fs_mut().write_with(desc.ino, at, len as usize, fill);
                return match r {
                    Ok(()) => {
                        *pos = at + len;
                        Ok(())
                    }
                    Err(e) => Err(self.fs_failed(e)),
                };
            }
            Output::Stdout => true,
            Output::Stderr => false,
        };
        // A small write (a line) is staged on the stack: no heap block per
        // write on the hottest path of a program that prints.
        let mut small = [0u8; 128];
        let mut large = Vec::new();
        let buf = match small.get_mut(..len as usize) {
            Some(buf) => buf,
            None => {
                large.resize(len as usize, 0);
                &mut large[..]
            }
        };
        if let Err(e) = fill(0, buf) {
            return Err(self.fs_failed(e));
        }
        // Flushing the other stream first keeps stdout and stderr in the
        // order the program wrote them.
        let stdio = &mut self.ctx.stdio;
        let r = if stdout {
            let _ = stdio.stderr.flush();
            stdio.stdout.write(buf)
        } else {
            let _ = stdio.stdout.flush();
            stdio.stderr.write(buf)
        };
        r.map_err(|e| self.stream_error(e))
    }

    pub fn flush_stream(&mut self, id: u32) -> Result<()> {
        let r = match self.output(id)? {
            Output::File { .. } => Ok(()),
            Output::Stdout => self.ctx.stdio.stdout.flush(),
            Output::Stderr => self.ctx.stdio.stderr.flush(),
        };
        r.map_err(|e| self.stream_error(e))
    }

    pub fn blocking_write_and_flush(&mut self, id: u32, bytes: &[u8]) -> Result<()> {
        self.blocking_write_and_flush_from(id, bytes.len() as u64, &mut slice_fill(bytes))
    }

    /// `blocking-write-and-flush` of `len` bytes that `fill` supplies; the
    /// length is checked before any is copied.
    pub fn blocking_write_and_flush_from(&mut self, id: u32, len: u64, fill: Fill) -> Result<()> {
        if len > 4096 {
            // The spec's limit for this convenience call (wasmtime traps too).
            return Err(Error::Trap(format!(
                "wasi-web: blocking-write-and-flush takes at most 4096 bytes, not {len}"
            )));
        }
        self.write_in_pieces(id, len, fill)?;
        self.flush_stream(id)
    }

    /// `write-zeroes`: like a `write` of `len` zeros, so more than
    /// `check-write` grants traps (rather than writing fewer zeros than
    /// asked without a word); nothing of size `len` is allocated first.
    pub fn write_zeroes(&mut self, id: u32, len: u64) -> Result<()> {
        self.write_from(id, len, &mut |_, dst| {
            dst.fill(0);
            Ok(())
        })
    }

    pub fn blocking_write_zeroes_and_flush(&mut self, id: u32, len: u64) -> Result<()> {
        if len > WRITE_BUDGET {
            self.output(id)?;
            return Err(over_budget(len, WRITE_BUDGET));
        }
        self.write_in_pieces(id, len, &mut |_, dst| {
            dst.fill(0);
            Ok(())
        })?;
        self.flush_stream(id)
    }

    /// `subscribe` on an output stream: always ready (writes never wait).
    pub fn subscribe_output(&mut self, id: u32) -> Result<u32> {
        self.output(id)?;
        self.push(Resource::Pollable(PollKind::Ready), Some(id))
    }

    /// `splice`: moves up to `len` bytes from `src` to `dst` without waiting.
    pub fn splice(&mut self, dst: u32, src: u32, len: u64) -> Result<u64> {
        let budget = self.check_write(dst)?;
        let bytes = self.read(src, len.min(budget))?;
        self.write(dst, &bytes)?;
        Ok(bytes.len() as u64)
    }

    pub fn blocking_splice(&mut self, dst: u32, src: u32, len: u64) -> Result<u64> {
        let budget = self.check_write(dst)?;
        let bytes = self.blocking_read(src, len.min(budget))?;
        self.write(dst, &bytes)?;
        self.flush_stream(dst)?;
        Ok(bytes.len() as u64)
    }
}

fn too_many_pollables(n: usize) -> Error {
    Error::Trap(format!(
        "wasi-web: poll takes at most {MAX_POLL} pollables, not {n}"
    ))
}
