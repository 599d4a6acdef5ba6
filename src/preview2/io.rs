//! wasi:io — error, poll, streams.
//!
//! Streams are the core's [`InputStream`]/[`OutputStream`] (stdio) or a
//! file [`Descriptor`] at an offset; pollables are the core's
//! [`Pollable`]s, and [`poll`](Preview2::poll) is the core's [`io::poll`].

use super::{wrong_type, Error, Preview2, Resource, Result};
use crate::error::Errno;
use crate::filesystem::Descriptor;
use crate::io::{self, AlwaysReady, Deadline, InputReady, Pollable, StreamError};

/// What `check-write` grants at most, per call.
pub const WRITE_BUDGET: u64 = 1 << 20;

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
        let kind = match self.get(id)? {
            Resource::Pollable(k) => *k,
            other => return Err(wrong_type(id, "pollable", other)),
        };
        Ok(match kind {
            PollKind::Deadline(at) => Box::new(Deadline {
                at,
                clocks: self.ctx.clocks.clone(),
            }),
            PollKind::Ready => Box::new(AlwaysReady),
            PollKind::Stdin => Box::new(InputReady(self.ctx.stdio.stdin.clone())),
            PollKind::External(ready) => Box::new(Flag(ready)),
        })
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

    pub fn pollable_block(&self, id: u32) -> Result<()> {
        self.poll(&[id]).map(drop)
    }

    /// `poll`: the indexes (into `ids`) of the ready pollables, blocking
    /// until at least one is. An empty list traps, as the spec says. In
    /// async mode ([`Blocking::Async`](io::Blocking)) a poll that would
    /// block is [`Error::Wait`] instead: the JS side awaits and retries.
    pub fn poll(&self, ids: &[u32]) -> Result<Vec<u32>> {
        if ids.is_empty() {
            return Err(Error::Trap(
                "wasi-web: poll needs at least one pollable".into(),
            ));
        }
        let mut list = ids
            .iter()
            .map(|&id| self.pollable(id))
            .collect::<Result<Vec<_>>>()?;
        let ready =
            io::poll(&mut list, &self.ctx.clocks, self.ctx.blocking).map_err(Error::Wait)?;
        Ok(ready.into_iter().map(|i| i as u32).collect())
    }

    // ---- wasi:io/streams: input ----

    /// `read`: up to `len` bytes without waiting (stdin may give none).
    pub fn read(&mut self, id: u32, len: u64) -> Result<Vec<u8>> {
        let max = len.min(WRITE_BUDGET * 64) as usize;
        let stdin = self.ctx.stdio.stdin.clone();
        match self.input(id)? {
            Input::File { desc, pos } => {
                let mut out = Vec::new();
                let got = {
                    let mut fs = desc.fs_mut();
                    if *pos >= fs.size(desc.ino) && max > 0 {
                        return Err(Error::Closed);
                    }
                    fs.read_with(desc.ino, *pos, max as u64, |bytes, zeros| {
                        out.extend_from_slice(bytes);
                        out.resize(out.len() + zeros as usize, 0);
                        Ok(())
                    })
                };
                match got {
                    Ok(n) => {
                        *pos += n;
                        Ok(out)
                    }
                    Err(e) => Err(self.fs_failed(e)),
                }
            }
            Input::Stdin => {
                if max == 0 {
                    return Ok(Vec::new());
                }
                let r = stdin.borrow_mut().read(max);
                match r {
                    Ok(b) => Ok(b.to_vec()),
                    Err(e) => Err(self.stream_error(e)),
                }
            }
        }
    }

    /// `blocking-read`: waits for at least one byte (or the end). In
    /// async mode, stdin with nothing available yet is [`Error::Wait`].
    pub fn blocking_read(&mut self, id: u32, len: u64) -> Result<Vec<u8>> {
        if matches!(self.input(id)?, Input::Stdin) && len > 0 {
            let mut list: Vec<Box<dyn Pollable>> =
                vec![Box::new(InputReady(self.ctx.stdio.stdin.clone()))];
            if let Err(wait) = io::poll(&mut list, &self.ctx.clocks, self.ctx.blocking) {
                return Err(Error::Wait(wait));
            }
        }
        self.read(id, len)
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
        self.read(id, len).map(|b| b.len() as u64)
    }

    pub fn blocking_skip(&mut self, id: u32, len: u64) -> Result<u64> {
        if matches!(self.input(id)?, Input::Stdin) {
            return self.blocking_read(id, len).map(|b| b.len() as u64);
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

    pub fn check_write(&mut self, id: u32) -> Result<u64> {
        let r = match self.output(id)? {
            Output::File { .. } => return Ok(WRITE_BUDGET),
            Output::Stdout => self.ctx.stdio.stdout.check_write(),
            Output::Stderr => self.ctx.stdio.stderr.check_write(),
        };
        match r {
            Ok(n) => Ok((n as u64).min(WRITE_BUDGET)),
            Err(e) => Err(self.stream_error(e)),
        }
    }

    /// `write`: takes all of `bytes` (the guest asked `check-write` first).
    pub fn write(&mut self, id: u32, bytes: &[u8]) -> Result<()> {
        let r = match self.output(id)? {
            Output::File { desc, pos, append } => {
                let at = if *append { desc.size() } else { *pos };
                let r = desc.fs_mut().write(desc.ino, at, bytes);
                match r {
                    Ok(()) => {
                        *pos = at + bytes.len() as u64;
                        return Ok(());
                    }
                    Err(e) => return Err(self.fs_failed(e)),
                }
            }
            Output::Stdout => self.ctx.stdio.stdout.write(bytes),
            Output::Stderr => self.ctx.stdio.stderr.write(bytes),
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
        if bytes.len() as u64 > 4096 {
            // The spec's limit for this convenience call.
            return Err(Error::Trap(
                "wasi-web: blocking-write-and-flush takes at most 4096 bytes".into(),
            ));
        }
        self.write(id, bytes)?;
        self.flush_stream(id)
    }

    pub fn write_zeroes(&mut self, id: u32, len: u64) -> Result<()> {
        let zeros = vec![0u8; len.min(WRITE_BUDGET * 64) as usize];
        self.write(id, &zeros)
    }

    pub fn blocking_write_zeroes_and_flush(&mut self, id: u32, len: u64) -> Result<()> {
        self.write_zeroes(id, len)?;
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
