//! wasi:io — the three small traits every stream and pollable implements,
//! after wasmtime-wasi-io: `Pollable::ready`, `InputStream::read`,
//! `OutputStream::{check_write, write, flush}`.

use crate::clocks::Clocks;
use bytes::Bytes;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// The stream has ended (EOF) or was closed.
    Closed,
    /// The last operation failed; the text says why.
    Failed(String),
}

pub type StreamResult<T> = Result<T, StreamError>;

pub trait Pollable {
    /// Whether waiting on it would return at once. Answers synchronously.
    fn ready(&mut self) -> bool;
    /// A monotonic-clock deadline, for pollables that are timers.
    fn deadline(&self) -> Option<u64> {
        None
    }
    /// Whether new input could make it ready (so a waiter awaits stdin).
    fn waits_on_input(&self) -> bool {
        false
    }
}

pub trait InputStream {
    /// Up to `max` bytes; empty means none are available right now.
    fn read(&mut self, max: usize) -> StreamResult<Bytes>;
    /// Bytes that a read would return without waiting, if known.
    fn available(&self) -> u64 {
        0
    }
    /// Whether a read would return data or end-of-stream without waiting.
    fn ready(&mut self) -> bool {
        true
    }
}

pub trait OutputStream {
    /// How many bytes `write` accepts now.
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(usize::MAX)
    }
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()>;
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
}

/// A timer pollable on a program's monotonic clock.
pub struct Deadline {
    pub at: u64,
    pub clocks: Clocks,
}

impl Pollable for Deadline {
    fn ready(&mut self) -> bool {
        self.clocks.monotonic() >= self.at
    }
    fn deadline(&self) -> Option<u64> {
        Some(self.at)
    }
}

/// A pollable that is always ready (regular files, output to the console).
pub struct AlwaysReady;

impl Pollable for AlwaysReady {
    fn ready(&mut self) -> bool {
        true
    }
}

/// Ready when an input stream has data or has ended.
pub struct InputReady(pub SharedInput);

impl Pollable for InputReady {
    fn ready(&mut self) -> bool {
        self.0.borrow_mut().ready()
    }
    fn waits_on_input(&self) -> bool {
        true
    }
}

/// An input stream shared between its fd and the pollables that watch it.
pub type SharedInput = Rc<RefCell<Box<dyn InputStream>>>;

/// Blocks the calling thread until input may have arrived (worker mode:
/// the page feeds stdin over a SharedArrayBuffer while the worker waits).
pub trait BlockOnInput {
    /// Returns when input may have arrived or `timeout` nanoseconds have
    /// passed (`None`: no limit). It may return early: callers check again.
    fn block_on_input(&self, timeout: Option<u64>);
}

/// How a call that must wait does so: the embedder chooses (the bindings,
/// from the options JS gives) and passes it to the context builder.
#[derive(Clone)]
pub enum Blocking {
    /// Block the thread: sleep until a deadline. Nothing can arrive on
    /// stdin meanwhile (the thread that would deliver it is the one
    /// blocked), so a wait on input alone returns at once.
    Sync,
    /// Block the thread, and input can arrive meanwhile: waits on input go
    /// through the `BlockOnInput` (a worker, fed by the page).
    Worker(Rc<dyn BlockOnInput>),
    /// Return [`Wait`]: the JS side awaits the promises (JSPI) and retries.
    Async,
}

impl Blocking {
    pub fn is_async(&self) -> bool {
        matches!(self, Blocking::Async)
    }
}

/// Same mode (and, for workers, the same waiter).
impl PartialEq for Blocking {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Blocking::Sync, Blocking::Sync) | (Blocking::Async, Blocking::Async) => true,
            (Blocking::Worker(a), Blocking::Worker(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Blocking::Sync => "Sync",
            Blocking::Worker(_) => "Worker",
            Blocking::Async => "Async",
        })
    }
}

/// What an async caller must await before retrying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wait {
    /// Monotonic deadline, if a timer is among the pollables.
    pub deadline: Option<u64>,
    /// Whether new input (stdin data) would make progress.
    pub input: bool,
    /// When the waiting call first ran: its retry measures relative
    /// timeouts from here, so they do not restart on every retry.
    pub since: u64,
}

/// Returns the indexes of the ready pollables, waiting until there is one.
/// Virtual clocks jump to the next deadline; `Async` returns what to await
/// instead of blocking.
pub fn poll(
    list: &mut [Box<dyn Pollable + '_>],
    clocks: &Clocks,
    mode: &Blocking,
) -> Result<Vec<usize>, Wait> {
    loop {
        let ready: Vec<usize> = (0..list.len()).filter(|&i| list[i].ready()).collect();
        if !ready.is_empty() || list.is_empty() {
            return Ok(ready);
        }
        let deadline = list.iter().filter_map(|p| p.deadline()).min();
        let input = list.iter().any(|p| p.waits_on_input());
        match (deadline, mode) {
            (Some(d), _) if clocks.is_virtual() && !(input && mode.is_async()) => {
                clocks.advance_to(d)
            }
            (_, Blocking::Async) => {
                return Err(Wait {
                    deadline,
                    input,
                    since: clocks.monotonic(),
                })
            }
            (_, Blocking::Worker(waiter)) if input => {
                waiter.block_on_input(deadline.map(|d| d.saturating_sub(clocks.monotonic())));
            }
            (Some(d), _) => clocks.wait_until(d),
            // Nothing can become ready while we block the only thread.
            (None, _) => return Ok(ready),
        }
    }
}

#[cfg(test)]
#[path = "io_tests.rs"]
mod tests;
